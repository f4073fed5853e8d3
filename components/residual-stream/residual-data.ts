// Where a <residual-stream>'s activations come from, a run or data mode, in one shape; data mode is
// checked with errors that say where it does not fit.
import { XrayError } from '../../src/errors.js';
import type { ModelRun } from '../../src/model-run.js';

/** What the figure shows: a statistic per token and layer, or the PCA paths (here, not in residual-view.ts, so the element's public types need no d3). */
export const STATS = ['norm', 'cosine-previous', 'cosine-final', 'attention', 'mlp', 'paths'] as const;
export type Stat = (typeof STATS)[number];

/**
 * Data mode of `<residual-stream>`: a run's residual stream as TransformerLens has it, nested lists.
 * `residual` is `[L+1][T][D]`: resid_pre of each block, then the last block's resid_post (what
 * `cache.accumulated_resid(apply_ln=False)[:, 0]` gives); `attnOut` and `mlpOut` are `[L][T][D]`
 * (`cache.stack_activation("attn_out")[:, 0]`, `"mlp_out"`), for the two "what it wrote" views.
 */
export interface ResidualStreamData {
  tokens: string[];
  residual: number[][][];
  attnOut?: number[][][];
  mlpOut?: number[][][];
}

/** The activations a figure computes its statistics from, flat and layer-major. */
export interface ResidualSource {
  tokens: string[];
  /** Blocks, L. */
  nLayer: number;
  dModel: number;
  /** `[L+1, T, D]`. */
  residual: Float32Array;
  attnOut?: Float32Array;
  mlpOut?: Float32Array;
  truncated: boolean;
}

export async function sourceOfRun(run: ModelRun): Promise<ResidualSource> {
  const hooks = ['blocks.*.hook_resid_pre', 'blocks.*.hook_attn_out', 'blocks.*.hook_mlp_out'] as const;
  const [residual, attnOut, mlpOut] = await Promise.all(hooks.map((name) => run.hook(name)));
  const { nLayer, dModel } = run.config;
  return { tokens: run.tokens, nLayer, dModel, residual: residual.data, attnOut: attnOut.data, mlpOut: mlpOut.data, truncated: run.truncated };
}

export function sourceFromData(data: ResidualStreamData): ResidualSource {
  const { tokens, residual, attnOut, mlpOut } = data ?? {};
  if (!Array.isArray(tokens) || tokens.length === 0 || tokens.some((t) => typeof t !== 'string')) throw bad('data.tokens must be a non-empty list of token texts, e.g. ["The", " cat"].');
  if (!Array.isArray(residual) || residual.length < 2) {
    throw bad('data.residual must be [layers + 1][tokens][d_model]: the embeddings, then every block’s output (at least two layers).');
  }
  const T = tokens.length;
  const D = Array.isArray(residual[0]?.[0]) ? residual[0][0].length : 0;
  if (D === 0) throw bad('data.residual[0][0] must be a token’s hidden state: a non-empty list of numbers.');
  const nLayer = residual.length - 1;
  return {
    tokens,
    nLayer,
    dModel: D,
    residual: flatten('residual', residual, nLayer + 1, T, D),
    attnOut: attnOut === undefined ? undefined : flatten('attnOut', attnOut, nLayer, T, D),
    mlpOut: mlpOut === undefined ? undefined : flatten('mlpOut', mlpOut, nLayer, T, D),
    truncated: false,
  };
}

/** `[layers][T][D]` nested lists as one Float32Array, or an error naming the first place that does not fit. */
function flatten(name: string, value: unknown, layers: number, T: number, D: number): Float32Array {
  if (!Array.isArray(value) || value.length !== layers)
    throw bad(`data.${name} must have ${layers} layers (one per ${name === 'residual' ? 'layer of the residual stream' : 'block'}), not ${Array.isArray(value) ? value.length : 'none'}.`);
  const out = new Float32Array(layers * T * D);
  value.forEach((layer: unknown, l) => {
    if (!Array.isArray(layer) || layer.length !== T) throw bad(`data.${name}[${l}] must have one row per token, ${T}, not ${Array.isArray(layer) ? layer.length : 'none'}.`);
    layer.forEach((row: unknown, t) => {
      if (!Array.isArray(row) || row.length !== D) throw bad(`data.${name}[${l}][${t}] must have ${D} numbers (d_model, as data.residual[0][0]), not ${Array.isArray(row) ? row.length : 'none'}.`);
      const offset = (l * T + t) * D;
      for (let i = 0; i < D; i++) {
        const v = row[i] as unknown;
        if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`data.${name}[${l}][${t}][${i}] is not a finite number.`);
        out[offset + i] = v;
      }
    });
  });
  return out;
}

const bad = (message: string) => new XrayError('bad-option', message);
