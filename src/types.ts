// The public shapes every figure and analysis reads. Extend, never break.
import type { XrayErrorCode } from './errors.js';
import type { SamplingOptions } from './sampling.js';
import type { HeadRef } from './selection.js';

/** One token, by its text (`' Mary'`, which must be one token) or its id. */
export type TokenRef = string | number;

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

/** Options of `ModelController.generate`: the sampling filters, and how long to go on. */
export interface GenerateOptions extends SamplingOptions {
  /** How many tokens to add at most (default 20); generation also ends at `<|endoftext|>` or the context's end. */
  maxNewTokens?: number;
  /** The same seed draws the same tokens (default: a random one). */
  seed?: number;
  /** How many of the model's most likely tokens each step's `top` lists (default 10). */
  topTokens?: number;
  /** Put `<|endoftext|>` before the prompt, as `run` does with it. */
  prependBos?: boolean;
  signal?: AbortSignal;
}

/** One generated token. */
export interface GenerationStep {
  id: number;
  /** Its display text. */
  token: string;
  /** Its probability under the distribution it was drawn from (temperature, top-k and top-p applied; 1 when greedy). */
  prob: number;
  /** The prompt and every token so far, decoded. */
  text: string;
  /** The model's own most likely tokens at this step (temperature 1, no filter), as `nextToken` gives them. */
  top: TopToken[];
}

/** The tokenizer's view of a text (`ModelController.tokenize`), as plain data. */
export interface TokenizationData {
  ids: number[];
  /** Display text of each token. */
  tokens: string[];
  /** The pre-tokenizer's split of the text, each word in display text (`' cat'`). */
  words: string[];
  /** Per distinct word: its parts before any merge and after each merge (ending at its tokens), and each merge's rank in GPT-2's merges. */
  merges: Record<string, { steps: string[][]; ranks: number[] }>;
}

/**
 * One lens's prediction trajectory at a position, per residual layer 0…L (the last being the model's
 * own distribution), as tuned-lens's PredictionTrajectory measures it.
 */
export interface LensTrajectory {
  /** The lens distribution's entropy, in nats. */
  entropy: Float32Array;
  /** KL(model ‖ lens), in nats: 0 at the last layer. */
  forwardKl: Float32Array;
  /** How many tokens the lens ranks above the target (0: it is the top prediction). */
  targetRank: Float32Array;
  /** log P(target) under the lens. */
  targetLogProb: Float32Array;
}

/** The logit lens's and (with translators) the tuned lens's trajectories at one position. */
export interface PredictionTrajectories {
  position: number;
  /** The token whose rank and log-probability are followed. */
  target: { id: number; token: string };
  logit: LensTrajectory;
  tuned?: LensTrajectory;
}

/** Options of `run.logitLens` and `run.predictionTrajectory`. */
export interface LensOptions {
  /** URL of a tuned lens's translators (the tuned-lens project's `params.pt`, or safetensors): the tuned lens instead of, or beside, the logit lens. */
  translators?: string;
}

/** A vocabulary token and its cosine similarity to a query. */
export interface Neighbour {
  token: string;
  id: number;
  similarity: number;
}

/** Queries of the token embedding `wte` (GPT-2's unembedding too), computed where the model runs. */
export interface Embeddings {
  /** The k tokens nearest `query` by cosine; a token query is left out of its own list. */
  nearest(query: TokenRef | Float32Array, k: number): Promise<Neighbour[]>;
  /** The k tokens nearest a − b + c by cosine, the three left out (gensim's most_similar(positive=[a, c], negative=[b])). */
  analogy(a: TokenRef, b: TokenRef, c: TokenRef, k: number): Promise<Neighbour[]>;
  /** The tokens' embeddings on their first two principal components. */
  project(tokens: TokenRef[]): Promise<{ x: number; y: number }[]>;
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
  /** A figure changed its text (`<next-token>` appended generated tokens); linked figures may follow. */
  'text-change': { text: string };
}
