// Next-token sampling as Hugging Face's generate applies it: temperature, then top-k, then top-p
// (the nucleus), each keeping ties, then one draw. Softmax is log-sum-exp stable at any temperature.
import { XrayError } from './errors.js';
import type { Random } from './random.js';

export interface SamplingOptions {
  /** 0 is greedy (the argmax); otherwise logits are divided by it (default 1). */
  temperature?: number;
  /** Keep only the k most likely tokens (and any tied with the k-th); off when absent. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose mass reaches p (0 < p ≤ 1); off when absent. */
  topP?: number;
}

/** Checks the options once, in words, before any pass. */
export function checkSampling({ temperature = 1, topK, topP }: SamplingOptions): void {
  if (!Number.isFinite(temperature) || temperature < 0) throw new XrayError('bad-option', `temperature must be 0 (greedy) or more, not ${temperature}.`);
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) throw new XrayError('bad-option', `topK must be a whole number of at least 1, not ${topK}.`);
  if (topP !== undefined && !(topP > 0 && topP <= 1)) throw new XrayError('bad-option', `topP must be more than 0 and at most 1, not ${topP}.`);
}

/** The distribution a token is drawn from, over the whole vocabulary: zeros outside what the filters keep. */
export function samplingDistribution(logits: Float32Array, options: SamplingOptions = {}): Float32Array {
  checkSampling(options);
  const { temperature = 1, topK, topP } = options;
  const probs = new Float32Array(logits.length);
  if (temperature === 0) {
    probs[argmax(logits)] = 1;
    return probs;
  }
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += probs[i] = Math.exp((logits[i] - max) / temperature);
  scale(probs, 1 / sum);
  if (topK !== undefined && topK < probs.length) keepAtLeast(probs, descending(probs)[topK - 1]);
  if (topP !== undefined && topP < 1) {
    const sorted = descending(probs);
    let mass = 0;
    let threshold = sorted[0];
    for (const p of sorted) {
      threshold = p;
      if ((mass += p) >= topP) break;
    }
    keepAtLeast(probs, threshold);
  }
  return probs;
}

/** Draws a token id from a distribution (non-negative weights). */
export function drawToken(probs: Float32Array, random: Random): number {
  let total = 0;
  for (const p of probs) total += p;
  let u = random() * total;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    last = i;
    if ((u -= probs[i]) < 0) return i;
  }
  return last; // float rounding left a sliver past the end
}

/** The first index of the largest value. */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** A sorted copy, largest first (a native typed-array sort: a few ms over 50,257 tokens). */
function descending(values: Float32Array): Float32Array {
  return values.slice().sort().reverse();
}

/** Zeroes every probability below `threshold` and renormalises the rest. */
function keepAtLeast(probs: Float32Array, threshold: number): void {
  let sum = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] < threshold) probs[i] = 0;
    sum += probs[i];
  }
  scale(probs, 1 / sum);
}

function scale(values: Float32Array, factor: number): void {
  for (let i = 0; i < values.length; i++) values[i] *= factor;
}
