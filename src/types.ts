// The public shapes every figure and analysis reads. Extend, never break.
import type { XrayErrorCode } from './errors.js';
import type { HeadRef } from './selection.js';

/** Execution device. `auto` picks WebGPU when an adapter exists, else WASM. */
export type Device = 'auto' | 'webgpu' | 'wasm';
/** The device a loaded controller actually runs on. */
export type ResolvedDevice = 'webgpu' | 'wasm';

/** The GPT-2 hyper-parameters the library uses, read from `config.json`. */
export interface ModelConfig {
  nLayer: number;
  nHead: number;
  dModel: number;
  /** Context length (`n_positions`). */
  nCtx: number;
  vocabSize: number;
  /** Layer-norm epsilon (`layer_norm_epsilon`). */
  layerNormEps: number;
}

/** One entry of a ranked distribution over the vocabulary. */
export interface TopToken {
  /** Display text of the token (byte-level `Ġ` shown as a space). */
  token: string;
  id: number;
  prob: number;
}

/** `loading` covers download, graph build and session creation. */
export type ControllerStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Detail of a controller `progress` event. `total` is 0 when the server sends no length. */
export interface ProgressDetail {
  file: string;
  loaded: number;
  total: number;
}

/** Options of `ModelController.run`. */
export interface RunOptions {
  signal?: AbortSignal;
  /** Put `<|endoftext|>` first, as TransformerLens does by default. */
  prependBos?: boolean;
}

/** The result of one forward pass over one text. Arrays are views the caller must not mutate. */
export interface ModelRun {
  readonly text: string;
  /** Display text of each token, e.g. `' cat'`. */
  readonly tokens: string[];
  readonly ids: number[];
  /** True when the text was longer than the context and was cut to `nCtx` tokens. */
  readonly truncated: boolean;
  readonly config: ModelConfig;
  /** T×T pattern of one head; row = query position; zeros above the diagonal. */
  attention(layer: number, head: number): Float32Array;
  /** T×D residual stream entering block `layer`; `layer = nLayer` is the last block's output, before `ln_f`. */
  residual(layer: number): Float32Array;
  /** Top-k of the logit lens, indexed `[layer 0..nLayer][position][rank]`. */
  logitLens(k?: number, positions?: number[]): Promise<TopToken[][][]>;
  /** Top-k of the final distribution at the last position. */
  nextToken(k?: number): TopToken[];
}

/** Every event a figure fires, by name, with its `detail` (for typed listeners). */
export interface XrayEventMap {
  'run-complete': { tokens: string[] };
  error: { code: XrayErrorCode; message: string };
  /** `null` when the selection is cleared. */
  'head-select': HeadRef | null;
  'token-hover': { position: number | null; token: string | null };
  'cell-select': { layer: number; head: number; query: number; key: number; value: number } | null;
  'train-progress': { layer: number; of: number };
}
