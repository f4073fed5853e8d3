// Data mode of <next-token>: the last position's logits exported from TransformerLens, checked with
// errors that say where they do not fit.
import { XrayError } from '../../src/errors.js';
import type { NextTokenSource } from './next-token-view.js';

/**
 * The next-token prediction at the last position of `tokens`: `logits` is `model(tokens)[0, -1]`,
 * the whole vocabulary or its top N (then `ids` says whose they are).
 */
export interface NextTokenData {
  /** The prompt's tokens, e.g. `["The", " cat", " sat"]`. */
  tokens: string[];
  /** The last position's logits (before softmax): all of the vocabulary in id order, or a subset with `ids`. */
  logits: number[];
  /** For a subset: each logit's vocabulary id (`logits[i]` is token `ids[i]`'s). */
  ids?: number[];
  /** Each logit's token text (`vocab[i]` for `logits[i]`), e.g. `" mat"`; without it the bars show ids (`#2603`). */
  vocab?: string[];
  /** log P(tokens[t + 1] | tokens[..t]) for t = 0 … T − 2 (natural log): the strip of surprisal. */
  tokenLogProbs?: number[];
}

export function sourceFromData(data: NextTokenData): NextTokenSource {
  const { tokens, logits, ids, vocab, tokenLogProbs } = data ?? {};
  if (!Array.isArray(tokens) || tokens.length === 0 || tokens.some((t) => typeof t !== 'string')) throw bad('data.tokens must be a non-empty list of strings.');
  if (!Array.isArray(logits) || logits.length < 2) throw bad('data.logits must be a list of the last position’s logits, two or more: model(tokens)[0, -1].');
  const at = logits.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (at >= 0) throw bad(`data.logits[${at}] is not a finite number.`);
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length !== logits.length)
      throw bad(`data.ids must have one vocabulary id per logit: it has ${Array.isArray(ids) ? ids.length : 'no'} ids for ${logits.length} logits.`);
    const wrong = ids.findIndex((id) => !Number.isInteger(id) || id < 0);
    if (wrong >= 0) throw bad(`data.ids[${wrong}] is not a vocabulary id (a whole number from 0).`);
    if (new Set(ids).size !== ids.length) throw bad('data.ids has the same id twice: each logit must be a different token’s.');
  }
  if (vocab !== undefined && (!Array.isArray(vocab) || vocab.length !== logits.length || vocab.some((t) => typeof t !== 'string'))) {
    throw bad(`data.vocab must have one token text per logit: it has ${Array.isArray(vocab) ? vocab.length : 'no'} for ${logits.length} logits.`);
  }
  if (tokenLogProbs !== undefined) {
    if (!Array.isArray(tokenLogProbs) || tokenLogProbs.length !== tokens.length - 1) {
      throw bad(`data.tokenLogProbs must have one value per token after the first: it has ${Array.isArray(tokenLogProbs) ? tokenLogProbs.length : 'no'} for ${tokens.length} tokens.`);
    }
    const off = tokenLogProbs.findIndex((x) => typeof x !== 'number' || !(x <= 0));
    if (off >= 0) throw bad(`data.tokenLogProbs[${off}] is not a log probability (a number ≤ 0).`);
  }
  const values = Float32Array.from(logits);
  // Most likely first, ties in id order: temperature and the filters keep this order.
  const order = [...values.keys()].sort((a, b) => values[b] - values[a] || a - b);
  return {
    tokens,
    logits: values,
    candidates: order.map((index) => ({ index, id: ids?.[index] ?? index, token: vocab?.[index] })),
    subset: ids !== undefined,
    logProbs: tokenLogProbs && Float32Array.from(tokenLogProbs),
    truncated: false,
  };
}

const bad = (message: string) => new XrayError('bad-option', message);
