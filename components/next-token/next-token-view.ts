// What a <next-token> shows, however the logits came (a run or data mode): the top candidates' bars
// under the sampling distribution that generation draws from, what the filters rule out, in words,
// and the text's own tokens by surprisal.
import { formatPercent } from '../../src/analysis/logit-lens.js';
import { samplingDistribution, type SamplingOptions } from '../../src/sampling.js';
import { quote } from '../shared/format.js';

/** A token that may get a bar: `index` into the logits, its vocabulary id and its text if known. */
export interface Candidate {
  index: number;
  id: number;
  token?: string;
}

/** The last position's logits and what the figure says about them. */
export interface NextTokenSource {
  /** The text's tokens; the prediction is of the token after the last. */
  tokens: string[];
  logits: Float32Array;
  /** At least the shown ones, by logit, most likely first: the order every temperature and filter keeps. */
  candidates: Candidate[];
  /** The logits are a subset of the vocabulary (data mode with ids): probabilities are over them alone. */
  subset: boolean;
  /** log P(tokens[t + 1] | tokens[..t]), when known. */
  logProbs?: Float32Array;
  truncated: boolean;
}

export interface Bar {
  id: number;
  token?: string;
  /** Its probability under the sampling distribution. */
  prob: number;
  /** Whether it can be drawn at these settings (probability above 0). */
  drawable: boolean;
  /** The token a generation step drew. */
  drawn?: boolean;
}

export interface BarsView {
  bars: Bar[];
  /** How many tokens of the whole distribution can be drawn. */
  drawable: number;
  /** How many tokens the distribution is over. */
  size: number;
}

/** Surprisal at or above this many bits gets the darkest colour: about a uniform guess over GPT-2's 50,257 tokens. */
export const MAX_BITS = 16;

/**
 * The top `k` candidates' bars under `samplingDistribution(logits, options)`, the one generation
 * draws from; the order is the logits' (temperature never reorders, filters only zero), so nothing
 * is sorted here.
 */
export function nextTokenBars(source: NextTokenSource, k: number, options: SamplingOptions): BarsView {
  const probs = samplingDistribution(source.logits, options);
  let drawable = 0;
  for (const p of probs) if (p > 0) drawable++;
  const bars = source.candidates.slice(0, k).map(({ index, id, token }) => ({ id, token, prob: probs[index], drawable: probs[index] > 0 }));
  return { bars, drawable, size: probs.length };
}

/** Why some bars are greyed, in words; undefined when every token can be drawn. */
export function filterNote({ drawable, size }: BarsView, { temperature = 1, topK, topP }: SamplingOptions): string | undefined {
  if (temperature === 0) return 'Temperature 0 is greedy: only the most likely token can be drawn; the greyed ones cannot.';
  if (drawable === size) return undefined;
  const filters = [topK === undefined ? '' : `top-k ${topK}`, topP === undefined || topP === 1 ? '' : `top-p ${topP}`].filter(Boolean);
  const of = `${count(drawable)} of the ${count(size)} tokens`;
  if (filters.length === 0) return `At temperature ${temperature} only ${of} have a probability above 0 (the rest round to 0); the greyed ones cannot be drawn.`;
  return `${filters.join(' and ')} ${filters.length > 1 ? 'keep' : 'keeps'} ${of}; the greyed ones cannot be drawn.`;
}

/** The sampling settings in words: "temperature 0.70, top-k 5, top-p off". */
export function settingsText({ temperature = 1, topK, topP }: SamplingOptions): string {
  return `temperature ${temperature.toFixed(2)}, top-k ${topK ?? 'off'}, top-p ${topP ?? 'off'}`;
}

/** A bar's token as the reader sees it: quoted text, or `#id` when the data gave no text. */
export function tokenLabel({ token, id }: { token?: string; id: number }): string {
  return token === undefined ? `#${id}` : quote(token);
}

/** A bar's value in words for screen readers and the export. */
export function barText(bar: Bar): string {
  return bar.drawable ? formatPercent(bar.prob) : 'cannot be drawn';
}

/** Each token's surprisal in bits, −log₂ P(token | the tokens before it); nothing predicts the first. */
export function surprisalBits(logProbs: Float32Array): number[] {
  return Array.from(logProbs, (lp) => -lp / Math.LN2);
}

/** A token's surprisal in words, for its tooltip and screen readers. */
export function describeSurprisal(token: string, position: number, bits: number | undefined): string {
  if (bits === undefined) return `${quote(token)}, position ${position}: the first token; nothing before it predicts it.`;
  return `${quote(token)}, position ${position}: ${bits.toFixed(2)} bits (P = ${formatPercent(2 ** -bits)})`;
}

/** 50257 as "50,257". */
function count(n: number): string {
  return n.toLocaleString('en-US');
}
