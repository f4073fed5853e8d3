// <probe-chart> in a real browser: data mode with known numbers for the drawing, keyboard, linking
// and export; the tiny generated model for training, progress, responsiveness and stale runs.
import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../components/probe-chart.js';
import '../../components/xray-model.js';
import type { ProbeChart } from '../../components/probe-chart.js';
import { colourScale, themeColours } from '../../components/shared/theme.js';
import type { XrayModel } from '../../components/xray-model.js';
import type { LabelledSentence } from '../../src/probes/dataset.js';
import type { ProbeResults } from '../../src/probes/results.js';
import { ModelController } from '../../src/controller.js';
import { CACHE_NAME } from '../../src/model-files.js';
import { SelectionHub } from '../../src/selection.js';
import { exportErrors } from '../harness/export.js';
import { ProbeChartHarness } from '../harness/probe-chart-harness.js';
import { fixture as modelFolder } from './support.js';

const XSS = '<img src=x onerror=alert(1)>';

// Four layers with distinct, known values; layer 3 has a negative selectivity.
const known: ProbeResults = {
  task: 'pos',
  probe: 'linear',
  layers: [
    { layer: 0, accuracy: 0.62, accuracyStd: 0.02, control: 0.55, controlStd: 0.03, selectivity: 0.07 },
    { layer: 1, accuracy: 0.91, accuracyStd: 0.01, control: 0.6, controlStd: 0.02, selectivity: 0.31 },
    { layer: 2, accuracy: 0.88, accuracyStd: 0.015, control: 0.7, controlStd: 0.04, selectivity: 0.18 },
    { layer: 3, accuracy: 0.4, accuracyStd: 0.05, control: 0.5, controlStd: 0.01, selectivity: -0.1 },
  ],
};

async function dataChart(data: unknown = known) {
  const el = await fixture<ProbeChart>(html`<probe-chart .data=${data}></probe-chart>`);
  const chart = new ProbeChartHarness(el);
  await chart.settled();
  return { el, chart };
}

/** Short labelled sentences (animate nouns vs the rest), written for the tiny model's tests. */
function tinySentences(task = 'animacy', other = 'OTHER'): { task: string; sentences: LabelledSentence[] } {
  const lines = [
    'The cat sat on the mat .',
    'A dog ran to the park .',
    'My sister reads a book .',
    'The bird sang in the tree .',
    'Our teacher opened the door .',
    'The horse ate the hay .',
    'A child drew a house .',
    'The farmer sold the corn .',
    'His friend found a coin .',
    'The fish swam under the boat .',
    'A baker made fresh bread .',
    'The mouse hid in the box .',
  ];
  const animate = new Set(['cat', 'dog', 'sister', 'bird', 'teacher', 'horse', 'child', 'farmer', 'friend', 'fish', 'baker', 'mouse']);
  return {
    task,
    sentences: lines.map((line) => {
      const words = line.split(' ');
      return { words, labels: words.map((w) => (animate.has(w) ? 'ANIMATE' : other)) };
    }),
  };
}

const tiny = modelFolder('tiny');

describe('<probe-chart> in data mode', () => {
  it('draws a point per layer at the right height for accuracy, control and selectivity', async () => {
    const { chart } = await dataChart();
    expect(chart.layers()).to.deep.equal([0, 1, 2, 3]);
    for (const l of known.layers) {
      expect(chart.plottedValue('accuracy', l.layer)).to.be.closeTo(l.accuracy, 1e-6);
      expect(chart.plottedValue('control', l.layer)).to.be.closeTo(l.control, 1e-6);
      expect(chart.plottedValue('selectivity', l.layer)).to.be.closeTo(l.selectivity, 1e-6);
    }
    expect(chart.pointX(0)).to.be.below(chart.pointX(1));
    expect(chart.hasBand('accuracy')).to.equal(true);
    expect(chart.hasBand('control')).to.equal(true);
    expect(chart.title()).to.contain('pos');
  });

  it('lists the numbers in a data table for screen readers', async () => {
    const { chart } = await dataChart();
    const rows = chart.table();
    expect(rows[0]).to.deep.equal(['layer', 'accuracy', 'accuracy std', 'control', 'control std', 'selectivity']);
    expect(rows[2]).to.deep.equal(['1', '0.910', '0.010', '0.600', '0.020', '0.310']);
    expect(rows[4]).to.deep.equal(['3', '0.400', '0.050', '0.500', '0.010', '-0.100']);
  });

  it('colours the lines with the theme: accuracy accent, control muted, selectivity the scale’s high stop', async () => {
    const { el, chart } = await dataChart();
    const colours = themeColours(el);
    expect(chart.lineColour('accuracy')).to.equal(colours.accent);
    expect(chart.lineColour('control')).to.equal(colours.muted);
    expect(chart.lineColour('selectivity')).to.equal(colourScale(colours)(1));
    el.style.setProperty('--xray-accent', 'rgb(1, 2, 3)');
    el.requestUpdate();
    await el.updateComplete;
    expect(chart.lineColour('accuracy')).to.equal('rgb(1, 2, 3)');
  });

  it('draws several probes with a legend entry each, and no control band without its spread', async () => {
    const mlp: ProbeResults = { probe: 'mlp', layers: known.layers.map((l) => ({ ...l, accuracy: l.accuracy / 2, controlStd: undefined })) };
    const { chart } = await dataChart([known, mlp]);
    expect(chart.seriesCount()).to.equal(2);
    expect(chart.legend()).to.include.members(['probe accuracy', 'control task', 'selectivity (accuracy − control)', 'linear', 'MLP']);
    expect(chart.plottedValue('accuracy', 1, 1)).to.be.closeTo(0.455, 1e-6);
    expect(chart.hasBand('control', 1)).to.equal(false);
    expect(chart.table()[0]).to.include('MLP accuracy');
  });

  it('reads results from a <script type="application/json"> child', async () => {
    const el = await fixture<ProbeChart>(html`<probe-chart><script type="application/json">${JSON.stringify({ ...known, task: 'from-script' })}</script></probe-chart>`);
    const chart = new ProbeChartHarness(el);
    await chart.settled();
    expect(chart.title()).to.contain('from-script');
    expect(chart.plottedValue('accuracy', 2)).to.be.closeTo(0.88, 1e-6);
  });

  it('re-renders when the data changes', async () => {
    const { el, chart } = await dataChart();
    el.data = { ...known, layers: known.layers.slice(0, 2).map((l) => ({ ...l, accuracy: 0.75 })) };
    await chart.settled();
    expect(chart.layers()).to.deep.equal([0, 1]);
    expect(chart.plottedValue('accuracy', 1)).to.be.closeTo(0.75, 1e-6);
  });

  it('shows a layer’s numbers on hover, and by keyboard with arrows, Home/End, Enter to pin and Escape', async () => {
    const { chart } = await dataChart();
    chart.hover(1);
    await chart.element.updateComplete;
    expect(chart.tooltip()).to.contain('layer 1').and.contain('accuracy 91.0% ± 1.0').and.contain('selectivity +31.0 pts');
    chart.focus(0);
    await chart.element.updateComplete;
    expect(chart.announcement()).to.contain('layer 0 (embeddings)').and.contain('control 55.0% ± 3.0');
    chart.press('ArrowRight');
    await waitUntil(() => chart.focusedLayer() === 1);
    chart.press('End');
    await waitUntil(() => chart.focusedLayer() === 3);
    expect(chart.announcement()).to.contain('selectivity −10.0 pts');
    chart.press('Enter');
    await chart.element.updateComplete;
    expect(chart.pointLabel(3)).to.contain('layer 3');
    expect(chart.tooltip()).to.contain('layer 3');
    chart.press('Escape');
    await chart.element.updateComplete;
    expect(chart.tooltip()).to.equal(null);
    chart.press('Home');
    await waitUntil(() => chart.focusedLayer() === 0);
  });

  it('steps along the layers with Up and Down too, as on a slider', async () => {
    const { chart } = await dataChart();
    chart.focus(1);
    chart.press('ArrowUp');
    await waitUntil(() => chart.focusedLayer() === 2);
    chart.press('ArrowDown');
    chart.press('ArrowDown');
    await waitUntil(() => chart.focusedLayer() === 0);
  });

  it('is accessible, with and without a tooltip', async () => {
    const { el, chart } = await dataChart();
    await expect(el).to.be.accessible();
    chart.focus(2);
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('exports a valid SVG with the lines and without the focus targets, and a PNG', async () => {
    const { el } = await dataChart();
    const svgText = el.toSVG();
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    expect(doc.querySelectorAll('path.line')).to.have.length(3);
    expect(doc.querySelectorAll('circle.point')).to.have.length(12);
    expect(doc.querySelector('.hit')).to.equal(null);
    expect(doc.documentElement.textContent).to.contain('selectivity (accuracy − control)');
    const png = await el.toPNG(1);
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('shows a task named like HTML as text, in the chart and in the export', async () => {
    const { el, chart } = await dataChart({ ...known, task: XSS });
    expect(chart.title()).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    const doc = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    expect(doc.querySelector('img')).to.equal(null);
    expect(doc.documentElement.textContent).to.contain(XSS);
  });

  it('says in words what is wrong with the data', async () => {
    const { chart } = await dataChart({ layers: [{ ...known.layers[0], accuracy: 1.5 }] });
    expect(chart.message()).to.equal('data.layers[0].accuracy must be a number from 0 to 1; it is 1.5.');
  });

  it('marks the layer of the head selected in a linked figure, inside <xray-model> and by group', async () => {
    const root = await fixture<XrayModel>(html`<xray-model model=${tiny} device="wasm">
      <probe-chart .data=${known}></probe-chart>
      <probe-chart .data=${known}></probe-chart>
    </xray-model>`);
    const charts = [...root.querySelectorAll('probe-chart')].map((el) => new ProbeChartHarness(el));
    for (const chart of charts) await chart.settled();
    root.selection.selectHead({ layer: 2, head: 1 });
    for (const chart of charts) await chart.element.updateComplete;
    expect(charts.map((c) => c.linkedLayer())).to.deep.equal([2, 2]);

    const grouped = await fixture(html`<div>
      <probe-chart group="probe-test" .data=${known}></probe-chart>
      <probe-chart group="probe-test" .data=${known}></probe-chart>
    </div>`);
    const pair = [...grouped.querySelectorAll('probe-chart')].map((el) => new ProbeChartHarness(el));
    for (const chart of pair) await chart.settled();
    SelectionHub.group('probe-test').selectHead({ layer: 1, head: 0 });
    for (const chart of pair) await chart.element.updateComplete;
    expect(pair.map((c) => c.linkedLayer())).to.deep.equal([1, 1]);
    expect(charts[0].linkedLayer()).to.equal(2);
  });
});

describe('<probe-chart> states and errors', () => {
  it('shows an empty state when there is nothing to probe, without an error, and has nothing to export', async () => {
    const errors: string[] = [];
    const el = await fixture<ProbeChart>(html`<probe-chart @error=${(e: CustomEvent) => errors.push(e.detail.code)}></probe-chart>`);
    const chart = new ProbeChartHarness(el);
    await chart.settled();
    expect(chart.isEmptyState()).to.equal(true);
    expect(chart.message()).to.contain('set task="pos"');
    expect(errors).to.deep.equal([]);
    expect(await exportErrors(el)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });

  it('names the valid choices for a bad probe, folds or task', async () => {
    const cases: [string, RegExp][] = [
      ['probe="svm"', /probe="svm" is not valid: use one of linear, mlp, both/],
      ['folds="1"', /folds="1" is not valid: use a whole number of at least 2/],
      ['task="ner"', /Unknown task "ner": the built-in task is "pos"/],
    ];
    for (const [attribute, message] of cases) {
      const el = await fixture<ProbeChart>(html`<probe-chart task="pos" model=${tiny} device="wasm"></probe-chart>`);
      const [name, value] = attribute.split('=');
      const errored = oneEvent(el, 'error');
      el.setAttribute(name, JSON.parse(value));
      expect((await errored).detail.message).to.match(message);
      const chart = new ProbeChartHarness(el);
      await chart.settled();
      expect(chart.message()).to.match(message);
    }
  });

  it('says where labelled sentences are wrong, and when src cannot be fetched', async () => {
    const bad = { sentences: [{ words: ['The', 'cat'], labels: ['DET'] }] };
    const el = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" .sentences=${bad}></probe-chart>`);
    const chart = new ProbeChartHarness(el);
    await chart.settled();
    expect(chart.message()).to.equal('The labelled sentences: sentences[0].labels must hold one label for each of its 2 words.');
    el.sentences = undefined;
    el.src = '/no/such/sentences.json';
    await chart.settled();
    expect(chart.message()).to.match(/^Could not download sentences\.json from http:.*\/no\/such\/sentences\.json: the server answered 404 Not Found\.$/);
  });
});

describe('<probe-chart> with sentences from a src URL', () => {
  /** Answers fetches of `url` with a body the test feeds, and counts them; other URLs go to the network. */
  function serve(url: string) {
    const real = window.fetch;
    const served = { requests: 0, body: undefined as ReadableStreamDefaultController<Uint8Array> | undefined, restore: () => (window.fetch = real) };
    window.fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input) !== url) return real(input, init);
      served.requests++;
      return Promise.resolve(new Response(new ReadableStream({ start: (body) => void (served.body = body) }), { headers: { 'content-length': String(bytes.length) } }));
    };
    return served;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(tinySentences()));

  it("downloads them through the cache, showing the download's progress", async () => {
    const name = `animacy-${Date.now()}.json`;
    const url = new URL(`/data/${name}`, location.href).href;
    const served = serve(url);
    try {
      const el = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" folds="2" epochs="1" src=${`/data/${name}`}></probe-chart>`);
      const chart = new ProbeChartHarness(el);
      await waitUntil(() => served.body, 'the chart never asked for its sentences');
      const half = bytes.length >> 1;
      served.body!.enqueue(bytes.slice(0, half));
      await waitUntil(() => chart.loading()?.done, 'no progress shown');
      const kB = (n: number) => (n / 1000).toFixed(1);
      expect(chart.loading()).to.deep.equal({ label: `Downloading ${name}: ${kB(half)} of ${kB(bytes.length)} kB`, done: half / bytes.length });
      const done = oneEvent(el, 'run-complete');
      served.body!.enqueue(bytes.slice(half));
      served.body!.close();
      await done;
      await chart.settled();
      expect(chart.summary()).to.contain('12 sentences, 77 labelled words');
      expect(await (await caches.open(CACHE_NAME)).match(url), 'the Cache API holds the sentences').to.exist;

      const again = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" folds="2" epochs="1" src=${`/data/${name}`}></probe-chart>`);
      await oneEvent(again, 'run-complete');
      expect(served.requests, 'a second chart reads them from the cache').to.equal(1);
    } finally {
      served.restore();
      await (await caches.open(CACHE_NAME)).delete(url);
    }
  });
});

describe('<probe-chart> on the tiny model', () => {
  it('trains on every layer, reports progress and completes with nLayer + 1 points', async () => {
    const el = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" folds="2" epochs="3" .sentences=${tinySentences()}></probe-chart>`);
    const progress: { layer: number; of: number }[] = [];
    el.addEventListener('train-progress', (e) => progress.push((e as CustomEvent).detail));
    const done = await oneEvent(el, 'run-complete');
    const chart = new ProbeChartHarness(el);
    await chart.settled();
    expect(chart.layers()).to.deep.equal([0, 1, 2]);
    expect(progress.map((p) => p.layer)).to.deep.equal([0, 1, 2]);
    expect(progress.every((p) => p.of === 3)).to.equal(true);
    // Every word of these sentences has a token of its own: 12 sentences, 77 words.
    expect(done.detail.tokens).to.have.length(77);
    expect(done.detail.tokens.slice(0, 3)).to.deep.equal(['The', ' cat', ' sat']);
    expect(chart.summary()).to.contain('12 sentences, 77 labelled words, 2 labels (ANIMATE, OTHER)').and.contain('2-fold');
    for (const row of chart.table().slice(1)) {
      const [accuracy, , control, , selectivity] = row.slice(1).map(Number);
      expect(accuracy).to.be.within(0, 1);
      expect(selectivity).to.be.closeTo(accuracy - control, 1e-3);
    }
    await expect(el).to.be.accessible();
  });

  it('shows which layer and fold it trains, and keeps the page responsive while it does', async function () {
    // Wall-clock gaps also count time the OS gives to other processes: on a busy two-core machine a
    // yielding loop can lose 100+ ms now and then. A loop that never yields fails every try.
    this.retries(2);
    const el = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" probe="both" folds="2" epochs="1" .sentences=${tinySentences()}></probe-chart>`);
    await oneEvent(el, 'run-complete');
    const chart = new ProbeChartHarness(el);
    await chart.settled();
    // Enough epochs that training takes a good second: a loop that never yields would freeze the ticks.
    const labels = new Set<string>();
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      labels.add(chart.progress() ?? '');
    }, 0);
    let begun = 0;
    el.addEventListener('train-progress', () => (begun ||= performance.now()));
    const finished = oneEvent(el, 'run-complete');
    el.epochs = 150;
    await finished;
    const took = performance.now() - begun;
    await aTimeout(20); // lets the timer see a gap that ended with the training
    clearInterval(timer);
    expect(took).to.be.above(500, 'training should take long enough for the check to mean something');
    expect(longest).to.be.below(100);
    expect(chart.seriesCount()).to.equal(2);
    expect([...labels].join('|')).to.match(/Training layer \d \(\d of 3\), fold \d of 2/);
  });

  it('draws finished layers while later ones still train', async () => {
    const el = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" probe="mlp" folds="2" epochs="150" .sentences=${tinySentences()}></probe-chart>`);
    const chart = new ProbeChartHarness(el);
    await waitUntil(() => el.shadowRoot!.querySelector('.hit') && chart.progress(), 'a partial chart during training', { timeout: 60_000, interval: 10 });
    expect(chart.layers().length).to.be.within(1, 2);
    expect(chart.progress()).to.match(/Training layer [12]/);
    await chart.settled();
    expect(chart.layers()).to.deep.equal([0, 1, 2]);
  });

  it('never lets a stale run overwrite a newer one', async () => {
    const el = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" probe="mlp" folds="2" epochs="100" .sentences=${tinySentences('first')}></probe-chart>`);
    const chart = new ProbeChartHarness(el);
    const completed: string[] = [];
    el.addEventListener('run-complete', () => completed.push(chart.title()));
    await oneEvent(el, 'train-progress');
    el.sentences = tinySentences('second');
    await oneEvent(el, 'train-progress');
    el.sentences = tinySentences('third');
    await oneEvent(el, 'run-complete');
    await chart.settled();
    await aTimeout(300);
    expect(chart.title()).to.contain('third');
    expect(completed).to.have.length(1);
    expect(completed[0]).to.contain('third');
  });

  it('probes the built-in part-of-speech task, capped by max-sentences, and from a src URL', async () => {
    const el = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" task="pos" max-sentences="20" folds="2" epochs="1"></probe-chart>`);
    const chart = new ProbeChartHarness(el);
    await oneEvent(el, 'run-complete');
    await chart.settled();
    expect(chart.title()).to.contain('pos');
    expect(chart.summary()).to.match(/^20 sentences, \d+ labelled words, 16 labels \(NOUN, PROPN/);
    expect(chart.notices()).to.include('Probing the first 20 of 225 sentences; set max-sentences to use more.');
    // More sentences than the controller keeps runs of: a new probe reuses the gathered states, not the model.
    const model = ModelController.shared({ model: tiny, device: 'wasm' });
    const runs = model.sessionRuns;
    el.probe = 'mlp';
    await oneEvent(el, 'run-complete');
    await chart.settled();
    expect(model.sessionRuns).to.equal(runs);
    expect(chart.summary()).to.contain('MLP probe');
    el.src = '/data/pos-sentences.json';
    el.maxSentences = 4;
    await oneEvent(el, 'run-complete');
    await chart.settled();
    expect(chart.summary()).to.match(/^4 sentences/);
  });

  it('shows label names as text, never as HTML', async () => {
    const el = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" folds="2" epochs="1" .sentences=${tinySentences(XSS, XSS)}></probe-chart>`);
    const chart = new ProbeChartHarness(el);
    await oneEvent(el, 'run-complete');
    await chart.settled();
    expect(chart.summary()).to.contain(XSS);
    expect(chart.title()).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
  });

  it('reads the last token of each word after a prepended <|endoftext|>', async () => {
    const el = await fixture<ProbeChart>(html`<probe-chart model=${tiny} device="wasm" prepend-bos folds="2" epochs="1" .sentences=${tinySentences()}></probe-chart>`);
    const done = await oneEvent(el, 'run-complete');
    expect(done.detail.tokens).to.have.length(77);
    expect(done.detail.tokens).not.to.include('<|endoftext|>');
    expect(done.detail.tokens.slice(0, 2)).to.deep.equal(['The', ' cat']);
  });
});
