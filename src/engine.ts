// The model itself: downloads, tokenizer, graph, onnxruntime session and every pass. It runs in the
// engine worker (or, with `worker: false`, in the page) and speaks only in plain data and typed
// arrays, so the same object serves both sides of a worker boundary.
import { capabilities } from './capabilities.js';
import { parseGpt2Config } from './config.js';
import { errorText, XrayError } from './errors.js';
import { buildGpt2Graph, GraphOutput, type PatchHook } from './gpt2-graph.js';
import { graphFeeds, growingBatch, type Ablation, type PassWork } from './graph-feeds.js';
import { principalComponents } from './analysis/pca.js';
import { analogyTokens, nearestTokens, type EmbeddingSource } from './embedding-queries.js';
import { generateTokens, type GenerationRequest, type KeyValueCache } from './generation.js';
import { fetchFile, fetchInto, fetchJson } from './model-files.js';
import { readTranslators } from './tuned-lens/translators.js';
import { runProbeJob, type ProbeCache, type ProbeJob, type ProbeOutcome, type ProbeProgress } from './probes/job.js';
import { readSafetensorsHeader, tensorAsFloat32, type TensorInfo } from './safetensors.js';
import { createSession, EAGER_OUTPUTS, readTensor, startRuntime, type ExternalFile, type ort } from './session.js';
import { applySettings, type Settings } from './settings.js';
import { SafetensorsSink, type SplitFile } from './split-file.js';
import { timed } from './timing.js';
import { createTokenizer, type Gpt2Tokenizer } from './tokenizer.js';
import type { Device, HookValue, ModelConfig, ProgressDetail, ResolvedDevice, GenerationStep, LensTrajectory, Neighbour, TokenizationData, TokenRef, TopToken } from './types.js';
export type { TokenRef };
import { placeWeights } from './weight-files.js';
import { gpt2Weights } from './weights.js';

export interface EngineOptions {
  /** The model as the page named it, for messages. */
  model: string;
  /** Its folder's URL, resolved in the page (a worker's own location would resolve a relative path wrongly). */
  baseUrl: string;
  device: Device;
  debug: boolean;
  /** The page's settings (`configure`), which a worker cannot read from the page. */
  settings: Settings;
}

/** What the engine tells its controller as it goes (in a worker, through Comlink proxies). */
export interface EngineEvents {
  progress(detail: ProgressDetail): void;
  /** WebGPU failed; the engine runs on WASM from now on. */
  fallback(reason: string): void;
}

export interface LoadedModel {
  config: ModelConfig;
  device: ResolvedDevice;
  fallbackReason?: string;
}

/** Options of one batched pass. */
export interface PassOptions {
  prependBos: boolean;
  /** How many next tokens each run keeps. */
  topK: number;
}

export type { Ablation };

/** What `patchScan` patches, from which prompt into which, and the metric's tokens. */
export interface PatchRequest {
  clean: string;
  corrupted: string;
  answer: TokenRef;
  wrong: TokenRef;
  hook: PatchHook;
  /** For `z`: one value per layer, position and head instead of per layer and head. */
  byPosition?: boolean;
  prependBos?: boolean;
}

/** Patching's restored fraction per cell: `[L, T]`, `[L, H]` (z) or `[L, T, H]` (z by position). */
export interface PatchResult {
  dims: number[];
  data: Float32Array;
  cleanTokens: string[];
  corruptedTokens: string[];
  /** The logit differences of the two prompts, logit[answer] − logit[wrong]. */
  cleanDifference: number;
  corruptedDifference: number;
}

/** Direct logit attribution: one value per component, summing to `total`. */
export interface Attribution {
  labels: string[];
  values: Float32Array;
  total: number;
}

/** What an ablation scan measures at the last position of its ids: logit[answer] − logit[wrong], or P(answer) without `wrong`. */
export interface ScanMetric {
  answer: TokenRef;
  wrong?: TokenRef;
  mode: 'zero' | 'mean';
}

/** One text's share of a pass, as the page receives it: the arrays are transferred, not copied. */
export interface RunData {
  /** The engine's handle for this run's lazy outputs (see `hook`, `lens`, `headVectors`). */
  id: number;
  ids: number[];
  tokens: string[];
  truncated: boolean;
  /** `[L, H, T, T]` */
  pattern: Float32Array;
  /** `[L+1, T, D]` */
  residual: Float32Array;
  next: TopToken[];
  /** Hooks `hook(id, name)` can read. */
  hooks: string[];
  /** The device the pass ran on (a WebGPU failure mid-run switches to WASM). */
  device: ResolvedDevice;
}

/** The ONNX model and the weight buffers its initializers point into. */
interface Graph {
  model: Uint8Array;
  files: ExternalFile[];
}

/** The outputs of one pass that the page did not take, shared by the runs of its batch. */
interface KeptOutputs {
  tensors: Map<string, ort.Tensor>;
  /** Each tensor read to the CPU once (a GPU download frees its buffer), for every run of the batch. */
  read: Map<string, Promise<Float32Array>>;
  users: number;
}

interface KeptRun {
  index: number;
  batch: number;
  outputs: KeptOutputs;
}

export class Engine {
  /** 32: the scan of 144 heads in one pass took 0.50× the single passes against 0.44× (`npm run bench -- --only=interventions`). Tests lower it to see a sweep's steps. */
  static maxSweepBatch = 32;

  private loading: Promise<LoadedModel> | undefined;
  private session: ort.InferenceSession | undefined;
  private tokenizer: Gpt2Tokenizer | undefined;
  /** The tokenizer as soon as its files have come, before the weights (set by the load under way). */
  private earlyTokenizer: Promise<Gpt2Tokenizer> | undefined;
  private config: ModelConfig | undefined;
  private device: ResolvedDevice | undefined;
  private fallbackReason: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly kept = new Map<number, KeptRun>();
  private nextRunId = 1;
  private readonly jobs = new Map<number, AbortController>();
  private readonly probeCache: ProbeCache = new Map();
  /** ln_final's γ and β, and each layer's attention bias b_O ([L, D]), for attribution. */
  private attributionWeights: { lnFinal: { weight: Float32Array; bias: Float32Array }; attnBias: Float32Array } | undefined;
  /** Tuned lenses by URL: A transposed `[L, D, D]` and b `[L, D]`. */
  private readonly tunedLenses = new Map<string, Promise<TunedLens>>();
  /** The L2 norm of every row of wte, for cosine queries: read from the session on the first. */
  private wteNorms: Promise<Float32Array> | undefined;
  /** Set by `dispose`: a load still under way then frees its session, and no pass starts. */
  private disposed = false;

  constructor(
    private readonly options: EngineOptions,
    private readonly events: EngineEvents,
  ) {
    applySettings(options.settings);
  }

  /** Downloads (or reads from cache) and prepares the model; a failed load is tried again on the next call. */
  load(): Promise<LoadedModel> {
    this.loading ??= this.loadOnce().catch((error) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  /**
   * One session run over a batch of texts of equal token length. Each text's attention, residual
   * stream and next tokens come back; its other outputs stay here under the run's `id`.
   */
  async run(texts: string[], { prependBos, topK }: PassOptions): Promise<RunData[]> {
    const { config, tokenizer } = await this.ready();
    const encoded = texts.map((text) => {
      const ids = tokenizer.encode(text);
      if (prependBos) ids.unshift(tokenizer.bosId);
      return { ids: ids.slice(0, config.nCtx), truncated: ids.length > config.nCtx };
    });
    const T = encoded[0].ids.length;
    if (encoded.some((e) => e.ids.length !== T)) {
      const lengths = encoded.map((e, i) => `"${texts[i]}": ${e.ids.length}`).join(', ');
      throw new XrayError('bad-option', `A batch needs texts of one token length; these have ${lengths} tokens.`);
    }
    return this.pass(encoded, topK);
  }

  /** The run of these ids with heads ablated: a whole run, as `run` gives, of the intervened model. */
  async ablated(ids: number[], truncated: boolean, ablation: Ablation, topK: number): Promise<RunData> {
    await this.ready();
    const [run] = await this.pass([{ ids, truncated }], topK, ablation);
    return run;
  }

  /**
   * The metric at the last position of `ids` with each of `heads` ablated alone, and without any
   * ablation (`clean`). Batched: each batch item ablates one head.
   */
  async ablationScan(jobId: number, ids: number[], heads: number[], metric: ScanMetric, onProgress: (done: number, total: number) => void): Promise<{ values: Float32Array; clean: number }> {
    const stop = this.startJob(jobId);
    try {
      const { config } = await this.ready();
      const answer = this.tokenId(metric.answer, 'answer');
      const wrong = metric.wrong === undefined ? undefined : this.tokenId(metric.wrong, 'wrong');
      const measure = (logits: Float32Array) => logitMetric(logits, answer, wrong);
      const values = new Float32Array(heads.length);
      let clean = NaN;
      const perBatch = sweepBatch(config, ids.length);
      // Each pass's first row ablates nothing: the clean metric comes with every batch.
      for (let start = 0; start === 0 || start < heads.length; start += perBatch) {
        if (stop.signal.aborted) throw new XrayError('aborted', 'The ablation scan was stopped.');
        const chunk = heads.slice(start, start + perBatch);
        const joins = [0, ...chunk.map((head) => Math.floor(head / config.nHead))];
        const logits = await this.grownLogits(ids, joins, { ablation: { heads: [-1, ...chunk], mode: metric.mode, perItem: true } });
        clean = measure(logits[0]);
        chunk.forEach((_, i) => (values[start + i] = measure(logits[i + 1])));
        await onProgress(start + chunk.length, heads.length);
      }
      return { values, clean };
    } finally {
      this.jobs.delete(jobId);
    }
  }

  /** The metric at the last position of `ids` (logit[answer] − logit[wrong], or P(answer)), with an optional ablation. */
  async metric(ids: number[], metric: { answer: TokenRef; wrong?: TokenRef }, ablation?: Ablation): Promise<number> {
    await this.ready();
    const answer = this.tokenId(metric.answer, 'answer');
    const wrong = metric.wrong === undefined ? undefined : this.tokenId(metric.wrong, 'wrong');
    const [logits] = await this.lastLogits([ids], ablation ?? { heads: [], mode: 'zero' });
    return logitMetric(logits, answer, wrong);
  }

  /**
   * Activation patching: `corrupted` run with one activation of `hook` taken from `clean` at a time
   * (a layer and position, or a layer and head), batched; each value is (patched − corrupted) /
   * (clean − corrupted) of the logit difference at the last position, so 0 = corrupted, 1 = clean.
   */
  async patchScan(jobId: number, request: PatchRequest, onProgress: (done: number, total: number) => void): Promise<PatchResult> {
    const stop = this.startJob(jobId);
    try {
      const { config, tokenizer } = await this.ready();
      const { nLayer: L, nHead: H, dModel: D } = config;
      const encode = (text: string) => [...(request.prependBos ? [tokenizer.bosId] : []), ...tokenizer.encode(text)].slice(0, config.nCtx);
      const [clean, corrupted] = [encode(request.clean), encode(request.corrupted)];
      const tokensOf = (ids: number[]) => ids.map(tokenizer.tokenText);
      if (clean.length !== corrupted.length) {
        const shown = (ids: number[]) =>
          tokensOf(ids)
            .map((t) => JSON.stringify(t))
            .join(' ');
        throw new XrayError('bad-option', `Patching needs prompts of one token length: clean has ${clean.length} tokens (${shown(clean)}), corrupted ${corrupted.length} (${shown(corrupted)}).`);
      }
      const T = clean.length;
      const answer = this.tokenId(request.answer, 'answer');
      const wrong = this.tokenId(request.wrong, 'wrong');
      const V = config.vocabSize;
      const difference = (logits: Float32Array, b = 0) => logits[b * V + answer] - logits[b * V + wrong];
      const { hook, byPosition = false } = request;
      const sourceName = { resid_pre: GraphOutput.residPre, attn_out: GraphOutput.attnOut, mlp_out: GraphOutput.mlpOut, z: GraphOutput.z }[hook];
      // Both prompts in one pass (same length): item 0's activation is the source, both give their logit difference.
      const bothOut = await this.forward([clean, corrupted], hook === 'z' ? { heads: Array.from({ length: L * H }, (_, i) => i) } : {});
      const [sources, bothLogits] = (await take(bothOut, [sourceName, GraphOutput.logits])) as Float32Array[];
      const source = sources.slice(0, sources.length / 2);
      const [cleanDiff, corruptedDiff] = [difference(bothLogits, 0), difference(bothLogits, 1)];
      if (Math.abs(cleanDiff - corruptedDiff) < 1e-6)
        throw new XrayError('bad-option', `The clean and corrupted prompts give the same logit difference (${cleanDiff.toFixed(4)}): there is nothing for patching to restore.`);
      const sourceDims = hook === 'z' ? [L, H, T, D / H] : [hook === 'resid_pre' ? L + 1 : L, T, D];
      // One item per patched cell, in the result's order: [L, T], [L, H] or [L, T, H].
      const dims = hook !== 'z' ? [L, T] : byPosition ? [L, T, H] : [L, H];
      const cells = dims.reduce((a, b) => a * b, 1);
      const maskSize = hook === 'z' ? L * H * (byPosition ? T : 1) : L * T;
      const maskDims = (items: number) => (hook === 'z' ? [items, L, H, byPosition ? T : 1] : [items, L, T]);
      const maskIndex = (cell: number) => {
        if (hook !== 'z') return cell; // l·T + t
        if (!byPosition) return cell; // l·H + h, over [L, H, 1]
        const [l, t, h] = [Math.floor(cell / (T * H)), Math.floor(cell / H) % T, cell % H];
        return (l * H + h) * T + t;
      };
      const cellsPerLayer = cells / L;
      const values = new Float32Array(cells);
      const perBatch = sweepBatch(config, T);
      for (let start = 0; start < cells; start += perBatch) {
        if (stop.signal.aborted) throw new XrayError('aborted', 'Patching was stopped.');
        const batch = Math.min(perBatch, cells - start);
        // Item 0 patches nothing; item i + 1 patches cell start + i and joins the batch at its layer.
        const mask = new Float32Array((batch + 1) * maskSize);
        for (let i = 0; i < batch; i++) mask[(i + 1) * maskSize + maskIndex(start + i)] = 1;
        const joins = [0, ...Array.from({ length: batch }, (_, i) => Math.floor((start + i) / cellsPerLayer))];
        const patch = { hook, mask, maskDims: maskDims(batch + 1), source, sourceDims };
        const logits = await this.grownLogits(corrupted, joins, { patch });
        for (let i = 0; i < batch; i++) values[start + i] = (difference(logits[i + 1]) - corruptedDiff) / (cleanDiff - corruptedDiff);
        await onProgress(start + batch, cells);
      }
      return { dims, data: values, cleanTokens: tokensOf(clean), corruptedTokens: tokensOf(corrupted), cleanDifference: cleanDiff, corruptedDifference: corruptedDiff };
    } finally {
      this.jobs.delete(jobId);
    }
  }

  /**
   * Direct logit attribution at the last position of `ids`: each component of the final residual
   * stream, centred and divided by the run's own ln_final scale, dotted with γ ⊙ (W_U[answer] −
   * W_U[wrong]), plus ln_final's bias term; the values sum to the logit difference (`total`).
   * Given `runId`, a kept run of exactly these ids, its own outputs serve (every run keeps its
   * heads' results at its last position) and only a one-token pass fetches the two W_U rows.
   */
  async attribution(ids: number[], metric: { answer: TokenRef; wrong?: TokenRef }, by: 'layer' | 'head', ablation?: Ablation, runId?: number): Promise<Attribution> {
    const { config, tokenizer } = await this.ready();
    const { nLayer: L, nHead: H, dModel: D } = config;
    const answer = this.tokenId(metric.answer, 'answer');
    const wrong = metric.wrong === undefined ? undefined : this.tokenId(metric.wrong, 'wrong');
    const T = ids.length;
    const unembedIds = wrong === undefined ? [answer] : [answer, wrong];
    const names = [GraphOutput.embed, GraphOutput.posEmbed, GraphOutput.attnOut, GraphOutput.mlpOut, GraphOutput.lnFinalScale, GraphOutput.resultAt, GraphOutput.logits];
    const kept = runId !== undefined && this.kept.has(runId) ? runId : undefined;
    const [embed, posEmbed, attnOut, mlpOut, scale, results, logits, rows] =
      kept !== undefined
        ? [
            ...(await Promise.all(names.map(async (name) => (await this.hook(kept, name)).data))),
            ...((await take(await this.forward([[tokenizer.bosId]], { unembedIds }), [GraphOutput.unembedRows])) as Float32Array[]),
          ]
        : ((await take(await this.forward([ids], { resultPositions: [T - 1], unembedIds, ablation }), [...names, GraphOutput.unembedRows])) as Float32Array[]);
    const { lnFinal, attnBias } = this.attributionWeights!;
    const direction = new Float64Array(D);
    for (let d = 0; d < D; d++) direction[d] = lnFinal.weight[d] * (rows[d] - (wrong === undefined ? 0 : rows[D + d]));
    const divisor = scale[T - 1];
    // (c − mean(c)) / scale · (γ ⊙ u): the final layer norm is linear in the residual once its scale is fixed.
    const share = (c: Float32Array, offset: number) => {
      let mean = 0;
      for (let d = 0; d < D; d++) mean += c[offset + d] / D;
      let sum = 0;
      for (let d = 0; d < D; d++) sum += (c[offset + d] - mean) * direction[d];
      return sum / divisor;
    };
    const at = (perLayer: number, l: number) => (l * perLayer + T - 1) * D; // row T-1 of layer l in [L, T, D]
    const labels = ['embed', 'pos_embed'];
    const values = [share(embed, (T - 1) * D), share(posEmbed, (T - 1) * D)];
    for (let l = 0; l < L; l++) {
      if (by === 'layer') {
        labels.push(`${l}_attn_out`);
        values.push(share(attnOut, at(T, l)));
      } else {
        for (let h = 0; h < H; h++) {
          labels.push(`L${l}H${h}`);
          values.push(share(results, (l * H + h) * D));
        }
        labels.push(`${l}_attn_bias`);
        values.push(share(attnBias, l * D));
      }
      labels.push(`${l}_mlp_out`);
      values.push(share(mlpOut, at(T, l)));
    }
    let bias = 0;
    for (let d = 0; d < D; d++) bias += lnFinal.bias[d] * (rows[d] - (wrong === undefined ? 0 : rows[D + d]));
    labels.push('ln_final_bias');
    values.push(bias);
    const total = logits[answer] - (wrong === undefined ? 0 : logits[wrong]);
    return { labels, values: Float32Array.from(values), total };
  }

  /** One session run over ids of one length; each item's attention, residual and next tokens come back, its other outputs stay here. */
  private async pass(encoded: { ids: number[]; truncated: boolean }[], topK: number, ablation?: Ablation): Promise<RunData[]> {
    const { config, tokenizer } = await this.ready();
    const k = Math.min(topK, config.vocabSize);
    // Each run keeps its heads' results at its last position, for direct logit attribution.
    const last = encoded[0].ids.length - 1;
    const outputs = await this.forward(
      encoded.map((e) => e.ids),
      { topK: k, ablation, resultPositions: [last] },
    );
    const [pattern, residual, probs, topIds] = (await Promise.all(EAGER_OUTPUTS.map((name) => readTensor(outputs[name])))) as [Float32Array, Float32Array, Float32Array, BigInt64Array];
    const tensors = new Map(Object.entries(outputs).filter(([name]) => !EAGER_OUTPUTS.includes(name) && !ON_REQUEST_OUTPUTS.includes(name)));
    for (const name of ON_REQUEST_OUTPUTS) disposeIfGpu(outputs[name]);
    const B = encoded.length;
    const shared: KeptOutputs = { tensors, read: new Map(), users: B };
    return encoded.map(({ ids, truncated }, b) => {
      const id = this.nextRunId++;
      this.kept.set(id, { index: b, batch: B, outputs: shared });
      return {
        id,
        ids,
        tokens: ids.map(tokenizer.tokenText),
        truncated,
        pattern: ownSlice(pattern, b, B),
        residual: ownSlice(residual, b, B),
        next: this.topTokens(probs, topIds, b * k, k),
        hooks: [...tensors.keys()],
        device: this.device!,
      };
    });
  }

  /**
   * The last position's logits of each intervention item ([V] each) from one pass of a growing batch
   * (graph-feeds.ts): item i's row joins at layer `joins[i]`; item 0 runs every layer.
   */
  private async grownLogits(ids: number[], joins: number[], work: PassWork): Promise<Float32Array[]> {
    const growth = growingBatch(joins, this.config!.nLayer);
    const [logits] = (await take(await this.forward([ids], { ...work, growth }), [GraphOutput.logits])) as [Float32Array];
    const V = this.config!.vocabSize;
    return growth.order.map((row) => logits.subarray(row * V, (row + 1) * V));
  }

  /** The last position's logits of each item ([V] each), nothing kept. */
  private async lastLogits(ids: number[][], ablation: Ablation): Promise<Float32Array[]> {
    const out = await this.forward(ids, { ablation });
    const [logits] = (await take(out, [GraphOutput.logits])) as [Float32Array];
    const V = this.config!.vocabSize;
    return ids.map((_, b) => logits.subarray(b * V, (b + 1) * V));
  }

  /**
   * Generates from `request.text`, reporting each token through `onStep`: one pass over the prompt,
   * then one over each new token against the keys and values so far. `cancel(jobId)` stops it between steps.
   */
  async generate(jobId: number, request: GenerationRequest, onStep: (step: GenerationStep) => unknown): Promise<void> {
    const stop = this.startJob(jobId);
    try {
      const { config, tokenizer } = await this.ready();
      await generateTokens(request, { config, tokenizer, step: (ids, past, k) => this.step(ids, past, k) }, onStep, stop.signal);
    } finally {
      this.jobs.delete(jobId);
    }
  }

  /**
   * For each lens row (the residual `layers` × `positions`, layer-major) the log-probability of its
   * target token and how many tokens the row ranks above it (an extra pass).
   */
  async lensTargets(ids: number[], layers: number[], positions: number[], targets: number[], ablation?: Ablation): Promise<{ logProbs: Float32Array; ranks: Float32Array }> {
    await this.ready();
    const out = await this.forward([ids], { lensLayers: layers, lensPositions: positions, lensTargets: targets, ablation });
    const [logProbs, ranks] = (await take(out, [GraphOutput.lensTargetLogProbs, GraphOutput.lensTargetRanks])) as Float32Array[];
    return { logProbs, ranks };
  }

  /** The k tokens nearest `query` (a token, left out of its list, or a `[D]` vector) in wte, by cosine. */
  async nearest(query: TokenRef | Float32Array, k: number): Promise<Neighbour[]> {
    const { config } = await this.ready();
    if (query instanceof Float32Array && query.length !== config.dModel) throw new XrayError('bad-option', `A query vector needs ${config.dModel} values (d_model), not ${query.length}.`);
    return nearestTokens(this.embeddingSource(), query instanceof Float32Array ? query : this.tokenId(query, 'query'), k);
  }

  /** The k tokens nearest the unit vectors a − b + c in wte, by cosine, the three left out. */
  async analogy(a: TokenRef, b: TokenRef, c: TokenRef, k: number): Promise<Neighbour[]> {
    await this.ready();
    return analogyTokens(this.embeddingSource(), [this.tokenId(a, 'first'), this.tokenId(b, 'second'), this.tokenId(c, 'third')], k);
  }

  /** The tokens' rows of wte on their first two principal components. */
  async project(tokens: TokenRef[]): Promise<{ x: number; y: number }[]> {
    const { config, tokenizer } = await this.ready();
    if (tokens.length < 2) throw new XrayError('bad-option', `A projection needs at least two tokens, not ${tokens.length}.`);
    const ids = tokens.map((token) => this.tokenId(token));
    const [rows] = (await take(await this.forward([[tokenizer.bosId]], { unembedIds: ids }), [GraphOutput.unembedRows])) as Float32Array[];
    const { projected } = principalComponents(rows, ids.length, config.dModel, 2);
    return ids.map((_, i) => ({ x: projected[2 * i], y: projected[2 * i + 1] }));
  }

  /**
   * The tokenizer's view of `text`: ids, tokens, the pre-tokenizer's words and each word's BPE merges.
   * It waits for the tokenizer's two files only, not for the weights and the session.
   */
  async tokenize(text: string): Promise<TokenizationData> {
    const loaded = this.load().then(() => this.tokenizer!);
    loaded.catch(() => undefined); // a load that fails after the tokenizer came is no concern of this call
    // Without the tokenizer, the load's own error says more (a missing config.json first).
    const tokenizer = await Promise.race([loaded, this.earlyTokenizer!.catch(() => loaded)]);
    return tokenizer.tokenize(text);
  }

  /** A token's id from its text (which must be one token) or its id. */
  tokenId(ref: TokenRef, what = 'token'): number {
    const { vocabSize } = this.config!;
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref < 0 || ref >= vocabSize) throw new XrayError('out-of-range', `The ${what} token id ${ref} is out of range: this model's ids are 0 to ${vocabSize - 1}.`);
      return ref;
    }
    if (typeof ref !== 'string') throw new XrayError('bad-option', `The ${what} must be a token's text or id, not ${String(ref)}.`);
    const ids = this.tokenizer!.encode(ref);
    if (ids.length !== 1) {
      const parts = ids.map((id) => JSON.stringify(this.tokenizer!.tokenText(id))).join(' + ');
      throw new XrayError('bad-option', `The ${what} ${JSON.stringify(ref)} is ${ids.length} tokens (${parts || 'none'}), not one: pick a single token, e.g. with its leading space.`);
    }
    return ids[0];
  }

  /**
   * The logit lens of `ids`: `[layer][position][rank]` for the given layers and positions (an extra
   * pass). With `translators` (a file's URL) the tuned lens: layers below the last read through
   * their translators, the last being the model's own logits.
   */
  async lens(ids: number[], layers: number[], positions: number[], k: number, ablation?: Ablation, translators?: string): Promise<TopToken[][][]> {
    await this.ready();
    const lens = translators ? await this.translators(translators) : undefined;
    // The tuned lens reads every layer below the last (its rows first); the plain lens the rest.
    const tuned = lens && this.tunedWork(lens);
    const tunedLayers = tuned?.layers ?? [];
    const plainLayers = layers.filter((l) => !tunedLayers.includes(l));
    const out = await this.forward([ids], { lensLayers: plainLayers, lensPositions: positions, topK: k, ablation, tuned });
    const [probs, top] = (await take(out, [GraphOutput.topProbs, GraphOutput.topIds])) as [Float32Array, BigInt64Array];
    const rows = [...tunedLayers, ...plainLayers]; // the graph's order: tuned rows first
    return layers.map((layer) => positions.map((_, p) => this.topTokens(probs, top, (rows.indexOf(layer) * positions.length + p) * k, k)));
  }

  /**
   * The prediction trajectory at `position`: per residual layer 0…L, the lens distribution's entropy,
   * its forward KL from the model's own (KL(model ‖ lens), nats) and the `target` token's rank and
   * log-probability, for the logit lens and, with `translators`, the tuned lens (one extra pass).
   */
  async trajectory(ids: number[], position: number, target: number, ablation?: Ablation, translators?: string): Promise<{ token: string; logit: LensTrajectory; tuned?: LensTrajectory }> {
    const { config } = await this.ready();
    const L = config.nLayer;
    const all = Array.from({ length: L + 1 }, (_, l) => l);
    const lens = translators ? await this.translators(translators) : undefined;
    const tuned = lens && this.tunedWork(lens);
    const tunedLayers = tuned?.layers ?? [];
    const rows = tunedLayers.length + L + 1;
    const final = rows - 1; // the plain lens at layer L: the model's own logits
    const out = await this.forward([ids], {
      lensLayers: all,
      lensPositions: [position],
      tuned,
      lensTargets: Array<number>(rows).fill(target),
      distributions: { rows: Array.from({ length: rows }, (_, r) => r), reference: Array<number>(rows).fill(final) },
      ablation,
    });
    const [logProbs, ranks, entropy, kl] = (await take(out, [GraphOutput.lensTargetLogProbs, GraphOutput.lensTargetRanks, GraphOutput.lensEntropy, GraphOutput.lensForwardKl])) as Float32Array[];
    // Rows [from, from + L] (the tuned lens's L rows then the model's own, or the logit lens's L + 1).
    const trajectory = (picked: number[]): LensTrajectory => ({
      entropy: Float32Array.from(picked, (r) => entropy[r]),
      forwardKl: Float32Array.from(picked, (r) => kl[r]),
      targetRank: Float32Array.from(picked, (r) => ranks[r]),
      targetLogProb: Float32Array.from(picked, (r) => logProbs[r]),
    });
    const logit = trajectory(all.map((l) => tunedLayers.length + l));
    const token = this.tokenizer!.tokenText(target);
    return lens ? { token, logit, tuned: trajectory([...tunedLayers, final]) } : { token, logit };
  }

  /** `hook_z` ([k, T, dHead]) of the flat heads `layer * nHead + head` in `zHeads`, and `hook_result` ([r, T, D]) of those in `resultHeads`. */
  async headVectors(ids: number[], zHeads: number[], resultHeads: number[], ablation?: Ablation): Promise<{ z: Float32Array; result: Float32Array }> {
    await this.ready();
    const out = await this.forward([ids], { heads: zHeads, resultHeads, ablation });
    const [z, result] = (await take(out, [GraphOutput.z, GraphOutput.result])) as [Float32Array, Float32Array];
    return { z, result };
  }

  /** A kept output of a run, its batch dimension removed. */
  async hook(runId: number, name: string): Promise<HookValue> {
    const run = this.keptRun(runId);
    const tensor = run.outputs.tensors.get(name);
    if (!tensor) throw new XrayError('bad-option', `Unknown hook "${name}": choose one of ${[...run.outputs.tensors.keys()].join(', ')}.`);
    const { read } = run.outputs;
    if (!read.has(name)) read.set(name, readTensor<'float32'>(tensor));
    const data = await read.get(name)!;
    // Copies: the page takes them over, while the engine keeps its own for the batch's other runs.
    if (name === GraphOutput.posEmbed) return { dims: [...tensor.dims], data: data.slice() };
    const size = data.length / run.batch;
    return { dims: tensor.dims.slice(1), data: data.slice(run.index * size, (run.index + 1) * size) };
  }

  /** Forgets runs the page no longer holds, freeing their GPU buffers. */
  release(runIds: number[]): void {
    for (const id of runIds) {
      const run = this.kept.get(id);
      if (!run) continue;
      this.kept.delete(id);
      if (--run.outputs.users === 0) for (const tensor of run.outputs.tensors.values()) disposeIfGpu(tensor);
    }
  }

  /**
   * Collects a probe task's hidden states here and trains its probes, reporting progress; `jobId`
   * lets `cancel` stop it between steps.
   */
  async probe(jobId: number, job: ProbeJob, onProgress: (progress: ProbeProgress) => void): Promise<ProbeOutcome> {
    const stop = this.startJob(jobId);
    try {
      await this.ready();
      // From a worker, each report is a message of its own: the answer waits until the last has arrived.
      let reported: unknown;
      const outcome = await runProbeJob(
        job,
        (text) => this.residualsOf(text, job.prependBos),
        (p) => (reported = onProgress(p)),
        stop.signal,
        this.probeCache,
      );
      await reported;
      return outcome;
    } finally {
      this.jobs.delete(jobId);
    }
  }

  cancel(jobId: number): void {
    this.jobs.get(jobId)?.abort();
  }

  /** A long job `cancel(jobId)` can stop between its steps. */
  private startJob(jobId: number): AbortController {
    const stop = new AbortController();
    this.jobs.set(jobId, stop);
    return stop;
  }

  /** Ends the session and frees everything this engine holds. */
  async dispose(): Promise<void> {
    for (const job of this.jobs.values()) job.abort();
    this.disposed = true;
    this.release([...this.kept.keys()]);
    this.probeCache.clear();
    const session = this.session;
    this.session = undefined;
    this.loading = undefined;
    await session?.release().catch(() => undefined);
  }

  private async ready(): Promise<{ config: ModelConfig; tokenizer: Gpt2Tokenizer }> {
    await this.load();
    return { config: this.config!, tokenizer: this.tokenizer! };
  }

  /** One sentence's tokens and residual stream, for the probes (nothing kept). */
  private async residualsOf(text: string, prependBos: boolean): Promise<{ tokens: string[]; truncated: boolean; residual: Float32Array; config: ModelConfig }> {
    const [run] = await this.run([text], { prependBos, topK: 1 });
    this.release([run.id]);
    return { tokens: run.tokens, truncated: run.truncated, residual: run.residual, config: this.config! };
  }

  private keptRun(runId: number): KeptRun {
    const run = this.kept.get(runId);
    if (!run) throw new XrayError('released', 'This run was released by the controller (it left its cache of recent runs); run the text again.');
    return run;
  }

  private async loadOnce(): Promise<LoadedModel> {
    const { model, baseUrl: base } = this.options;
    // The weights download starts with the small files, and stops if those say it is not a GPT-2.
    const stopWeights = new AbortController();
    try {
      const progress = (detail: ProgressDetail) => this.events.progress(detail);
      const weights = this.fetchWeights(progress, stopWeights.signal);
      weights.catch(() => undefined); // reported below, after the config's errors, which say more
      // A runtime that fails to start is reported by the real session, with the fallback to WASM.
      const runtime = this.startRuntime().catch(() => undefined);
      const file = (name: string) => ({ onProgress: progress, notFound: () => notFound(model, name) });
      const files = [
        fetchJson(base + 'config.json', 'config.json', { onProgress: progress, notFound: () => new XrayError('unknown-model', `No model "${model}": ${base}config.json was not found.`) }),
        fetchJson(base + 'tokenizer.json', 'tokenizer.json', file('tokenizer.json')),
        fetchJson(base + 'tokenizer_config.json', 'tokenizer_config.json', file('tokenizer_config.json')),
      ];
      // `tokenize` needs only the tokenizer: it answers before the weights have arrived.
      this.earlyTokenizer = Promise.all([files[1], files[2]]).then(([json, config]) => createTokenizer(json, config));
      this.earlyTokenizer.catch(() => undefined);
      const small = await Promise.allSettled(files);
      // In file order, whichever answered first: a missing config.json says the most.
      const [configJson] = small.map((result) => {
        if (result.status === 'rejected') throw result.reason;
        return result.value;
      });
      const config = parseGpt2Config(configJson);
      const tokenizer = await this.earlyTokenizer;
      const graph = this.buildGraph(await weights, config);
      await runtime;
      const session = await timed('session', () => this.openSession(graph));
      if (this.disposed) {
        await session.release();
        throw released();
      }
      this.session = session;
      this.tokenizer = tokenizer;
      this.config = config;
      return { config, device: this.device!, fallbackReason: this.fallbackReason };
    } catch (cause) {
      stopWeights.abort();
      throw cause instanceof XrayError ? cause : new XrayError('session-failed', errorText(cause), { cause });
    }
  }

  /** The safetensors bytes, from the Cache API after the first time. */
  private fetchWeights(onProgress?: (detail: ProgressDetail) => void, signal?: AbortSignal): Promise<SplitFile> {
    const base = this.options.baseUrl;
    const options = {
      onProgress,
      signal,
      notFound: () => new XrayError('no-safetensors', `The model folder ${base} has no model.safetensors (only safetensors weights can be loaded).`),
    };
    return timed('weights', () => fetchInto(base + 'model.safetensors', 'model.safetensors', options, () => new SafetensorsSink()));
  }

  /** Writes the graph over the weights. A WASM session frees them as it copies them in, so 500 MB are not held twice. */
  private buildGraph(bytes: SplitFile, config: ModelConfig): Graph {
    const start = performance.now();
    const weights = gpt2Weights(readSafetensorsHeader(bytes), config);
    // Copies of the few small weights attribution reads on the CPU, before the session frees the file.
    const copy = (info: TensorInfo) => tensorAsFloat32(bytes, info).slice();
    this.attributionWeights = {
      lnFinal: { weight: copy(weights.lnF.weight), bias: copy(weights.lnF.bias) },
      attnBias: Float32Array.from(weights.blocks.flatMap((block) => [...copy(block.attnProj.bias)])),
    };
    const placed = placeWeights(bytes, weights);
    const graph = { model: buildGpt2Graph(config, weights, placed.locate, { instrumented: true }), files: placed.files };
    performance.measure('xray:graph', { start });
    return graph;
  }

  /** WebGPU when wanted and possible; any WebGPU failure falls back to WASM and is recorded. */
  private async openSession(graph: Graph): Promise<ort.InferenceSession> {
    const { device: requested, debug } = this.options;
    const threads = await this.threads();
    const caps = await capabilities();
    if (requested !== 'wasm') {
      if (caps.webgpu) {
        try {
          const session = await createSession(graph.model, graph.files, 'webgpu', threads, { debug });
          this.device = 'webgpu';
          return session;
        } catch (error) {
          this.fallBack(`WebGPU session failed, running on WASM instead: ${errorText(error)}`);
        }
      } else if (requested === 'webgpu') {
        this.fallBack(`WebGPU was asked for but ${caps.webgpuMissing}; running on WASM instead.`);
      }
    }
    this.device = 'wasm';
    return createSession(graph.model, graph.files, 'wasm', threads, { debug, freeFiles: true });
  }

  /** Starts the runtime of the device `openSession` will try first. */
  private async startRuntime(): Promise<void> {
    const webgpu = this.options.device !== 'wasm' && (await capabilities()).webgpu;
    await startRuntime(webgpu ? 'webgpu' : 'wasm', await this.threads(), this.options.debug);
  }

  private async threads(): Promise<number> {
    return this.options.settings.numThreads ?? (await capabilities()).threads;
  }

  private fallBack(reason: string): void {
    this.fallbackReason = reason;
    this.events.fallback(reason);
  }

  /** One session run, queued behind any other, with WebGPU failures retried on WASM. */
  private forward(ids: number[][], work: PassWork): Promise<Record<string, ort.Tensor>> {
    const feeds = graphFeeds(this.config!, ids, work);
    const task = this.queue.then(async () => {
      if (this.disposed) throw released();
      try {
        return await this.session!.run(feeds);
      } catch (error) {
        if (this.device !== 'webgpu') throw new XrayError('session-failed', `The forward pass failed: ${errorText(error)}`, { cause: error });
        // Once, for good: the device is marked first, so a failing rebuild is not retried on every run.
        this.device = 'wasm';
        this.fallBack(`WebGPU failed during a run, switching to WASM: ${errorText(error)}`);
        const lost = this.session;
        this.session = undefined;
        await lost?.release().catch(() => undefined);
        const graph = this.buildGraph(await this.fetchWeights(), this.config!);
        this.session = await createSession(graph.model, graph.files, 'wasm', await this.threads(), { debug: this.options.debug, freeFiles: true });
        return this.session.run(feeds);
      }
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  /** A translators file, fetched (through the cache) and read once, its matrices transposed for the graph. */
  private translators(url: string): Promise<TunedLens> {
    let lens = this.tunedLenses.get(url);
    if (!lens) {
      lens = this.loadTranslators(url);
      this.tunedLenses.set(url, lens);
      lens.catch(() => this.tunedLenses.delete(url));
    }
    return lens;
  }

  private async loadTranslators(url: string): Promise<TunedLens> {
    const name = new URL(url, this.options.baseUrl).pathname.split('/').pop() || url;
    const bytes = await fetchFile(url, name, {
      onProgress: (detail) => this.events.progress(detail),
      notFound: () => new XrayError('download-failed', `No tuned-lens translators at ${url} (404).`),
    });
    const { layers, dModel: D, weight, bias } = readTranslators(bytes, name, this.config!);
    // The graph computes h·Aᵀ: nn.Linear's weight [out, in], transposed once here.
    const transposed = new Float32Array(weight.length);
    for (let l = 0; l < layers; l++) for (let o = 0; o < D; o++) for (let i = 0; i < D; i++) transposed[(l * D + i) * D + o] = weight[(l * D + o) * D + i];
    return { transposed, bias };
  }

  /** The tuned lens's inputs: every layer below the last, through its translator, in layer order. */
  private tunedWork({ transposed, bias }: TunedLens): PassWork['tuned'] {
    return { layers: Array.from({ length: this.config!.nLayer }, (_, l) => l), translators: transposed, bias };
  }

  /** A generation step: `ids` after the cached tokens; the last logits, top tokens and the grown cache. */
  private async step(ids: number[], past: KeyValueCache | undefined, k: number): Promise<{ logits: Float32Array; top: TopToken[]; cache: KeyValueCache }> {
    const out = await this.forward([ids], { cacheBatch: [0], past, topK: k });
    const [logits, present, probs, top] = (await take(out, [GraphOutput.logits, GraphOutput.present, GraphOutput.topProbs, GraphOutput.topIds])) as [
      Float32Array,
      Float32Array,
      Float32Array,
      BigInt64Array,
    ];
    return { logits, top: this.topTokens(probs, top, 0, k), cache: { data: present, length: (past?.length ?? 0) + ids.length } };
  }

  /**
   * wte's side of the embedding queries: one-token passes (the cheapest pass there is: an empty
   * batch fails on WebGPU) that dot every row with the queries, and the row norms, read once.
   */
  private embeddingSource(): EmbeddingSource {
    const { vocabSize } = this.config!;
    const bos = [[this.tokenizer!.bosId]];
    const output = async (work: PassWork, name: string) => ((await take(await this.forward(bos, work), [name])) as Float32Array[])[0];
    return {
      vocabSize,
      tokenText: this.tokenizer!.tokenText,
      dots: (ids, vectors) => output({ embeddingIds: ids, embeddingVectors: vectors }, GraphOutput.embeddingDots),
      norms: () => {
        this.wteNorms ??= output({ normIds: Array.from({ length: vocabSize }, (_, v) => v) }, GraphOutput.embeddingNorms);
        this.wteNorms.catch(() => (this.wteNorms = undefined));
        return this.wteNorms;
      },
    };
  }

  private topTokens(probs: Float32Array, ids: BigInt64Array, offset: number, k: number): TopToken[] {
    return Array.from({ length: k }, (_, r) => {
      const id = Number(ids[offset + r]);
      return { token: this.tokenizer!.tokenText(id), id, prob: probs[offset + r] };
    });
  }
}

const released = () => new XrayError('released', 'The model was released.');

/** A tuned lens as the graph takes it. */
interface TunedLens {
  transposed: Float32Array;
  bias: Float32Array;
}

/** Outputs that are empty unless a pass asks for them, so never kept for `hook()`. */
const ON_REQUEST_OUTPUTS: readonly string[] = [
  GraphOutput.z,
  GraphOutput.result,
  GraphOutput.unembedRows,
  GraphOutput.present,
  GraphOutput.lensTargetLogProbs,
  GraphOutput.lensTargetRanks,
  GraphOutput.embeddingDots,
  GraphOutput.embeddingNorms,
];

function notFound(model: string, file: string): XrayError {
  return new XrayError('unknown-model', `The model "${model}" has no ${file}; is it a GPT-2 model folder?`);
}

/**
 * Item `b` of a batch of `batch` as an array that owns its buffer, so it can be transferred: the
 * whole array when it already does (one text, a fresh output), else a copy of its slice.
 */
function ownSlice(data: Float32Array, b: number, batch: number): Float32Array {
  const size = data.length / batch;
  const owns = batch === 1 && data.byteOffset === 0 && data.buffer instanceof ArrayBuffer && data.buffer.byteLength === data.byteLength;
  return owns ? data : data.slice(b * size, (b + 1) * size);
}

/**
 * How many interventions one pass of a sweep batches: up to `Engine.maxSweepBatch`, fewer when one
 * layer's activations for every row (attention scores and pattern, the MLP's hidden layer and
 * the residual-width ones) would pass 256 MB. The stacked outputs keep only the first row.
 */
function sweepBatch({ nHead: H, dModel: D }: ModelConfig, T: number): number {
  const bytesPerItem = 4 * (3 * H * T * T + 12 * T * D);
  return Math.max(1, Math.min(Engine.maxSweepBatch, Math.floor(2 ** 28 / bytesPerItem)));
}

/** logit[answer] − logit[wrong], or P(answer) (a log-sum-exp softmax) without `wrong`. */
function logitMetric(logits: Float32Array, answer: number, wrong: number | undefined): number {
  if (wrong !== undefined) return logits[answer] - logits[wrong];
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  return Math.exp(logits[answer] - max) / sum;
}

function disposeIfGpu(tensor: ort.Tensor | undefined): void {
  if (tensor?.location === 'gpu-buffer') tensor.dispose();
}

/** Reads the named outputs of a pass and frees the GPU buffers of the rest. */
function take(outputs: Record<string, ort.Tensor>, names: string[]): Promise<ort.Tensor['data'][]> {
  for (const [name, tensor] of Object.entries(outputs)) if (!names.includes(name)) disposeIfGpu(tensor);
  return Promise.all(names.map((name) => readTensor(outputs[name])));
}
