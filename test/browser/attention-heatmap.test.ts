// <attention-heatmap> in a real browser: data with known weights for colour, tooltip, keyboard,
// linking and export; 1,000 tokens; the tiny generated model for the live path and stale runs.
import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/attention-heatmap.js';
import '../../components/xray-model.js';
import type { AttentionHeatmap } from '../../components/attention-heatmap.js';
import type { XrayModel } from '../../components/xray-model.js';
import { colourScale, themeColours } from '../../components/shared/theme.js';
import { ModelController } from '../../src/controller.js';
import type { AttentionData } from '../../src/data.js';
import { AttentionHeatmapHarness } from '../harness/attention-heatmap-harness.js';
import { exportErrors } from '../harness/export.js';
import { fixture as modelFolder } from './support.js';

const tokens = ['The', ' cat', ' sat', ' down'];
const head00 = [
  [1, 0, 0, 0],
  [0.25, 0.75, 0, 0],
  [0.5, 0.3, 0.2, 0],
  [0.1, 0.2, 0.3, 0.4],
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
const oneHead: AttentionData = { tokens, attention: head00 };
/** Two layers of two heads: [layers][heads][dest][src]. */
const model: AttentionData = {
  tokens,
  attention: [
    [head00, head01],
    [head10, head00],
  ],
};
const XSS = '<img src=x onerror=alert(1)>';
/** An `error` event that reaches window fails the test run, so figures that must fail keep theirs in. */

async function heatmap(data: AttentionData = oneHead) {
  const el = await fixture<AttentionHeatmap>(html`<attention-heatmap .data=${data}></attention-heatmap>`);
  const map = new AttentionHeatmapHarness(el);
  await map.settled();
  return { el, map };
}

/** Any CSS colour as `[r, g, b]`, resolved by the browser. */
function rgb(colour: string): number[] {
  const probe = document.createElement('span');
  probe.style.color = colour;
  document.body.append(probe);
  const resolved = getComputedStyle(probe).color;
  probe.remove();
  return resolved.match(/\d+/g)!.slice(0, 3).map(Number);
}

/** The canvas paints from a 1,024-step table of the same scale, so a channel may be 1 off. */
function expectColour(actual: string, expected: string): void {
  const [a, e] = [rgb(actual), rgb(expected)];
  expect(
    a.every((channel, i) => Math.abs(channel - e[i]) <= 1),
    `${actual} should be ${expected}`,
  ).to.equal(true);
}

/** A causal pattern over T tokens: each query spreads its attention evenly over itself and the past. */
function uniformCausal(T: number): AttentionData {
  return {
    tokens: Array.from({ length: T }, (_, i) => ` t${i}`),
    attention: Array.from({ length: T }, (_, q) => Array.from({ length: T }, (_, k) => (k <= q ? 1 / (q + 1) : 0))),
  };
}

describe('<attention-heatmap> in data mode', () => {
  it('paints each cell in the colour scale at its weight, and the masked region in the masked colour', async () => {
    const { el, map } = await heatmap();
    const colours = themeColours(el);
    const scale = colourScale(colours, [0, 1]);
    expectColour(map.cellColour(1, 1), scale(0.75));
    expectColour(map.cellColour(2, 0), scale(0.5));
    expectColour(map.cellColour(3, 0), scale(0.1));
    expectColour(map.cellColour(0, 3), colours.masked);
    expect(map.legendText()).to.contain('masked: a token cannot attend to later tokens');
  });

  it('fixes the top of the scale with max, and repaints', async () => {
    const { el, map } = await heatmap();
    el.max = 2;
    await el.updateComplete;
    expectColour(map.cellColour(1, 1), colourScale(themeColours(el), [0, 2])(0.75));
    expect(map.legendTicks()).to.deep.equal(['0', '1.00', '2.00']);
  });

  it('labels rows and columns with the tokens and captions the head', async () => {
    const { map } = await heatmap();
    expect(map.labels()).to.deep.equal({ queries: tokens, keys: tokens });
    expect(map.caption()).to.equal('Layer 0 · Head 0');
  });

  it('reads its data from a <script type="application/json"> child', async () => {
    const el = await fixture<AttentionHeatmap>(html`<attention-heatmap><script type="application/json">${JSON.stringify(oneHead)}</script></attention-heatmap>`);
    const map = new AttentionHeatmapHarness(el);
    await map.settled();
    expect(map.labels().keys).to.deep.equal(tokens);
    expectColour(map.cellColour(1, 1), colourScale(themeColours(el), [0, 1])(0.75));
  });

  it('shows the layer and head chosen by attributes, and re-renders when they change', async () => {
    const { el, map } = await heatmap(model);
    const scale = colourScale(themeColours(el), [0, 1]);
    el.setAttribute('layer', '1');
    await el.updateComplete;
    expect(map.caption()).to.equal('Layer 1 · Head 0');
    expectColour(map.cellColour(2, 2), scale(0.9));
    el.setAttribute('head', '1');
    await el.updateComplete;
    expect(map.caption()).to.equal('Layer 1 · Head 1');
    expectColour(map.cellColour(2, 2), scale(0.2));
  });

  it('says in words when the layer or head is out of range, and fires error', async () => {
    const { el, map } = await heatmap(model);
    const error = oneEvent(el, 'error');
    el.layer = 3;
    const { detail } = await error;
    expect(detail.code).to.equal('out-of-range');
    expect(map.errorText()).to.equal('layer 3 is out of range: this model has layers 0 to 1.');
    el.layer = 0;
    el.head = 2;
    await el.updateComplete;
    expect(map.errorText()).to.equal('head 2 is out of range: this model has heads 0 to 1.');
  });

  it('says what is wrong with malformed data', async () => {
    const { map } = await heatmap({
      tokens,
      attention: [
        [1, 0],
        [0.5, 0.5],
      ],
    });
    expect(map.errorText()).to.equal('data.attention[0][0] has 2 rows for 4 tokens.');
  });

  it('shows the empty state when it has neither text nor data, and has nothing to export', async () => {
    const el = await fixture<AttentionHeatmap>(html`<attention-heatmap></attention-heatmap>`);
    const map = new AttentionHeatmapHarness(el);
    await map.settled();
    expect(map.emptyText()).to.equal('There is no text to show yet: set the text attribute.');
    expect(await exportErrors(el)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });

  it('shows the query token, key token and weight of a hovered cell', async () => {
    const { map } = await heatmap();
    await map.hoverCell(2, 1);
    expect(map.tooltipText()).to.equal('Query “ sat” (2)\nKey “ cat” (1)\nWeight 0.300');
    await map.hoverCell(1, 3);
    expect(map.tooltipText()).to.contain('Weight masked (a later token)');
    await map.leave();
    expect(map.tooltipText()).to.equal(null);
  });

  it('locks a clicked cell (cell-select), keeps its tooltip, and unlocks on Escape or a second click', async () => {
    const { el, map } = await heatmap();
    let selected = oneEvent(el, 'cell-select');
    await map.clickCell(2, 0);
    expect((await selected).detail).to.deep.equal({ layer: 0, head: 0, query: 2, key: 0, value: 0.5 });
    await map.hoverCell(3, 3);
    expect(map.tooltipText()).to.contain('Query “ sat” (2)');
    selected = oneEvent(el, 'cell-select');
    await map.press('Escape');
    expect((await selected).detail).to.equal(null);
    expect(map.announced()).to.equal('Unlocked.');
    await map.clickCell(1, 1);
    selected = oneEvent(el, 'cell-select');
    await map.clickCell(1, 1);
    expect((await selected).detail).to.equal(null);
  });

  it('moves over cells with the keyboard and announces each value; Enter locks, Escape unlocks', async () => {
    const { el, map } = await heatmap();
    await map.press('ArrowDown');
    await map.press('ArrowRight');
    expect(map.announced()).to.equal('Query “ cat” (1), key “ cat” (1): weight 0.750');
    expect(map.tooltipText()).to.contain('Weight 0.750');
    await map.press('End');
    expect(map.announced()).to.contain('key “ down” (3): weight masked');
    await map.press('Home');
    await map.press('PageDown');
    expect(map.announced()).to.equal('Query “ down” (3), key “The” (0): weight 0.100');
    await map.press('Home', { ctrlKey: true });
    expect(map.announced()).to.contain('Query “The” (0), key “The” (0)');
    await map.press('ArrowLeft');
    expect(map.announced()).to.contain('Query “The” (0), key “The” (0)');
    const selected = oneEvent(el, 'cell-select');
    await map.press('Enter');
    expect((await selected).detail).to.deep.equal({ layer: 0, head: 0, query: 0, key: 0, value: 1 });
    expect(map.announced()).to.equal('Locked: Query “The” (0), key “The” (0): weight 1.00');
    await map.press('Escape');
    expect(map.announced()).to.equal('Unlocked.');
  });

  it('moves a lock with the arrow keys, and Escape hides the tooltip until the next move', async () => {
    const { el, map } = await heatmap();
    await map.clickCell(1, 0);
    const selected = oneEvent(el, 'cell-select');
    await map.press('ArrowRight');
    expect((await selected).detail).to.deep.equal({ layer: 0, head: 0, query: 1, key: 1, value: 0.75 });
    expect(map.tooltipText()).to.contain('Weight 0.750');
    await map.press('Escape');
    expect(map.tooltipText()).to.equal(null);
    await map.press('ArrowDown');
    expect(map.tooltipText()).to.contain('Query “ sat” (2)\nKey “ cat” (1)');
  });

  it("tells linked figures the keyboard's query token, and forgets it when focus leaves", async () => {
    const { el, map } = await heatmap();
    const tokens: (string | null)[] = [];
    el.addEventListener('token-hover', (e) => tokens.push(e.detail.token));
    await map.press('ArrowDown');
    await map.press('ArrowRight');
    await map.blur();
    expect(tokens, 'focus shows the first cell, then the keys move down a row').to.deep.equal(['The', ' cat', null]);
  });

  it('shows a token like <img src=x onerror=alert(1)> as text, never as markup', async () => {
    const { el, map } = await heatmap({
      tokens: ['A', XSS],
      attention: [
        [1, 0],
        [0.5, 0.5],
      ],
    });
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(map.labels().keys).to.deep.equal(['A', XSS]);
    await map.hoverCell(1, 1);
    expect(map.tooltipText()).to.contain(`Key “${XSS}” (1)`);
    const svg = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('img')).to.equal(null);
    // Labels are cut to 14 characters in the export.
    expect([...svg.querySelectorAll('text')].map((t) => t.textContent)).to.include('<img src=x on…');
  });

  it('is accessible, before and after a cell is locked', async () => {
    const { el, map } = await heatmap();
    await expect(el).to.be.accessible();
    await map.clickCell(1, 0);
    await expect(el).to.be.accessible();
  });

  it('exports a standalone SVG with vector cells and a PNG', async () => {
    const { el } = await heatmap();
    const doc = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    expect(doc.documentElement.textContent).to.contain('Layer 0 · Head 0');
    // The masked background, then the ten cells on and below the diagonal.
    expect(doc.querySelectorAll('g[shape-rendering] rect')).to.have.length(11);
    const png = await el.toPNG(1);
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });
});

describe('<attention-heatmap> with 1,000 tokens', () => {
  it('renders, thins its labels, answers hover, and exports the cells as an image', async () => {
    const data = uniformCausal(1000);
    const { el, map } = await heatmap(data);
    const { keys, queries } = map.labels();
    expect(keys.length).to.be.within(2, 999);
    expect(queries).to.deep.equal(keys);
    const step = 1000 / keys.length;
    expect(keys[1]).to.equal(data.tokens[Math.ceil(step)]);
    expectColour(map.cellColour(3, 1), colourScale(themeColours(el), [0, 1])(0.25));
    await map.hoverCell(999, 0);
    expect(map.tooltipText()).to.contain('Weight 0.00100');
    const doc = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    expect(doc.querySelector('image')!.getAttribute('href')).to.match(/^data:image\/png;base64,/);
  });
});

describe('<attention-heatmap> linking', () => {
  it('shares hovered tokens and the selected head with the figures in one <xray-model>', async () => {
    const root = await fixture<XrayModel>(html`<xray-model model=${modelFolder('tiny')} device="wasm">
      <attention-heatmap .data=${model}></attention-heatmap>
      <attention-heatmap .data=${model}></attention-heatmap>
      <attention-heatmap .data=${model} follow-selection="false"></attention-heatmap>
    </xray-model>`);
    const [a, b, c] = [...root.querySelectorAll('attention-heatmap')].map((el) => new AttentionHeatmapHarness(el));
    await Promise.all([a.settled(), b.settled(), c.settled()]);

    const hovered = oneEvent(a.element, 'token-hover');
    await a.hoverCell(2, 1);
    expect((await hovered).detail).to.deep.equal({ position: 2, token: ' sat' });
    await b.element.updateComplete;
    expect(b.highlightedToken()).to.equal(2);
    await a.hoverLabel('key', 3);
    await b.element.updateComplete;
    expect(b.highlightedToken()).to.equal(3);
    await a.leave();
    await b.element.updateComplete;
    expect(b.highlightedToken()).to.equal(null);

    // A head clicked in a linked grid replaces the attributes' head, until they change again.
    root.selection.selectHead({ layer: 1, head: 1 });
    await Promise.all([a.element.updateComplete, b.element.updateComplete, c.element.updateComplete]);
    expect([a.caption(), b.caption(), c.caption()]).to.deep.equal(['Layer 1 · Head 1', 'Layer 1 · Head 1', 'Layer 0 · Head 0']);
    a.element.head = 1;
    a.element.layer = 0;
    await a.element.updateComplete;
    expect(a.caption()).to.equal('Layer 0 · Head 1');
  });

  it('links figures with the same group attribute, and only those', async () => {
    const root = await fixture(html`<div>
      <attention-heatmap group="heatmap-test" .data=${oneHead}></attention-heatmap>
      <attention-heatmap group="heatmap-test" .data=${oneHead}></attention-heatmap>
      <attention-heatmap .data=${oneHead}></attention-heatmap>
    </div>`);
    const [a, b, c] = [...root.querySelectorAll('attention-heatmap')].map((el) => new AttentionHeatmapHarness(el));
    await Promise.all([a.settled(), b.settled(), c.settled()]);
    await a.hoverCell(1, 0);
    await Promise.all([b.element.updateComplete, c.element.updateComplete]);
    expect(b.highlightedToken()).to.equal(1);
    expect(c.highlightedToken()).to.equal(null);
  });
});

describe('<attention-heatmap> on the tiny model', () => {
  const folder = modelFolder('tiny');
  const shared = () => ModelController.shared({ model: folder, device: 'wasm' });

  it("shows the run's tokens and the chosen head in the colour scale, and fires run-complete", async () => {
    const text = 'The cat sat on the mat';
    const el = await fixture<AttentionHeatmap>(html`<attention-heatmap model=${folder} device="wasm" layer="1" head="2" text=${text}></attention-heatmap>`);
    const map = new AttentionHeatmapHarness(el);
    const complete = oneEvent(el, 'run-complete');
    await map.settled();
    const run = await shared().run(text);
    expect((await complete).detail.tokens).to.deep.equal(run.tokens);
    expect(map.labels().keys).to.deep.equal(run.tokens);
    const T = run.tokens.length;
    const pattern = run.attention(1, 2);
    let max = 0;
    for (const weight of pattern) max = Math.max(max, weight);
    const scale = colourScale(themeColours(el), [0, max]);
    expectColour(map.cellColour(T - 1, 2), scale(pattern[(T - 1) * T + 2]));
    expectColour(map.cellColour(3, 1), scale(pattern[3 * T + 1]));
  });

  it('says in words when the layer is out of range for the model', async () => {
    const el = await fixture<AttentionHeatmap>(html`<attention-heatmap model=${folder} device="wasm" layer="7" text="The cat"></attention-heatmap>`);
    const map = new AttentionHeatmapHarness(el);
    await map.settled();
    expect(map.errorText()).to.equal('layer 7 is out of range: this model has layers 0 to 1.');
  });

  it('never lets a stale run overwrite a newer one', async () => {
    const [slow, fast] = ['A sentence that nobody has run before today', 'The mat was warm'];
    const fastRun = await shared().run(fast);
    const el = await fixture<AttentionHeatmap>(html`<attention-heatmap model=${folder} device="wasm"></attention-heatmap>`);
    const map = new AttentionHeatmapHarness(el);
    // The older text needs a forward pass; the newer one is memoised and resolves first.
    el.text = slow;
    await el.updateComplete;
    el.text = fast;
    await map.settled();
    expect(map.labels().keys).to.deep.equal(fastRun.tokens);
    await shared().run(slow);
    await aTimeout(0);
    await map.settled();
    expect(map.labels().keys).to.deep.equal(fastRun.tokens);
  });
});
