// How each token's hidden state changes through the layers: the residual stream's norm, how far each
// block turns it, how close it already is to the final state, what attention and the MLP wrote, and a
// 2-D PCA in which each token is a path through the layers. Pure functions on typed arrays.
import { XrayError } from '../errors.js';
import { principalComponents } from './pca.js';

/** Per token and layer statistics of one run's residual stream; every array is layer-major, `[layer, token]`. */
export interface ResidualStats {
  /** Blocks, L: the residual stream has L + 1 layers (resid_pre of each block, then the last block's output). */
  nLayer: number;
  /** Tokens, T. */
  tokens: number;
  /** ‖resid[l, t]‖₂, `[L+1, T]`. */
  norm: Float32Array;
  /** cos(resid[l, t], resid[l−1, t]), `[L+1, T]`: how far block l−1 turned the token's state; NaN at layer 0 (no layer before it) and where either vector is zero. */
  cosinePrevious: Float32Array;
  /** cos(resid[l, t], resid[L, t]), `[L+1, T]`: how close the state already is to the final one; 1 at layer L, NaN where either vector is zero. */
  cosineFinal: Float32Array;
  /** ‖hook_attn_out[l, t]‖₂, `[L, T]`: what block l's attention wrote into the stream; absent without attnOut. */
  attentionNorm?: Float32Array;
  /** ‖hook_mlp_out[l, t]‖₂, `[L, T]`: what block l's MLP wrote; absent without mlpOut. */
  mlpNorm?: Float32Array;
}

/** A 2-D PCA of every (layer, token) point of the residual stream together. */
export interface ResidualPaths {
  /** `[layers, T, 2]`: token t's path is the points (l, t) for l = 0 … layers − 1. */
  coordinates: Float32Array;
  /** The two components' shares of the variance of all the points, `[2]`. */
  explained: Float32Array;
}

/**
 * The statistics of a residual stream `residual` (`[L+1, T, D]`, as `run.hook('blocks.*.hook_resid_pre')`
 * gives it: entry L is the last block's resid_post, before ln_f), with the norms of `attnOut` and
 * `mlpOut` (`[L, T, D]` each, `blocks.*.hook_attn_out` and `blocks.*.hook_mlp_out`) when given.
 * Sums are taken in float64. A cosine with a zero vector is NaN: it has no direction.
 *
 * @example
 * const resid = await run.hook('blocks.*.hook_resid_pre');
 * const stats = residualStats(resid.data, run.config.nLayer, run.length, run.config.dModel);
 * stats.norm[l * T + t]; // ‖resid[l, t]‖
 */
export function residualStats(residual: Float32Array, nLayer: number, T: number, D: number, writes: { attnOut?: Float32Array; mlpOut?: Float32Array } = {}): ResidualStats {
  checkShape('residual', residual, nLayer + 1, T, D);
  const rows = (nLayer + 1) * T;
  const norm = rowNorms(residual, rows, D);
  const cosinePrevious = new Float32Array(rows).fill(Number.NaN);
  const cosineFinal = new Float32Array(rows);
  const final = nLayer * T;
  for (let l = 0; l <= nLayer; l++) {
    for (let t = 0; t < T; t++) {
      const row = l * T + t;
      if (l > 0) cosinePrevious[row] = cosine(residual, row, row - T, D, norm);
      cosineFinal[row] = cosine(residual, row, final + t, D, norm);
    }
  }
  const { attnOut, mlpOut } = writes;
  if (attnOut) checkShape('attnOut', attnOut, nLayer, T, D);
  if (mlpOut) checkShape('mlpOut', mlpOut, nLayer, T, D);
  return {
    nLayer,
    tokens: T,
    norm: Float32Array.from(norm),
    cosinePrevious,
    cosineFinal,
    attentionNorm: attnOut && Float32Array.from(rowNorms(attnOut, nLayer * T, D)),
    mlpNorm: mlpOut && Float32Array.from(rowNorms(mlpOut, nLayer * T, D)),
  };
}

/**
 * Every (layer, token) point of `residual` (`[layers, T, D]`) on the first two principal components of
 * all of them together (`principalComponents`, mean-centred, as sklearn's `PCA(2)`), so that each token
 * is a path through the layers in one shared plane.
 *
 * @example residualPaths(resid.data, nLayer + 1, T, D).coordinates // [x(0,0), y(0,0), x(0,1), …]
 */
export function residualPaths(residual: Float32Array, layers: number, T: number, D: number): ResidualPaths {
  checkShape('residual', residual, layers, T, D);
  const { projected, explained } = principalComponents(residual, layers * T, D, Math.min(2, D));
  if (D >= 2) return { coordinates: projected, explained };
  // One dimension has one component: the second coordinate is 0.
  const coordinates = new Float32Array(layers * T * 2);
  projected.forEach((x, i) => (coordinates[2 * i] = x));
  return { coordinates, explained: Float32Array.of(explained[0], 0) };
}

function checkShape(name: string, values: Float32Array, layers: number, T: number, D: number): void {
  for (const [what, n] of [
    ['layers', layers],
    ['T', T],
    ['D', D],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) throw new XrayError('bad-option', `The residual statistics need ${what} to be a whole number of at least 1, not ${n}.`);
  }
  if (values.length !== layers * T * D) throw new XrayError('bad-option', `${name} of ${layers} layers × ${T} tokens × ${D} dimensions needs ${layers * T * D} numbers, not ${values.length}.`);
}

/** The L2 norm of each of `rows` rows of `D`, in float64. */
function rowNorms(x: Float32Array, rows: number, D: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = r * D, end = i + D; i < end; i++) s += x[i] * x[i];
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** Cosine of rows `a` and `b` of `x`, with their norms already known; NaN when either is zero. */
function cosine(x: Float32Array, a: number, b: number, D: number, norms: Float64Array): number {
  const scale = norms[a] * norms[b];
  if (!(scale > 0)) return Number.NaN;
  let s = 0;
  for (let i = 0; i < D; i++) s += x[a * D + i] * x[b * D + i];
  // Rounding may put a vector's cosine with itself a hair past 1.
  return Math.max(-1, Math.min(1, s / scale));
}
