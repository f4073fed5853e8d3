// Principal components of a few hundred to a few thousand points in up to ~1,000 dimensions (token
// embeddings, residual-stream paths): the top k eigenvectors of the centred data's scatter matrix,
// found by Lanczos iteration in float64 without ever forming that matrix.
import { XrayError } from '../errors.js';
import { seededRandom } from '../random.js';

export interface PrincipalComponents {
  /** The centred rows on the components, `[n, k]` row-major. */
  projected: Float32Array;
  /** The components, unit vectors, `[k, d]` row-major, largest variance first. */
  components: Float32Array;
  /** Each component's share of the total variance, `[k]`. */
  explained: Float32Array;
}

/**
 * Ritz pairs whose residual is below this fraction of the largest eigenvalue count as converged:
 * well past float32 output, and loose enough that a cluster of near-equal eigenvalues below the top
 * ones (residual-stream paths) does not drive Lanczos to all d steps.
 */
const TOLERANCE = 1e-9;
/** Steps between convergence checks (each check solves the small tridiagonal problem). */
const CHECK_EVERY = 8;

/**
 * The first `k` principal components of `n` rows of `d` numbers (`rows` is `[n, d]` row-major),
 * after subtracting each column's mean, as sklearn's `PCA(k).fit_transform` (without whitening).
 *
 * Deterministic, with a fixed sign: each component's largest-magnitude loading is positive (the
 * first such loading, on a tie). Components beyond the data's rank carry no variance and have no
 * direction: they are zero vectors, with zero projections and zero `explained` (so one row, or
 * identical rows, give all zeros; two rows give one component).
 *
 * Lanczos with full reorthogonalisation on XᵀX or XXᵀ, whichever is smaller, in float64; each step
 * costs two passes over the data, and it stops when the top k Ritz pairs have converged, at most
 * after min(n, d) steps, where it is exact.
 *
 * @example principalComponents(embeddings, words.length, 768).projected // [x0, y0, x1, y1, …]
 */
export function principalComponents(rows: Float32Array, n: number, d: number, k = 2): PrincipalComponents {
  checkShape(rows, n, d, k);
  const x = centred(rows, n, d);
  let total = 0;
  for (const v of x) total += v * v;
  const components = new Float64Array(k * d);
  if (total > 0) {
    // The Krylov vectors live in the smaller of the two spaces; XᵀX and XXᵀ share their non-zero eigenvalues.
    const wide = n < d;
    const m = wide ? n : d;
    const apply = wide ? (v: Float64Array) => times(x, n, d, transposeTimes(x, n, d, v)) : (v: Float64Array) => transposeTimes(x, n, d, times(x, n, d, v));
    const vectors = topEigenvectors(apply, m, Math.min(k, m), total);
    vectors.forEach((v, i) => components.set(wide ? normalised(transposeTimes(x, n, d, v)) : v, i * d));
  }
  const projected = new Float64Array(n * k);
  const explained = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    const component = components.subarray(c * d, (c + 1) * d);
    const along = times(x, n, d, component);
    let variance = 0;
    for (const v of along) variance += v * v;
    // Below rounding, a direction is noise, not variance: it is left as no component at all.
    if (!(variance > TOLERANCE * total)) {
      component.fill(0);
      continue;
    }
    fixSign(component, along);
    along.forEach((v, i) => (projected[i * k + c] = v));
    explained[c] = variance / total;
  }
  return { projected: Float32Array.from(projected), components: Float32Array.from(components), explained };
}

function checkShape(rows: Float32Array, n: number, d: number, k: number): void {
  for (const [name, value] of [
    ['n', n],
    ['d', d],
    ['k', k],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new XrayError('bad-option', `PCA needs ${name} to be a whole number of at least 1, not ${value}.`);
  }
  if (k > d) throw new XrayError('bad-option', `PCA cannot find ${k} components in ${d} dimensions: k is at most d.`);
  if (rows.length !== n * d) throw new XrayError('bad-option', `PCA of ${n} rows of ${d} numbers needs ${n * d} values, not ${rows.length}.`);
  const at = rows.findIndex((v) => !Number.isFinite(v));
  if (at >= 0) throw new XrayError('bad-option', `PCA needs finite numbers: row ${Math.floor(at / d)}, column ${at % d} is ${rows[at]}.`);
}

/** The rows in float64, each column's mean subtracted. */
function centred(rows: Float32Array, n: number, d: number): Float64Array {
  const x = Float64Array.from(rows);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] -= mean[j];
  return x;
}

/** X v, for X `[n, d]` and v `[d]`. */
function times(x: Float64Array, n: number, d: number, v: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** Xᵀ u, for X `[n, d]` and u `[n]`. */
function transposeTimes(x: Float64Array, n: number, d: number, u: Float64Array): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const ui = u[i];
    for (let j = 0; j < d; j++) out[j] += x[i * d + j] * ui;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function normalised(v: Float64Array): Float64Array {
  const norm = Math.sqrt(dot(v, v));
  return norm > 0 ? v.map((x) => x / norm) : v;
}

/** Subtracts from `v` its parts along the orthonormal `basis`, twice ("twice is enough", Kahan–Parlett). */
function orthogonalise(v: Float64Array, basis: Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const q of basis) {
      const c = dot(v, q);
      for (let i = 0; i < v.length; i++) v[i] -= c * q[i];
    }
  }
}

/**
 * The k eigenvectors of largest eigenvalue of the symmetric positive semi-definite `m`×`m` operator
 * `apply`, whose trace is `scale`. A Lanczos basis that closes early (an invariant subspace) goes on
 * from a fresh vector orthogonal to it, so the top eigenvectors cannot be missed.
 */
function topEigenvectors(apply: (v: Float64Array) => Float64Array, m: number, k: number, scale: number): Float64Array[] {
  const random = seededRandom(0x9ca);
  const fresh = (basis: Float64Array[]) => {
    const v = Float64Array.from({ length: m }, () => random() - 0.5);
    orthogonalise(v, basis);
    return normalised(v);
  };
  const basis: Float64Array[] = [fresh([])];
  const alpha: number[] = [];
  const beta: number[] = [];
  // Where the current Krylov block starts: after an early close, the next block starts afresh.
  let block = 0;
  for (;;) {
    const j = basis.length - 1;
    const s = j + 1;
    const w = apply(basis[j]);
    alpha.push(dot(w, basis[j]));
    orthogonalise(w, basis);
    const norm = Math.sqrt(dot(w, w));
    // β ≈ 0: the basis spans an invariant subspace. It holds one vector of each eigenspace it meets,
    // so a repeated eigenvalue's other vectors are still outside it: go on from a fresh vector.
    const closed = !(norm > TOLERANCE * scale);
    const last = s === m;
    if (last || (!closed && s >= k && s % CHECK_EVERY === 0)) {
      const ritz = tridiagonalEigen(alpha, beta);
      // A Ritz pair's residual is |β| times the last entry of its eigenvector of T.
      const settled = (i: number) => Math.abs(norm * ritz.vectors[j * s + i]) <= TOLERANCE * scale;
      const top = ritz.order.slice(0, k);
      // After a restart, the open block's largest Ritz value bounds what is left outside the basis.
      const open = block > 0 ? ritz.order.find((i) => blockWeight(ritz.vectors, s, i, block) > 0.5) : undefined;
      if (last || (top.every(settled) && (open === undefined || settled(open)))) return top.map((i) => combine(basis, ritz.vectors, s, i));
    }
    if (closed) block = s;
    beta.push(closed ? 0 : norm);
    basis.push(closed ? fresh(basis) : w.map((v) => v / norm));
  }
}

/** How much of eigenvector `column` of T (s×s) lies in the rows from `from` on. */
function blockWeight(vectors: Float64Array, s: number, column: number, from: number): number {
  let w = 0;
  for (let r = from; r < s; r++) w += vectors[r * s + column] ** 2;
  return w;
}

/** Σ_r basis[r] · vectors[r, column], for the s×s eigenvector matrix of T. */
function combine(basis: Float64Array[], vectors: Float64Array, s: number, column: number): Float64Array {
  const out = new Float64Array(basis[0].length);
  for (let r = 0; r < s; r++) {
    const c = vectors[r * s + column];
    for (let i = 0; i < out.length; i++) out[i] += c * basis[r][i];
  }
  return normalised(out);
}

/**
 * Eigen-decomposition of the symmetric tridiagonal matrix with diagonal `diagonal` and off-diagonal
 * `off` (one shorter), by the implicit QL method (tql2, as in EISPACK and JAMA). Returns the
 * eigenvectors as the columns of an s×s row-major matrix and the column order of largest
 * eigenvalue first.
 */
function tridiagonalEigen(diagonal: number[], off: number[]): { vectors: Float64Array; order: number[] } {
  const s = diagonal.length;
  const d = Float64Array.from(diagonal);
  const e = new Float64Array(s);
  e.set(off);
  const v = new Float64Array(s * s);
  for (let i = 0; i < s; i++) v[i * s + i] = 1;
  const eps = 2 ** -52;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < s; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < s - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < s; i++) d[i] -= h;
        f += h;
        p = d[m];
        let [c, c2, c3] = [1, 1, 1];
        const el1 = e[l + 1];
        let [sn, s2] = [0, 0];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = sn;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = sn * r;
          sn = e[i] / r;
          c = p / r;
          p = c * d[i] - sn * g;
          d[i + 1] = h + sn * (c * g + sn * d[i]);
          for (let row = 0; row < s; row++) {
            h = v[row * s + i + 1];
            v[row * s + i + 1] = sn * v[row * s + i] + c * h;
            v[row * s + i] = c * v[row * s + i] - sn * h;
          }
        }
        p = (-sn * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = sn * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  const order = Array.from({ length: s }, (_, i) => i).sort((a, b) => d[b] - d[a]);
  return { vectors: v, order };
}

/** Flips `component` (and the projections `along` it) so that its largest-magnitude loading is positive. */
function fixSign(component: Float64Array, along: Float64Array): void {
  let at = 0;
  for (let j = 1; j < component.length; j++) if (Math.abs(component[j]) > Math.abs(component[at])) at = j;
  if (component[at] >= 0) return;
  for (let j = 0; j < component.length; j++) component[j] = -component[j];
  for (let i = 0; i < along.length; i++) along[i] = -along[i];
}
