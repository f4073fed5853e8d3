// The one model per page (per model and device) that every figure shares: it loads the files,
// builds the instrumented graph, opens the session and runs texts, memoised.
import { capabilities } from './capabilities.js';
import { parseGpt2Config } from './config.js';
import { XrayError } from './errors.js';
import { buildGpt2Graph, GraphInput, GraphOutput } from './gpt2-graph.js';
import { fetchInto, fetchJson, modelBaseUrl } from './model-files.js';
import { GraphModelRun, type ExtraWork } from './model-run.js';
import { createSession, EAGER_OUTPUTS, errorText, int64Tensor, readTensor, startRuntime, type ExternalFile, type ort } from './session.js';
import { readSafetensorsHeader } from './safetensors.js';
import { timed } from './timing.js';
import { currentSettings } from './settings.js';
import { createTokenizer, type Gpt2Tokenizer } from './tokenizer.js';
import type { ControllerStatus, Device, ModelConfig, ProgressDetail, ResolvedDevice, RunOptions } from './types.js';
import { SafetensorsSink, type SplitFile } from './split-file.js';
import { placeWeights } from './weight-files.js';
import { gpt2Weights } from './weights.js';

/** The ONNX model and the weight buffers its initializers point into. */
interface Graph {
  model: Uint8Array;
  files: ExternalFile[];
}

export const DEFAULT_MODEL = 'openai-community/gpt2';
const DEVICES: readonly Device[] = ['auto', 'webgpu', 'wasm'];
/** How many texts' runs a controller keeps, and how many bytes of them at most (one GPT-2 run at T = 1,024 holds 600 MB). */
const RUN_CACHE_SIZE = 16;
const RUN_CACHE_BYTES = 1 << 30;
/** How many next tokens every run keeps, so `nextToken(k)` is synchronous for k up to this. */
const NEXT_TOKEN_K = 50;

export interface ControllerOptions {
  /** A Hub repo id or a folder URL/path; defaults to `openai-community/gpt2`. */
  model?: string;
  device?: Device;
  /** Logs onnxruntime's node placement (which ops, if any, left the GPU). */
  debug?: boolean;
}

/**
 * Shared model of a page. Events: `progress` ({file, loaded, total}), `status` (status changed),
 * `fallback` (WebGPU failed; `fallbackReason` says why).
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
    const key = `${device}|${model}`;
    let controller = ModelController.instances.get(key);
    if (!controller) {
      controller = new ModelController({ ...options, model, device });
      ModelController.instances.set(key, controller);
    }
    return controller;
  }

  readonly model: string;
  readonly requestedDevice: Device;
  status: ControllerStatus = 'idle';
  /** The device runs happen on, once loaded. */
  device: ResolvedDevice | undefined;
  config: ModelConfig | undefined;
  /** Why the controller runs on WASM although WebGPU was wanted, in words. */
  fallbackReason: string | undefined;
  /** The error that stopped loading, when `status` is `error`. */
  error: XrayError | undefined;
  /** How many times the session has run (tests check that shared runs cost one). */
  sessionRuns = 0;

  private readonly debug: boolean;
  private loading: Promise<void> | undefined;
  private session: ort.InferenceSession | undefined;
  private tokenizer: Gpt2Tokenizer | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly runs = new Map<string, Promise<GraphModelRun>>();
  /** What each finished run in `runs` holds in memory, by the same key. */
  private readonly runBytes = new Map<string, number>();

  constructor(options: ControllerOptions = {}) {
    super();
    const device = options.device ?? 'auto';
    // A bad option fails the load, not the constructor, so a misconfigured figure shows the
    // message in its box instead of breaking the page's rendering.
    if (!DEVICES.includes(device)) this.error = new XrayError('bad-option', `Unknown device "${device}": use one of ${DEVICES.join(', ')}.`);
    this.model = options.model ?? DEFAULT_MODEL;
    this.requestedDevice = device;
    this.debug = options.debug ?? false;
  }

  /** Downloads (or reads from cache) and prepares the model. Idempotent; rejects with an `XrayError`. */
  load(): Promise<void> {
    if (this.error?.code === 'bad-option') return Promise.reject(this.error);
    this.loading ??= this.loadOnce();
    return this.loading;
  }

  /** Runs the model on `text`; identical concurrent calls share one forward pass. */
  async run(text: string, options: RunOptions = {}): Promise<GraphModelRun> {
    if (options.signal?.aborted) throw abortError();
    if (typeof text !== 'string' || text.length === 0) throw new XrayError('empty-text', 'There is no text to run: type a sentence.');
    const key = `${options.prependBos ? 'bos' : ''}|${text}`;
    let run = this.runs.get(key);
    if (run) {
      this.runs.delete(key); // re-insert: most recently used last
    } else {
      const started = this.forwardText(text, options.prependBos ?? false);
      started.then(
        (done) => {
          if (this.runs.get(key) !== started) return;
          this.runBytes.set(key, done.byteLength);
          this.evictOldRuns();
        },
        () => this.runs.get(key) === started && this.runs.delete(key),
      );
      run = started;
    }
    this.runs.set(key, run);
    this.evictOldRuns();
    return options.signal ? abortable(run, options.signal) : run;
  }

  private async loadOnce(): Promise<void> {
    this.error = undefined;
    this.setStatus('loading');
    // The weights download starts with the small files, and stops if those say it is not a GPT-2.
    const stopWeights = new AbortController();
    try {
      const base = modelBaseUrl(this.model);
      const progress = (detail: ProgressDetail) => this.dispatchEvent(new CustomEvent('progress', { detail }));
      const weights = this.fetchWeights(progress, stopWeights.signal);
      weights.catch(() => undefined); // reported below, after the config's errors, which say more
      // A runtime that fails to start is reported by the real session, with the fallback to WASM.
      const runtime = this.startRuntime().catch(() => undefined);
      const file = (name: string) => ({ onProgress: progress, notFound: () => notFound(this.model, name) });
      const small = await Promise.allSettled([
        fetchJson(base + 'config.json', 'config.json', { onProgress: progress, notFound: () => new XrayError('unknown-model', `No model "${this.model}": ${base}config.json was not found.`) }),
        fetchJson(base + 'tokenizer.json', 'tokenizer.json', file('tokenizer.json')),
        fetchJson(base + 'tokenizer_config.json', 'tokenizer_config.json', file('tokenizer_config.json')),
      ]);
      // In file order, whichever answered first: a missing config.json says the most.
      const [configJson, tokenizerJson, tokenizerConfig] = small.map((result) => {
        if (result.status === 'rejected') throw result.reason;
        return result.value;
      });
      const config = parseGpt2Config(configJson);
      const tokenizer = createTokenizer(tokenizerJson, tokenizerConfig);
      const graph = this.buildGraph(await weights, config);
      await runtime;
      this.session = await timed('session', () => this.openSession(graph));
      this.tokenizer = tokenizer;
      this.config = config;
      this.setStatus('ready');
    } catch (cause) {
      stopWeights.abort();
      this.error = cause instanceof XrayError ? cause : new XrayError('session-failed', errorText(cause), { cause });
      this.loading = undefined; // the next load() or run() tries again (a download cut short may work now)
      this.setStatus('error');
      throw this.error;
    }
  }

  /** The safetensors bytes, from the Cache API after the first time. */
  private fetchWeights(onProgress?: (detail: ProgressDetail) => void, signal?: AbortSignal): Promise<SplitFile> {
    const base = modelBaseUrl(this.model);
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
    const placed = placeWeights(bytes, weights);
    const graph = { model: buildGpt2Graph(config, weights, placed.locate, { instrumented: true }), files: placed.files };
    performance.measure('xray:graph', { start });
    return graph;
  }

  /** WebGPU when wanted and possible; any WebGPU failure falls back to WASM and is recorded. */
  private async openSession(graph: Graph): Promise<ort.InferenceSession> {
    const threads = await this.threads();
    const caps = await capabilities();
    if (this.requestedDevice !== 'wasm') {
      if (caps.webgpu) {
        try {
          const session = await createSession(graph.model, graph.files, 'webgpu', threads, { debug: this.debug });
          this.device = 'webgpu';
          return session;
        } catch (error) {
          this.fallBack(`WebGPU session failed, running on WASM instead: ${errorText(error)}`);
        }
      } else if (this.requestedDevice === 'webgpu') {
        this.fallBack(`WebGPU was asked for but ${caps.webgpuMissing}; running on WASM instead.`);
      }
    }
    this.device = 'wasm';
    return createSession(graph.model, graph.files, 'wasm', threads, { debug: this.debug, freeFiles: true });
  }

  /** Starts the runtime of the device `openSession` will try first. */
  private async startRuntime(): Promise<void> {
    const webgpu = this.requestedDevice !== 'wasm' && (await capabilities()).webgpu;
    await startRuntime(webgpu ? 'webgpu' : 'wasm', await this.threads(), this.debug);
  }

  private async threads(): Promise<number> {
    return currentSettings().numThreads ?? (await capabilities()).threads;
  }

  private fallBack(reason: string): void {
    this.fallbackReason = reason;
    this.dispatchEvent(new CustomEvent('fallback', { detail: { reason } }));
  }

  private async forwardText(text: string, prependBos: boolean): Promise<GraphModelRun> {
    await this.load();
    const tokenizer = this.tokenizer!;
    const config = this.config!;
    let ids = tokenizer.encode(text);
    if (prependBos) ids.unshift(tokenizer.bosId);
    const truncated = ids.length > config.nCtx;
    if (truncated) ids = ids.slice(0, config.nCtx);
    const forward = (work: ExtraWork) => this.forward(ids, work);
    const outputs = await forward({ topK: Math.min(NEXT_TOKEN_K, config.vocabSize) });
    const [pattern, residual, nextProbs, nextIds] = await Promise.all(EAGER_OUTPUTS.map((name) => readTensor(outputs[name])));
    const lazy = new Map(Object.entries(outputs).filter(([name]) => !EAGER_OUTPUTS.includes(name)));
    for (const name of [GraphOutput.z, GraphOutput.result]) disposeTensor(lazy, name);
    return new GraphModelRun({
      text,
      ids,
      truncated,
      config,
      tokenText: tokenizer.tokenText,
      pattern: pattern as Float32Array,
      residual: residual as Float32Array,
      nextProbs: nextProbs as Float32Array,
      nextIds: nextIds as BigInt64Array,
      lazy,
      forward: async (work) => {
        const out = await forward(work);
        const wanted = work.lensLayers ? [GraphOutput.topProbs, GraphOutput.topIds] : [GraphOutput.z, GraphOutput.result];
        for (const name of Object.keys(out)) if (!wanted.includes(name as never)) disposeTensor(out, name);
        return out;
      },
    });
  }

  /** One session run, queued behind any other, with WebGPU failures retried on WASM. */
  private forward(ids: number[], work: ExtraWork): Promise<Record<string, ort.Tensor>> {
    const feeds = {
      [GraphInput.ids]: int64Tensor(ids, [1, ids.length]),
      [GraphInput.lensLayers]: int64Tensor(work.lensLayers ?? []),
      [GraphInput.lensPositions]: int64Tensor(work.lensPositions ?? []),
      [GraphInput.heads]: int64Tensor(work.heads ?? []),
      [GraphInput.topK]: int64Tensor([work.topK ?? 1]),
    };
    const task = this.queue.then(async () => {
      this.sessionRuns++;
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
        this.session = await createSession(graph.model, graph.files, 'wasm', await this.threads(), { debug: this.debug, freeFiles: true });
        return this.session.run(feeds);
      }
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  private evictOldRuns(): void {
    const held = () => [...this.runBytes.values()].reduce((a, b) => a + b, 0);
    while (this.runs.size > RUN_CACHE_SIZE || (this.runs.size > 1 && held() > RUN_CACHE_BYTES)) {
      const [oldest, run] = this.runs.entries().next().value!;
      this.runs.delete(oldest);
      this.runBytes.delete(oldest);
      run.then((r) => r.dispose(), () => undefined);
    }
  }

  private setStatus(status: ControllerStatus): void {
    this.status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: { status } }));
  }
}

function notFound(model: string, file: string): XrayError {
  return new XrayError('unknown-model', `The model "${model}" has no ${file}; is it a GPT-2 model folder?`);
}

function abortError(): XrayError {
  return new XrayError('aborted', 'The run was aborted.');
}

function disposeTensor(outputs: Map<string, ort.Tensor> | Record<string, ort.Tensor>, name: string): void {
  const tensor = outputs instanceof Map ? outputs.get(name) : outputs[name];
  if (tensor && tensor.location === 'gpu-buffer') tensor.dispose();
  if (outputs instanceof Map) outputs.delete(name);
  else delete outputs[name];
}

/** Rejects when `signal` aborts, leaving the shared run going for its other callers. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
