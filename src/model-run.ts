// The result of one forward pass: attention and residual read synchronously, everything costly
// (logit lens, per-head vectors, other hooks) fetched or computed only when a figure asks.
import { checkIndex, XrayError } from './errors.js';
import { GraphOutput } from './gpt2-graph.js';
import { readTensor, type ort } from './session.js';
import type { ModelConfig, ModelRun, TopToken } from './types.js';

/** Options of an extra forward pass over the same ids (see `ForwardPass`). */
export interface ExtraWork {
  lensLayers?: number[];
  lensPositions?: number[];
  heads?: number[];
  topK?: number;
}

/** Runs the session again on this run's ids with extra work selected; resolves the outputs by name. */
export type ForwardPass = (work: ExtraWork) => Promise<Record<string, ort.Tensor>>;

/** A hook's values and their dims, batch dimension removed. */
export interface HookValue {
  dims: number[];
  data: Float32Array;
}

/** Outputs a caller may read through `hook(name)`. */
export type LazyHook = typeof GraphOutput.embed | typeof GraphOutput.posEmbed | typeof GraphOutput.attnOut | typeof GraphOutput.mlpOut | typeof GraphOutput.lnFinalScale | typeof GraphOutput.logits;

export interface RunParts {
  text: string;
  ids: number[];
  truncated: boolean;
  config: ModelConfig;
  tokenText: (id: number) => string;
  pattern: Float32Array;
  residual: Float32Array;
  nextProbs: Float32Array;
  nextIds: BigInt64Array;
  /** The outputs not copied eagerly: GPU tensors on WebGPU. */
  lazy: Map<string, ort.Tensor>;
  forward: ForwardPass;
}

export class GraphModelRun implements ModelRun {
  /** The most memory one logit-lens pass may give its vocabulary-wide softmax rows. */
  static lensPassBytes = 256 * 2 ** 20;

  readonly text: string;
  readonly tokens: string[];
  readonly ids: number[];
  readonly truncated: boolean;
  readonly config: ModelConfig;
  private readonly parts: RunParts;
  private readonly lensCache = new Map<string, Promise<TopToken[][][]>>();
  private readonly hookCache = new Map<string, Promise<HookValue>>();

  constructor(parts: RunParts) {
    this.parts = parts;
    this.text = parts.text;
    this.ids = parts.ids;
    this.tokens = parts.ids.map(parts.tokenText);
    this.truncated = parts.truncated;
    this.config = parts.config;
  }

  get length(): number {
    return this.ids.length;
  }

  /** Memory this run holds on the CPU (attention and residual stream). */
  get byteLength(): number {
    return this.parts.pattern.byteLength + this.parts.residual.byteLength;
  }

  attention(layer: number, head: number): Float32Array {
    const { nLayer, nHead } = this.config;
    checkIndex('layer', layer, nLayer);
    checkIndex('head', head, nHead);
    const size = this.length * this.length;
    const offset = (layer * nHead + head) * size;
    return this.parts.pattern.subarray(offset, offset + size);
  }

  residual(layer: number): Float32Array {
    checkIndex('layer', layer, this.config.nLayer + 1);
    const size = this.length * this.config.dModel;
    return this.parts.residual.subarray(layer * size, (layer + 1) * size);
  }

  nextToken(k = 10): TopToken[] {
    const available = this.parts.nextIds.length;
    if (k > available) throw new XrayError('out-of-range', `nextToken(${k}) asks for more than the ${available} tokens this run kept; pass a larger topK to run().`);
    return this.topTokens(this.parts.nextProbs, this.parts.nextIds, 0, k);
  }

  /**
   * The logit lens: every residual layer read through ln_f and the unembedding, top-k per position.
   * Runs one extra forward pass (memoised) because the lens costs more than the model itself.
   */
  async logitLens(k = 5, positions?: number[]): Promise<TopToken[][][]> {
    const picked = positions ?? this.ids.map((_, i) => i);
    picked.forEach((p) => checkIndex('position', p, this.length));
    checkIndex('k', k - 1, this.config.vocabSize);
    const key = `${k}:${picked.join(',')}`;
    let lens = this.lensCache.get(key);
    if (!lens) {
      lens = this.computeLens(k, picked);
      this.lensCache.set(key, lens);
      lens.catch(() => this.lensCache.delete(key));
    }
    return lens;
  }

  /** The `hook_z` ([T, dHead]) and `hook_result` ([T, D]) vectors of one head (one extra forward pass). */
  async headVectors(layer: number, head: number): Promise<{ z: Float32Array; result: Float32Array }> {
    checkIndex('layer', layer, this.config.nLayer);
    checkIndex('head', head, this.config.nHead);
    const out = await this.parts.forward({ heads: [layer * this.config.nHead + head] });
    const [z, result] = await Promise.all([readTensor<'float32'>(out[GraphOutput.z]), readTensor<'float32'>(out[GraphOutput.result])]);
    return { z, result };
  }

  /** Any other hook of this run, e.g. `blocks.*.hook_mlp_out` as [L, T, D]; read from the GPU once. */
  async hook(name: LazyHook): Promise<HookValue> {
    const tensor = this.parts.lazy.get(name);
    if (!tensor) throw new XrayError('bad-option', `Unknown hook "${name}": choose one of ${[...this.parts.lazy.keys()].join(', ')}.`);
    let value = this.hookCache.get(name);
    if (!value) {
      if (tensor.location === 'none') throw new XrayError('aborted', `The GPU buffers of this run were freed when it left the controller's cache of recent runs; run the text again.`);
      value = readTensor<'float32'>(tensor).then((data) => ({ dims: name === GraphOutput.posEmbed ? [...tensor.dims] : tensor.dims.slice(1), data }));
      this.hookCache.set(name, value);
      value.catch(() => this.hookCache.delete(name));
    }
    return value;
  }

  /** Frees the GPU buffers this run still holds. */
  dispose(): void {
    // CPU outputs are plain arrays the garbage collector frees once nobody holds this run.
    for (const tensor of this.parts.lazy.values()) if (tensor.location === 'gpu-buffer') tensor.dispose();
  }

  private async computeLens(k: number, positions: number[]): Promise<TopToken[][][]> {
    const layers = Array.from({ length: this.config.nLayer + 1 }, (_, l) => l);
    // The lens softmaxes (L+1)·positions rows of the vocabulary at once: passes over slices of the
    // positions keep that under lensPassBytes (a whole GPT-2 text of 1,024 tokens would need 2.7 GB).
    const perPass = Math.max(1, Math.floor(GraphModelRun.lensPassBytes / (4 * this.config.vocabSize * layers.length)));
    const slices: TopToken[][][][] = [];
    for (let start = 0; start < positions.length; start += perPass) {
      const slice = positions.slice(start, start + perPass);
      const out = await this.parts.forward({ lensLayers: layers, lensPositions: slice, topK: k });
      const [probs, ids] = await Promise.all([readTensor<'float32'>(out[GraphOutput.topProbs]), readTensor<'int64'>(out[GraphOutput.topIds])]);
      slices.push(layers.map((l) => slice.map((_, p) => this.topTokens(probs, ids, (l * slice.length + p) * k, k))));
    }
    return layers.map((l) => slices.flatMap((slice) => slice[l]));
  }


  private topTokens(probs: Float32Array, ids: BigInt64Array, offset: number, k: number): TopToken[] {
    return Array.from({ length: k }, (_, r) => {
      const id = Number(ids[offset + r]);
      return { token: this.parts.tokenText(id), id, prob: probs[offset + r] };
    });
  }
}
