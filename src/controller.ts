// The one model per page (per model and device) that every figure shares. The model itself runs in
// an engine worker (src/engine.ts); this thin proxy on the page memoises runs, drops passes nobody
// waits for any more, and keeps the events and lifetimes.
import { startEngine, type EngineApi, type EngineHandle } from './engine-client.js';
import type { Ablation, PatchRequest, PatchResult, RunData } from './engine.js';
import { PATCH_HOOKS } from './gpt2-graph.js';
import { XrayError } from './errors.js';
import { modelBaseUrl } from './model-files.js';
import { ModelRun } from './model-run.js';
import { PassQueue, type QueuedJob } from './pass-queue.js';
import type { ProbeJob, ProbeOutcome, ProbeProgress } from './probes/job.js';
import { currentSettings, type Settings } from './settings.js';
import { Tokenization } from './tokenization.js';
import { checkGeneration } from './generation.js';
import type { ControllerStatus, Device, Embeddings, GenerateOptions, GenerationStep, ModelConfig, ProgressDetail, ResolvedDevice, RunOptions } from './types.js';

export const DEFAULT_MODEL = 'openai-community/gpt2';
const DEVICES: readonly Device[] = ['auto', 'webgpu', 'wasm'];
/** How many texts' runs a controller keeps, and how many bytes of them at most (one GPT-2 run at T = 1,024 holds 600 MB). */
const RUN_CACHE_SIZE = 16;
const RUN_CACHE_BYTES = 1 << 30;
/** How many next tokens every run keeps, so `nextToken(k)` is synchronous for k up to this. */
export const DEFAULT_TOP_K = 50;

export interface ControllerOptions {
  /** A Hub repo id or a folder URL/path; defaults to `openai-community/gpt2`. */
  model?: string;
  device?: Device;
  /** Logs onnxruntime's node placement (which ops, if any, left the GPU). */
  debug?: boolean;
  /**
   * Run the model in a worker (default: the page-wide `configure({ worker })`, else `true`). `false`
   * runs it in the page, for pages whose Content-Security-Policy forbids workers.
   */
  worker?: boolean;
}

/** Options of `ModelController.patch`. */
export interface PatchOptions extends PatchRequest {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Options of `ModelController.probe`. */
export interface ProbeOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ProbeProgress) => void;
}

/**
 * Shared model of a page. Events: `progress` ({file, loaded, total}), `status` (status changed),
 * `fallback` (WebGPU failed, or no worker could start; `fallbackReason` says why).
 * @example
 * const gpt2 = ModelController.shared({ model: 'openai-community/gpt2' });
 * const run = await gpt2.run('The cat sat on the mat');
 * run.attention(5, 1); // Float32Array, T×T
 */
export class ModelController extends EventTarget {
  private static readonly instances = new Map<string, ModelController>();

  /** The controller for this model and device, created on first request. */
  static shared(options: ControllerOptions = {}): ModelController {
    const model = options.model ?? DEFAULT_MODEL;
    const device = options.device ?? 'auto';
    const key = `${device}|${options.worker ?? ''}|${model}`;
    let controller = ModelController.instances.get(key);
    if (!controller) {
      controller = new ModelController({ ...options, model, device });
      controller.sharedKey = key;
      ModelController.instances.set(key, controller);
    }
    return controller;
  }

  readonly model: string;
  readonly requestedDevice: Device;
  get status(): ControllerStatus {
    return this.currentStatus;
  }
  /** The device runs happen on, once loaded. */
  get device(): ResolvedDevice | undefined {
    return this.currentDevice;
  }
  get config(): ModelConfig | undefined {
    return this.loadedConfig;
  }
  /** Why the controller runs on WASM although WebGPU was wanted, or in the page though a worker was, in words. */
  get fallbackReason(): string | undefined {
    return this.reasons.join(' ') || undefined;
  }
  /** The error that stopped loading, when `status` is `error`. */
  get error(): XrayError | undefined {
    return this.loadError;
  }
  /** Where the model runs once loaded: in its `worker`, or in the `page`. */
  get where(): 'worker' | 'page' | undefined {
    return this.startedWhere;
  }
  /**
   * How many session runs this controller has asked for (tests check that shared runs cost one).
   * @internal
   */
  sessionRuns = 0;

  private currentStatus: ControllerStatus = 'idle';
  private currentDevice: ResolvedDevice | undefined;
  private loadedConfig: ModelConfig | undefined;
  private loadError: XrayError | undefined;
  private startedWhere: 'worker' | 'page' | undefined;

  private readonly debug: boolean;
  private readonly inWorker: boolean | undefined;
  private sharedKey: string | undefined;
  private holders = 0;
  private loading: Promise<EngineHandle> | undefined;
  /** The engine of the load under way, as soon as it has started (before the model has loaded). */
  private started: Promise<EngineHandle> | undefined;
  private handle: EngineHandle | undefined;
  private readonly queue = new PassQueue<EngineHandle>(() => this.engine());
  private readonly runs = new Map<string, QueuedJob<ModelRun, EngineHandle>>();
  /** What each finished run in `runs` holds in memory, by the same key. */
  private readonly runBytes = new Map<string, number>();
  private nextJobId = 1;
  private reasons: string[] = [];
  /** Counts engines stopped, so a load that a dispose overtook ends the engine it started. */
  private epoch = 0;

  constructor(options: ControllerOptions = {}) {
    super();
    const device = options.device ?? 'auto';
    // A bad option fails the load, not the constructor, so a misconfigured figure shows the
    // message in its box instead of breaking the page's rendering.
    if (!DEVICES.includes(device)) this.loadError = new XrayError('bad-option', `Unknown device "${device}": use one of ${DEVICES.join(', ')}.`);
    this.model = options.model ?? DEFAULT_MODEL;
    this.requestedDevice = device;
    this.debug = options.debug ?? false;
    this.inWorker = options.worker;
  }

  /** Downloads (or reads from cache) and prepares the model. Idempotent; rejects with an `XrayError`. */
  async load(): Promise<void> {
    await this.engine();
  }

  /** Runs the model on `text`; identical concurrent calls share one forward pass. */
  async run(text: string, options: RunOptions = {}): Promise<ModelRun> {
    if (options.signal?.aborted) throw new XrayError('aborted', 'The run was aborted.');
    if (typeof text !== 'string' || text.length === 0) throw new XrayError('empty-text', 'There is no text to run: type a sentence.');
    const prependBos = options.prependBos ?? false;
    const topK = checkTopK(options.topK);
    const key = `${prependBos ? 'bos' : ''}|${topK}|${text}`;
    let job = this.runs.get(key);
    if (job) {
      this.runs.delete(key); // re-insert: most recently used last
    } else {
      const queued = this.queue.add((engine) => this.pass(engine.api, [text], prependBos, topK).then(([run]) => run));
      queued.onDropped = () => this.runs.get(key) === queued && this.forget(key);
      queued.promise.then(
        (run) => {
          if (this.runs.get(key) !== queued) return;
          this.runBytes.set(key, run.byteLength);
          this.evictOldRuns();
        },
        () => this.runs.get(key) === queued && this.forget(key),
      );
      job = queued;
    }
    this.runs.set(key, job);
    this.evictOldRuns();
    return job.join(options.signal);
  }

  /**
   * Runs several texts of one token length in one session run (the graph's batch dimension); each
   * run equals the single run of its text. Not memoised: sweeps run through it.
   */
  async runBatch(texts: string[], options: RunOptions = {}): Promise<ModelRun[]> {
    if (texts.length === 0 || texts.some((t) => typeof t !== 'string' || t.length === 0)) throw new XrayError('empty-text', 'A batch needs at least one text, and no empty text.');
    const topK = checkTopK(options.topK);
    return this.queue.add((engine) => this.pass(engine.api, texts, options.prependBos ?? false, topK)).join(options.signal);
  }

  /**
   * Collects a probing task's hidden states and trains its probes where the model runs, reporting
   * progress; the page only draws.
   */
  async probe(job: ProbeJob, { signal, onProgress = () => undefined }: ProbeOptions = {}): Promise<ProbeOutcome> {
    const engine = await this.engine();
    const outcome = await this.job(engine, signal, (id) => engine.api.probe(id, job, engine.callback(onProgress)));
    this.sessionRuns += outcome.passes;
    return outcome;
  }

  /**
   * Activation patching, as TransformerLens's get_act_patch_resid_pre / _attn_out / _mlp_out ([L, T])
   * and get_act_patch_attn_head_out_all_pos ([L, H]; `byPosition`: _by_pos, [L, T, H]): `corrupted`
   * run with one activation taken from `clean` at a time; each value is (patched − corrupted) /
   * (clean − corrupted) of logit[answer] − logit[wrong] at the last position.
   */
  async patch(options: PatchOptions): Promise<PatchResult> {
    const { clean, corrupted, answer, wrong, hook, byPosition, prependBos, signal, onProgress = () => undefined } = options;
    if (!PATCH_HOOKS.includes(hook)) throw new XrayError('bad-option', `Unknown hook "${hook}" to patch: use one of ${PATCH_HOOKS.join(', ')}.`);
    if (byPosition && hook !== 'z') throw new XrayError('bad-option', `byPosition splits the heads' z by position; ${hook} is already by position.`);
    if ([clean, corrupted].some((text) => typeof text !== 'string' || text.length === 0)) throw new XrayError('empty-text', 'Patching needs a clean and a corrupted prompt.');
    if (answer === undefined || wrong === undefined) throw new XrayError('bad-option', 'Patching measures logit[answer] − logit[wrong]: give both tokens.');
    const request = { clean, corrupted, answer, wrong, hook, byPosition, prependBos };
    const engine = await this.engine();
    return this.job(engine, signal, (id) => engine.api.patchScan(id, request, engine.callback(onProgress)));
  }

  /**
   * Generates a continuation of `text` one token at a time, each step as it is drawn: one pass over
   * the prompt, then one over each new token against the cached keys and values. Temperature 0 is
   * greedy; the same seed draws the same tokens. Leaving the loop early (or `signal`) stops it.
   * @example
   * for await (const step of gpt2.generate('The cat', { maxNewTokens: 5, seed: 1 })) console.log(step.token, step.prob);
   */
  async *generate(text: string, options: GenerateOptions = {}): AsyncGenerator<GenerationStep, void, undefined> {
    const { signal, ...request } = options;
    if (typeof text !== 'string' || text.length === 0) throw new XrayError('empty-text', 'There is no prompt to continue: type a sentence.');
    checkGeneration(request);
    const engine = await this.engine();
    const steps: GenerationStep[] = [];
    let wake = () => undefined as void;
    const onStep = (step: GenerationStep) => {
      this.sessionRuns++;
      steps.push(step);
      wake();
    };
    const stop = new AbortController();
    const abort = () => stop.abort();
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) stop.abort();
    let finished: { error?: unknown } | undefined;
    this.job(engine, stop.signal, (id) => engine.api.generate(id, { text, ...request }, engine.callback(onStep)))
      .then(
        () => (finished = {}),
        (error: unknown) => (finished = { error }),
      )
      .finally(() => wake());
    try {
      for (;;) {
        const step = steps.shift();
        if (step) yield step;
        else if (finished) {
          if (finished.error) throw finished.error;
          return;
        } else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      signal?.removeEventListener('abort', abort);
      stop.abort(); // the loop was left early: the engine stops between steps
    }
  }

  /**
   * Cosine queries of the token embedding `wte` (which GPT-2 also unembeds with), where the model runs:
   * nearest neighbours, analogies (gensim's most_similar) and a 2-D PCA of chosen tokens.
   */
  readonly embeddings: Embeddings = {
    nearest: (query, k) => this.queued((engine) => engine.nearest(query, k)),
    analogy: (a, b, c, k) => this.queued((engine) => engine.analogy(a, b, c, k)),
    project: (tokens) => this.queued((engine) => engine.project(tokens)),
  };

  /** The text as GPT-2's tokenizer sees it: ids, tokens, the pre-tokenizer's words and each word's BPE merges. */
  async tokenize(text: string): Promise<Tokenization> {
    if (typeof text !== 'string') throw new XrayError('empty-text', 'There is no text to tokenize.');
    // The engine answers once the tokenizer's files have come: no need to wait for the weights.
    const loaded = this.engine();
    loaded.catch(() => undefined);
    const engine = await Promise.race([loaded, this.started ?? loaded]);
    return new Tokenization(await engine.api.tokenize(text));
  }

  /** Holds the controller: when every holder has let go, it is disposed. Returns the release. */
  retain(): () => void {
    this.reclaimShared();
    this.holders++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      // On the next task: an element moved in the page lets go and takes hold again at once.
      if (--this.holders === 0) setTimeout(() => this.holders === 0 && this.dispose(), 0);
    };
  }

  /**
   * Ends the session and the worker and forgets every run; `shared()` makes a new controller next
   * time. A disposed controller loads again if it is used again.
   */
  dispose(): void {
    if (this.sharedKey && ModelController.instances.get(this.sharedKey) === this) ModelController.instances.delete(this.sharedKey);
    this.stopEngine(new XrayError('released', 'The model was released.'));
    if (this.status !== 'idle') this.setStatus('idle');
  }

  /** Held or used again after a release: it takes its place as the shared one again, if that is free. */
  private reclaimShared(): void {
    if (this.sharedKey && !ModelController.instances.has(this.sharedKey)) ModelController.instances.set(this.sharedKey, this);
  }

  private engine(): Promise<EngineHandle> {
    if (this.loadError?.code === 'bad-option') return Promise.reject(this.loadError);
    this.reclaimShared();
    this.loading ??= this.startOnce();
    return this.loading;
  }

  private async startOnce(): Promise<EngineHandle> {
    let started!: (handle: EngineHandle) => void;
    this.started = new Promise((resolve) => (started = resolve));
    this.loadError = undefined;
    this.setStatus('loading');
    try {
      const events = {
        progress: (detail: ProgressDetail) => this.dispatchEvent(new CustomEvent('progress', { detail })),
        fallback: (reason: string) => this.fallBack(reason),
      };
      const options = { model: this.model, baseUrl: modelBaseUrl(this.model), device: this.requestedDevice, debug: this.debug, settings: settingsForEngine() };
      const epoch = this.epoch;
      this.reasons = [];
      const handle = await startEngine(options, events, this.inWorker ?? currentSettings().worker ?? true);
      if (epoch !== this.epoch) {
        void handle.end(); // disposed while the engine started
        throw new XrayError('released', 'The model was released while it loaded.');
      }
      this.handle = handle;
      started(handle);
      this.startedWhere = handle.where;
      if (handle.fallbackReason) this.fallBack(handle.fallbackReason);
      handle.ended.catch((error: XrayError) => this.handle === handle && this.stopEngine(error));
      const loaded = await handle.api.load();
      if (this.handle !== handle) throw new XrayError('released', 'The model was released while it loaded.');
      this.loadedConfig = loaded.config;
      this.currentDevice = loaded.device;
      // Also sent as an event, which may arrive after the load's answer.
      if (loaded.fallbackReason) this.fallBack(loaded.fallbackReason);
      this.setStatus('ready');
      return handle;
    } catch (cause) {
      const error = cause instanceof XrayError ? cause : new XrayError('session-failed', String(cause), { cause });
      if (error.code === 'aborted' || error.code === 'released') throw error;
      this.stopEngine(error);
      this.loadError = error;
      this.setStatus('error');
      throw error;
    }
  }

  /** Ends the engine: waiting work fails with `error`, runs are forgotten, the next call starts anew. */
  private stopEngine(error: XrayError): void {
    this.epoch++;
    const handle = this.handle;
    this.handle = undefined;
    this.loading = undefined;
    this.queue.clear(error);
    this.runs.clear();
    this.runBytes.clear();
    if (handle) {
      void handle.end();
      // A crash is an error the figures show; a release is not.
      if (error.code === 'session-failed') {
        this.loadError = error;
        this.setStatus('error');
      }
    }
  }

  /** One engine call that runs a pass, in turn with every other. */
  private queued<T>(work: (engine: EngineApi) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.queue.add((engine) => (this.sessionRuns++, work(engine.api))).join(signal);
  }

  /** One session run over `texts`, as runs of this controller. */
  private async pass(api: EngineApi, texts: string[], prependBos: boolean, topK: number): Promise<ModelRun[]> {
    this.sessionRuns++;
    const data = await api.run(texts, { prependBos, topK });
    return data.map((run, i) => this.toRun(api, texts[i], run, topK));
  }

  /** A run of this controller; an ablated one (`ablation`) keeps its intervention in its extra passes. */
  private toRun(api: EngineApi, text: string, data: RunData, topK: number, ablation?: Ablation): ModelRun {
    this.currentDevice = data.device;
    // Extra passes need only the ids: they run on whichever engine is current, a restarted one too.
    const original = () => {
      if (ablation) throw new XrayError('bad-option', 'This run is already ablated: ablate or scan the original run, with every head to ablate at once.');
    };
    const release = () => void api.release([data.id]).catch(() => undefined);
    const run = new ModelRun(text, data, this.loadedConfig!, {
      lens: (ids, layers, positions, k, translators) => this.queued((engine) => engine.lens(ids, layers, positions, k, ablation, translators)),
      trajectory: (ids, position, target, translators) => this.queued((engine) => engine.trajectory(ids, position, target, ablation, translators)),
      lensTargets: (ids, layers, positions, targets) => this.queued((engine) => engine.lensTargets(ids, layers, positions, targets, ablation)),
      headVectors: (ids, zHeads, resultHeads) => this.queued((engine) => engine.headVectors(ids, zHeads, resultHeads, ablation)),
      hook: (name) => api.hook(data.id, name),
      ablated: async (ids, intervention, signal) => {
        original();
        return this.queued(async (engine) => this.toRun(engine, text, await engine.ablated(ids, data.truncated, intervention, topK), topK, intervention), signal);
      },
      // At the run's own last position, the run's kept outputs serve.
      attribution: (ids, metric, by, signal) => this.queued((engine) => engine.attribution(ids, metric, by, ablation, ids.length === data.ids.length ? data.id : undefined), signal),
      metric: (ids, metric, signal) => this.queued((engine) => engine.metric(ids, metric, ablation), signal),
      ablationScan: async (ids, heads, { answer, wrong, mode = 'zero', signal, onProgress = () => undefined }) => {
        original();
        const engine = await this.engine();
        return this.job(engine, signal, (id) => engine.api.ablationScan(id, ids, heads, { answer, wrong, mode }, engine.callback(onProgress)));
      },
      release,
    });
    // Runs nobody disposes (a batch's, say) still free what the engine keeps of them once collected.
    forgotten.register(run, release, run);
    return run;
  }

  /**
   * A long engine job (a probe, a sweep) with an id. Its passes take their turns in the engine's
   * queue between other runs', so figures stay live meanwhile. An abort rejects at once and stops
   * the engine's job between its steps.
   */
  private async job<T>(engine: EngineHandle, signal: AbortSignal | undefined, work: (id: number) => Promise<T>): Promise<T> {
    if (signal?.aborted) throw new XrayError('aborted', 'The job was aborted.');
    const id = this.nextJobId++;
    let cancel = () => undefined as void;
    const aborted = new Promise<never>((_, reject) => {
      cancel = () => {
        void engine.api.cancel(id).catch(() => undefined);
        reject(new XrayError('aborted', 'The job was aborted.'));
      };
    });
    signal?.addEventListener('abort', cancel, { once: true });
    const working = work(id);
    working.catch(() => undefined); // after an abort, its own rejection is no one's
    try {
      return await Promise.race([working, aborted]);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  private forget(key: string): void {
    this.runs.delete(key);
    this.runBytes.delete(key);
  }

  private fallBack(reason: string): void {
    if (this.reasons.includes(reason)) return;
    this.reasons.push(reason);
    this.dispatchEvent(new CustomEvent('fallback', { detail: { reason } }));
  }

  private evictOldRuns(): void {
    const held = () => [...this.runBytes.values()].reduce((a, b) => a + b, 0);
    while (this.runs.size > RUN_CACHE_SIZE || (this.runs.size > 1 && held() > RUN_CACHE_BYTES)) {
      const [oldest, job] = this.runs.entries().next().value!;
      this.forget(oldest);
      job.promise.then(
        (run) => run.dispose(),
        () => undefined,
      );
    }
  }

  private setStatus(status: ControllerStatus): void {
    this.currentStatus = status;
    this.dispatchEvent(new CustomEvent('status', { detail: { status } }));
  }
}

/** The number of next tokens a run keeps: `topK`, or the default. */
function checkTopK(topK = DEFAULT_TOP_K): number {
  if (!Number.isInteger(topK) || topK < 1) throw new XrayError('bad-option', `topK must be a whole number of at least 1, not ${topK}.`);
  return topK;
}

/** Releases what the engine keeps of runs the page no longer holds. */
const forgotten = new FinalizationRegistry<() => void>((release) => release());

/** The page's settings with their URLs made absolute: in a worker they would resolve against the worker's script. */
function settingsForEngine(): Settings {
  const settings = { ...currentSettings() };
  const absolute = (url: string | undefined) => url && new URL(url, globalThis.location?.href).href;
  return { ...settings, wasmPaths: absolute(settings.wasmPaths), workerUrl: absolute(settings.workerUrl) };
}
