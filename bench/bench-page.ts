// The benchmark's browser side: functions the runner calls through page.evaluate, each timing one
// thing with performance.now() and returning plain numbers.
import { capabilities } from '../src/capabilities.js';
import { ModelController } from '../src/controller.js';
import { parseGpt2Config } from '../src/config.js';
import { buildGpt2Graph, GraphInput, GraphOutput } from '../src/gpt2-graph.js';
import { readSafetensorsHeader } from '../src/safetensors.js';
import { createSession, int64Tensor, readTensor, runtimes, type ort } from '../src/session.js';
import { configure } from '../src/settings.js';
import type { ResolvedDevice } from '../src/types.js';
import { placeWeights } from '../src/weight-files.js';
import { gpt2Weights } from '../src/weights.js';
import { CACHE_NAME } from '../src/model-files.js';

import '../components/attention-heatmap.js';
import '../components/head-grid.js';

configure({ wasmPaths: '/ort/' });

const MODEL = '/fixtures/gpt2-small/';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Sessions {
  instrumented: ort.InferenceSession;
  plain?: ort.InferenceSession;
  createMs: number;
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
  sessions.set(device, { instrumented, plain, createMs });
  return createMs;
}

function ids(T: number, salt = 0): number[] {
  return Array.from({ length: T }, (_, i) => 100 + ((i * 7919 + salt * 104729) % 50000));
}

function instrumentedFeeds(tokenIds: number[]) {
  return {
    [GraphInput.ids]: int64Tensor(tokenIds, [1, tokenIds.length]),
    [GraphInput.lensLayers]: int64Tensor([]),
    [GraphInput.lensPositions]: int64Tensor([]),
    [GraphInput.heads]: int64Tensor([]),
    [GraphInput.topK]: int64Tensor([10]),
  };
}

/** One instrumented pass, with every attention pattern and the residual stream read back. */
async function instrumentedPass(session: ort.InferenceSession, tokenIds: number[]): Promise<number> {
  const started = performance.now();
  const out = await session.run(instrumentedFeeds(tokenIds));
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

const api = {
  openSessions,

  /** Median latency of the instrumented pass at T tokens over `repeats` runs (after one warm-up). */
  async forward(device: ResolvedDevice, T: number, repeats: number): Promise<number> {
    const { instrumented } = sessions.get(device)!;
    await instrumentedPass(instrumented, ids(T, 99));
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) times.push(await instrumentedPass(instrumented, ids(T, r)));
    return median(times);
  },

  /** Instrumented and logits-only passes alternated at T tokens; medians and the median of ratios. */
  async ratio(device: ResolvedDevice, T: number, repeats: number) {
    const { instrumented, plain } = sessions.get(device)!;
    await instrumentedPass(instrumented, ids(T, 99));
    await plainPass(plain!, ids(T, 99));
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < repeats; r++) {
      a.push(await instrumentedPass(instrumented, ids(T, r)));
      b.push(await plainPass(plain!, ids(T, r)));
    }
    return { instrumentedMs: median(a), plainMs: median(b), ratio: median(a.map((x, i) => x / b[i])) };
  },

  /** The logit lens's extra pass (all layers, all positions, top-5) through the controller, at T tokens. */
  async lens(T: number, repeats: number) {
    const controller = ModelController.shared({ model: MODEL, device: 'wasm' });
    const times: number[] = [];
    const words = ['cat', 'dog', 'bird', 'fish', 'horse'];
    for (let r = 0; r <= repeats; r++) {
      const run = await controller.run(Array.from({ length: T }, (_, i) => words[(i + r) % words.length]).join(' '));
      const started = performance.now();
      await run.logitLens(5);
      if (r > 0) times.push(performance.now() - started);
    }
    return median(times);
  },

  /** From this page's start to the first run's result: load (Cache API when warm), build, session, run. */
  async firstRun(device: ResolvedDevice) {
    const controller = new ModelController({ model: MODEL, device });
    await controller.run('The cat sat on the mat because it was tired');
    const steps = Object.fromEntries(performance.getEntriesByType('measure').filter((m) => m.name.startsWith('xray:')).map((m) => [m.name.slice(5), Math.round(m.duration)]));
    return { msSincePageStart: performance.now(), device: controller.device, steps };
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
};

Object.assign(globalThis, { bench: api });
document.title = 'ready';
