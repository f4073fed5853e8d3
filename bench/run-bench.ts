// npm run bench: times the engine on a GPT-2-small-shaped model in headless Chromium and prints a
// table; writes bench/results.json. Medians of several runs; ratios from runs alternated in one page.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { startDevServer } from '@web/dev-server';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CHROME_ARGS, findChrome, HEADLESS_ARGS } from '../scripts/find-chrome.mjs';
import { rawFiles } from '../test/server/raw-files.mjs';
import { typescriptWorkers } from '../test/server/typescript-workers.mjs';
import { randomTranslators } from '../test/fixtures/random-translators.js';

const WEIGHTS = 'fixtures/gpt2-small/model.safetensors';
const quick = process.argv.includes('--quick');
/** `--only=memory,cached` runs just those parts: memory, cached, wasm, threads, webgpu, render, lines, responsive, interventions, generation, tuned. */
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const wanted = (part: string) => !only || only.includes(part);
const REPEATS = quick ? 3 : 7;
/** `BENCH_PORT=…` when 8765 is taken (say, by `npm start`). */
const PORT = Number(process.env.BENCH_PORT ?? 8765);

/**
 * Only the page asked for with ?isolated, and what it loads (its modules and onnxruntime's worker
 * scripts, which must carry COEP too), get COOP/COEP, so one server serves both cases.
 */
const isolateOnRequest = async (ctx: { query: Record<string, unknown>; get(k: string): string; set(k: string, v: string): void }, next: () => Promise<void>) => {
  if (ctx.query.isolated !== undefined || ctx.get('referer').includes('isolated')) {
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
  }
  await next();
};

const server = await startDevServer({
  config: {
    rootDir: '.',
    hostname: '127.0.0.1',
    port: PORT,
    nodeResolve: { exportConditions: ['browser', 'production'] },
    plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
    middleware: [isolateOnRequest as never, rawFiles, typescriptWorkers],
  },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const browser = await puppeteer.launch({ executablePath: findChrome(), headless: true, args: CHROME_ARGS, protocolTimeout: 1_800_000 });
const results: Record<string, unknown> = { date: new Date().toISOString(), weightsBytes: statSync(WEIGHTS).size, repeats: REPEATS };

async function openPage(query = '', on: Browser = browser): Promise<Page> {
  const page = await on.newPage();
  page.setDefaultTimeout(1_800_000);
  page.on('pageerror', (error) => console.error('page error:', error));
  page.on('console', (message) => message.type() === 'error' && console.error('page:', message.text()));
  await page.goto(`http://127.0.0.1:${PORT}/bench/bench.html${query}`);
  await page.waitForFunction(() => document.title === 'ready', { timeout: 60_000 });
  return page;
}

const call = <T>(page: Page, fn: string, ...args: unknown[]): Promise<T> =>
  page.evaluate((name, params) => (globalThis as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>).bench[name](...params), fn, args) as Promise<T>;

/** Resident memory of the browser and all its child processes, in bytes (Linux /proc). */
function browserRss(b: Browser): number {
  const root = b.process()?.pid;
  if (!root) return 0;
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      rss.set(pid, Number(fields[21]) * 4096);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function sampleWhile<T>(work: Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, browserRss(browser))), 25);
  try {
    const value = await work;
    return { value, peak: Math.max(peak, browserRss(browser)) };
  } finally {
    clearInterval(timer);
  }
}

interface FirstRun {
  msSincePageStart: number;
  steps: Record<string, number>;
}

/** The page's first run, its steps' measures taken from the page and from the engine's worker, where the model loads. */
async function firstRun(page: Page): Promise<FirstRun> {
  const run = await call<FirstRun>(page, 'firstRun', 'wasm');
  for (const worker of page.workers()) {
    const measures = await worker.evaluate(() =>
      performance
        .getEntriesByType('measure')
        .filter((m) => m.name.startsWith('xray:'))
        .map((m) => [m.name.slice(5), Math.round(m.duration)]),
    );
    Object.assign(run.steps, Object.fromEntries(measures));
  }
  return run;
}

/** Fills the Cache API with the weights, as a first visit does. */
async function warmCache(): Promise<void> {
  const page = await openPage();
  await call(page, 'firstRun', 'wasm');
  await page.close();
}

/** Random translators of GPT-2 small's shape (the timing does not depend on their values), served to the page. */
const TUNED_LENS = 'fixtures/gpt2-small-lens/params.safetensors';

/** Writes TUNED_LENS once, as the tuned-lens project names its tensors. */
function writeTunedLens(): void {
  if (existsSync(TUNED_LENS)) return;
  const { n_layer: layers, n_embd: d } = JSON.parse(readFileSync('fixtures/gpt2-small/config.json', 'utf8')) as { n_layer: number; n_embd: number };
  mkdirSync('fixtures/gpt2-small-lens', { recursive: true });
  writeFileSync(TUNED_LENS, randomTranslators(layers, d));
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: [string, string][] = [];
const record = (label: string, value: string) => {
  rows.push([label, value]);
  console.log(`${label.padEnd(58)} ${value}`);
};

interface Blocked {
  ms: number;
  longestMs: number;
  /** The worst of repeated measures' longest tasks (their median is `longestMs`). */
  worstMs?: number;
  longTasks: number;
}

/** Probe training's size: seconds on this machine. */
const PROBE = { folds: 3, epochs: 2 };

/** On a fresh page, with the model in its worker or in the page: the main thread while it loads, runs, reads the lens, trains probes. */
async function blockedMainThread(worker: boolean) {
  const page = await openPage();
  const load = await call<Blocked & { where: string }>(page, 'blockedLoad', worker);
  if (load.where !== (worker ? 'worker' : 'page')) throw new Error(`the model runs in the ${load.where}, not where asked`);
  const runs = await call<Blocked>(page, 'blockedRuns', 32, REPEATS);
  const lens = await call<Blocked>(page, 'blockedLens', 32, REPEATS);
  const { collect, train } = await call<{ collect: Blocked; train: Blocked }>(page, 'blockedProbe', PROBE.folds, PROBE.epochs);
  await page.close();
  return { load, runs, lens, collect, train };
}

const blockedText = (b: Blocked) => `${ms(b.longestMs)}${b.worstMs === undefined ? '' : ` (worst ${b.worstMs.toFixed(0)})`}, ${b.longTasks} long, took ${ms(b.ms)}`;

const TYPED = 'An old man fed the pigeons in the park at noon.';
const KEY_MS = 60;

interface Typing {
  where: string;
  typingMs: number;
  nominalMs: number;
  sessionRuns: number;
  latencyMs: number;
  /** A pass at the typed text's length. */
  passMs: number;
  tokens: number;
  /** A queue that runs the latest text whenever the model is free, given each prefix's pass time. */
  ideal: { runs: number; latencyMs: number };
  longestMs: number;
  longTasks: number;
}

/** Typing `TYPED` into a figure on a fresh page, its model in its worker or (`?inpage`) in the page. */
async function typing(worker: boolean): Promise<Typing> {
  const page = await openPage(worker ? '' : '?inpage');
  const typed = await call<Typing>(page, 'typing', TYPED, KEY_MS, REPEATS);
  await page.close();
  if (typed.where !== (worker ? 'worker' : 'page')) throw new Error(`the figure's model runs in the ${typed.where}, not where asked`);
  return typed;
}

try {
  // 1. Peak memory while loading from the network with a cold cache (fresh page).
  if (wanted('memory')) {
    const page = await openPage();
    await call(page, 'clearCache');
    const baseline = browserRss(browser);
    const { value, peak } = await sampleWhile(firstRun(page));
    results.coldLoad = { ms: value.msSincePageStart, steps: value.steps, peakBytesAboveBaseline: peak - baseline };
    record('cold load + first run (network, WASM)', `${ms(value.msSincePageStart)} ${JSON.stringify(value.steps)}`);
    record('peak memory while loading (above idle browser) ÷ file size', `${((peak - baseline) / statSync(WEIGHTS).size).toFixed(2)} × (${((peak - baseline) / 2 ** 20).toFixed(0)} MiB)`);
    await page.close();
  }
  // 2. Cached reload to the first figure: a new page, the weights from the Cache API.
  if (wanted('cached')) {
    if (!wanted('memory')) await warmCache();
    const page = await openPage();
    const baseline = browserRss(browser);
    const { value, peak } = await sampleWhile(firstRun(page));
    results.cachedReload = { ms: value.msSincePageStart, steps: value.steps, peakBytesAboveBaseline: peak - baseline };
    record('cached reload to first run (WASM, one thread)', `${ms(value.msSincePageStart)} ${JSON.stringify(value.steps)}`);
    record('peak memory while loading from the cache ÷ file size', `${((peak - baseline) / statSync(WEIGHTS).size).toFixed(2)} ×`);
    await page.close();
  }
  // 2b. The same through the built bundle on a page with one figure: navigation to the figure painted.
  if (wanted('cached')) {
    const visit = async () => {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${PORT}/bench/first-figure.html`);
      const handle = await page.waitForFunction(() => (globalThis as unknown as { firstFigure?: number | string }).firstFigure, { timeout: 600_000 });
      const value = await handle.jsonValue();
      const inWorker = page.workers().some((w) => w.url().endsWith('/dist/transformer-xray.worker.js'));
      await page.close();
      if (typeof value !== 'number') throw new Error(String(value));
      if (!inWorker) throw new Error('the bundle ran its model in the page, not in dist/transformer-xray.worker.js');
      return value;
    };
    await visit(); // the bundle's first visit compiles and caches its own code
    const visits: number[] = [];
    for (let r = 0; r < 5; r++) visits.push(await visit());
    results.cachedFirstFigureMs = { median: median(visits), visits };
    record('cached reload to the first figure (bundle, <attention-heatmap>), median of 5', `${ms(median(visits))} (${visits.map((x) => x.toFixed(0)).join(', ')})`);
  }
  // 3. WASM, one thread: session creation, latency by T, instrumented ÷ logits-only, logit lens.
  if (wanted('wasm')) {
    const page = await openPage();
    const createMs = await call<number>(page, 'openSessions', 'wasm', true);
    results.wasmSessionCreateMs = createMs;
    record('session creation (WASM, graph build included)', ms(createMs));
    const latency: Record<number, number> = {};
    for (const T of [16, 32, 64, 256, 1024]) {
      latency[T] = await call<number>(page, 'forward', 'wasm', T, T >= 1024 ? Math.min(REPEATS, 3) : REPEATS);
      record(`instrumented pass, WASM 1 thread, T = ${T}`, ms(latency[T]));
    }
    results.wasmLatencyMs = latency;
    const ratio = await call<{ instrumentedMs: number; plainMs: number; ratio: number }>(page, 'ratio', 'wasm', 32, REPEATS * 2);
    results.wasmRatioT32 = ratio;
    record('instrumented ÷ logits-only, WASM, T = 32 (alternated)', `${ratio.ratio.toFixed(3)} (${ms(ratio.instrumentedMs)} vs ${ms(ratio.plainMs)})`);
    const lens = await call<number>(page, 'lens', 32, REPEATS);
    results.wasmLensT32Ms = lens;
    record('logit lens (extra pass, 13 layers × 32 positions, top-5)', ms(lens));
    await page.close();
  }
  // 4. WASM on both cores: a cross-origin-isolated page.
  if (wanted('threads')) {
    const page = await openPage('?isolated');
    const threads = await call<{ isolated: boolean }>(page, 'threads');
    await call<number>(page, 'openSessions', 'wasm', false);
    const t32 = await call<number>(page, 'forward', 'wasm', 32, REPEATS);
    const info = await call<{ numThreads: number }>(page, 'threads');
    results.wasmIsolatedT32 = { ms: t32, ...threads, numThreads: info.numThreads };
    record(`instrumented pass, WASM ${info.numThreads} threads (isolated: ${threads.isolated}), T = 32`, ms(t32));
    await page.close();
  }
  // 5. WebGPU (SwiftShader on this machine: a CPU emulation, so slow; real GPUs differ).
  if (wanted('webgpu')) {
    const page = await openPage();
    const createMs = await call<number>(page, 'openSessions', 'webgpu', false);
    results.webgpuSessionCreateMs = createMs;
    record('session creation (WebGPU)', ms(createMs));
    const latency: Record<number, number> = {};
    for (const T of quick ? [16] : [16, 64]) {
      latency[T] = await call<number>(page, 'forward', 'webgpu', T, T >= 256 ? 1 : 3);
      record(`instrumented pass, WebGPU, T = ${T}`, ms(latency[T]));
    }
    results.webgpuLatencyMs = latency;
    await page.close();
  }
  // 6. Figures: from data ready to painted (the model plays no part), in a browser without the
  // SwiftShader flags, which would route canvas drawing through a CPU emulation of a GPU.
  if (wanted('render')) {
    const plain = await puppeteer.launch({ executablePath: findChrome(), headless: true, args: HEADLESS_ARGS });
    const page = await openPage('', plain);
    const render: Record<string, number> = {};
    for (const [tag, T, layers, heads] of [
      ['head-grid', 64, 12, 12],
      ['head-grid', 256, 12, 12],
      ['attention-heatmap', 1024, 1, 1],
    ] as const) {
      const key = `${tag} ${layers * heads} head${layers * heads > 1 ? 's' : ''}, T = ${T}`;
      render[key] = await call<number>(page, 'render', tag, T, layers, heads, REPEATS);
      record(`render ${key}, data to painted`, ms(render[key]));
    }
    results.renderMs = render;
    await plain.close();
  }
  // 6b. <attention-lines>, BertViz's head view: 12 heads at T = 100 (60,600 lines), data set to
  // painted and a hovered token's lines alone, in the same plain browser as the figures above.
  if (wanted('lines')) {
    const plain = await puppeteer.launch({ executablePath: findChrome(), headless: true, args: HEADLESS_ARGS });
    const page = await openPage('', plain);
    const lines = await call<{ lines: number; paintMs: number; allRowsMs: number; hoverMs: number; leaveMs: number }>(page, 'lines', 100, 12, REPEATS);
    results.linesT100 = lines;
    record(`render attention-lines 12 heads, T = 100 (${lines.lines} lines), data to painted (≤ 50 ms)`, `${ms(lines.paintMs)} the rows in view, ${ms(lines.allRowsMs)} every row`);
    record('attention-lines hover a token to its lines painted (≤ 16 ms)', `${lines.hoverMs.toFixed(1)} ms (leave: ${lines.leaveMs.toFixed(1)} ms)`);
    await plain.close();
  }
  // 7. Responsiveness, WASM, one thread, weights from the Cache API: the page's main thread while the
  // model works in the page (as before the worker) and in its worker; typing into a figure; and what
  // the worker adds to a pass.
  if (wanted('responsive')) {
    if (!wanted('memory') && !wanted('cached')) await warmCache();
    const blocked = { page: await blockedMainThread(false), worker: await blockedMainThread(true) };
    results.responsiveBlocked = blocked;
    const parts = {
      load: 'load',
      runs: 'run, T = 32',
      lens: 'logit lens, T = 32',
      collect: 'probes collecting 40 sentences',
      train: `probes training, ${PROBE.folds} folds × ${PROBE.epochs} epochs`,
    } as const;
    for (const [part, label] of Object.entries(parts) as [keyof typeof parts, string][]) {
      record(`longest main-thread task, ${label} (page | worker)`, `${blockedText(blocked.page[part])} | ${blockedText(blocked.worker[part])}`);
    }
    const typed = { page: await typing(false), worker: await typing(true) };
    results.responsiveTyping = typed;
    const both = (text: (t: Typing) => string) => `${text(typed.page)} | ${text(typed.worker)}`;
    record(
      `typing ${TYPED.length} characters ${KEY_MS} ms apart, actual ÷ nominal (page | worker)`,
      both((t) => `${(t.typingMs / t.nominalMs).toFixed(2)} × (${ms(t.typingMs)})`),
    );
    // Shorter prefixes pass faster than the whole text, so an ideal queue runs more than typing ÷ one pass.
    record(
      'session runs while typing (≤ typing ÷ one pass + 1; ideal queue)',
      both((t) => `${t.sessionRuns} (≤ ${Math.floor(t.typingMs / t.passMs) + 1}; ${t.ideal.runs})`),
    );
    record(
      'last keystroke to the last text painted (ideal queue)',
      both((t) => `${ms(t.latencyMs)} = ${(t.latencyMs / t.passMs).toFixed(1)} passes (${(t.ideal.latencyMs / t.passMs).toFixed(1)})`),
    );
    record(
      `one pass at the typed text's T = ${typed.worker.tokens}, through the controller`,
      both((t) => ms(t.passMs)),
    );
    record(
      'longest main-thread task while typing',
      both((t) => `${ms(t.longestMs)}, ${t.longTasks} long`),
    );
    const page = await openPage();
    const ratio = await call<{ where: string[]; workerMs: number; pageMs: number; ratio: number }>(page, 'workerVsPage', 32, REPEATS);
    await page.close();
    if (ratio.where.join() !== 'worker,page') throw new Error(`the two models run in: ${ratio.where.join(', ')}`);
    results.workerVsPageT32 = ratio;
    record('pass through the worker ÷ in the page, T = 32 (alternated)', `${ratio.ratio.toFixed(3)} (${ms(ratio.workerMs)} vs ${ms(ratio.pageMs)})`);
  }
  // 8. The causal sweeps, WASM, one thread, T = 16: each against the single passes it replaces.
  if (wanted('interventions')) {
    const page = await openPage();
    const sweep = await call<{ passMs: number; heads: number; scanMs: number; cells: number; patchMs: number; attributionMs: number }>(page, 'interventions', 16, REPEATS);
    await page.close();
    results.interventionsT16 = sweep;
    const against = (ms_: number, passes: number) => `${ms(ms_)} vs ${passes} passes ${ms(passes * sweep.passMs)}: ${(ms_ / (passes * sweep.passMs)).toFixed(2)} ×`;
    record('one pass, WASM 1 thread, T = 16 (median)', ms(sweep.passMs));
    record(`ablation scan of all ${sweep.heads} heads (≤ 0.6 × the single passes)`, against(sweep.scanMs, sweep.heads));
    record(`resid_pre patching, ${sweep.cells} cells (≤ 0.6 × the single passes)`, against(sweep.patchMs, sweep.cells));
    record('logit attribution by head (≤ one pass)', `${ms(sweep.attributionMs)}: ${(sweep.attributionMs / sweep.passMs).toFixed(2)} × one pass`);
  }
  // 9. Generation through the key/value cache and embedding queries, WASM, one thread.
  if (wanted('generation')) {
    const page = await openPage();
    const generation = await call<{ cachedMs: number; uncachedMs: number; firstNearestMs: number; nearestMs: number }>(page, 'generation', REPEATS);
    await page.close();
    results.generation = generation;
    record(
      '20 new tokens after a 10-token prompt, key/value cache (≤ 1.5 s)',
      `${ms(generation.cachedMs)} vs ${ms(generation.uncachedMs)} for 20 full passes: ${(generation.cachedMs / generation.uncachedMs).toFixed(2)} ×`,
    );
    const repaint = await (async () => {
      const again = await openPage();
      const figures = await call<{ updateMs: number; frameMs: number; maxFrameMs: number }>(again, 'temperatureRepaint', REPEATS);
      await again.close();
      return figures;
    })();
    results.temperatureRepaint = repaint;
    record('<next-token> temperature change, 50,257 logits (one frame)', `update ${ms(repaint.updateMs)}, to the next frame ${ms(repaint.frameMs)} (median; ${ms(repaint.maxFrameMs)} at most)`);
    record('nearest over the vocabulary (≤ 100 ms)', `${ms(generation.nearestMs)} (the first, reading the norms too: ${ms(generation.firstNearestMs)})`);
  }
  // 10. The tuned lens beside the logit lens, WASM, one thread, T = 32, the same positions on fresh runs.
  if (wanted('tuned')) {
    writeTunedLens();
    const page = await openPage();
    const tuned = await call<{ logitMs: number; tunedMs: number; ratio: number }>(page, 'tunedLens', `/${TUNED_LENS}`, 32, REPEATS);
    await page.close();
    results.tunedLensT32 = tuned;
    record('tuned lens ÷ logit lens, same positions (≤ 1.3×)', `${tuned.ratio.toFixed(2)} × (${ms(tuned.tunedMs)} vs ${ms(tuned.logitMs)}; WASM 1 thread, 13 layers × 32 positions)`);
  }
} finally {
  writeFileSync('bench/results.json', JSON.stringify({ ...results, table: rows }, null, 2) + '\n');
  console.log('\nwrote bench/results.json');
  await browser.close();
  await server.stop();
}
