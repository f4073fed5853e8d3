// The benchmark's browser side: functions the runner calls through page.evaluate, each timing one
// thing with performance.now() and returning plain numbers.
import { capabilities } from '../src/capabilities.js';
import { ModelController } from '../src/controller.js';
import { parseGpt2Config } from '../src/config.js';
import { buildGpt2Graph, GraphInput, GraphOutput } from '../src/gpt2-graph.js';
import { graphFeeds } from '../src/graph-feeds.js';
import { readSafetensorsHeader } from '../src/safetensors.js';
import { createSession, int64Tensor, readTensor, runtimes, type ort } from '../src/session.js';
import { configure } from '../src/settings.js';
import type { ModelConfig, ResolvedDevice } from '../src/types.js';
import { placeWeights } from '../src/weight-files.js';
import { gpt2Weights } from '../src/weights.js';
import { CACHE_NAME } from '../src/model-files.js';
import type { ProbeJob, ProbeProgress } from '../src/probes/job.js';
import { posDataset } from '../src/probes/pos-task.js';
import { createTokenizer } from '../src/tokenizer.js';

import '../components/attention-heatmap.js';
import '../components/attention-lines.js';
import '../components/head-grid.js';
import '../components/next-token.js';

configure({ wasmPaths: '/ort/' });
// ?inpage: every controller this page makes runs its model in the page, not in a worker.
if (new URLSearchParams(location.search).has('inpage')) configure({ worker: false });

const MODEL = '/fixtures/gpt2-small/';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Sessions {
  instrumented: ort.InferenceSession;
  plain?: ort.InferenceSession;
  createMs: number;
  config: ModelConfig;
}

let bytes: Uint8Array | undefined;
const sessions = new Map<ResolvedDevice, Sessions>();

async function modelParts() {
  bytes ??= new Uint8Array(await (await fetch(MODEL + 'model.safetensors')).arrayBuffer());
  const config = parseGpt2Config(await (await fetch(MODEL + 'config.json')).json());
  const weights = gpt2Weights(readSafetensorsHeader(bytes), config);
  return { config, weights, placed: placeWeights(bytes, weights) };
}

/** Session creation from bytes in memory (graph build included), and the logits-only twin when asked. */
async function openSessions(device: ResolvedDevice, withPlain: boolean): Promise<number> {
  const { config, weights, placed } = await modelParts();
  const { threads } = await capabilities();
  const started = performance.now();
  const instrumented = await createSession(buildGpt2Graph(config, weights, placed.locate, { instrumented: true }), placed.files, device, threads);
  const createMs = performance.now() - started;
  const plain = withPlain ? await createSession(buildGpt2Graph(config, weights, placed.locate, { instrumented: false }), placed.files, device, threads) : undefined;
  sessions.set(device, { instrumented, plain, createMs, config });
  return createMs;
}

function ids(T: number, salt = 0): number[] {
  return Array.from({ length: T }, (_, i) => 100 + ((i * 7919 + salt * 104729) % 50000));
}

/** One instrumented pass, with every attention pattern and the residual stream read back. */
async function instrumentedPass({ instrumented: session, config }: Sessions, tokenIds: number[]): Promise<number> {
  const started = performance.now();
  const out = await session.run(graphFeeds(config, [tokenIds], { topK: 10 }));
  await Promise.all([GraphOutput.pattern, GraphOutput.residPre, GraphOutput.topProbs].map((name) => readTensor(out[name])));
  const ms = performance.now() - started;
  for (const tensor of Object.values(out)) if (tensor.location === 'gpu-buffer') tensor.dispose();
  return ms;
}

async function plainPass(session: ort.InferenceSession, tokenIds: number[]): Promise<number> {
  const started = performance.now();
  const out = await session.run({ [GraphInput.ids]: int64Tensor(tokenIds, [1, tokenIds.length]) });
  await readTensor(out[GraphOutput.logits]);
  return performance.now() - started;
}

/**
 * This page's long animation frames, which hold its long tasks. Not the `longtask` entries: here
 * Chromium left out every task that ran only promise continuations (no timer, no event listener),
 * such as the 1.1 s session creation after the Cache API read; the frames had every one of them.
 */
const frames: LongFrame[] = [];
const frameObserver = new PerformanceObserver((list) => frames.push(...(list.getEntries() as LongFrame[])));
frameObserver.observe({ type: 'long-animation-frame', buffered: true });

interface LongFrame extends PerformanceEntry {
  /** Each long task's time over 50 ms, summed, the frame's rendering counted with the longest. */
  blockingDuration: number;
  scripts: { invoker: string; sourceURL: string; sourceFunctionName: string; duration: number }[];
}

interface Blocked {
  ms: number;
  /** The longest main-thread task (its frame's rendering included). */
  longestMs: number;
  longTasks: number;
  /** The scripts that ran in the longest task's frame. */
  longestScripts: string[];
}

/**
 * Frames for a quarter of a second, then a task: a measure starts after the last one's frames, and
 * the frame a work ended in has been reported (Chromium reports it a frame or two late).
 */
async function settle(): Promise<void> {
  const until = performance.now() + 250;
  while (performance.now() < until) await new Promise(requestAnimationFrame);
  await new Promise((next) => setTimeout(next, 0));
}

/** The long tasks from `start` to `end`: the longest (its frame's rendering included), how many, and what ran in the longest's frame. */
function tasksBetween(start: number, end: number): Blocked {
  frames.push(...(frameObserver.takeRecords() as LongFrame[]));
  // A frame with a long task blocks for that task's time over 50 ms.
  const during = frames.filter((f) => f.blockingDuration > 0 && f.startTime < end && f.startTime + f.duration > start);
  const longest = during.reduce<LongFrame | undefined>((a, f) => (a && a.blockingDuration >= f.blockingDuration ? a : f), undefined);
  const longestScripts = longest?.scripts.map((x) => `${x.invoker} ${x.sourceFunctionName} ${x.sourceURL.replace(location.origin, '')} ${x.duration.toFixed(0)} ms`) ?? [];
  return { ms: end - start, longestMs: longest ? longest.blockingDuration + 50 : 0, longTasks: during.length, longestScripts };
}

/** How long `work` took, and the long tasks meanwhile. */
async function blocking<T>(work: () => Promise<T>): Promise<Blocked & { value: T }> {
  await settle();
  const start = performance.now();
  const value = await work();
  const end = performance.now();
  await settle();
  return { value, ...tasksBetween(start, end) };
}

/** Medians of repeated measures, the worst longest task and its scripts, and every long task counted. */
function summary(rounds: Blocked[]) {
  const worst = rounds.reduce((a, r) => (a.longestMs >= r.longestMs ? a : r));
  const longest = rounds.map((r) => r.longestMs);
  return { ms: median(rounds.map((r) => r.ms)), longestMs: median(longest), worstMs: worst.longestMs, longTasks: rounds.reduce((n, r) => n + r.longTasks, 0), longestScripts: worst.longestScripts };
}

const WORDS = ['cat', 'dog', 'bird', 'fish', 'horse', 'tree', 'house', 'river', 'stone', 'cloud', 'road', 'book', 'song', 'light', 'rain', 'wind'];
let texts = 0;

/** T one-token words, the first four spelling a counter in base 16: a new text every call, so no memo answers. */
function freshText(T: number): string {
  const salt = texts++;
  return Array.from({ length: T }, (_, i) => WORDS[i < 4 ? (salt >> (4 * i)) & 15 : i % WORDS.length]).join(' ');
}

/** Runs `text`, checking that it was `T` tokens and that the controller ran it (not its memo). */
async function checkedRun(controller: ModelController, text: string, T: number) {
  const runs = controller.sessionRuns;
  const run = await controller.run(text);
  if (run.tokens.length !== T || controller.sessionRuns !== runs + 1) throw new Error(`"${text}": ${run.tokens.length} tokens (not ${T}), ${controller.sessionRuns - runs} session runs`);
  return run;
}

/** Milliseconds of one fresh T-token run, called to answered. */
async function passMs(controller: ModelController, T: number): Promise<number> {
  const started = performance.now();
  await checkedRun(controller, freshText(T), T);
  return performance.now() - started;
}

/** The model the `blocked*` functions measure, in its worker or in the page. */
let measured: ModelController | undefined;

/** Keystrokes `keyMs` apart, as the page's timers fire, each setting `el.text` to one more character of `text`; their times. */
function typeInto(el: { text?: string }, text: string, keyMs: number): Promise<number[]> {
  const keys: number[] = [];
  return new Promise((done) => {
    const key = () => {
      keys.push(performance.now());
      el.text = text.slice(0, keys.length);
      if (keys.length === text.length) done(keys);
      else setTimeout(key, keyMs);
    };
    key();
  });
}

/** When `el` has painted `text`: its run-complete event for that text, then a frame. */
function painted(el: HTMLElement, text: string): Promise<number> {
  return new Promise((resolve) =>
    el.addEventListener('run-complete', (e) => (e as CustomEvent<{ tokens: string[] }>).detail.tokens.join('') === text && requestAnimationFrame(() => resolve(performance.now()))),
  );
}

/** How many tokens each prefix of `text` is, by the model's own tokenizer. */
async function prefixTokens(text: string): Promise<number[]> {
  const [json, config] = await Promise.all(['tokenizer.json', 'tokenizer_config.json'].map(async (file) => (await fetch(MODEL + file)).json()));
  const tokenizer = createTokenizer(json, config);
  return Array.from(text, (_, i) => tokenizer.encode(text.slice(0, i + 1)).length);
}

/**
 * What a queue that runs the latest text whenever the model is free would do with these keystrokes,
 * `passMs[i]` being a pass over keystroke i's text: its session runs, and its last pass's end after the last keystroke.
 */
function idealQueue(keys: number[], passMs: number[]) {
  let runs = 0;
  let free = -Infinity;
  let last = -1;
  while (last < keys.length - 1) {
    const start = Math.max(free, keys[last + 1]);
    last = keys.findLastIndex((k) => k <= start);
    free = start + passMs[last];
    runs++;
  }
  return { runs, latencyMs: free - keys[keys.length - 1] };
}

const api = {
  openSessions,

  /** Median latency of the instrumented pass at T tokens over `repeats` runs (after one warm-up). */
  async forward(device: ResolvedDevice, T: number, repeats: number): Promise<number> {
    const open = sessions.get(device)!;
    await instrumentedPass(open, ids(T, 99));
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) times.push(await instrumentedPass(open, ids(T, r)));
    return median(times);
  },

  /** Instrumented and logits-only passes alternated at T tokens; medians and the median of ratios. */
  async ratio(device: ResolvedDevice, T: number, repeats: number) {
    const open = sessions.get(device)!;
    const { plain } = open;
    await instrumentedPass(open, ids(T, 99));
    await plainPass(plain!, ids(T, 99));
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < repeats; r++) {
      a.push(await instrumentedPass(open, ids(T, r)));
      b.push(await plainPass(plain!, ids(T, r)));
    }
    return { instrumentedMs: median(a), plainMs: median(b), ratio: median(a.map((x, i) => x / b[i])) };
  },

  /** The logit lens's extra pass (all layers, all positions, top-5) through the controller, at T tokens. */
  async lens(T: number, repeats: number) {
    const controller = ModelController.shared({ model: MODEL, device: 'wasm' });
    const times: number[] = [];
    for (let r = 0; r <= repeats; r++) {
      const run = await checkedRun(controller, freshText(T), T);
      const started = performance.now();
      await run.logitLens(5);
      if (r > 0) times.push(performance.now() - started);
    }
    return median(times);
  },

  /**
   * The causal sweeps beside the passes they replace, at T tokens in one page: one pass (median of
   * `repeats`), the ablation scan of every head, the resid_pre patching sweep (L × T cells) and the
   * direct logit attribution by head.
   */
  async interventions(T: number, repeats: number) {
    const controller = ModelController.shared({ model: MODEL, device: 'wasm' });
    await passMs(controller, T);
    const passes: number[] = [];
    for (let r = 0; r < repeats; r++) passes.push(await passMs(controller, T));
    const run = await checkedRun(controller, freshText(T), T);
    const [answer, wrong] = run.nextToken(2).map((t) => t.id);
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const { nLayer, nHead } = run.config;
    const attribution: number[] = [];
    for (let r = 0; r < repeats; r++) attribution.push(await timed(() => run.logitAttribution({ answer, wrong, by: 'head' })));
    const scanMs = await timed(() => run.ablationScan({ answer, wrong }));
    const [clean, corrupted] = [freshText(T), freshText(T)];
    const patchMs = await timed(() => controller.patch({ clean, corrupted, answer, wrong, hook: 'resid_pre' }));
    return { passMs: median(passes), heads: nLayer * nHead, scanMs, cells: nLayer * T, patchMs, attributionMs: median(attribution) };
  },

  /**
   * Generation and embedding queries, WASM: 20 greedy tokens after a fresh 10-token prompt through
   * the key/value cache, alternated with the 20 full passes (T = 10 … 29) the same tokens cost without
   * it; and `nearest` over the whole vocabulary (the first call also reads wte's norms).
   */
  async generation(repeats: number) {
    const controller = ModelController.shared({ model: MODEL, device: 'wasm' });
    await passMs(controller, 10);
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const cached: number[] = [];
    const uncached: number[] = [];
    for (let r = 0; r < repeats; r++) {
      cached.push(
        await timed(async () => {
          const ids: number[] = [];
          for await (const step of controller.generate(freshText(10), { temperature: 0, maxNewTokens: 20 })) ids.push(step.id);
          if (ids.length !== 20) throw new Error(`generation stopped after ${ids.length} of 20 tokens`);
        }),
      );
      let sum = 0;
      for (let i = 0; i < 20; i++) sum += await passMs(controller, 10 + i);
      uncached.push(sum);
    }
    const firstNearestMs = await timed(() => controller.embeddings.nearest(' king', 10));
    const nearest: number[] = [];
    for (let r = 0; r < repeats; r++) nearest.push(await timed(() => controller.embeddings.nearest(' king', 10)));
    return { cachedMs: median(cached), uncachedMs: median(uncached), firstNearestMs, nearestMs: median(nearest) };
  },

  /**
   * `<next-token>` over a GPT-2-sized vocabulary (data mode: 50,257 logits): from a temperature
   * change to the frame that shows it, median of the repeats (one frame at 60 Hz is 16.7 ms).
   */
  async temperatureRepaint(repeats: number) {
    const logits = Array.from({ length: 50_257 }, (_, i) => 4 * Math.sin(i * 12.9898) - 2);
    const el = document.createElement('next-token') as HTMLElement & { data: unknown; temperature: number; updateComplete: Promise<boolean> };
    el.data = { tokens: ['Hi'], logits };
    document.body.append(el);
    await el.updateComplete;
    await settle();
    const updates: number[] = [];
    const frames: number[] = [];
    for (let r = 0; r < repeats * 3; r++) {
      await new Promise(requestAnimationFrame); // start at a frame's beginning
      const started = performance.now();
      el.temperature = 0.3 + ((r * 0.37) % 1.6);
      await el.updateComplete;
      updates.push(performance.now() - started);
      await new Promise(requestAnimationFrame);
      frames.push(performance.now() - started);
    }
    el.remove();
    return { updateMs: median(updates), frameMs: median(frames), maxFrameMs: Math.max(...frames) };
  },

  /**
   * The tuned lens beside the logit lens, WASM, at T tokens: `run.logitLens(5, positions)` and the
   * same with `translators` (a file's URL) on every position of a fresh run each time (so no memo
   * answers), in alternating order; medians and the median of ratios. The first tuned call, which
   * reads the translators, is left out.
   */
  async tunedLens(translators: string, T: number, repeats: number) {
    const controller = ModelController.shared({ model: MODEL, device: 'wasm' });
    const positions = Array.from({ length: T }, (_, i) => i);
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const warm = await checkedRun(controller, freshText(T), T);
    await warm.logitLens(5, positions, { translators });
    await warm.logitLens(5, positions);
    const logit: number[] = [];
    const tuned: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const run = await checkedRun(controller, freshText(T), T);
      const plain = () => timed(() => run.logitLens(5, positions));
      const read = () => timed(() => run.logitLens(5, positions, { translators }));
      if (r % 2) {
        tuned.push(await read());
        logit.push(await plain());
      } else {
        logit.push(await plain());
        tuned.push(await read());
      }
    }
    return { logitMs: median(logit), tunedMs: median(tuned), ratio: median(tuned.map((x, i) => x / logit[i])) };
  },

  /** From this page's start to the first run's result: load (Cache API when warm), build, session, run. */
  async firstRun(device: ResolvedDevice) {
    const controller = new ModelController({ model: MODEL, device });
    await controller.run('The cat sat on the mat because it was tired');
    const steps = Object.fromEntries(
      performance
        .getEntriesByType('measure')
        .filter((m) => m.name.startsWith('xray:'))
        .map((m) => [m.name.slice(5), Math.round(m.duration)]),
    );
    return { msSincePageStart: performance.now(), device: controller.device, steps };
  },

  /** Loads the model (from the Cache API, once warm) into a new controller, in its worker or in the page. */
  async blockedLoad(worker: boolean) {
    measured = new ModelController({ model: MODEL, device: 'wasm', worker });
    const { value, ...blocked } = await blocking(() => measured!.load());
    return { ...blocked, where: measured.where };
  },

  /** Runs of fresh T-token texts (after one warm-up). */
  async blockedRuns(T: number, repeats: number) {
    await checkedRun(measured!, freshText(T), T);
    const rounds: Blocked[] = [];
    for (let r = 0; r < repeats; r++) rounds.push(await blocking(() => checkedRun(measured!, freshText(T), T)));
    return summary(rounds);
  },

  /** The logit lens (top-5) of fresh T-token runs, the run itself left out (blockedRuns has it). */
  async blockedLens(T: number, repeats: number) {
    const rounds: Blocked[] = [];
    for (let r = 0; r < repeats; r++) {
      const run = await checkedRun(measured!, freshText(T), T);
      rounds.push(await blocking(() => run.logitLens(5)));
    }
    return summary(rounds);
  },

  /** A probe job as <probe-chart> asks for it, linear probes on the first 40 POS sentences: its collecting, then its training. */
  async blockedProbe(folds: number, epochs: number) {
    const job: ProbeJob = { dataset: posDataset(), maxSentences: 40, prependBos: false, kinds: ['linear'], folds, epochs, seed: 0 };
    let training = 0;
    // Training starts on the task after the first training report (in the page, collecting's last task makes that report).
    const onProgress = (progress: ProbeProgress) => void (progress.stage === 'train' && setTimeout(() => (training ||= performance.now())));
    await settle();
    const start = performance.now();
    await measured!.probe(job, { onProgress });
    const end = performance.now();
    await settle();
    return { collect: tasksBetween(start, training), train: tasksBetween(training, end) };
  },

  /**
   * Types `sentence` into an <attention-heatmap> whose model is loaded, one character per keystroke
   * `keyMs` apart: the keystrokes' real spacing, the session runs, the last keystroke to the last
   * text painted; and, from a pass's time at each prefix's length (median of `repeats`), what an
   * ideal queue would have done.
   */
  async typing(sentence: string, keyMs: number, repeats: number) {
    const controller = ModelController.shared({ model: MODEL, device: 'wasm' });
    await controller.load();
    const tokens = await prefixTokens(sentence);
    const el = Object.assign(document.createElement('attention-heatmap'), { model: MODEL, device: 'wasm', layer: 0, head: 0 });
    el.style.width = '960px';
    document.body.append(el);
    // The figure on show first, as a reader finds it (its first render is not typing's), the model warm.
    const before = freshText(tokens[tokens.length - 1]);
    const shown = painted(el, before);
    el.text = before;
    await shown;
    const typed = painted(el, sentence);
    const runsBefore = controller.sessionRuns;
    const { value, ...blocked } = await blocking(async () => [await typeInto(el, sentence, keyMs), await typed] as const);
    const [keys, paintedAt] = value;
    const sessionRuns = controller.sessionRuns - runsBefore;
    el.remove();
    const byT = new Map<number, number>();
    for (const T of new Set(tokens)) {
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) times.push(await passMs(controller, T));
      byT.set(T, median(times));
    }
    const last = keys[keys.length - 1];
    const T = tokens[tokens.length - 1];
    const ideal = idealQueue(
      keys,
      tokens.map((t) => byT.get(t)!),
    );
    return { where: controller.where, typingMs: last - keys[0], nominalMs: (keys.length - 1) * keyMs, sessionRuns, latencyMs: paintedAt - last, tokens: T, passMs: byT.get(T)!, ideal, ...blocked };
  },

  /** The same T-token pass through a controller with a worker and one without, alternated; medians and the median of ratios. */
  async workerVsPage(T: number, repeats: number) {
    const inWorker = new ModelController({ model: MODEL, device: 'wasm', worker: true });
    const inPage = new ModelController({ model: MODEL, device: 'wasm', worker: false });
    await inWorker.load();
    await inPage.load();
    await passMs(inWorker, T);
    await passMs(inPage, T);
    const a: number[] = [];
    const b: number[] = [];
    // Each goes first in turn, so neither always follows the other's garbage.
    for (let r = 0; r < repeats; r++) {
      if (r % 2) b.push(await passMs(inPage, T));
      a.push(await passMs(inWorker, T));
      if (!(r % 2)) b.push(await passMs(inPage, T));
    }
    return { where: [inWorker.where, inPage.where], workerMs: median(a), pageMs: median(b), ratio: median(a.map((x, i) => x / b[i])) };
  },

  threads: () => ({ isolated: globalThis.crossOriginIsolated, numThreads: runtimes.wasm.env.wasm.numThreads ?? 1 }),

  clearCache: () => caches.delete(CACHE_NAME),

  /**
   * Milliseconds from setting `data` on a new element to the next painted frame, median of `repeats`.
   * Data mode with nested arrays, as a page exporting from Python would give it (their conversion included).
   */
  async render(tag: 'head-grid' | 'attention-heatmap', T: number, layers: number, heads: number, repeats: number): Promise<number> {
    const tokens = Array.from({ length: T }, (_, i) => ` t${i}`);
    const pattern = (seed: number) =>
      Array.from({ length: T }, (_, q) => {
        const row = Array.from({ length: T }, (_, k) => (k <= q ? 1 + ((k * 31 + q * 17 + seed) % 7) : 0));
        const sum = row.reduce((a, b) => a + b, 0);
        return row.map((x) => x / sum);
      });
    const attention = Array.from({ length: layers }, (_, l) => Array.from({ length: heads }, (_, h) => pattern(l * heads + h)));
    const times: number[] = [];
    for (let r = 0; r <= repeats; r++) {
      const el = document.createElement(tag) as HTMLElement & { data: unknown; updateComplete: Promise<boolean> };
      el.style.width = '960px';
      document.body.append(el);
      await new Promise(requestAnimationFrame);
      const started = performance.now();
      el.data = { tokens, attention };
      await el.updateComplete;
      await new Promise(requestAnimationFrame);
      if (r > 0) times.push(performance.now() - started);
      el.remove();
    }
    return median(times);
  },

  /**
   * <attention-lines> with `heads` heads of one layer at T tokens, medians of `repeats`: from setting
   * `data` on a new element to its lines painted, and from hovering a query token to its lines alone
   * painted, then from leaving it to every line back. "Painted" reads one pixel of the canvas back,
   * so the drawing has been rasterised, not only recorded.
   */
  async lines(T: number, heads: number, repeats: number) {
    const tokens = Array.from({ length: T }, (_, i) => ` t${i}`);
    const pattern = (seed: number) =>
      Array.from({ length: T }, (_, q) => {
        const row = Array.from({ length: T }, (_, k) => (k <= q ? 1 + ((k * 31 + q * 17 + seed) % 7) : 0));
        const sum = row.reduce((a, b) => a + b, 0);
        return row.map((x) => x / sum);
      });
    const attention = Array.from({ length: heads }, (_, h) => pattern(h));
    const flush = (el: HTMLElement) => (el.shadowRoot!.querySelector('canvas') as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 1, 1);
    const paint: number[] = [];
    const all: number[] = [];
    const hover: number[] = [];
    const leave: number[] = [];
    let drawn = 0;
    for (let r = 0; r <= repeats; r++) {
      const el = document.createElement('attention-lines');
      el.style.width = '960px';
      document.body.append(el);
      await new Promise(requestAnimationFrame);
      const complete = new Promise((done) => el.addEventListener('run-complete', done, { once: true }));
      const started = performance.now();
      el.data = { tokens, attention };
      await complete;
      await el.updateComplete;
      flush(el);
      await new Promise(requestAnimationFrame);
      const painted = performance.now();
      // The rows below a window's worth are painted after the next frame: until the last one is.
      const canvas = el.shadowRoot!.querySelector('canvas') as HTMLCanvasElement;
      const lastRowPainted = () =>
        canvas
          .getContext('2d')!
          .getImageData(0, canvas.height - 10, canvas.width, 1)
          .data.some((v, i) => i % 4 === 3 && v > 0);
      while (!lastRowPainted() && performance.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 1));
      const everyRow = performance.now();
      drawn = el.drawnLines.length;
      await new Promise(requestAnimationFrame);
      const token = el.shadowRoot!.querySelector(`[data-index="${2 * Math.floor(T / 2)}"]`)!;
      const hoverStart = performance.now();
      token.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
      await el.updateComplete;
      flush(el);
      const hovered = performance.now();
      await new Promise(requestAnimationFrame);
      const leaveStart = performance.now();
      el.shadowRoot!.querySelector('[role="grid"]')!.dispatchEvent(new PointerEvent('pointerleave'));
      await el.updateComplete;
      flush(el);
      const left = performance.now();
      if (r > 0) {
        paint.push(painted - started);
        all.push(everyRow - started);
        hover.push(hovered - hoverStart);
        leave.push(left - leaveStart);
      }
      el.remove();
    }
    return { lines: drawn, paintMs: median(paint), allRowsMs: median(all), hoverMs: median(hover), leaveMs: median(leave), paint, hover };
  },
};

Object.assign(globalThis, { bench: api });
document.title = 'ready';
