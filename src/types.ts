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
  /** How many next tokens `nextToken(k)` can give (default 50). */
  topK?: number;
}

/** Hooks that belong to each block: `blocks.*.{hook}` stacks the layers, `blocks.{l}.{hook}` is one layer. */
export type BlockHookName = 'hook_resid_pre' | 'hook_resid_post' | 'attn.hook_pattern' | 'hook_attn_out' | 'hook_mlp_out' | 'attn.hook_z' | 'attn.hook_result';
/** Every activation `run.hook(name)` reads, by its TransformerLens name. */
export type HookName = 'hook_embed' | 'hook_pos_embed' | 'ln_final.hook_scale' | 'logits' | `blocks.${'*' | number}.${BlockHookName}`;

/** An activation and its dims (no batch dimension). */
export interface HookValue {
  dims: number[];
  data: Float32Array;
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
