// The model in its worker: the same answers as in the page, stale passes dropped, batches, a worker
// that dies, lifetimes that leave nothing behind, and a page of twenty figures with one bad one.
import { aTimeout, expect, fixture as render, html, waitUntil } from '@open-wc/testing';
import { expose, wrap } from 'comlink';
import '../../components/attention-heatmap.js';
import '../../components/xray-model.js';
import type { AttentionHeatmap } from '../../components/attention-heatmap.js';
import type { XrayModel } from '../../components/xray-model.js';
import { ModelController } from '../../src/controller.js';
import { liveEngines, type EngineHandle } from '../../src/engine-client.js';
import { XrayError } from '../../src/errors.js';
import { GraphOutput } from '../../src/gpt2-graph.js';
import type { PassQueue } from '../../src/pass-queue.js';
import { posDataset } from '../../src/probes/pos-task.js';
import { CACHE_NAME } from '../../src/model-files.js';
import { configure } from '../../src/settings.js';
import { transferring } from '../../src/worker-protocol.js';
import type { ProgressDetail } from '../../src/types.js';
import { AttentionHeatmapHarness } from '../harness/attention-heatmap-harness.js';
import { fixture, maxAbsDiff } from './support.js';

const TEXT = 'The cat sat on the mat because it was tired';
const tiny = fixture('tiny');
const inWorker = () => new ModelController({ model: tiny, device: 'wasm' });
const inPage = () => new ModelController({ model: tiny, device: 'wasm', worker: false });

async function rejection(promise: Promise<unknown>): Promise<XrayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').to.be.instanceOf(XrayError);
  return error as XrayError;
}

/** Holds a controller's queue of passes until the returned function is called (as a long pass would). */
function holdQueue(controller: ModelController): () => void {
  let open!: () => void;
  const held = new Promise<void>((resolve) => (open = resolve));
  void (controller as unknown as { queue: PassQueue<unknown> }).queue.add(() => held);
  return open;
}

/** Stops a controller's worker abruptly, as a crash or an out-of-memory would. */
const killWorker = (controller: ModelController) => (controller as unknown as { handle: EngineHandle }).handle.kill();

/** Collects garbage (the test browser runs with --expose-gc) and reads the JS heap. */
async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    (globalThis as unknown as { gc: () => void }).gc();
    await aTimeout(20);
  }
  return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
}

describe('the model in a worker', () => {
  it('gives exactly what the same model gives in the page, and transfers the arrays', async () => {
    const [worker, page] = [inWorker(), inPage()];
    const [a, b] = await Promise.all([worker.run(TEXT), page.run(TEXT)]);
    expect([worker.where, page.where]).to.deep.equal(['worker', 'page']);
    expect(a.ids).to.deep.equal(b.ids);
    expect(maxAbsDiff(a.attention(1, 2), b.attention(1, 2))).to.equal(0);
    expect(maxAbsDiff(a.residual(2), b.residual(2))).to.equal(0);
    expect(a.nextToken(5)).to.deep.equal(b.nextToken(5));
    expect(await a.logitLens(3)).to.deep.equal(await b.logitLens(3));
    expect(maxAbsDiff((await a.hook(GraphOutput.mlpOut)).data, (await b.hook(GraphOutput.mlpOut)).data)).to.equal(0);
    worker.dispose();
    page.dispose();
  });

  it('moves the typed arrays of an answer instead of copying them', async () => {
    const { port1, port2 } = new MessageChannel();
    const sent = { pattern: new Float32Array(16), rows: [{ residual: new Float32Array(8) }] };
    expose({ answer: () => transferring(sent) }, port1);
    const got = await wrap<{ answer(): typeof sent }>(port2).answer();
    expect([got.pattern.length, got.rows[0].residual.length]).to.deep.equal([16, 8]);
    expect([sent.pattern.byteLength, sent.rows[0].residual.byteLength], 'the sender keeps nothing').to.deep.equal([0, 0]);
    port1.close();
    port2.close();
  });

  it('sends its download progress and status to the page', async () => {
    await caches.delete(CACHE_NAME);
    const controller = inWorker();
    const progress: ProgressDetail[] = [];
    const statuses: string[] = [];
    controller.addEventListener('progress', (e) => progress.push((e as CustomEvent<ProgressDetail>).detail));
    controller.addEventListener('status', (e) => statuses.push((e as CustomEvent<{ status: string }>).detail.status));
    await controller.load();
    const weights = progress.filter((p) => p.file === 'model.safetensors');
    expect(weights.length).to.be.greaterThan(1);
    expect(weights.at(-1)!.loaded).to.equal(weights.at(-1)!.total);
    expect(statuses).to.deep.equal(['loading', 'ready']);
    controller.dispose();
  });

  it('runs in the page with configure({ worker: false }), and a controller option wins over it', async () => {
    configure({ worker: false });
    try {
      const byPage = new ModelController({ model: tiny, device: 'wasm' });
      const byOption = new ModelController({ model: tiny, device: 'wasm', worker: true });
      await Promise.all([byPage.load(), byOption.load()]);
      expect([byPage.where, byOption.where]).to.deep.equal(['page', 'worker']);
      byPage.dispose();
      byOption.dispose();
    } finally {
      configure({ worker: true });
    }
  });

  it("starts the bundle's worker from another origin, as from a CDN", async () => {
    const crossOrigin = new URL('/dist/transformer-xray.worker.js', location.href);
    crossOrigin.hostname = 'localhost';
    configure({ workerUrl: crossOrigin.href });
    try {
      const controller = inWorker();
      expect((await controller.run(TEXT)).tokens.join('')).to.equal(TEXT);
      expect(controller.where, controller.fallbackReason).to.equal('worker');
      controller.dispose();
    } finally {
      configure({ workerUrl: undefined });
    }
  });

  it('runs in the page, and says why, when its worker script cannot load', async () => {
    configure({ workerUrl: '/no/such/worker.js' });
    try {
      const controller = inWorker();
      const run = await controller.run(TEXT);
      expect(run.tokens.join('')).to.equal(TEXT);
      expect(controller.where).to.equal('page');
      expect(controller.fallbackReason).to.match(/worker could not start: its script did not load from http:\/\/[\w.:]+\/no\/such\/worker\.js/);
      controller.dispose();
    } finally {
      configure({ workerUrl: undefined });
    }
  });

  it('trains probes where the model runs, with the results the page would get', async () => {
    const job = { dataset: posDataset(), maxSentences: 12, prependBos: false, kinds: ['linear' as const], folds: 2, epochs: 1, seed: 3 };
    const stages = new Set<string>();
    const [worker, page] = [inWorker(), inPage()];
    const [a, b] = await Promise.all([worker.probe(job, { onProgress: (p) => stages.add(p.stage) }), page.probe(job)]);
    expect([...stages]).to.deep.equal(['collect', 'train']);
    expect(a.results).to.deep.equal(b.results);
    expect(a.passes).to.equal(12);
    const again = await worker.probe({ ...job, seed: 4 });
    expect(again.passes, 'the second job reuses the gathered hidden states').to.equal(0);
    worker.dispose();
    page.dispose();
  });

  it('stops a probe job when its signal aborts', async () => {
    const controller = inWorker();
    const stop = new AbortController();
    const job = { dataset: posDataset(), maxSentences: 40, prependBos: false, kinds: ['linear' as const, 'mlp' as const], folds: 5, epochs: 5, seed: 0 };
    const probing = controller.probe(job, { signal: stop.signal, onProgress: (p) => p.stage === 'train' && stop.abort() });
    expect((await rejection(probing)).code).to.equal('aborted');
    controller.dispose();
  });
});

describe('stale passes', () => {
  it('drops a queued pass whose every caller aborted, and keeps one another caller waits for', async () => {
    const controller = inWorker();
    await controller.load();
    const before = controller.sessionRuns;
    const busy = controller.run('The first text keeps the engine busy');
    const [left, shared] = [new AbortController(), new AbortController()];
    const dropped = controller.run('Nobody waits for this text', { signal: left.signal });
    const kept = controller.run('Two callers wait for this text', { signal: shared.signal });
    const keeper = controller.run('Two callers wait for this text');
    left.abort();
    shared.abort();
    expect((await rejection(dropped)).code).to.equal('aborted');
    expect((await rejection(kept)).code).to.equal('aborted');
    await Promise.all([busy, keeper]);
    expect(controller.sessionRuns - before).to.equal(2);
    // A dropped text is not remembered as done: asked again, it runs.
    expect((await controller.run('Nobody waits for this text')).tokens.join('')).to.equal('Nobody waits for this text');
    expect(controller.sessionRuns - before).to.equal(3);
    controller.dispose();
  });

  it('computes the latest text of a figure typed into, not every prefix', async () => {
    const el = await render<AttentionHeatmap>(html`<attention-heatmap model=${tiny} device="wasm" layer="0" head="0" text="T"></attention-heatmap>`);
    await new AttentionHeatmapHarness(el).settled();
    const controller = ModelController.shared({ model: tiny, device: 'wasm' });
    const shown: string[] = [];
    el.addEventListener('run-complete', (e) => shown.push((e as CustomEvent<{ tokens: string[] }>).detail.tokens.join('')));
    // The engine stays busy while the reader types: every keystroke's pass is still waiting when the next comes.
    const open = holdQueue(controller);
    const before = controller.sessionRuns;
    const sentence = 'The cat sat on the mat because it was tired of all the typing';
    for (let i = 2; i <= sentence.length; i++) {
      el.text = sentence.slice(0, i);
      await el.updateComplete;
    }
    open();
    await waitUntil(() => shown.includes(sentence), 'the last text is shown', { timeout: 30_000 });
    expect(controller.sessionRuns - before, 'session runs for 60 keystrokes').to.equal(1);
    expect(shown).to.deep.equal([sentence]);
  });
});

describe('batches', () => {
  it('runs N texts of one token length in one session run, each equal to its single run', async () => {
    const controller = inWorker();
    const texts = ['The cat sat on the mat', 'A dog ran in the park', 'The dog sat on the rug'];
    const single = await Promise.all(texts.map((t) => controller.run(t)));
    expect(new Set(single.map((r) => r.ids.length)).size, 'the texts have one token length').to.equal(1);
    const before = controller.sessionRuns;
    const batch = await controller.runBatch(texts);
    expect(controller.sessionRuns - before).to.equal(1);
    const { nLayer, nHead } = controller.config!;
    batch.forEach((run, i) => {
      expect(run.ids).to.deep.equal(single[i].ids);
      for (let l = 0; l < nLayer; l++) for (let h = 0; h < nHead; h++) expect(maxAbsDiff(run.attention(l, h), single[i].attention(l, h)), `${i}: ${l}.${h}`).to.be.below(1e-5);
      for (let l = 0; l <= nLayer; l++) expect(maxAbsDiff(run.residual(l), single[i].residual(l)), `${i}: resid ${l}`).to.be.below(1e-4);
      expect(run.nextToken(5).map((t) => t.id)).to.deep.equal(single[i].nextToken(5).map((t) => t.id));
    });
    for (const [i, run] of batch.entries()) expect(maxAbsDiff((await run.hook(GraphOutput.attnOut)).data, (await single[i].hook(GraphOutput.attnOut)).data)).to.be.below(1e-4);
    controller.dispose();
  });

  it('says which texts differ in token length', async () => {
    const controller = inWorker();
    const error = await rejection(controller.runBatch(['The cat sat', 'A much longer text than the first one']));
    expect(error.code).to.equal('bad-option');
    expect(error.message).to.match(/"The cat sat": 3.*"A much longer text than the first one": \d+ tokens/);
    controller.dispose();
  });
});

describe('a worker that dies', () => {
  it('fails the waiting runs with session-failed, and the next run starts a new worker', async () => {
    const controller = inWorker();
    await controller.load();
    const pending = [controller.run('word '.repeat(200)), controller.run('Another text that waits')];
    killWorker(controller);
    for (const run of pending) {
      const error = await rejection(run);
      expect(error.code).to.equal('session-failed');
      expect(error.message).to.match(/worker stopped.*next run starts it again/);
    }
    expect(controller.status).to.equal('error');
    const run = await controller.run(TEXT);
    expect(run.tokens.join('')).to.equal(TEXT);
    expect([controller.status, controller.where]).to.deep.equal(['ready', 'worker']);
    controller.dispose();
  });

  it('shows the figures that waited a clear message, and they work again on the next text', async () => {
    const el = await render<AttentionHeatmap>(html`<attention-heatmap model=${tiny} device="wasm" layer="0" head="0" text=${TEXT}></attention-heatmap>`);
    const harness = new AttentionHeatmapHarness(el);
    await harness.settled();
    const controller = ModelController.shared({ model: tiny, device: 'wasm' });
    const open = holdQueue(controller);
    el.text = 'A text whose pass waits';
    await waitUntil(() => el.shadowRoot!.querySelector('[part="loading"]'), 'the figure waits for its run');
    killWorker(controller);
    await waitUntil(() => el.shadowRoot!.querySelector('[part="error"]'), 'the figure shows the error', { timeout: 30_000 });
    expect(el.shadowRoot!.querySelector('[part="error"]')!.textContent).to.match(/worker stopped/);
    open();
    el.text = 'A new text after the crash';
    await waitUntil(() => el.shadowRoot!.querySelector('[role="grid"]'), 'the figure works again', { timeout: 30_000 });
  });
});

describe('lifetimes', () => {
  // Figures of earlier tests let go of their models when they were removed; those end on the next task.
  beforeEach(() => aTimeout(50));

  it('disposes a controller and its worker', async () => {
    const before = liveEngines;
    const controller = inWorker();
    await controller.load();
    expect(liveEngines).to.equal(before + 1);
    controller.dispose();
    await waitUntil(() => liveEngines === before, 'the engine ended');
    expect(controller.status).to.equal('idle');
  });

  it('ends the worker of a controller disposed while it loads', async () => {
    const before = liveEngines;
    const controller = inWorker();
    const loading = controller.load();
    await waitUntil(() => controller.where, 'the worker started'); // and now loads the model
    controller.dispose();
    expect((await rejection(loading)).code).to.equal('released');
    await waitUntil(() => liveEngines === before, 'the engine ended');
    expect(controller.status).to.equal('idle');
    expect((await controller.run(TEXT)).tokens.join(''), 'it loads again when used again').to.equal(TEXT);
    controller.dispose();
  });

  it('100 figures added and removed, and the provider switched 10 times, leave one live engine and no heap growth', async () => {
    const provider = await render<XrayModel>(html`<xray-model model=${tiny} device="wasm"></xray-model>`);
    const engines = liveEngines;
    const cycle = async (text: string) => {
      const el = document.createElement('attention-heatmap') as AttentionHeatmap;
      Object.assign(el, { text, layer: 0, head: 0 });
      provider.append(el);
      await new AttentionHeatmapHarness(el).settled();
      expect(el.shadowRoot!.querySelector('[role="grid"]'), 'the figure drew').to.exist;
      el.remove();
    };
    for (let i = 0; i < 10; i++) await cycle(`warm up ${i % 4}`);
    const heapBefore = await heapAfterGc();
    for (let i = 0; i < 100; i++) await cycle(`warm up ${i % 4}`);
    const heapGrowth = (await heapAfterGc()) - heapBefore;
    expect(heapGrowth, `heap grew ${(heapGrowth / 1024).toFixed(0)} kB over 100 cycles`).to.be.below(512 * 1024);

    for (let i = 0; i < 10; i++) {
      provider.model = fixture(i % 2 ? 'tiny' : 'tiny-bf16');
      await cycle(`switch ${i}`);
    }
    await aTimeout(50); // the released controllers end on the next task
    expect(liveEngines - engines, 'live engines: the one the provider holds').to.equal(1);
    provider.remove();
    await waitUntil(() => liveEngines === engines, 'the provider, removed, released its model');
  });
});

describe('a page of twenty figures, one misconfigured', () => {
  for (const [what, bad] of [
    ['a layer out of range', html`<attention-heatmap text=${TEXT} layer="99" head="0"></attention-heatmap>`],
    ['an unknown model', html`<attention-heatmap model="/fixtures/no-such-model/" text=${TEXT} layer="0" head="0"></attention-heatmap>`],
  ] as const) {
    it(`shows nineteen figures and one clear error for ${what}`, async () => {
      const page = await render<XrayModel>(html`<xray-model model=${tiny} device="wasm">
        ${Array.from({ length: 19 }, (_, i) => html`<attention-heatmap text=${`${TEXT} ${i % 5}`} layer=${i % 2} head=${i % 4}></attention-heatmap>`)} ${bad}
      </xray-model>`);
      const figures = [...page.querySelectorAll('attention-heatmap')];
      await Promise.all(figures.map((f) => new AttentionHeatmapHarness(f as AttentionHeatmap).settled()));
      const errors = figures.filter((f) => f.shadowRoot!.querySelector('[part="error"]'));
      const drawn = figures.filter((f) => f.shadowRoot!.querySelector('[role="grid"]'));
      expect(drawn).to.have.length(19);
      expect(errors).to.have.length(1);
      expect(errors[0].shadowRoot!.querySelector('[part="error"]')!.textContent).to.match(what === 'an unknown model' ? /no-such-model.*config\.json was not found/ : /layer 99 is out of range/);
    });
  }
});
