// Data mode of <logit-attribution>: one attribution exported from TransformerLens, checked with
// errors that say where it does not fit.
import { XrayError } from '../../src/errors.js';
import type { AttributionResult } from './attribution-view.js';

/**
 * Direct logit attribution at one position: `values[i]` is component `labels[i]`'s share of `total`
 * (decompose_resid or stack_head_results labels, e.g. `embed`, `0_attn_out`, `L0H0`, `ln_final_bias`).
 */
export interface LogitAttributionData {
  labels: string[];
  values: number[];
  /** logit[answer] − logit[wrong] (or logit[answer]) as the model computed it. */
  total: number;
  /** The prompt's tokens, and the position whose prediction is explained (default: the last). */
  tokens?: string[];
  position?: number;
  /** The answer and wrong tokens' text, e.g. `" Mary"`, for the title. */
  answer?: string;
  wrong?: string;
}

export function attributionFromData(data: LogitAttributionData): AttributionResult {
  const { labels, values, total, tokens = [], position, answer, wrong } = data ?? {};
  if (!Array.isArray(labels) || labels.length === 0 || labels.some((l) => typeof l !== 'string')) throw bad('data.labels must be a non-empty list of strings.');
  if (!Array.isArray(values) || values.length !== labels.length)
    throw bad(`data.values must have one number per label: it has ${Array.isArray(values) ? values.length : 'no'} values for ${labels.length} labels.`);
  const at = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (at >= 0) throw bad(`data.values[${at}] (${labels[at]}) is not a finite number.`);
  if (typeof total !== 'number' || !Number.isFinite(total)) throw bad('data.total must be a finite number: the logit difference the values add up to.');
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) throw bad('data.tokens must be a list of strings.');
  if (position !== undefined && !(Number.isInteger(position) && position >= 0 && (tokens.length === 0 || position < tokens.length))) {
    throw bad(`data.position ${position} is not a position of the ${tokens.length} tokens.`);
  }
  checkTokenText('answer', answer);
  checkTokenText('wrong', wrong);
  return { labels, values: Float64Array.from(values), total, tokens, position: position ?? (tokens.length ? tokens.length - 1 : undefined), answer, wrong, truncated: false };
}

function checkTokenText(name: string, token: unknown): void {
  if (token !== undefined && typeof token !== 'string') throw bad(`data.${name} must be the token's text, e.g. " Mary".`);
}

const bad = (message: string) => new XrayError('bad-option', message);
