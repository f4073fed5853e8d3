// <attention-lines> in a real browser: data with known weights for the lines, toggles, hover,
// keyboard, linking and export; 12 heads at T = 100; the tiny generated model for the live path.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/attention-heatmap.js';
import '../../components/attention-lines.js';
import '../../components/xray-model.js';
import type { AttentionLines } from '../../components/attention-lines.js';
import type { XrayModel } from '../../components/xray-model.js';
import { ModelController } from '../../src/controller.js';
import type { AttentionData } from '../../src/data.js';
import { AttentionHeatmapHarness } from '../harness/attention-heatmap-harness.js';
import { AttentionLinesHarness } from '../harness/attention-lines-harness.js';
import { exportErrors } from '../harness/export.js';
import { fixture as modelFolder } from './support.js';

const tokens = ['The', ' cat', ' sat', ' down'];
// 0.001 is under the canvas's half step of opacity: invisible, so never drawn.
const head00 = [
  [1, 0, 0, 0],
  [0.25, 0.75, 0, 0],
  [0.5, 0.3, 0.2, 0],
  [0.1, 0.2, 0.699, 0.001],
];
const head01 = [
  [1, 0, 0, 0],
  [0.9, 0.1, 0, 0],
  [0.6, 0.2, 0.2, 0],
  [0.7, 0.1, 0.1, 0.1],
];
const head10 = [
  [1, 0, 0, 0],
  [0.5, 0.5, 0, 0],
  [0.05, 0.05, 0.9, 0],
  [0.25, 0.25, 0.25, 0.25],
];
/** Two layers of two heads: [layers][heads][dest][src]. */
const model: AttentionData = {
  tokens,
  attention: [
    [head00, head01],
    [head10, head00],
  ],
};
const XSS = '<img src=x onerror=alert(1)>';

/** The lines a pattern must draw: every weight of at least 0.002, as "head:query→key". */
function expectedLines(patterns: Record<number, number[][]>, keep: (q: number, k: number) => boolean = () => true): string[] {
  return Object.entries(patterns)
    .flatMap(([head, rows]) => rows.flatMap((row, q) => row.flatMap((w, k) => (w >= 0.002 && keep(q, k) ? [`${head}:${q}→${k}`] : []))))
    .sort();
}

async function lines(template = html`<attention-lines .data=${model}></attention-lines>`) {
  const el = await fixture<AttentionLines>(template);
  const view = new AttentionLinesHarness(el);
  await view.settled();
  return { el, view };
}

/** The exported SVG's lines: per head (`data-head`), each line's opacity and its ends' heights. */
function svgLines(svg: string): { head: number; opacity: number; y1: number; y2: number }[] {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  expect(doc.querySelector('parsererror')).to.equal(null);
  return [...doc.querySelectorAll('g[data-head] line')].map((line) => ({
    head: Number(line.parentElement!.getAttribute('data-head')),
    opacity: Number(line.getAttribute('stroke-opacity')),
    y1: Number(line.getAttribute('y1')),
    y2: Number(line.getAttribute('y2')),
  }));
}

describe('<attention-lines> in data mode', () => {
  it('draws a line per query and earlier key, its opacity the weight, one colour per head', async () => {
    const { el, view } = await lines();
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head00, 1: head01 }));
    for (const { head, query, key, weight } of view.drawn()) expect(weight).to.equal(Math.fround([head00, head01][head][query][key]));
    // The export holds the same lines, in reading order, with the weights as opacities.
    const exported = svgLines(el.toSVG());
    const weights = (rows: number[][]) => rows.flat().filter((w) => w >= 0.002);
    expect(exported.filter((l) => l.head === 0).map((l) => l.opacity)).to.deep.equal(weights(head00));
    expect(exported.filter((l) => l.head === 1).map((l) => l.opacity)).to.deep.equal(weights(head01));
    const doc = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    const strokes = [...doc.querySelectorAll('g[data-head]')].map((g) => g.getAttribute('stroke'));
    expect(new Set(strokes).size, 'each head its own colour').to.equal(2);
    expect(view.paintedPixels()).to.be.above(0);
  });

  it('draws no line above the causal diagonal, and none for a weight too faint to see', async () => {
    const { view } = await lines();
    const drawn = view.drawn();
    expect(drawn.every(({ query, key }) => key <= query)).to.equal(true);
    expect(view.lines()).not.to.include('0:3→3');
    expect(view.lines()).to.include('1:3→3');
  });

  it('labels both columns with the tokens and shows the layer picked', async () => {
    const { el, view } = await lines();
    expect(view.tokens('query')).to.deep.equal(tokens);
    expect(view.tokens('key')).to.deep.equal(tokens);
    expect(view.caption()).to.equal('Layer 0');
    el.layer = 1;
    await el.updateComplete;
    expect(view.caption()).to.equal('Layer 1');
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head10, 1: head00 }));
    await view.pickLayer(0);
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head00, 1: head01 }));
  });

  it('shows the heads the heads attribute names, and toggles heads on click and with Enter', async () => {
    const { el, view } = await lines(html`<attention-lines heads="1" .data=${model}></attention-lines>`);
    expect(view.toggles()).to.deep.equal([
      { head: 0, shown: false },
      { head: 1, shown: true },
    ]);
    expect(view.lines()).to.deep.equal(expectedLines({ 1: head01 }));
    await view.clickHead(0);
    expect(el.shownHeads).to.deep.equal([0, 1]);
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head00, 1: head01 }));
    await view.pressOnHead(1, 'Enter');
    expect(view.lines(), "the toggled head's lines are gone").to.deep.equal(expectedLines({ 0: head00 }));
    expect(view.announced()).to.equal('Head 1 hidden.');
    await view.clickHead(0);
    expect(view.lines()).to.deep.equal([]);
    expect(view.readout()).to.equal('No head is shown: turn one on above.');
    expect(view.paintedPixels()).to.equal(0);
    await view.showAll();
    expect(el.shownHeads).to.deep.equal([0, 1]);
    el.heads = '0';
    await el.updateComplete;
    expect(el.shownHeads, 'a new heads attribute wins over the toggles').to.deep.equal([0]);
  });

  it('shows a head alone on double-click, Shift+click or Shift+Enter, and selects it (head-select)', async () => {
    const { el, view } = await lines();
    let selected = oneEvent(el, 'head-select');
    await view.doubleClickHead(1);
    expect((await selected).detail).to.deep.equal({ layer: 0, head: 1 });
    expect(el.shownHeads).to.deep.equal([1]);
    expect(el.selection.head).to.deep.equal({ layer: 0, head: 1 });
    await view.pickLayer(1);
    selected = oneEvent(el, 'head-select');
    await view.clickHead(0, { shiftKey: true });
    expect((await selected).detail).to.deep.equal({ layer: 1, head: 0 });
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head10 }));
    selected = oneEvent(el, 'head-select');
    await view.pressOnHead(1, 'Enter', { shiftKey: true });
    expect((await selected).detail).to.deep.equal({ layer: 1, head: 1 });
    expect(el.shownHeads, 'Shift+Enter does not also toggle the head').to.deep.equal([1]);
    expect(view.announced()).to.equal('Layer 1, head 1 alone.');
  });

  it("keeps only a hovered query's lines, or a hovered key's, and all of them again when the pointer leaves", async () => {
    const { view } = await lines();
    const hovered = oneEvent(view.element, 'token-hover');
    await view.hoverToken('query', 2);
    expect((await hovered).detail).to.deep.equal({ position: 2, token: ' sat' });
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head00, 1: head01 }, (q) => q === 2));
    expect(view.highlighted()).to.deep.equal({ side: 'query', position: 2 });
    expect(view.readout()).to.equal('Query “ sat” (2) attends to 3 tokens; most to “The” (0), 0.600 in head 1.');
    expect(view.paintedPixels(), 'the hovered lines are painted').to.be.above(0);
    await view.hoverToken('key', 1);
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head00, 1: head01 }, (_, k) => k === 1));
    expect(view.readout()).to.equal('Key “ cat” (1) is attended by 3 queries; most by “ cat” (1), 0.750 in head 0.');
    await view.leave();
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head00, 1: head01 }));
    expect(view.highlighted()).to.equal(null);
  });

  it('locks a clicked token until it is clicked again or Escape', async () => {
    const { view } = await lines();
    await view.clickToken('query', 1);
    await view.leave();
    expect(view.lines(), 'the lock keeps the lines after the pointer left').to.deep.equal(expectedLines({ 0: head00, 1: head01 }, (q) => q === 1));
    expect(view.announced()).to.equal('Locked: Query “ cat” (1) attends to 2 tokens; most to “The” (0), 0.900 in head 1.');
    await view.press('Escape');
    expect(view.announced()).to.equal('Unlocked.');
    await view.blur();
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head00, 1: head01 }));
  });

  it('moves over the tokens with the keyboard, filtering and announcing as it goes', async () => {
    const { el, view } = await lines();
    const hovered: (number | null)[] = [];
    el.addEventListener('token-hover', (e) => hovered.push(e.detail.position));
    await view.press('ArrowDown');
    expect(view.announced()).to.equal('Query “ cat” (1) attends to 2 tokens; most to “The” (0), 0.900 in head 1.');
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head00, 1: head01 }, (q) => q === 1));
    await view.press('ArrowRight');
    expect(view.announced()).to.contain('Key “ cat” (1) is attended by 3 queries');
    await view.press('End', { ctrlKey: true });
    expect(view.highlighted()).to.deep.equal({ side: 'key', position: 3 });
    expect(view.announced()).to.equal('Key “ down” (3) is attended by 1 query; most by “ down” (3), 0.100 in head 1.');
    await view.press('Home');
    await view.press('PageUp');
    expect(view.highlighted()).to.deep.equal({ side: 'query', position: 0 });
    await view.press('Enter');
    expect(view.announced()).to.contain('Locked: Query “The” (0)');
    await view.press('Escape');
    await view.blur();
    expect(view.lines()).to.have.length(expectedLines({ 0: head00, 1: head01 }).length);
    expect(hovered).to.deep.equal([0, 1, 3, 0, null]);
  });

  it('exports PNG and SVG in the hover state: the hovered token’s lines alone, said in the caption', async () => {
    const { el, view } = await lines();
    const all = svgLines(el.toSVG());
    expect(all).to.have.length(expectedLines({ 0: head00, 1: head01 }).length);
    await view.hoverToken('query', 3);
    const svg = el.toSVG();
    const hovered = svgLines(svg);
    expect(hovered.map((l) => l.opacity)).to.deep.equal([0.1, 0.2, 0.699, 0.7, 0.1, 0.1, 0.1]);
    expect(new Set(hovered.map((l) => l.y1)).size, 'every line starts at the hovered query').to.equal(1);
    expect(svg).to.contain('Layer 0 · all heads · lines of query “ down” (3)');
    const png = await el.toPNG(1);
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
    await view.leave();
    expect(svgLines(el.toSVG())).to.have.length(all.length);
  });

  it('reads its data from a <script type="application/json"> child', async () => {
    const { view } = await lines(html`<attention-lines><script type="application/json">${JSON.stringify({ tokens, attention: head01 })}</script></attention-lines>`);
    expect(view.tokens('key')).to.deep.equal(tokens);
    expect(view.lines()).to.deep.equal(expectedLines({ 0: head01 }));
    expect(view.caption(), 'one layer: no picker').to.equal('Layer 0');
  });

  it('says in words when the layer or a head is out of range, or heads is not a list of numbers, and fires error', async () => {
    const { el, view } = await lines();
    const error = oneEvent(el, 'error');
    el.layer = 2;
    expect((await error).detail).to.deep.equal({ code: 'out-of-range', message: 'layer 2 is out of range: this model has layers 0 to 1.' });
    expect(view.errorText()).to.equal('layer 2 is out of range: this model has layers 0 to 1.');
    el.layer = 0;
    el.heads = '0 2';
    await el.updateComplete;
    expect(view.errorText()).to.equal('head 2 is out of range: this model has heads 0 to 1.');
    el.heads = 'first';
    await el.updateComplete;
    expect(view.errorText()).to.equal('heads must be head numbers separated by spaces, such as "0 3 5"; it is "first".');
    el.heads = '0,1';
    await el.updateComplete;
    expect(el.shownHeads).to.deep.equal([0, 1]);
  });

  it('says what is wrong with malformed data, and shows the empty state without text or data', async () => {
    const bad = await lines(
      html`<attention-lines .data=${{
        tokens,
        attention: [
          [1, 0],
          [0.5, 0.5],
        ],
      }}></attention-lines>`,
    );
    expect(bad.view.errorText()).to.equal('data.attention[0][0] has 2 rows for 4 tokens.');
    const { el, view } = await lines(html`<attention-lines></attention-lines>`);
    expect(view.emptyText()).to.equal('There is no text to show yet: set the text attribute.');
    expect(await exportErrors(el)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });

  it('shows a token like <img src=x onerror=alert(1)> as text, never as markup', async () => {
    const { el, view } = await lines(
      html`<attention-lines .data=${{
        tokens: ['A', XSS],
        attention: [
          [1, 0],
          [0.5, 0.5],
        ],
      }}></attention-lines>`,
    );
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(view.tokens('query')).to.deep.equal(['A', XSS]);
    await view.hoverToken('query', 1);
    expect(view.readout()).to.contain(`Query “${XSS}” (1)`);
    const svg = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('img')).to.equal(null);
    // Labels are cut to 20 characters in the export.
    expect([...svg.querySelectorAll('text')].map((t) => t.textContent)).to.include('<img src=x onerror=…');
  });

  it('is accessible, before and after a token is locked', async () => {
    const { el, view } = await lines();
    await expect(el).to.be.accessible();
    await view.clickToken('key', 1);
    await expect(el).to.be.accessible();
  });
});

describe('<attention-lines> with 12 heads at T = 100', () => {
  it('draws 60,000-odd lines, and keeps a hovered query’s 12 × (q + 1) lines; the big export embeds the canvas', async () => {
    const T = 100;
    const pattern = Array.from({ length: T }, (_, q) => Array.from({ length: T }, (_, k) => (k <= q ? 1 / (q + 1) : 0)));
    const data = { tokens: Array.from({ length: T }, (_, i) => ` t${i}`), attention: Array.from({ length: 12 }, () => pattern) };
    const { el, view } = await lines(html`<attention-lines .data=${data}></attention-lines>`);
    // Weights 1/(q+1) reach the 0.002 floor only for q < 500: every line of the lower triangle.
    expect(el.drawnLines).to.have.length((12 * T * (T + 1)) / 2);
    const doc = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    expect(doc.querySelector('image')?.getAttribute('href')).to.match(/^data:image\/png;base64,/);
    await view.hoverToken('query', 49);
    expect(el.drawnLines).to.have.length(12 * 50);
    expect(svgLines(el.toSVG())).to.have.length(12 * 50);
  });
});

describe('<attention-lines> painting the rows in view first', () => {
  it('paints the rows a window can show at once and the others after the next frame; an export at once has them all', async () => {
    const T = 100;
    const pattern = Array.from({ length: T }, (_, q) => Array.from({ length: T }, (_, k) => (k <= q ? 1 / (q + 1) : 0)));
    const data = { tokens: Array.from({ length: T }, (_, i) => ` t${i}`), attention: Array.from({ length: 12 }, () => pattern) };
    const el = await fixture<AttentionLines>(html`<attention-lines .data=${data}></attention-lines>`);
    const view = new AttentionLinesHarness(el);
    await view.settled();
    const canvas = el.shadowRoot!.querySelector<HTMLCanvasElement>('[part="canvas"]')!;
    const paintedRow = (y: number) =>
      canvas
        .getContext('2d')!
        .getImageData(0, y, canvas.width, 1)
        .data.some((v, i) => i % 4 === 3 && v > 0);
    const [first, last] = [Math.round(canvas.height * 0.1), canvas.height - 10];
    expect(canvas.height, 'taller than the window').to.be.above(innerHeight * devicePixelRatio);
    expect(paintedRow(first), 'a row in view').to.be.true;
    expect(paintedRow(last), 'the last rows wait for the next frame').to.be.false;
    const exported = el.toSVG();
    await new Promise(requestAnimationFrame);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(paintedRow(last), 'the last rows, a frame later').to.be.true;
    expect(el.toSVG(), 'the export made at once holds every row').to.equal(exported);
  });
});

describe('<attention-lines> linking', () => {
  it('filters to a token hovered in a linked heatmap, and shows the head a linked figure selects', async () => {
    const root = await fixture<XrayModel>(html`<xray-model model=${modelFolder('tiny')} device="wasm">
      <attention-heatmap .data=${model}></attention-heatmap>
      <attention-lines .data=${model}></attention-lines>
      <attention-lines .data=${model} follow-selection="false"></attention-lines>
    </xray-model>`);
    const map = new AttentionHeatmapHarness(root.querySelector('attention-heatmap')!);
    const [a, b] = [...root.querySelectorAll('attention-lines')].map((el) => new AttentionLinesHarness(el));
    await Promise.all([map.settled(), a.settled(), b.settled()]);

    await map.hoverCell(2, 1);
    await a.element.updateComplete;
    expect(a.highlighted(), "the heatmap's query row").to.deep.equal({ side: 'query', position: 2 });
    expect(a.lines()).to.deep.equal(expectedLines({ 0: head00, 1: head01 }, (q) => q === 2));
    await map.leave();
    await a.element.updateComplete;
    expect(a.highlighted()).to.equal(null);

    await a.hoverToken('key', 3);
    await map.element.updateComplete;
    expect(map.highlightedToken()).to.equal(3);
    await a.leave();

    root.selection.selectHead({ layer: 1, head: 1 });
    await Promise.all([a.element.updateComplete, b.element.updateComplete, map.element.updateComplete]);
    expect([a.caption(), a.element.shownHeads]).to.deep.equal(['Layer 1', [1]]);
    expect([b.caption(), b.element.shownHeads]).to.deep.equal(['Layer 0', [0, 1]]);

    // A head shown alone in the lines shows in the heatmap.
    await a.doubleClickHead(0);
    await map.element.updateComplete;
    expect(map.caption()).to.equal('Layer 1 · Head 0');
  });

  it('links figures with the same group attribute, and only those', async () => {
    const root = await fixture(html`<div>
      <attention-lines group="lines-test" .data=${model}></attention-lines>
      <attention-lines group="lines-test" .data=${model}></attention-lines>
      <attention-lines .data=${model}></attention-lines>
    </div>`);
    const [a, b, c] = [...root.querySelectorAll('attention-lines')].map((el) => new AttentionLinesHarness(el));
    await Promise.all([a.settled(), b.settled(), c.settled()]);
    await a.hoverToken('query', 1);
    await Promise.all([b.element.updateComplete, c.element.updateComplete]);
    expect(b.highlighted()).to.deep.equal({ side: 'query', position: 1 });
    expect(c.highlighted()).to.equal(null);
  });
});

describe('<attention-lines> on the tiny model', () => {
  const folder = modelFolder('tiny');

  it("draws the run's attention: each line's weight is the model's, and fires run-complete", async () => {
    const text = 'The cat sat on the mat';
    const el = await fixture<AttentionLines>(html`<attention-lines model=${folder} device="wasm" layer="1" text=${text}></attention-lines>`);
    const view = new AttentionLinesHarness(el);
    const complete = oneEvent(el, 'run-complete');
    await view.settled();
    const run = await ModelController.shared({ model: folder, device: 'wasm' }).run(text);
    expect((await complete).detail.tokens).to.deep.equal(run.tokens);
    expect(view.tokens('query')).to.deep.equal(run.tokens);
    const T = run.tokens.length;
    const { nHead } = run.config;
    const expected = Array.from({ length: nHead }, (_, head) => {
      const pattern = run.attention(1, head);
      return Array.from(pattern, (w, i) => ({ layer: 1, head, query: Math.floor(i / T), key: i % T, weight: w })).filter((l) => l.weight >= 0.5 / 255);
    }).flat();
    expect(view.drawn()).to.deep.equal(expected);
    expect(view.drawn().every(({ query, key }) => key <= query)).to.equal(true);
  });

  it('says in words when the layer is out of range for the model', async () => {
    const el = await fixture<AttentionLines>(html`<attention-lines model=${folder} device="wasm" layer="7" text="The cat"></attention-lines>`);
    const view = new AttentionLinesHarness(el);
    await view.settled();
    expect(view.errorText()).to.equal('layer 7 is out of range: this model has layers 0 to 1.');
  });
});
