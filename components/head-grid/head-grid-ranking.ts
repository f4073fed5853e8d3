// Turns a <head-grid>'s ranking attributes into scores and words: which tokens were found, what
// the scores mean, and why there are none when there are none.
import { findTokenPosition, HEAD_SCORES, rankHeads, tokenToTokenScores, type HeadScoreKind, type RankedHead } from '../../src/analysis/head-scores.js';
import type { AttentionSource } from '../../src/data.js';
import { XrayError } from '../../src/errors.js';
import type { HeadRef } from '../../src/selection.js';

/** How many heads the ranked list shows. */
export const TOP_HEADS = 5;
/** How many tokens a "not found" notice lists before it says how many more there are. */
const LISTED_TOKENS = 40;

const NEEDS: Record<HeadScoreKind, string> = {
  'previous-token': 'at least two tokens',
  'first-token': 'at least two tokens',
  'duplicate-token': 'a token that occurs twice',
  induction: 'a token that occurs twice with another token between',
};

export interface Ranking {
  /** What the scores measure, in words. */
  title: string;
  /** Per head of the model, `[layer * nHead + head]`; NaN for heads not shown. */
  scores: Float32Array;
  top: RankedHead[];
  /** The query position the ranking is about, if it is about one. */
  query?: number;
}

export interface RankingRequest {
  source: AttentionSource;
  /** The heads shown; the others are not ranked. */
  heads: HeadRef[];
  fromToken?: string;
  toToken?: string;
  score?: string;
}

/** The ranking asked for, or a notice saying why there is none; both undefined when none is asked. */
export function rankingFor({ source, heads, fromToken, toToken, score }: RankingRequest): { ranking?: Ranking; notice?: string } {
  if (fromToken || toToken) return tokenRanking(source, heads, fromToken, toToken);
  if (!score) return {};
  if (!(score in HEAD_SCORES)) throw new XrayError('bad-option', `Unknown score "${score}": use one of ${Object.keys(HEAD_SCORES).join(', ')}.`);
  const kind = score as HeadScoreKind;
  const ranking = ranked(source, heads, HEAD_SCORES[kind](source), `Heads with the highest ${kind} score`);
  return ranking.top.length ? { ranking } : { notice: `No head has a ${kind} score: that needs ${NEEDS[kind]}.` };
}

/** A token as the reader sees it, quoted so that its spaces show. */
export const quote = (token: string): string => `“${token}”`;

function tokenRanking(source: AttentionSource, heads: HeadRef[], fromToken?: string, toToken?: string): { ranking?: Ranking; notice?: string } {
  if (!fromToken || !toToken) return { notice: 'Set both from-token and to-token to rank the heads by the attention from one token to the other.' };
  const { tokens } = source;
  const from = findTokenPosition(tokens, fromToken);
  if (from < 0) return { notice: notFound(fromToken, tokens) };
  const to = findTokenPosition(tokens, toToken, { before: from });
  if (to < 0) {
    if (findTokenPosition(tokens, toToken) < 0) return { notice: notFound(toToken, tokens) };
    return { notice: `${quote(toToken)} does not occur before ${quote(fromToken)} (position ${from}): a head attends only to earlier tokens.` };
  }
  const title = `Heads that send ${quote(tokens[from])} (position ${from}) to ${quote(tokens[to])} (position ${to})`;
  return { ranking: { ...ranked(source, heads, tokenToTokenScores(source, from, to), title), query: from } };
}

function ranked(source: AttentionSource, heads: HeadRef[], all: Float32Array, title: string): Ranking {
  const scores = new Float32Array(all.length).fill(NaN);
  for (const { layer, head } of heads) scores[layer * source.nHead + head] = all[layer * source.nHead + head];
  return { title, scores, top: rankHeads(scores, TOP_HEADS, source.nHead) };
}

function notFound(text: string, tokens: string[]): string {
  const listed = tokens.slice(0, LISTED_TOKENS).map(quote).join(', ');
  const more = tokens.length > LISTED_TOKENS ? ` and ${tokens.length - LISTED_TOKENS} more` : '';
  return `No token ${quote(text)} in the text (a number means a position). Its tokens are: ${listed}${more}.`;
}
