// Sampling against an independent float64 computation of what Hugging Face's generate draws from:
// chi-square goodness of fit of many seeded draws, at a fixed critical value (p = 0.001) so the
// verdict is the same on every run; a wrong distribution must fail the same test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XrayError } from '../../src/errors.js';
import { seededRandom, type Random } from '../../src/random.js';
import { argmax, drawToken, samplingDistribution, type SamplingOptions } from '../../src/sampling.js';

/** Twelve distinct logits, and a tie (1.2, 1.2) in third and fourth place for top-k. */
const LOGITS = [2.1, -0.4, 1.5, 0.3, -2.5, 0.9, -1.1, 0.05, 1.25, -4, -0.8, 0.6];
const TIED = [2, 1.5, 1.2, 1.2, 1, 0.4, -0.3, -1];
const DRAWS = 20_000;
const ALPHA = 0.001;

/** softmax(logits / T), then top-k (ties kept), then top-p as TopPLogitsWarper: float64 throughout. */
function expected(logits: readonly number[], { temperature = 1, topK, topP }: SamplingOptions): number[] {
  // Through float32 first, as the function under test receives them.
  const scaled = Array.from(Float32Array.from(logits), (x) => x / temperature);
  let probs = softmax(scaled);
  if (topK !== undefined) {
    const kth = [...probs].sort((a, b) => b - a)[Math.min(topK, probs.length) - 1];
    probs = renormalise(probs.map((p) => (p >= kth ? p : 0)));
  }
  if (topP !== undefined) {
    // TopPLogitsWarper: sort ascending, drop the tokens whose cumulative mass is ≤ 1 − p, keep the largest.
    const ascending = probs.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
    let cumulative = 0;
    const dropped = new Set<number>();
    ascending.forEach(([p, i], rank) => {
      cumulative += p;
      if (cumulative <= 1 - topP && rank < ascending.length - 1) dropped.add(i);
    });
    probs = renormalise(probs.map((p, i) => (dropped.has(i) ? 0 : p)));
  }
  return probs;
}

function softmax(xs: number[]): number[] {
  const max = Math.max(...xs);
  return renormalise(xs.map((x) => Math.exp(x - max)));
}

function renormalise(ps: number[]): number[] {
  const sum = ps.reduce((a, b) => a + b, 0);
  return ps.map((p) => p / sum);
}

/** How often each token is drawn in `n` draws from the function under test. */
function counts(logits: readonly number[], options: SamplingOptions, random: Random, n = DRAWS): number[] {
  const probs = samplingDistribution(Float32Array.from(logits), options);
  const seen = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < n; i++) seen[drawToken(probs, random)]++;
  return seen;
}

/**
 * Pearson's statistic of observed counts against a distribution, tokens expected fewer than 5 times
 * pooled into one bin; a token the distribution rules out but that was drawn fails at once.
 */
function chiSquare(observed: number[], probs: number[]): { statistic: number; df: number } {
  const n = observed.reduce((a, b) => a + b, 0);
  const bins: [number, number][] = [];
  const pooled: [number, number] = [0, 0];
  observed.forEach((o, i) => {
    const e = probs[i] * n;
    if (e === 0) assert.equal(o, 0, `token ${i} is ruled out but was drawn ${o} times`);
    else if (e < 5) [pooled[0], pooled[1]] = [pooled[0] + o, pooled[1] + e];
    else bins.push([o, e]);
  });
  if (pooled[1] > 0) bins.push(pooled);
  assert.ok(bins.length > 1, 'a test needs two bins or more');
  return { statistic: bins.reduce((s, [o, e]) => s + (o - e) ** 2 / e, 0), df: bins.length - 1 };
}

/** The regularised lower incomplete gamma P(s, x) by its series (x stays near a critical value here). */
function gammaP(s: number, x: number): number {
  let term = 1 / s;
  let sum = term;
  for (let n = 1; term > sum * 1e-16; n++) sum += term *= x / (s + n);
  return Math.exp(s * Math.log(x) - x - logGamma(s)) * sum;
}

/** ln Γ(s) for the whole and half-whole s that a chi-square's df / 2 takes. */
function logGamma(s: number): number {
  const half = !Number.isInteger(s);
  let g = half ? 0.5 * Math.log(Math.PI) : 0;
  for (let t = half ? 0.5 : 1; t < s; t++) g += Math.log(t);
  return g;
}

/** The chi-square value with probability `alpha` above it, for `df` degrees of freedom (by bisection). */
function criticalValue(df: number, alpha = ALPHA): number {
  let [low, high] = [0, 200];
  while (high - low > 1e-9) {
    const mid = (low + high) / 2;
    if (gammaP(df / 2, mid / 2) < 1 - alpha) low = mid;
    else high = mid;
  }
  return low;
}

function fits(observed: number[], probs: number[]): boolean {
  const { statistic, df } = chiSquare(observed, probs);
  return statistic < criticalValue(df);
}

describe('the chi-square test itself', () => {
  it('has the tabulated critical values at p = 0.001', () => {
    assert.ok(Math.abs(criticalValue(1) - 10.828) < 1e-3);
    assert.ok(Math.abs(criticalValue(4) - 18.467) < 1e-3);
    assert.ok(Math.abs(criticalValue(10) - 29.588) < 1e-3);
  });
});

describe('samplingDistribution and drawToken', () => {
  const cases: [string, readonly number[], SamplingOptions][] = [
    ['temperature 0.5', LOGITS, { temperature: 0.5 }],
    ['temperature 1', LOGITS, { temperature: 1 }],
    ['temperature 2', LOGITS, { temperature: 2 }],
    ['top-k 3 with a tie at the third place (both kept)', TIED, { topK: 3 }],
    ['top-p 0.8', LOGITS, { topP: 0.8 }],
    ['top-p 0.8 at temperature 0.5', LOGITS, { temperature: 0.5, topP: 0.8 }],
    ['top-k 6 then top-p 0.9 at temperature 2', LOGITS, { temperature: 2, topK: 6, topP: 0.9 }],
  ];

  for (const [name, logits, options] of cases) {
    it(`draws as the float64 distribution says: ${name}`, () => {
      const want = expected(logits, options);
      const got = samplingDistribution(Float32Array.from(logits), options);
      got.forEach((p, i) => assert.ok(Math.abs(p - want[i]) < 1e-6, `P(${i}) is ${p}, not ${want[i]}`));
      assert.ok(fits(counts(logits, options, seededRandom(2024)), want), 'the draws fit the distribution');
    });
  }

  it('keeps the tie at the k-th place and the smallest top set that reaches p', () => {
    assert.deepEqual(support(TIED, { topK: 3 }), [0, 1, 2, 3]);
    // At T = 1 the top of LOGITS is 0.335, 0.184, 0.143, 0.101: 0.519 before the third, 0.662 before the fourth.
    assert.deepEqual(support(LOGITS, { topP: 0.7 }), [0, 2, 8, 5]);
    assert.deepEqual(support(LOGITS, { topP: 0.6 }), [0, 2, 8]);
    assert.deepEqual(support(LOGITS, { topP: 0.5 }), [0, 2]);
    assert.deepEqual(support(LOGITS, { topK: 1 }), [0]);
  });

  it('rejects a wrong distribution with the same test', () => {
    const drawn = counts(LOGITS, { temperature: 1 }, seededRandom(2024));
    assert.ok(fits(drawn, expected(LOGITS, { temperature: 1 })));
    assert.ok(!fits(drawn, expected(LOGITS, { temperature: 1.1 })), 'a temperature 10% off is caught');
    const nucleus = counts(LOGITS, { topP: 0.8 }, seededRandom(2024));
    // The nucleus with one token more than HF keeps: token 3, the first whose mass before it reaches p.
    const kept = support(LOGITS, { topP: 0.8 });
    assert.deepEqual(kept, [0, 2, 8, 5, 11]);
    const oneMore = renormalise(softmax(LOGITS).map((p, i) => (kept.includes(i) || i === 3 ? p : 0)));
    assert.ok(!fits(nucleus, oneMore), 'keeping one token too many is caught');
  });

  it('is the argmax at temperature 0, the first of a tie, whatever the draw', () => {
    const logits = Float32Array.from([0.5, 3, -1, 3, 2]);
    assert.equal(argmax(logits), 1);
    assert.deepEqual([...samplingDistribution(logits, { temperature: 0 })], [0, 1, 0, 0, 0]);
    assert.deepEqual([...samplingDistribution(logits, { temperature: 0, topK: 3, topP: 0.5 })], [0, 1, 0, 0, 0]);
    for (const u of [0, 0.5, 1 - 2 ** -32])
      assert.equal(
        drawToken(samplingDistribution(logits, { temperature: 0 }), () => u),
        1,
      );
  });

  it('never draws a ruled-out token, even at the ends of [0, 1)', () => {
    const probs = samplingDistribution(Float32Array.from(LOGITS), { topK: 2 });
    for (const u of [0, 1e-12, 0.5, 1 - 2 ** -32]) assert.ok([0, 2].includes(drawToken(probs, () => u)), `u = ${u}`);
    const first = Float32Array.from([0, 0, 1, 0]);
    assert.equal(
      drawToken(first, () => 0),
      2,
    );
  });

  it('stays finite at logits of 1e4 and a temperature of 1e-3', () => {
    const logits = Float32Array.from([1e4, 9999, -1e4, 5e3, 1e4 - 0.5]);
    for (const options of [{ temperature: 1e-3 }, { temperature: 1 }, { temperature: 2, topP: 0.9 }, { temperature: 1e-3, topK: 2 }]) {
      const probs = samplingDistribution(logits, options);
      assert.ok(probs.every(Number.isFinite), `finite at ${JSON.stringify(options)}`);
      assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-6, `sums to 1 at ${JSON.stringify(options)}`);
    }
    assert.equal(samplingDistribution(logits, { temperature: 1e-3 })[0], 1);
    const want = expected([...logits], { temperature: 1 });
    samplingDistribution(logits).forEach((p, i) => assert.ok(Math.abs(p - want[i]) < 1e-6));
  });

  it('replays the same draws from the same seed, and others from another', () => {
    const probs = samplingDistribution(Float32Array.from(LOGITS), { temperature: 1.5 });
    const draws = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 200 }, () => drawToken(probs, random));
    };
    assert.deepEqual(draws(7), draws(7));
    assert.notDeepEqual(draws(7), draws(8));
  });

  it('rejects bad options in words', () => {
    const logits = Float32Array.from(LOGITS);
    const bad: [SamplingOptions, RegExp][] = [
      [{ temperature: -1 }, /^temperature must be 0 \(greedy\) or more, not -1\.$/],
      [{ temperature: Number.NaN }, /^temperature must be .* not NaN\.$/],
      [{ temperature: Infinity }, /^temperature must be .* not Infinity\.$/],
      [{ topK: 0 }, /^topK must be a whole number of at least 1, not 0\.$/],
      [{ topK: 2.5 }, /^topK must be .* not 2\.5\.$/],
      [{ topP: 0 }, /^topP must be more than 0 and at most 1, not 0\.$/],
      [{ topP: 1.5 }, /^topP must be .* not 1\.5\.$/],
      [{ topP: Number.NaN }, /^topP must be .* not NaN\.$/],
    ];
    for (const [options, message] of bad) {
      assert.throws(
        () => samplingDistribution(logits, options),
        (error: unknown) => error instanceof XrayError && error.code === 'bad-option' && message.test(error.message),
        JSON.stringify(options),
      );
    }
  });
});

/** The tokens a distribution can draw, most likely first. */
function support(logits: readonly number[], options: SamplingOptions): number[] {
  const probs = samplingDistribution(Float32Array.from(logits), options);
  return [...probs.keys()].filter((i) => probs[i] > 0).sort((a, b) => probs[b] - probs[a]);
}
