// The result of one forward pass, on the page: attention and residual read synchronously from
// arrays the engine transferred; everything costly (logit lens, per-head vectors, other hooks) is
// fetched from the engine only when a figure asks.
import type { HookValue, RunData } from './engine.js';
import { checkIndex, XrayError } from './errors.js';
import { GraphOutput } from './gpt2-graph.js';
import type { ModelConfig, ModelRun, TopToken } from './types.js';

export type { HookValue };

/** What a run asks of the engine that made it (each call queued by its controller). */
export interface RunBackend {
  /** The logit lens of these ids over these residual layers and positions: `[layer][position][rank]`. */
  lens(ids: number[], layers: number[], positions: number[], k: number): Promise<TopToken[][][]>;
  /** hook_z and hook_result of one flat head `layer * nHead + head`, for these ids. */
  headVectors(ids: number[], head: number): Promise<{ z: Float32Array; result: Float32Array }>;
  hook(name: string): Promise<HookValue>;
  /** The engine may forget this run's lazy outputs. */
  release(): void;
}

/** Outputs a caller may read through `hook(name)`. */
export type LazyHook = typeof GraphOutput.embed | typeof GraphOutput.posEmbed | typeof GraphOutput.attnOut | typeof GraphOutput.mlpOut | typeof GraphOutput.lnFinalScale | typeof GraphOutput.logits;

export class GraphModelRun implements ModelRun {
  /** The most memory one logit-lens pass may give its vocabulary-wide softmax rows. */
  static lensPassBytes = 256 * 2 ** 20;

  readonly text: string;
  readonly tokens: string[];
  readonly ids: number[];
  readonly truncated: boolean;
  readonly config: ModelConfig;
  private readonly data: RunData;
  private readonly backend: RunBackend;
  private readonly lensCache = new Map<string, Promise<TopToken[][][]>>();
  private readonly hookCache = new Map<string, Promise<HookValue>>();
  private released = false;

  constructor(text: string, data: RunData, config: ModelConfig, backend: RunBackend) {
    this.text = text;
    this.data = data;
    this.backend = backend;
    this.ids = data.ids;
    this.tokens = data.tokens;
    this.truncated = data.truncated;
    this.config = config;
  }

  get length(): number {
    return this.ids.length;
  }

  /** Memory this run holds on the CPU (attention and residual stream). */
  get byteLength(): number {
    return this.data.pattern.byteLength + this.data.residual.byteLength;
  }

  attention(layer: number, head: number): Float32Array {
    const { nLayer, nHead } = this.config;
    checkIndex('layer', layer, nLayer);
    checkIndex('head', head, nHead);
    const size = this.length * this.length;
    const offset = (layer * nHead + head) * size;
    return this.data.pattern.subarray(offset, offset + size);
  }

  residual(layer: number): Float32Array {
    checkIndex('layer', layer, this.config.nLayer + 1);
    const size = this.length * this.config.dModel;
    return this.data.residual.subarray(layer * size, (layer + 1) * size);
  }

  nextToken(k = 10): TopToken[] {
    const available = this.data.next.length;
    if (k > available) throw new XrayError('out-of-range', `nextToken(${k}) asks for more than the ${available} tokens this run kept.`);
    return this.data.next.slice(0, k);
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
    return this.backend.headVectors(this.ids, layer * this.config.nHead + head);
  }

  /** Any other hook of this run, e.g. `blocks.*.hook_mlp_out` as [L, T, D]; fetched from the engine once. */
  async hook(name: LazyHook): Promise<HookValue> {
    if (!this.data.hooks.includes(name)) throw new XrayError('bad-option', `Unknown hook "${name}": choose one of ${this.data.hooks.join(', ')}.`);
    let value = this.hookCache.get(name);
    if (!value) {
      this.checkHeld();
      value = this.backend.hook(name);
      this.hookCache.set(name, value);
      value.catch(() => this.hookCache.delete(name));
    }
    return value;
  }

  /** Lets the engine free what it keeps of this run for `hook()`; attention, residual and the extra passes stay. */
  dispose(): void {
    if (this.released) return;
    this.released = true;
    this.backend.release();
  }

  private checkHeld(): void {
    if (this.released) throw new XrayError('released', `This run's other outputs were freed when it left the controller's cache of recent runs; run the text again.`);
  }

  private async computeLens(k: number, positions: number[]): Promise<TopToken[][][]> {
    const layers = Array.from({ length: this.config.nLayer + 1 }, (_, l) => l);
    // The lens softmaxes (L+1)·positions rows of the vocabulary at once: passes over slices of the
    // positions keep that under lensPassBytes (a whole GPT-2 text of 1,024 tokens would need 2.7 GB).
    const perPass = Math.max(1, Math.floor(GraphModelRun.lensPassBytes / (4 * this.config.vocabSize * layers.length)));
    const slices: TopToken[][][][] = [];
    for (let start = 0; start < positions.length; start += perPass) {
      const slice = positions.slice(start, start + perPass);
      slices.push(await this.backend.lens(this.ids, layers, slice, k));
    }
    return layers.map((l) => slices.flatMap((slice) => slice[l]));
  }
}
