// Data-mode values for the stories. They are made up to look like the course's figures (GPT-2 small):
// illustrative, not computed by a model. Long sequences are synthetic head patterns over repeated text.
import type { AttentionData, LogitLensData } from '../../src/data.js';
import type { ProbeResults } from '../../src/probes/results.js';

const CAT_TOKENS = ['The', ' cat', ' sat', ' on', ' the', ' mat', ' because', ' it', ' was', ' tired'];

/** One row of a made-up head on the course sentence: half the weight on the first token, 0.3 on itself. */
function catRow(q: number): number[] {
  const row = CAT_TOKENS.map(() => 0);
  if (CAT_TOKENS[q] === ' it') return Object.assign(row, { 0: 0.2, 1: 0.62, 2: 0.016, 3: 0.016, 4: 0.016, 5: 0.016, 6: 0.016, 7: 0.1 });
  if (q === 0) return Object.assign(row, { 0: 1 });
  row[0] = q === 1 ? 0.7 : 0.5;
  row[q] = 0.3;
  for (let k = 1; k < q; k++) row[k] = 0.2 / (q - 1);
  return row;
}

const catPattern = CAT_TOKENS.map((_, q) => catRow(q));

/** One head on the course sentence (`[dest][src]`), with " it" looking back at " cat" (0.62). */
export const catHead: AttentionData = { tokens: CAT_TOKENS, attention: catPattern };

/** A small deterministic generator (mulberry32), so synthetic data is the same on every load. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Kinds of head the synthetic patterns imitate. */
const KINDS = ['previous-token', 'first-token', 'local', 'broad'] as const;

/** A causal pattern of one kind: each row sums to 1 over the keys at or before the query. */
function syntheticHead(T: number, kind: (typeof KINDS)[number], seed: number): number[][] {
  const noise = random(seed);
  return Array.from({ length: T }, (_, q) => {
    const weights = Array.from({ length: T }, (__, k) => {
      if (k > q) return 0;
      const distance = q - k;
      const base = kind === 'previous-token' ? (distance === 1 ? 8 : 0.05) : kind === 'first-token' ? (k === 0 ? 6 : 0.1) : kind === 'local' ? Math.exp(-distance / 3) : 1;
      return base * (0.5 + noise());
    });
    const sum = weights.reduce((a, b) => a + b, 0);
    return weights.map((w) => w / sum);
  });
}

/** `T` tokens of lecture text, repeated as needed. */
function longTokens(T: number): string[] {
  const words = 'Attention weights show where the model looks but not what it sees , so use them to form a hypothesis and test it .'.split(' ');
  return Array.from({ length: T }, (_, i) => (i === 0 ? words[0] : ` ${words[i % words.length]}`));
}

/** One synthetic head over `T` tokens, `[dest][src]`. */
export function longHead(T: number, kind: (typeof KINDS)[number] = 'local'): AttentionData {
  return { tokens: longTokens(T), attention: syntheticHead(T, kind, T) };
}

/** One layer of `heads` synthetic heads over `T` tokens, `[heads][dest][src]`. */
export function longLayer(T: number, heads: number): AttentionData {
  return { tokens: longTokens(T), attention: Array.from({ length: heads }, (_, h) => syntheticHead(T, KINDS[h % KINDS.length], h + 1)) };
}

/** Every head of a small made-up model (2 layers × 4 heads) on the course sentence, `[layers][heads][dest][src]`. */
export const catLayers: AttentionData = {
  tokens: CAT_TOKENS,
  attention: [0, 1].map((layer) => KINDS.map((kind, h) => (layer === 1 && h === 1 ? catPattern : syntheticHead(CAT_TOKENS.length, kind, 10 * layer + h)))),
};

/**
 * A logit lens on the lecture's prompt, 13 rows (embeddings, then after each of 12 blocks), shaped like
 * GPT-2 small's: each position's final guess takes over part-way up, " Paris" at the last position late.
 */
export const eiffelLens: LogitLensData = (() => {
  const tokens = ['The', ' E', 'iff', 'el', ' Tower', ' is', ' in'];
  // Per position: an early guess, the final guess, and the layer from which the final one leads.
  const plan: [string, string, number][] = [
    [' The', ' first', 9],
    [' E', '.', 7],
    ['iff', 'el', 3],
    ['el', ' Tower', 5],
    [' Tower', ' is', 8],
    [' is', ' a', 10],
    [' in', ' Paris', 9],
  ];
  const lens = Array.from({ length: 13 }, (_, layer) =>
    plan.map(([early, final, from]) => {
      const lead = 1 / (1 + Math.exp(from - 0.5 - layer)); // share of the final guess, rising through `from`
      const top = [
        { token: final, prob: 0.05 + 0.6 * lead },
        { token: early, prob: 0.3 * (1 - lead) + 0.02 },
        { token: ' the', prob: 0.04 },
      ];
      return top.sort((a, b) => b.prob - a.prob);
    }),
  );
  return { tokens, lens };
})();

/**
 * Part-of-speech probes across GPT-2 small's 13 residual layers, shaped like the course's expected
 * output (about 40% at layer 0, 60–70% in the middle layers), with a control task near 30%.
 */
export const posProbes: ProbeResults[] = (['linear', 'mlp'] as const).map((probe) => ({
  task: 'pos',
  probe,
  layers: Array.from({ length: 13 }, (_, layer) => {
    const accuracy = 0.4 + 0.28 * Math.sin((Math.PI * Math.min(layer, 11)) / 14) + (probe === 'mlp' ? 0.06 : 0);
    const control = probe === 'mlp' ? 0.52 : 0.3;
    return { layer, accuracy, accuracyStd: 0.03, control, controlStd: 0.02, selectivity: accuracy - control };
  }),
}));
