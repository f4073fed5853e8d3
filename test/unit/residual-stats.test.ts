// Unit tests of the residual-stream statistics against a float64 computation written here on plain
// nested arrays, and of the PCA paths on points whose components are known by construction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { residualPaths, residualStats } from '../../src/analysis/residual-stats.js';
import { XrayError } from '../../src/errors.js';

/** Seeded values in −1…1. */
function values(count: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => ((state = (state * 48271) % 2147483647) / 2147483647) * 2 - 1);
}

/** Row r of a flat [rows, D] array as plain numbers. */
const row = (x: Float32Array, r: number, D: number) => Array.from(x.subarray(r * D, (r + 1) * D));
const norm64 = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cos64 = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0) / (norm64(a) * norm64(b));

function assertClose(actual: ArrayLike<number>, expected: number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) assert.ok(Number.isNaN(actual[i]), `${what}[${i}] is ${actual[i]}, not NaN`);
    else assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('residualStats', () => {
  const [L, T, D] = [3, 5, 16];
  const residual = values((L + 1) * T * D, 7);
  const attnOut = values(L * T * D, 11);
  const mlpOut = values(L * T * D, 13);

  it('gives each token and layer its norm and its cosines to the previous and the final layer, as float64 does', () => {
    const stats = residualStats(residual, L, T, D, { attnOut, mlpOut });
    const at = (l: number, t: number) => row(residual, l * T + t, D);
    const grid = (f: (l: number, t: number) => number, layers: number) => Array.from({ length: layers * T }, (_, i) => f(Math.floor(i / T), i % T));
    assert.equal(stats.nLayer, L);
    assert.equal(stats.tokens, T);
    assertClose(
      stats.norm,
      grid((l, t) => norm64(at(l, t)), L + 1),
      1e-6,
      'norm',
    );
    assertClose(
      stats.cosinePrevious,
      grid((l, t) => (l === 0 ? Number.NaN : cos64(at(l, t), at(l - 1, t))), L + 1),
      1e-6,
      'cosinePrevious',
    );
    assertClose(
      stats.cosineFinal,
      grid((l, t) => cos64(at(l, t), at(L, t)), L + 1),
      1e-6,
      'cosineFinal',
    );
    assertClose(
      stats.attentionNorm!,
      grid((l, t) => norm64(row(attnOut, l * T + t, D)), L),
      1e-6,
      'attentionNorm',
    );
    assertClose(
      stats.mlpNorm!,
      grid((l, t) => norm64(row(mlpOut, l * T + t, D)), L),
      1e-6,
      'mlpNorm',
    );
    for (let t = 0; t < T; t++) assert.equal(stats.cosineFinal[L * T + t], 1, 'the final layer is its own direction');
  });

  it('gives NaN cosines for zero vectors, a zero norm, and leaves out the writes it was not given', () => {
    const withZeros = Float32Array.from(residual);
    withZeros.fill(0, (1 * T + 2) * D, (1 * T + 3) * D); // layer 1, token 2
    withZeros.fill(0, (L * T + 4) * D, (L * T + 5) * D); // the final layer, token 4
    const stats = residualStats(withZeros, L, T, D);
    assert.equal(stats.norm[1 * T + 2], 0);
    assert.ok(Number.isNaN(stats.cosinePrevious[1 * T + 2]), 'layer 1, token 2 has no direction');
    assert.ok(Number.isNaN(stats.cosinePrevious[2 * T + 2]), 'nor has its next layer a previous one');
    assert.ok(Number.isNaN(stats.cosineFinal[1 * T + 2]));
    for (let l = 0; l <= L; l++) assert.ok(Number.isNaN(stats.cosineFinal[l * T + 4]), `token 4's final state is zero (layer ${l})`);
    assert.ok(Number.isFinite(stats.cosinePrevious[3 * T + 2]));
    assert.equal(stats.attentionNorm, undefined);
    assert.equal(stats.mlpNorm, undefined);
  });

  it('keeps a vector’s cosine with itself within −1…1 despite rounding', () => {
    const same = new Float32Array(2 * 1 * 3).fill(0.1);
    const stats = residualStats(same, 1, 1, 3);
    assert.equal(stats.cosinePrevious[1], 1);
    const opposite = Float32Array.of(0.3, -0.7, 0.1, -0.3, 0.7, -0.1);
    assert.equal(residualStats(opposite, 1, 1, 3).cosinePrevious[1], -1);
  });

  it('says in words when a shape does not fit', () => {
    assert.throws(
      () => residualStats(residual.subarray(1), L, T, D),
      (e: unknown) => e instanceof XrayError && e.message === `residual of 4 layers × 5 tokens × 16 dimensions needs 320 numbers, not 319.`,
    );
    assert.throws(() => residualStats(residual, L, T, D, { mlpOut: residual }), /mlpOut of 3 layers × 5 tokens × 16 dimensions needs 240 numbers, not 320\./);
    assert.throws(() => residualStats(residual, L, 0, D), /T to be a whole number of at least 1, not 0/);
  });
});

describe('residualPaths', () => {
  it('puts every (layer, token) point on the two directions of largest variance, layer-major', () => {
    // Three layers of four tokens in 3-D on an ellipse: x spread widely, y less, z barely, each
    // uncorrelated with the others (a full period of cos θ, sin θ, cos 2θ) and off-centre, so PC1 = x
    // and PC2 = y, each loading positive, and the coordinates are x and y minus their means.
    const [layers, T, D] = [3, 4, 3];
    const angle = (i: number) => (2 * Math.PI * i) / (layers * T);
    const points = Array.from({ length: layers * T }, (_, i) => [5 + 10 * Math.cos(angle(i)), -2 + 3 * Math.sin(angle(i)), 1 + 0.01 * Math.cos(2 * angle(i))]);
    const residual = Float32Array.from(points.flat());
    const mean = [0, 1, 2].map((j) => points.reduce((s, p) => s + p[j], 0) / points.length);
    const variance = [0, 1, 2].map((j) => points.reduce((s, p) => s + (p[j] - mean[j]) ** 2, 0));
    const total = variance.reduce((a, b) => a + b, 0);
    const { coordinates, explained } = residualPaths(residual, layers, T, D);
    assert.equal(coordinates.length, layers * T * 2);
    // The PCA's own sign rule makes each component's largest loading positive; x and y's are theirs.
    assertClose(
      coordinates,
      points.flatMap((p) => [p[0] - mean[0], p[1] - mean[1]]),
      1e-4,
      'coordinates',
    );
    assertClose(explained, [variance[0] / total, variance[1] / total], 1e-5, 'explained');
  });

  it('gives one-dimensional points a second coordinate of 0, and identical points all zeros', () => {
    const line = residualPaths(Float32Array.of(1, 2, 4, 8), 2, 2, 1);
    assertClose(line.coordinates, [-2.75, 0, -1.75, 0, 0.25, 0, 4.25, 0], 1e-6, 'coordinates');
    assertClose(line.explained, [1, 0], 1e-6, 'explained');
    const still = residualPaths(new Float32Array(2 * 3 * 4).fill(0.5), 2, 3, 4);
    assert.deepEqual([...still.coordinates], new Array(12).fill(0));
    assert.deepEqual([...still.explained], [0, 0]);
  });

  it('says in words when the shape does not fit', () => {
    assert.throws(() => residualPaths(new Float32Array(10), 2, 2, 3), /residual of 2 layers × 2 tokens × 3 dimensions needs 12 numbers, not 10\./);
  });
});
