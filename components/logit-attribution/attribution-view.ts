// What a <logit-attribution> shows, however the attribution came (a run or data mode): one row per
// component in the order asked, the axis they share with the total, and whether they add up to it.
import { scaleLinear } from 'd3-scale';
import { XrayError } from '../../src/errors.js';
import type { HeadRef } from '../../src/selection.js';
import { decimal, quote } from '../shared/format.js';

export const ORDERS = ['model', 'sorted'] as const;
export type AttributionOrder = (typeof ORDERS)[number];

/** An attribution with what the figure says about it: the metric, the position, the tokens. */
export interface AttributionResult {
  /** TransformerLens labels: decompose_resid's (`embed`, `0_attn_out`, …) or stack_head_results' (`L0H0`, …). */
  labels: string[];
  values: Float32Array | Float64Array;
  /** The logit difference (or the answer's logit) the values explain, as the model computed it. */
  total: number;
  tokens: string[];
  answer?: string;
  wrong?: string;
  /** The position whose next-token prediction is explained. */
  position?: number;
  truncated: boolean;
}

export interface Row {
  label: string;
  value: number;
  /** Its place in model order. */
  index: number;
  /** The head it is, for `LlHh` rows. */
  head?: HeadRef;
}

export interface AttributionView {
  rows: Row[];
  total: number;
  /** The values added up in float64, to be compared with `total`. */
  sum: number;
  /** Where a value sits across the bar track, from 0 (left) to 1 (right); 0 itself is at `x(0)`. */
  x: (value: number) => number;
  ticks: { value: number; text: string }[];
}

/** The sum of the bars against the total, in words, and whether they agree within float32 rounding. */
export interface SumCheck {
  agrees: boolean;
  text: string;
}

const HEAD_LABEL = /^L(\d+)H(\d+)$/;

/** The rows in `order` (sorted: the largest effect first, whatever its sign), on an axis that holds every bar and the total. */
export function attributionView(result: AttributionResult, order: string): AttributionView {
  if (!(ORDERS as readonly string[]).includes(order)) throw new XrayError('bad-option', `order="${order}" is not valid: use one of ${ORDERS.join(', ')}.`);
  const rows: Row[] = result.labels.map((label, index) => ({ label, value: result.values[index], index, head: headOf(label) }));
  // Array.prototype.sort is stable: equal effects keep model order.
  if (order === 'sorted') rows.sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  let sum = 0;
  for (const value of result.values) sum += value;
  const extent = [0, result.total, ...result.values];
  let [low, high] = [Math.min(...extent), Math.max(...extent)];
  if (low === high) [low, high] = [-1, 1];
  const scale = scaleLinear().domain([low, high]).range([0, 1]).nice(5);
  const format = scale.tickFormat(5);
  return { rows, total: result.total, sum, x: (value) => scale(value), ticks: scale.ticks(5).map((value) => ({ value, text: format(value) })) };
}

/** Words and tokens: the tokens are kept apart so that a page can keep each one on one line. */
export type Phrase = (string | { token: string })[];

/** "logit[“ Mary”] − logit[“ John”]", or "logit[“ Mary”]" without a wrong token; "the logit difference" when data mode names neither. */
export function metricPhrase({ answer, wrong }: Pick<AttributionResult, 'answer' | 'wrong'>): Phrase {
  if (answer === undefined) return ['the logit difference'];
  return wrong === undefined ? ['logit[', { token: answer }, ']'] : ['logit[', { token: answer }, '] − logit[', { token: wrong }, ']'];
}

/** "Direct logit attribution of logit[“ Mary”] − logit[“ John”] at position 14, after “ to”". */
export function titlePhrase(result: AttributionResult): Phrase {
  const { tokens, position } = result;
  const where: Phrase = position !== undefined && tokens[position] !== undefined ? [` at position ${position}, after `, { token: tokens[position] }] : [];
  return ['Direct logit attribution of ', ...metricPhrase(result), ...where];
}

/** A phrase as plain text, its tokens quoted. */
export function phraseText(phrase: Phrase): string {
  return phrase.map((part) => (typeof part === 'string' ? part : quote(part.token))).join('');
}

/**
 * "Σ bars = 3.142 = logit difference 3.142", with the difference itself when it is not exactly 0
 * (float32 sums of ~170 values are off in the sixth digit), and "≠" when the bars miss part of the
 * total (e.g. a data-mode export without the ln_final_bias row).
 */
export function sumCheck(sum: number, total: number, result: Pick<AttributionResult, 'answer' | 'wrong'>): SumCheck {
  const name = result.wrong === undefined && result.answer !== undefined ? phraseText(metricPhrase(result)) : 'logit difference';
  const difference = sum - total;
  const agrees = Math.abs(difference) <= 1e-3 * Math.max(1, Math.abs(total));
  if (!agrees) return { agrees, text: `Σ bars = ${decimal(sum)} ≠ ${name} ${decimal(total)}: the bars leave out ${signed(-difference)}.` };
  const rounding = difference === 0 ? 'exactly' : `they differ by ${Math.abs(difference).toExponential(1)}, float rounding`;
  return { agrees, text: `Σ bars = ${decimal(sum)} = ${name} ${decimal(total)} (${rounding})` };
}

/** A component in words, for screen readers and tooltips: `L1H0` is "layer 1, head 0". */
export function describeLabel(label: string): string {
  const head = HEAD_LABEL.exec(label);
  if (head) return `layer ${head[1]}, head ${head[2]}`;
  const block = /^(\d+)_(attn_out|mlp_out|attn_bias)$/.exec(label);
  if (block) return `layer ${block[1]} ${{ attn_out: 'attention (all heads and bias)', mlp_out: 'MLP', attn_bias: 'attention output bias' }[block[2]]}`;
  return { embed: 'token embedding', pos_embed: 'position embedding', ln_final_bias: 'final layer norm bias' }[label] ?? label;
}

/** A value with its sign, minus as U+2212: "+3.214", "−0.120". */
export function signed(value: number): string {
  return `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(3)}`;
}

function headOf(label: string): HeadRef | undefined {
  const match = HEAD_LABEL.exec(label);
  return match ? { layer: Number(match[1]), head: Number(match[2]) } : undefined;
}
