// Scores every attention head of a run by one number, so a figure can rank them: attention from
// one token to another (which heads send "it" to "cat"), and the specialisations the teaching
// material asks about (previous-token, first-token sink, duplicate-token and induction heads).
import type { AttentionSource } from '../data.js';

/** A head with its score; `layer`/`head` index the model, as in `source.attention(layer, head)`. */
export interface RankedHead {
  layer: number;
  head: number;
  score: number;
}

/** The specialisation scores a figure's `score` attribute can name. */
export const HEAD_SCORES = {
  'previous-token': previousTokenScore,
  'first-token': bosScore,
  'duplicate-token': duplicateTokenScore,
  induction: inductionScore,
} as const satisfies Record<string, (source: AttentionSource) => Float32Array>;

export type HeadScoreKind = keyof typeof HEAD_SCORES;

/** Attention from position `from` to position `to` in every head, as `[layer * nHead + head]`. */
export function tokenToTokenScores(source: AttentionSource, from: number, to: number): Float32Array {
  const T = source.tokens.length;
  return perHead(source, (pattern) => pattern[from * T + to]);
}

/**
 * The `k` best heads, best first; NaN scores (no position the score is defined on) are left out.
 * @example rankHeads(tokenToTokenScores(source, 7, 1), 5, source.nHead) // [{ layer: 5, head: 1, score: 0.8 }, …]
 */
export function rankHeads(scores: Float32Array, k: number, nHead: number): RankedHead[] {
  const order: number[] = [];
  scores.forEach((score, i) => Number.isNaN(score) || order.push(i));
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, k).map((i) => ({ layer: Math.floor(i / nHead), head: i % nHead, score: scores[i] }));
}

/**
 * Position of a token given as its text (matched on trimmed text) or as a position number.
 * Without `before` it is the last occurrence (the query of an "it → cat" search); with `before`,
 * the earliest occurrence before that position (the antecedent). -1 when there is none.
 * @example findTokenPosition(['The', ' cat', ' sat'], 'cat') // 1
 */
export function findTokenPosition(tokens: string[], text: string, options: { before?: number } = {}): number {
  const wanted = text.trim();
  const end = Math.min(options.before ?? tokens.length, tokens.length);
  if (/^\d+$/.test(wanted)) return Number(wanted) < end ? Number(wanted) : -1;
  const matches = (i: number) => tokens[i].trim() === wanted;
  if (options.before === undefined) return tokens.findLastIndex((_, i) => matches(i));
  for (let i = 0; i < end; i++) if (matches(i)) return i;
  return -1;
}

/** Mean attention of each query to the token just before it (queries 1…T-1). */
export function previousTokenScore(source: AttentionSource): Float32Array {
  return meanOverQueries(source, (q) => (q > 0 ? [q - 1] : []));
}

/**
 * Mean attention to position 0, the "attention sink" many heads park on. Query 0 is left out: it
 * can attend nowhere else, so it would lift every head alike.
 */
export function bosScore(source: AttentionSource): Float32Array {
  return meanOverQueries(source, (q) => (q > 0 ? [0] : []));
}

/** Mean attention to earlier occurrences of the query's own token, over queries that have one. */
export function duplicateTokenScore(source: AttentionSource): Float32Array {
  const earlier = earlierOccurrences(source.tokens);
  return meanOverQueries(source, (q) => earlier[q]);
}

/**
 * Mean attention to the token that followed an earlier occurrence of the query's token (…A B … A
 * attends to B), over queries that have such a token before themselves.
 */
export function inductionScore(source: AttentionSource): Float32Array {
  const earlier = earlierOccurrences(source.tokens);
  return meanOverQueries(source, (q) => earlier[q].map((j) => j + 1).filter((k) => k < q));
}

/** For each position, the earlier positions holding the same token. */
function earlierOccurrences(tokens: string[]): number[][] {
  const seen = new Map<string, number[]>();
  return tokens.map((token, q) => {
    const before = seen.get(token) ?? [];
    seen.set(token, [...before, q]);
    return before;
  });
}

/**
 * Per head, the mean over queries of the attention summed over the keys `targets(q)`; queries with
 * no target are skipped, and a head with no such query scores NaN.
 */
function meanOverQueries(source: AttentionSource, targets: (q: number) => number[]): Float32Array {
  const T = source.tokens.length;
  const keys = source.tokens.map((_, q) => targets(q));
  const queries = keys.flatMap((k, q) => (k.length ? [q] : []));
  return perHead(source, (pattern) => {
    let total = 0;
    for (const q of queries) for (const k of keys[q]) total += pattern[q * T + k];
    return total / queries.length;
  });
}

function perHead(source: AttentionSource, score: (pattern: Float32Array) => number): Float32Array {
  const out = new Float32Array(source.nLayer * source.nHead);
  for (let l = 0; l < source.nLayer; l++) for (let h = 0; h < source.nHead; h++) out[l * source.nHead + h] = score(source.attention(l, h));
  return out;
}

/**
 * The `k` keys one query of one head attends to most, heaviest first; keys with no weight are
 * left out (a query near the start has few).
 */
export function topKeys(source: AttentionSource, layer: number, head: number, query: number, k: number): { position: number; weight: number }[] {
  const T = source.tokens.length;
  const row = source.attention(layer, head).subarray(query * T, query * T + T);
  const keys = Array.from(row.keys()).filter((key) => row[key] > 0);
  keys.sort((a, b) => row[b] - row[a] || a - b);
  return keys.slice(0, k).map((position) => ({ position, weight: row[position] }));
}
