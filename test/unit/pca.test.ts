// Unit tests of principalComponents against an independent PCA: a cyclic Jacobi eigen-decomposition
// of the covariance matrix in float64, compared up to each component's sign.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { principalComponents } from '../../src/analysis/pca.js';
import { XrayError } from '../../src/errors.js';

/** Rows drawn from a seeded generator, stretched per column so the variances are distinct. */
function data(n: number, d: number, seed = 1): Float32Array {
  let state = seed;
  const next = () => ((state = (state * 48271) % 2147483647) / 2147483647) * 2 - 1;
  return Float32Array.from({ length: n * d }, (_, i) => next() * (1 + (i % d)) + 0.3 * (i % d));
}

/** Eigenvalues (descending) and eigenvectors (rows) of the covariance of `rows`, by cyclic Jacobi. */
function jacobiPca(rows: Float32Array, n: number, d: number): { mean: number[]; values: number[]; vectors: number[][] } {
  const mean = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += rows[i * d + j];
    return s / n;
  });
  const a = Array.from({ length: d }, (_, p) =>
    Array.from({ length: d }, (_, q) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (rows[i * d + p] - mean[p]) * (rows[i * d + q] - mean[q]);
      return s;
    }),
  );
  const v = Array.from({ length: d }, (_, p) => Array.from({ length: d }, (_, q) => Number(p === q)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p][q] ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < d; r++) {
          const [arp, arq] = [a[r][p], a[r][q]];
          a[r][p] = c * arp - s * arq;
          a[r][q] = s * arp + c * arq;
        }
        for (let r = 0; r < d; r++) {
          const [apr, aqr] = [a[p][r], a[q][r]];
          a[p][r] = c * apr - s * aqr;
          a[q][r] = s * apr + c * aqr;
        }
        for (let r = 0; r < d; r++) {
          const [vrp, vrq] = [v[r][p], v[r][q]];
          v[r][p] = c * vrp - s * vrq;
          v[r][q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((x, y) => a[y][y] - a[x][x]);
  return { mean, values: order.map((i) => a[i][i]), vectors: order.map((i) => v.map((row) => row[i])) };
}

/** Rounded to six decimals, -0 as 0. */
const round = (x: number) => Math.round(x * 1e6) / 1e6 + 0;

/** Checks `principalComponents(rows, n, d, k)` against Jacobi, component by component, up to sign. */
function checkAgainstJacobi(n: number, d: number, k: number, seed: number): void {
  const rows = data(n, d, seed);
  const got = principalComponents(rows, n, d, k);
  const want = jacobiPca(rows, n, d);
  const total = want.values.reduce((a, b) => a + b, 0);
  for (let c = 0; c < k; c++) {
    const component = got.components.subarray(c * d, (c + 1) * d);
    const cosine = want.vectors[c].reduce((s, x, j) => s + x * component[j], 0);
    assert.ok(Math.abs(Math.abs(cosine) - 1) < 1e-5, `component ${c}: |cos| = ${Math.abs(cosine)}`);
    assert.ok(Math.abs(got.explained[c] - want.values[c] / total) < 1e-6, `explained ${c}`);
    const sign = Math.sign(cosine);
    for (let i = 0; i < n; i++) {
      let x = 0;
      for (let j = 0; j < d; j++) x += (rows[i * d + j] - want.mean[j]) * want.vectors[c][j];
      assert.ok(Math.abs(got.projected[i * k + c] - sign * x) < 1e-4 * (1 + Math.abs(x)), `row ${i}, component ${c}`);
    }
  }
}

describe('principalComponents', () => {
  it('agrees with a Jacobi decomposition of the covariance when n > d (Krylov vectors in the d space)', () => {
    checkAgainstJacobi(40, 6, 2, 3);
    checkAgainstJacobi(200, 24, 3, 5);
  });

  it('agrees with it when n < d (Krylov vectors in the n space, components mapped back)', () => {
    checkAgainstJacobi(7, 30, 2, 11);
    checkAgainstJacobi(12, 64, 4, 13);
  });

  it('gives unit, orthogonal components whose largest loading is positive, the same on every call', () => {
    const rows = data(30, 16, 7);
    const a = principalComponents(rows, 30, 16, 3);
    for (let c = 0; c < 3; c++) {
      const v = [...a.components.subarray(c * 16, (c + 1) * 16)];
      assert.ok(Math.abs(v.reduce((s, x) => s + x * x, 0) - 1) < 1e-6);
      const largest = v.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
      assert.ok(largest > 0, `component ${c} has its largest loading positive`);
      for (let o = 0; o < c; o++) {
        const w = a.components.subarray(o * 16, (o + 1) * 16);
        assert.ok(Math.abs(v.reduce((s, x, j) => s + x * w[j], 0)) < 1e-6);
      }
    }
    assert.ok(a.explained[0] >= a.explained[1] && a.explained[1] >= a.explained[2]);
    assert.deepEqual(principalComponents(rows, 30, 16, 3), a);
  });

  it('finds both vectors of a repeated eigenvalue', () => {
    // A square's corners in the first two axes (equal variance) and a smaller spread along the third.
    const corners = [
      [1, 0, 0],
      [-1, 0, 0],
      [0, 1, 0],
      [0, -1, 0],
      [0, 0, 0.5],
      [0, 0, -0.5],
    ];
    const rows = Float32Array.from(corners.flat());
    const { components, explained } = principalComponents(rows, 6, 3, 3);
    assert.deepEqual([...explained].map(round), [2 / 4.5, 2 / 4.5, 0.5 / 4.5].map(round));
    assert.ok(Math.abs(components[2]) < 1e-6 && Math.abs(components[5]) < 1e-6, 'the first two lie in the square’s plane');
    assert.ok(Math.abs(components[8] - 1) < 1e-6, 'the third is the third axis');
  });

  it('gives zeros, not NaN, where there is no variance: one row, identical rows, and past the rank', () => {
    for (const [rows, n] of [
      [data(1, 5), 1],
      [Float32Array.from({ length: 20 }, (_, i) => (i % 5) + 0.5), 4],
    ] as const) {
      const { projected, components, explained } = principalComponents(rows, n, 5, 2);
      for (const array of [projected, components, explained]) assert.ok(array.every((x) => x === 0));
    }
    // Two points: one direction, the line through them; it explains all the variance.
    const two = Float32Array.from([1, 2, 3, 3, 2, 1]);
    const { projected, components, explained } = principalComponents(two, 2, 3, 2);
    assert.deepEqual([...explained], [1, 0]);
    const s = Math.SQRT1_2;
    assert.deepEqual([...components].map(round), [s, 0, -s, 0, 0, 0].map(round));
    assert.deepEqual([...projected].map(round), [-Math.SQRT2, 0, Math.SQRT2, 0].map(round));
  });

  it('says in words what is wrong with the shape or the numbers', () => {
    const fails = (make: () => unknown, message: string) => assert.throws(make, (e: unknown) => e instanceof XrayError && e.code === 'bad-option' && e.message === message);
    fails(() => principalComponents(new Float32Array(6), 2, 3, 4), 'PCA cannot find 4 components in 3 dimensions: k is at most d.');
    fails(() => principalComponents(new Float32Array(5), 2, 3), 'PCA of 2 rows of 3 numbers needs 6 values, not 5.');
    fails(() => principalComponents(new Float32Array(0), 0, 3), 'PCA needs n to be a whole number of at least 1, not 0.');
    fails(() => principalComponents(new Float32Array(6), 2, 3, 1.5), 'PCA needs k to be a whole number of at least 1, not 1.5.');
    fails(() => principalComponents(Float32Array.from([1, 2, 3, 4, Number.NaN, 6]), 2, 3), 'PCA needs finite numbers: row 1, column 1 is NaN.');
  });

  it('projects 1,200 points of 768 numbers in under two seconds (residual-stream paths)', () => {
    const rows = data(1200, 768, 17);
    const start = performance.now();
    const { explained } = principalComponents(rows, 1200, 768, 2);
    const seconds = (performance.now() - start) / 1000;
    assert.ok(explained[0] > explained[1] && explained[1] > 0);
    assert.ok(seconds < 2, `${seconds.toFixed(2)} s`);
  });
});
