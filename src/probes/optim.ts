// The numerical pieces the probes share: softmax in place, dot products over rows, and Adam.

/** Dot product of `a[aStart .. aStart+n)` and `b[bStart .. bStart+n)`; four sums, so adds overlap. */
export function dot(a: Float32Array, aStart: number, b: Float32Array, bStart: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[aStart + i] * b[bStart + i];
    s1 += a[aStart + i + 1] * b[bStart + i + 1];
    s2 += a[aStart + i + 2] * b[bStart + i + 2];
    s3 += a[aStart + i + 3] * b[bStart + i + 3];
  }
  for (; i < n; i++) s0 += a[aStart + i] * b[bStart + i];
  return s0 + s1 + s2 + s3;
}

/** `y[yStart ..] += alpha * x[xStart ..]` over n values. */
export function axpy(y: Float32Array, yStart: number, alpha: number, x: Float32Array, xStart: number, n: number): void {
  if (alpha === 0) return;
  for (let i = 0; i < n; i++) y[yStart + i] += alpha * x[xStart + i];
}

/** Softmax of `z` in place; returns the cross-entropy of class `label` (before the softmax is lost). */
export function softmaxInPlace(z: Float64Array, label: number): number {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c] - max);
  for (let c = 0; c < z.length; c++) z[c] /= sum;
  return -Math.log(Math.max(z[label], 1e-12));
}

/** Index of the largest value. */
export function argmax(z: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < z.length; c++) if (z[c] > z[best]) best = c;
  return best;
}

/** Adam (Kingma & Ba) over a list of parameter arrays; L2 applies to the ones marked `decay`. */
export class Adam {
  private t = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  constructor(
    private readonly params: { value: Float32Array; grad: Float32Array; decay: boolean }[],
    private readonly learningRate: number,
    private readonly l2: number,
  ) {
    this.m = params.map((p) => new Float32Array(p.value.length));
    this.v = params.map((p) => new Float32Array(p.value.length));
  }

  /** One update from the gradients accumulated in each `grad`, which it then zeroes. */
  step(): void {
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    this.t++;
    const rate = (this.learningRate * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    this.params.forEach(({ value, grad, decay }, k) => {
      const [m, v] = [this.m[k], this.v[k]];
      const l2 = decay ? this.l2 : 0;
      for (let i = 0; i < value.length; i++) {
        const g = grad[i] + l2 * value[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        value[i] -= (rate * m[i]) / (Math.sqrt(v[i]) + eps);
      }
      grad.fill(0);
    });
  }
}
