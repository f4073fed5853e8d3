// The result of one forward pass, on the page: attention and residual read synchronously from
// arrays the engine transferred; everything costly (logit lens, per-head vectors, other hooks) is
// fetched from the engine only when a figure asks.
import type { Ablation, Attribution, RunData, TokenRef } from './engine.js';
import { checkIndex, XrayError } from './errors.js';
import { GraphOutput } from './gpt2-graph.js';
import type { HeadRef } from './selection.js';
import type { HookName, HookValue, LensOptions, LensTrajectory, ModelConfig, PredictionTrajectories, TopToken } from './types.js';

/** What a run asks of the engine that made it (each call queued by its controller). */
export interface RunBackend {
  /** The logit lens of these ids over these residual layers and positions: `[layer][position][rank]`. */
  lens(ids: number[], layers: number[], positions: number[], k: number, translators?: string): Promise<TopToken[][][]>;
  /** The logit (and, with translators, tuned) lens's trajectory at `position`, following `target`. */
  trajectory(ids: number[], position: number, target: number, translators?: string): Promise<{ token: string; logit: LensTrajectory; tuned?: LensTrajectory }>;
  /** For each lens row (layers × positions, layer-major), the log-probability and rank of its target token. */
  lensTargets(ids: number[], layers: number[], positions: number[], targets: number[]): Promise<{ logProbs: Float32Array; ranks: Float32Array }>;
  /** hook_z ([k, T, dHead]) and hook_result ([r, T, D]) of flat heads `layer * nHead + head`, for these ids. */
  headVectors(ids: number[], zHeads: number[], resultHeads: number[]): Promise<{ z: Float32Array; result: Float32Array }>;
  /** One of the outputs the engine kept of this run. */
  hook(name: string): Promise<HookValue>;
  /** The run of these ids with heads ablated. */
  ablated(ids: number[], ablation: Ablation, signal?: AbortSignal): Promise<ModelRun>;
  /** Direct logit attribution at the last position of these ids. */
  attribution(ids: number[], metric: { answer: TokenRef; wrong?: TokenRef }, by: 'layer' | 'head', signal?: AbortSignal): Promise<Attribution>;
  /** The metric at the last position of these ids, with this run's interventions. */
  metric(ids: number[], metric: { answer: TokenRef; wrong?: TokenRef }, signal?: AbortSignal): Promise<number>;
  /** The scan's metric for each head ablated alone, and clean. */
  ablationScan(ids: number[], heads: number[], options: AblationScanOptions): Promise<{ values: Float32Array; clean: number }>;
  /** The engine may forget this run's kept outputs. */
  release(): void;
}

/** Options of `run.ablationScan`. */
export interface AblationScanOptions {
  /** The token the metric is about: its text (`' Mary'`, one token) or id. */
  answer: TokenRef;
  /** With it, the metric is logit[answer] − logit[wrong]; without it, P(answer). */
  wrong?: TokenRef;
  /** What an ablated head's hook_z becomes (default `zero`). */
  mode?: 'zero' | 'mean';
  /** The position whose prediction is measured (default: the last). */
  position?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Per-block hooks, each stacked over the layers as `blocks.*.{name}` or one layer's as `blocks.{l}.{name}`. */
const BLOCK_HOOKS = ['hook_resid_pre', 'hook_resid_post', 'attn.hook_pattern', 'hook_attn_out', 'hook_mlp_out', 'attn.hook_z', 'attn.hook_result'] as const;
/** Hooks of the whole model, as the graph names them. */
const MODEL_HOOKS = [GraphOutput.embed, GraphOutput.posEmbed, GraphOutput.lnFinalScale, GraphOutput.logits] as const;

/**
 * The result of one forward pass over one text, made by `ModelController.run`. Arrays are views the
 * caller must not mutate.
 */
export class ModelRun {
  /** The most memory one logit-lens pass may give its vocabulary-wide softmax rows. */
  static lensPassBytes = 256 * 2 ** 20;

  readonly text: string;
  /** Display text of each token, e.g. `' cat'`. */
  readonly tokens: string[];
  readonly ids: number[];
  /** True when the text was longer than the context and was cut to `nCtx` tokens. */
  readonly truncated: boolean;
  readonly config: ModelConfig;
  private readonly data: RunData;
  private readonly backend: RunBackend;
  private readonly lensCache = new Map<string, Promise<TopToken[][][]>>();
  private logProbs: Promise<Float32Array> | undefined;
  private readonly hookCache = new Map<string, Promise<HookValue>>();
  private readonly everyHeadPasses = new Map<'z' | 'result', Promise<{ z: Float32Array; result: Float32Array }>>();
  private released = false;

  /** @internal Runs are made by `ModelController.run`. */
  constructor(text: string, data: RunData, config: ModelConfig, backend: RunBackend) {
    this.text = text;
    this.data = data;
    this.backend = backend;
    this.ids = data.ids;
    this.tokens = data.tokens;
    this.truncated = data.truncated;
    this.config = config;
  }

  /** The number of tokens, T. */
  get length(): number {
    return this.ids.length;
  }

  /** Memory this run holds on the CPU (attention and residual stream). */
  get byteLength(): number {
    return this.data.pattern.byteLength + this.data.residual.byteLength;
  }

  /** T×T pattern of one head; row = query position; zeros above the diagonal. */
  attention(layer: number, head: number): Float32Array {
    const { nLayer, nHead } = this.config;
    checkIndex('layer', layer, nLayer);
    checkIndex('head', head, nHead);
    const size = this.length * this.length;
    const offset = (layer * nHead + head) * size;
    return this.data.pattern.subarray(offset, offset + size);
  }

  /** T×D residual stream entering block `layer`; `layer = nLayer` is the last block's output, before `ln_f`. */
  residual(layer: number): Float32Array {
    checkIndex('layer', layer, this.config.nLayer + 1);
    const size = this.length * this.config.dModel;
    return this.data.residual.subarray(layer * size, (layer + 1) * size);
  }

  /** Top-k of the final distribution at the last position (k up to the run's `topK`, 50 unless asked). */
  nextToken(k = 10): TopToken[] {
    const available = this.data.next.length;
    if (k > available) throw new XrayError('out-of-range', `nextToken(${k}) asks for more than the ${available} tokens this run kept: pass { topK: ${k} } to run().`);
    return this.data.next.slice(0, k);
  }

  /**
   * The logit lens: every residual layer read through ln_f and the unembedding, top-k per position.
   * With `translators` (the URL of a tuned lens's `params.pt` or safetensors), the tuned lens:
   * each layer below the last through its affine translator first, ln_f(h + A·h + b), as
   * tuned-lens's `transform_hidden`; the last layer is the model's own logits either way.
   * Runs one extra forward pass (memoised) because the lens costs more than the model itself.
   */
  async logitLens(k = 5, positions?: number[], { translators }: LensOptions = {}): Promise<TopToken[][][]> {
    const picked = positions ?? this.ids.map((_, i) => i);
    picked.forEach((p) => checkIndex('position', p, this.length));
    checkIndex('k', k - 1, this.config.vocabSize);
    const key = `${k}:${picked.join(',')}:${translators ?? ''}`;
    let lens = this.lensCache.get(key);
    if (!lens) {
      lens = this.computeLens(k, picked, translators);
      this.lensCache.set(key, lens);
      lens.catch(() => this.lensCache.delete(key));
    }
    return lens;
  }

  /**
   * `[T − 1]`: log P(ids[t + 1] | ids[0..t]) under the model, as CircuitsVis's token_log_probs shows
   * them (natural log; surprisal in bits is −value / ln 2). One extra pass (memoised): the
   * vocabulary-wide softmax at every position costs more than the model's own run.
   */
  tokenLogProbs(): Promise<Float32Array> {
    if (!this.logProbs) {
      this.logProbs = this.computeLogProbs();
      this.logProbs.catch(() => (this.logProbs = undefined));
    }
    return this.logProbs;
  }

  /**
   * The prediction trajectory at `position` (default: the last), per residual layer 0…L: the lens
   * distribution's entropy, its forward KL from the model's own, and the rank and log-probability
   * of `target` (default: the next token of the text, or at the last position the model's own top
   * prediction), for the logit lens and, with `translators`, the tuned lens, as tuned-lens's
   * PredictionTrajectory measures them. One extra pass.
   */
  async predictionTrajectory(position = this.length - 1, { translators, target }: LensOptions & { target?: number } = {}): Promise<PredictionTrajectories> {
    checkIndex('position', position, this.length);
    const id = target ?? (position < this.length - 1 ? this.ids[position + 1] : this.data.next[0].id);
    checkIndex('target', id, this.config.vocabSize);
    const { token, ...trajectories } = await this.backend.trajectory(this.ids, position, id, translators);
    return { position, target: { id, token }, ...trajectories };
  }

  /** The `hook_z` ([T, dHead]) and `hook_result` ([T, D]) vectors of one head (one extra forward pass). */
  async headVectors(layer: number, head: number): Promise<{ z: Float32Array; result: Float32Array }> {
    checkIndex('layer', layer, this.config.nLayer);
    checkIndex('head', head, this.config.nHead);
    const flat = [layer * this.config.nHead + head];
    return this.backend.headVectors(this.ids, flat, flat);
  }

  /**
   * Any activation by its TransformerLens name, as `{ dims, data }`: `hook_embed` and `hook_pos_embed`
   * [T, D], `ln_final.hook_scale` [T, 1], `logits` [V] (the last position's), and each block hook
   * stacked over the layers (`blocks.*.hook_mlp_out` [L, T, D], `blocks.*.attn.hook_pattern`
   * [L, H, T, T], `blocks.*.attn.hook_z` [L, H, T, dHead], `blocks.*.hook_resid_pre` [L + 1, T, D],
   * its last being the last block's resid_post) or of one layer (`blocks.3.hook_mlp_out` [T, D]).
   */
  async hook(name: HookName): Promise<HookValue> {
    const block = /^blocks\.(\*|\d+)\.(.+)$/.exec(name);
    if (!block) {
      if (!(MODEL_HOOKS as readonly string[]).includes(name)) throw unknownHook(name);
      return this.keptHook(name);
    }
    const [, layer, hook] = block;
    if (!(BLOCK_HOOKS as readonly string[]).includes(hook)) throw unknownHook(name);
    const { nLayer } = this.config;
    if (layer !== '*') checkIndex('layer', Number(layer), nLayer);
    const stacked = await this.blockHook(hook as (typeof BLOCK_HOOKS)[number]);
    if (layer === '*') return stacked;
    const [, ...dims] = stacked.dims;
    const size = stacked.data.length / stacked.dims[0];
    return { dims, data: stacked.data.subarray(Number(layer) * size, (Number(layer) + 1) * size) };
  }

  /**
   * The same text with these heads' `blocks.{l}.attn.hook_z` set to 0 (`zero`, the default) or to its
   * mean over this run's positions (`mean`): a whole run of the intervened model.
   */
  async ablate(heads: HeadRef[], { mode = 'zero', signal }: { mode?: 'zero' | 'mean'; signal?: AbortSignal } = {}): Promise<ModelRun> {
    checkMode(mode);
    return this.backend.ablated(this.ids, { heads: heads.map((h) => this.flatHead(h)), mode }, signal);
  }

  /**
   * The metric of this run (with its interventions, if it is an ablated run) at `position` (default:
   * the last): logit[answer] − logit[wrong], or P(answer) without `wrong`, as `ablationScan` measures it.
   */
  async metric({ answer, wrong, position, signal }: { answer: TokenRef; wrong?: TokenRef; position?: number; signal?: AbortSignal }): Promise<number> {
    const at = position ?? this.length - 1;
    checkIndex('position', at, this.length);
    return this.backend.metric(this.ids.slice(0, at + 1), { answer, wrong }, signal);
  }

  /** How many next tokens `nextToken(k)` can give: the run's `topK`. */
  get keptTokens(): number {
    return this.data.next.length;
  }

  /**
   * The metric with each head ablated alone, `[nLayer, nHead]`, and `clean` without ablation: the
   * logit difference logit[answer] − logit[wrong] at `position`, or P(answer) when no `wrong` is given.
   * The model sees only the tokens up to `position`, so a `mean` ablation there averages over those.
   */
  async ablationScan(options: AblationScanOptions): Promise<{ dims: [number, number]; data: Float32Array; clean: number }> {
    const { nLayer, nHead } = this.config;
    checkMode(options.mode ?? 'zero');
    const position = options.position ?? this.length - 1;
    checkIndex('position', position, this.length);
    const heads = Array.from({ length: nLayer * nHead }, (_, i) => i);
    const { values, clean } = await this.backend.ablationScan(this.ids.slice(0, position + 1), heads, options);
    return { dims: [nLayer, nHead], data: values, clean };
  }

  /**
   * Direct logit attribution at `position` (default: the last): each component's output through the
   * final layer norm with this run's own scale (`ln_final.hook_scale`), dotted with W_U[answer] −
   * W_U[wrong] (W_U[answer] without `wrong`: the answer's logit, not its probability as in
   * `ablationScan` and `metric`, since a probability does not decompose into a sum). Labels as TransformerLens's decompose_resid
   * (`embed`, `pos_embed`, `0_attn_out`, `0_mlp_out`, …) or, by head, stack_head_results (`L0H0`, …,
   * with `0_attn_bias` and `0_mlp_out` rows), then `ln_final_bias`: `values` sum to `total`, the run's
   * logit difference. Costs one extra pass.
   */
  async logitAttribution(options: { answer: TokenRef; wrong?: TokenRef; position?: number; by: 'layer' | 'head'; signal?: AbortSignal }): Promise<Attribution> {
    const position = options.position ?? this.length - 1;
    checkIndex('position', position, this.length);
    if (options.by !== 'layer' && options.by !== 'head') throw new XrayError('bad-option', `Unknown attribution "by: ${options.by}": use layer or head.`);
    return this.backend.attribution(this.ids.slice(0, position + 1), { answer: options.answer, wrong: options.wrong }, options.by, options.signal);
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

  private flatHead({ layer, head }: HeadRef): number {
    checkIndex('layer', layer, this.config.nLayer);
    checkIndex('head', head, this.config.nHead);
    return layer * this.config.nHead + head;
  }

  /** A block hook stacked over the layers: from this run's own arrays, the engine's kept outputs, or a pass over every head. */
  private async blockHook(hook: (typeof BLOCK_HOOKS)[number]): Promise<HookValue> {
    const { nLayer: L, nHead: H, dModel: D } = this.config;
    const T = this.length;
    switch (hook) {
      case 'hook_resid_pre':
        return { dims: [L + 1, T, D], data: this.data.residual };
      case 'hook_resid_post':
        return { dims: [L, T, D], data: this.data.residual.subarray(T * D) };
      case 'attn.hook_pattern':
        return { dims: [L, H, T, T], data: this.data.pattern };
      case 'hook_attn_out':
        return this.keptHook(GraphOutput.attnOut);
      case 'hook_mlp_out':
        return this.keptHook(GraphOutput.mlpOut);
      case 'attn.hook_z':
        return { dims: [L, H, T, D / H], data: (await this.everyHead('z')).z };
      case 'attn.hook_result':
        return { dims: [L, H, T, D], data: (await this.everyHead('result')).result };
    }
  }

  /** hook_z or hook_result of every head, in one extra pass each, fetched once. */
  private everyHead(part: 'z' | 'result'): Promise<{ z: Float32Array; result: Float32Array }> {
    let pass = this.everyHeadPasses.get(part);
    if (!pass) {
      const all = Array.from({ length: this.config.nLayer * this.config.nHead }, (_, i) => i);
      pass = this.backend.headVectors(this.ids, part === 'z' ? all : [], part === 'result' ? all : []);
      this.everyHeadPasses.set(part, pass);
      pass.catch(() => this.everyHeadPasses.delete(part));
    }
    return pass;
  }

  /** An output the engine kept of this run, fetched once. */
  private keptHook(name: string): Promise<HookValue> {
    let value = this.hookCache.get(name);
    if (!value) {
      this.checkHeld();
      value = this.backend.hook(name);
      this.hookCache.set(name, value);
      value.catch(() => this.hookCache.delete(name));
    }
    return value;
  }

  private async computeLogProbs(): Promise<Float32Array> {
    const { nLayer, vocabSize } = this.config;
    const positions = this.ids.slice(1).map((_, t) => t);
    const values = new Float32Array(positions.length);
    // Slices of the positions, as the lens takes them, so the softmax rows stay under lensPassBytes.
    const perPass = Math.max(1, Math.floor(ModelRun.lensPassBytes / (4 * vocabSize)));
    for (let start = 0; start < positions.length; start += perPass) {
      const slice = positions.slice(start, start + perPass);
      const { logProbs } = await this.backend.lensTargets(
        this.ids,
        [nLayer],
        slice,
        slice.map((t) => this.ids[t + 1]),
      );
      values.set(logProbs, start);
    }
    return values;
  }

  private async computeLens(k: number, positions: number[], translators: string | undefined): Promise<TopToken[][][]> {
    const layers = Array.from({ length: this.config.nLayer + 1 }, (_, l) => l);
    // The lens softmaxes (L+1)·positions rows of the vocabulary at once: passes over slices of the
    // positions keep that under lensPassBytes (a whole GPT-2 text of 1,024 tokens would need 2.7 GB).
    const perPass = Math.max(1, Math.floor(ModelRun.lensPassBytes / (4 * this.config.vocabSize * layers.length)));
    const slices: TopToken[][][][] = [];
    for (let start = 0; start < positions.length; start += perPass) {
      const slice = positions.slice(start, start + perPass);
      slices.push(await this.backend.lens(this.ids, layers, slice, k, translators));
    }
    return layers.map((l) => slices.flatMap((slice) => slice[l]));
  }
}

function checkMode(mode: string): void {
  if (mode !== 'zero' && mode !== 'mean') throw new XrayError('bad-option', `Unknown ablation mode "${mode}": use zero or mean.`);
}

function unknownHook(name: string): XrayError {
  const names = [...MODEL_HOOKS, ...BLOCK_HOOKS.map((hook) => `blocks.*.${hook}`)].join(', ');
  return new XrayError('bad-option', `Unknown hook "${name}": choose one of ${names} (or blocks.{layer}.… for one layer).`);
}
