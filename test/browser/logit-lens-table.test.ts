// <logit-lens-table> in a real browser: data with known values for colour, marks, target, keyboard,
// linking and export; the tiny generated model for the live path and stale runs; the tuned lens with
// translators PyTorch wrote for it, and the prediction trajectories.
import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/logit-lens-table.js';
import '../../components/xray-model.js';
import type { LogitLensTable } from '../../components/logit-lens-table.js';
import { contrastRatio } from '../../components/shared/contrast.js';
import { colourScale, themeColours } from '../../components/shared/theme.js';
import { displayToken, firstTop1Layers, formatPercent, matchesTarget } from '../../src/analysis/logit-lens.js';
import { ModelController } from '../../src/controller.js';
import type { LogitLensData } from '../../src/data.js';
import type { XrayError } from '../../src/errors.js';
import type { LensTrajectory } from '../../src/types.js';
import { exportErrors } from '../harness/export.js';
import { LogitLensTableHarness } from '../harness/logit-lens-table-harness.js';
import { fixture as modelFolder } from './support.js';

const r = (token: string, prob: number) => ({ token, prob });

// Four rows (embed, layers 1-2, final) × three positions × three ranks. The final top-1 first leads at
// layer 1 in position 0 (and is lost again at layer 2), at layer 2 in position 1, at the embeddings in position 2.
const known: LogitLensData = {
  tokens: ['The', ' capital', ' is'],
  lens: [
    [
      [r(' x', 0.5), r(' Paris', 0.1), r(' y', 0.05)],
      [r(' London', 0.4), r(' y', 0.2), r(' z', 0.1)],
      [r(' q', 0.05), r(' z', 0.04), r(' y', 0.03)],
    ],
    [
      [r(' Paris', 0.3), r(' x', 0.2), r(' y', 0.1)],
      [r(' London', 0.5), r(' Paris', 0.1), r(' z', 0.1)],
      [r(' q', 0.2), r(' z', 0.1), r(' y', 0.05)],
    ],
    [
      [r(' y', 0.4), r(' Paris', 0.35), r(' x', 0.1)],
      [r(' Paris', 0.45), r(' London', 0.3), r(' z', 0.1)],
      [r(' q', 0.6), r(' z', 0.1), r(' y', 0.05)],
    ],
    [
      [r(' Paris', 0.8), r(' y', 0.1), r(' x', 0.05)],
      [r(' Paris', 0.9), r(' London', 0.05), r(' z', 0.01)],
      [r(' q', 0.95), r(' z', 0.01), r(' y', 0.01)],
    ],
  ],
};

const XSS = '<img src=x onerror=alert(1)>';

async function dataTable(data: LogitLensData = known, attrs: Partial<Pick<LogitLensTable, 'target' | 'positions' | 'topK' | 'maxPositions'>> = {}) {
  const el = await fixture<LogitLensTable>(html`<logit-lens-table .data=${data}></logit-lens-table>`);
  Object.assign(el, attrs);
  const lens = new LogitLensTableHarness(el);
  await lens.settled();
  return { el, lens };
}

describe('<logit-lens-table> in data mode', () => {
  it('shows layers as rows and tokens as columns of a real table, each cell the top-1 token', async () => {
    const { el, lens } = await dataTable();
    expect(lens.rowLabels()).to.deep.equal(['embed', 'layer 1', 'layer 2', 'layer 3 (final)']);
    expect(lens.columnTokens()).to.deep.equal(['The', ' capital', ' is']);
    expect(lens.cellText(0, 1)).to.equal(' London');
    expect(lens.cellText(2, 0)).to.equal(' y');
    expect(el.shadowRoot!.querySelectorAll('th[scope="col"]')).to.have.length(4);
    expect(el.shadowRoot!.querySelectorAll('th[scope="row"]')).to.have.length(4);
  });

  it('colours a cell by the scale at its top-1 probability, with text that reads on it', async () => {
    const { el, lens } = await dataTable();
    const scale = colourScale(themeColours(el));
    expect(lens.cellColour(3, 0)).to.equal(scale(0.8));
    expect(lens.cellColour(0, 2)).to.equal(scale(0.05));
    expect(lens.cellTextColour(3, 2)).not.to.equal(lens.cellTextColour(0, 2));
    for (const [l, p] of [
      [0, 2],
      [1, 0],
      [2, 1],
      [3, 2],
    ])
      expect(contrastRatio(lens.cellTextColour(l, p), lens.cellColour(l, p))).to.be.at.least(4.5);
  });

  it('marks the first layer where the final prediction is top-1, in every column, and explains it', async () => {
    const { lens } = await dataTable();
    expect([0, 1, 2].map((p) => lens.markedLayer(p))).to.deep.equal([1, 2, 0]);
    expect(lens.legendText()).to.contain("★ first layer where the position's final prediction");
  });

  it('shows the top-k of a hovered cell in a tooltip, as many as top-k asks', async () => {
    const { el, lens } = await dataTable();
    await lens.hoverCell(2, 1);
    expect(lens.tooltipText()).to.contain('layer 2 ·  capital (position 1)');
    expect(lens.tooltipText()).to.contain('1. 45%  Paris\n2. 30%  London\n3. 10%  z');
    el.topK = 2;
    await lens.settled();
    await lens.hoverCell(2, 1);
    expect(lens.tooltipText()).not.to.contain(' z');
    await lens.leaveTable();
    expect(lens.tooltipText()).to.equal('');
  });

  it("shows a target token's probability and rank in every cell", async () => {
    const { lens } = await dataTable(known, { target: ' Paris' });
    expect(lens.targetText(0, 0)).to.equal('Paris 10% (#2)');
    expect(lens.targetText(3, 1)).to.equal('Paris 90% (#1)');
    expect(lens.targetText(0, 2)).to.equal('Paris ≤3.0% (>#3)');
    expect(lens.legendText()).to.contain('probability and rank of “ Paris”');
  });

  it('matches a target without its leading space, and says when a target is nowhere', async () => {
    const { el, lens } = await dataTable(known, { target: 'London' });
    expect(lens.targetText(0, 1)).to.equal('London 40% (#1)');
    expect(lens.notices()).to.deep.equal([]);
    el.target = ' Berlin';
    await lens.settled();
    expect(lens.notices()[0]).to.contain('“ Berlin” is not in the top 3 at any layer');
  });

  it('shows the last position, or the last N, and caps long texts with a notice', async () => {
    const { el, lens } = await dataTable(known, { positions: 'last' });
    expect(lens.columnPositions()).to.deep.equal([2]);
    expect(lens.notices()).to.deep.equal([]);
    el.setAttribute('positions', '2');
    await lens.settled();
    expect(lens.columnPositions()).to.deep.equal([1, 2]);
    el.setAttribute('positions', 'all');
    el.setAttribute('max-positions', '2');
    await lens.settled();
    expect(lens.columnPositions()).to.deep.equal([1, 2]);
    expect(lens.notices()).to.deep.equal(['Showing the last 2 of 3 positions; set max-positions to show more.']);
    expect(lens.markedLayer(1)).to.equal(2);
  });

  it('re-renders when attributes and data change', async () => {
    const { el, lens } = await dataTable();
    expect(lens.targetText(0, 0)).to.equal(null);
    el.setAttribute('target', ' Paris');
    await lens.settled();
    expect(lens.targetText(0, 0)).to.equal('Paris 10% (#2)');
    el.data = { tokens: ['A'], lens: [[[r(' b', 0.3)]], [[r(' c', 0.6)]]] };
    await lens.settled();
    expect(lens.columnTokens()).to.deep.equal(['A']);
    expect(lens.cellText(1, 0)).to.equal(' c');
    expect(lens.markedLayer(0)).to.equal(1);
  });

  it("moves a single tab stop with the arrow keys and announces the focused cell's top-k", async () => {
    const { lens } = await dataTable();
    expect(lens.tabStops()).to.have.length(1);
    await lens.focusTable();
    expect(lens.focusedCell()).to.deep.equal({ layer: 0, position: 0 });
    await lens.press('ArrowRight');
    await lens.press('ArrowDown');
    expect(lens.focusedCell()).to.deep.equal({ layer: 1, position: 1 });
    expect(lens.tabStops()).to.have.length(1);
    expect(lens.announced()).to.contain('layer 1 ·  capital (position 1), 1. 50%  London');
    await lens.press('End');
    expect(lens.focusedCell()).to.deep.equal({ layer: 1, position: 2 });
    await lens.press('ArrowRight');
    expect(lens.focusedCell()).to.deep.equal({ layer: 1, position: 2 });
    expect(lens.tooltipText()).to.contain('(position 2)');
  });

  it('pins the tooltip with Enter and clears it with Escape', async () => {
    const { lens } = await dataTable();
    await lens.focusTable();
    await lens.press('Enter');
    await lens.hoverCell(3, 2);
    expect(lens.tooltipText()).to.contain('embed ·');
    await lens.press('Escape');
    expect(lens.tooltipText()).to.equal('');
  });

  it('goes to the first and last cell with Ctrl+Home and Ctrl+End', async () => {
    const { lens } = await dataTable();
    await lens.focusTable();
    await lens.press('End', { ctrlKey: true });
    expect(lens.focusedCell()).to.deep.equal({ layer: 3, position: 2 });
    await lens.press('Home', { ctrlKey: true });
    expect(lens.focusedCell()).to.deep.equal({ layer: 0, position: 0 });
  });

  it('moves a pinned tooltip with the arrow keys, and after Escape shows it again on the next move', async () => {
    const { lens } = await dataTable();
    await lens.clickCell(0, 0);
    await lens.press('ArrowDown');
    await lens.hoverCell(3, 2);
    expect(lens.tooltipText(), 'the pin moved to layer 1 and holds against the pointer').to.contain('layer 1 · The (position 0)');
    await lens.press('Escape');
    expect(lens.tooltipText()).to.equal('');
    await lens.press('ArrowRight');
    expect(lens.tooltipText()).to.contain('layer 1 ·  capital (position 1)');
  });

  it('reads its data from a <script type="application/json"> child', async () => {
    const el = await fixture<LogitLensTable>(html`<logit-lens-table><script type="application/json">${JSON.stringify(known)}</script></logit-lens-table>`);
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    expect(lens.columnTokens()).to.deep.equal(['The', ' capital', ' is']);
    expect(lens.markedLayer(0)).to.equal(1);
  });

  it('is accessible, with and without a tooltip', async () => {
    const { el, lens } = await dataTable(known, { target: ' Paris' });
    await expect(el).to.be.accessible();
    await lens.focusTable();
    await expect(el).to.be.accessible();
  });

  it('shows token text as text, never as markup', async () => {
    const data = {
      tokens: [XSS, ' b'],
      lens: [
        [[r(XSS, 0.5)], [r(' c', 0.5)]],
        [[r(XSS, 0.7)], [r(XSS, 0.6)]],
      ],
    };
    const { el, lens } = await dataTable(data, { target: XSS });
    await lens.hoverCell(0, 0);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(lens.columnTokens()[0]).to.equal(XSS);
    expect(lens.cellText(1, 1)).to.equal(XSS);
    expect(lens.tooltipText()).to.contain(XSS);
    expect(lens.targetText(0, 0)).to.contain(XSS);
    const doc = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    expect(doc.querySelector('img')).to.equal(null);
    expect([...doc.querySelectorAll('text')].some((t) => t.textContent!.startsWith('<img src=x'))).to.equal(true);
  });

  it('exports a vector SVG table and a PNG', async () => {
    const { el } = await dataTable(known, { target: ' Paris' });
    const doc = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    expect(doc.documentElement.localName).to.equal('svg');
    expect(doc.querySelectorAll('rect[stroke-dasharray]')).to.have.length(3);
    const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts).to.include.members(['embed', 'layer 3 (final)', ' capital', '★ Paris', 'Paris 10% (#2)']);
    const png = await el.toPNG(1);
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('says in words what is wrong with its options or data, and fires error', async () => {
    let code = '';
    const onError = (e: CustomEvent) => {
      code = e.detail.code;
    };
    const el = await fixture<LogitLensTable>(html`<logit-lens-table positions="first" .data=${known} @error=${onError}></logit-lens-table>`);
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    expect(lens.errorText()).to.equal('positions="first" is not valid: use all, last, or a number N for the last N positions.');
    expect(code).to.equal('bad-option');
    el.positions = 'all';
    el.topK = 0;
    await lens.settled();
    expect(lens.errorText()).to.equal('top-k="0" is not valid: use a whole number from 1 to 100.');
    el.topK = 5;
    el.data = { tokens: known.tokens, lens: [known.lens[0], known.lens[1].slice(0, 2)] };
    await lens.settled();
    expect(lens.errorText()).to.equal('data.lens[1] has 2 positions for 3 tokens.');
  });

  it('says so when there is no text yet, and has nothing to export', async () => {
    const el = await fixture<LogitLensTable>(html`<logit-lens-table></logit-lens-table>`);
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    expect(lens.emptyText()).to.contain('There is no text to show yet');
    expect(lens.hasTable()).to.equal(false);
    expect(await exportErrors(el)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });
});

describe('<logit-lens-table> linking', () => {
  it('tells the figures in one <xray-model> which token is hovered, and fires token-hover', async () => {
    const root = await fixture(html`<xray-model model=${modelFolder('tiny')} device="wasm">
      <logit-lens-table .data=${known}></logit-lens-table>
      <logit-lens-table .data=${known} positions="2"></logit-lens-table>
    </xray-model>`);
    const [a, b] = [...root.querySelectorAll('logit-lens-table')].map((el) => new LogitLensTableHarness(el));
    await Promise.all([a.settled(), b.settled()]);
    const hovered = oneEvent(a.element, 'token-hover');
    await a.hoverCell(0, 1);
    expect((await hovered).detail).to.deep.equal({ position: 1, token: ' capital' });
    await b.element.updateComplete;
    expect(b.linkedPositions()).to.deep.equal([1]);
    const left = oneEvent(a.element, 'token-hover');
    await a.leaveTable();
    expect((await left).detail).to.deep.equal({ position: null, token: null });
    await b.element.updateComplete;
    expect(b.linkedPositions()).to.deep.equal([]);
  });

  it('links figures with the same group attribute, and only those', async () => {
    const root = await fixture(html`<div>
      <logit-lens-table group="lens-test" .data=${known}></logit-lens-table>
      <logit-lens-table group="lens-test" .data=${known}></logit-lens-table>
      <logit-lens-table .data=${known}></logit-lens-table>
    </div>`);
    const [a, b, c] = [...root.querySelectorAll('logit-lens-table')].map((el) => new LogitLensTableHarness(el));
    await Promise.all([a.settled(), b.settled(), c.settled()]);
    await b.focusTable();
    await b.press('ArrowRight');
    await b.press('ArrowRight');
    await Promise.all([a.element.updateComplete, c.element.updateComplete]);
    expect(a.linkedPositions()).to.deep.equal([2]);
    expect(c.linkedPositions()).to.deep.equal([]);
  });
});

describe('<logit-lens-table> with a model (tiny fixture, WASM)', () => {
  const text = 'The Eiffel Tower is in';
  const folder = modelFolder('tiny');

  it("shows nLayer + 1 rows and a column per token, each cell the run's logit-lens top-1", async () => {
    const el = await fixture<LogitLensTable>(html`<logit-lens-table model=${folder} device="wasm" text=${text}></logit-lens-table>`);
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    const run = await new ModelController({ model: folder, device: 'wasm' }).run(text);
    const expected = await run.logitLens(
      5,
      run.tokens.map((_, i) => i),
    );
    expect(lens.rowLabels()).to.have.length(run.config.nLayer + 1);
    expect(lens.columnTokens()).to.deep.equal(run.tokens.map(displayToken));
    expected.forEach((row, l) => row.forEach((ranks, p) => expect(lens.cellText(l, p), `layer ${l}, position ${p}`).to.equal(displayToken(ranks[0].token))));
    firstTop1Layers(expected).forEach((layer, p) => expect(lens.markedLayer(p)).to.equal(layer));
    const final = expected[run.config.nLayer][run.tokens.length - 1][0].token;
    el.target = final;
    el.positions = 'last';
    await lens.settled();
    expect(lens.columnPositions()).to.deep.equal([run.tokens.length - 1]);
    expect(lens.targetText(run.config.nLayer, run.tokens.length - 1)).to.match(/\(#1\)$/);
  });

  it('never lets a stale run overwrite a newer one', async () => {
    const shared = ModelController.shared({ model: folder, device: 'wasm' });
    // The last text's lens is cached, so it resolves before the earlier, uncached texts would.
    const latest = await shared.run(text);
    await latest.logitLens(
      5,
      latest.tokens.map((_, i) => i),
    );
    const el = await fixture<LogitLensTable>(html`<logit-lens-table model=${folder} device="wasm" text="A first sentence nobody has run"></logit-lens-table>`);
    el.text = 'A second sentence nobody has run';
    await el.updateComplete;
    el.text = text;
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    expect(lens.columnTokens()).to.deep.equal(latest.tokens.map(displayToken));
    // Anything the stale runs left queued on the session has finished once this has.
    const stale = await shared.run('A second sentence nobody has run');
    await stale.logitLens(
      5,
      stale.tokens.map((_, i) => i),
    );
    await aTimeout(50);
    await lens.settled();
    expect(lens.columnTokens()).to.deep.equal(latest.tokens.map(displayToken));
  });
});

describe('<logit-lens-table> with the tuned lens in data mode', () => {
  // The same residual stream read through translators: other top-1s below the last row, the same last row.
  const tuned: LogitLensData['lens'] = [
    [
      [r(' y', 0.3), r(' x', 0.2)],
      [r(' Paris', 0.35), r(' London', 0.3)],
      [r(' z', 0.4), r(' q', 0.3)],
    ],
    [
      [r(' Paris', 0.5), r(' y', 0.1)],
      [r(' Paris', 0.6), r(' London', 0.2)],
      [r(' q', 0.7), r(' z', 0.1)],
    ],
    [
      [r(' Paris', 0.7), r(' y', 0.1)],
      [r(' Paris', 0.8), r(' London', 0.1)],
      [r(' q', 0.9), r(' z', 0.05)],
    ],
    known.lens[3],
  ];
  const both = { ...known, tuned };

  it('shows data.tuned with lens="tuned", and says which field is missing', async () => {
    const el = await fixture<LogitLensTable>(html`<logit-lens-table lens="tuned" .data=${both}></logit-lens-table>`);
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    expect(lens.caption()).to.match(/^Tuned lens/);
    expect([0, 1, 2].map((p) => lens.cellText(0, p))).to.deep.equal([' y', ' Paris', ' z']);
    expect([0, 1, 2].map((p) => lens.markedLayer(p))).to.deep.equal([1, 0, 1]);
    expect(lens.legendText()).to.contain("read through that layer's translator");
    expect(lens.toggledLens()).to.equal(null);
    el.data = known;
    await lens.settled();
    expect(lens.errorText()).to.contain('lens="tuned" needs data.tuned');
    el.data = { tokens: known.tokens, tuned: [tuned[0].slice(0, 2)] };
    await lens.settled();
    expect(lens.errorText()).to.equal('data.tuned[0] has 2 positions for 3 tokens.');
    el.lens = 'bogus' as never;
    await lens.settled();
    expect(lens.errorText()).to.equal('lens="bogus" is not valid: use logit, tuned, both.');
  });

  it('switches lens with the toggle, keeping the focused cell and the pinned tooltip', async () => {
    const el = await fixture<LogitLensTable>(html`<logit-lens-table lens="both" .data=${both}></logit-lens-table>`);
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    expect(lens.toggledLens()).to.equal('logit');
    expect(lens.cellText(0, 1)).to.equal(' London');
    await lens.clickCell(1, 2);
    await lens.press('ArrowLeft');
    expect(lens.tooltipText()).to.contain('1. 50%  London');
    await lens.toggleLens('tuned');
    expect(lens.toggledLens()).to.equal('tuned');
    expect(lens.caption()).to.match(/^Tuned lens/);
    expect(lens.cellText(0, 1)).to.equal(' Paris');
    expect(lens.tooltipText()).to.contain('layer 1 ·  capital (position 1)\n1. 60%  Paris');
    expect(lens.announced()).to.contain('Showing the tuned lens. layer 1 ·  capital (position 1), 1. 60%  Paris');
    expect(lens.markedLayer(1)).to.equal(0);
    expect(lens.tabStops()[0].dataset).to.include({ layer: '1', position: '1' });
    await lens.focusTable();
    await lens.press('ArrowDown');
    expect(lens.focusedCell()).to.deep.equal({ layer: 2, position: 1 });
    await lens.toggleLens('logit');
    expect(lens.cellText(0, 1)).to.equal(' London');
    expect(lens.tooltipText()).to.contain('layer 2 ·  capital (position 1)\n1. 45%  Paris');
    await expect(el).to.be.accessible();
  });

  it('says the trajectory needs the model', async () => {
    const { el, lens } = await dataTable(known);
    el.trajectory = true;
    await lens.settled();
    expect(lens.hasTrajectory()).to.equal(false);
    expect(lens.notices()).to.deep.equal(["The prediction trajectory needs the model's whole distributions; data mode has only the top-k of each cell."]);
  });

  it('exports the lens it shows', async () => {
    const el = await fixture<LogitLensTable>(html`<logit-lens-table lens="both" .data=${both}></logit-lens-table>`);
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    const texts = () => [...new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml').querySelectorAll('text')].map((t) => t.textContent!);
    expect(texts()[0]).to.match(/^Logit lens/);
    expect(texts()).to.include(' London');
    await lens.toggleLens('tuned');
    expect(texts()[0]).to.match(/^Tuned lens/);
    expect(texts()).not.to.include(' London');
  });
});

describe('<logit-lens-table> with the tuned lens (tiny fixture, WASM)', () => {
  const text = 'The Eiffel Tower is in Paris and';
  const folder = modelFolder('tiny');
  const LENSES = '/test/fixtures/tuned-lens/';
  const translators = LENSES + 'd64-l2.pt';
  let reference: ModelController;

  before(() => (reference = new ModelController({ model: folder, device: 'wasm' })));
  after(() => reference.dispose());

  async function liveTable(attrs: Partial<Pick<LogitLensTable, 'lens' | 'translators' | 'trajectory' | 'target'>>) {
    const el = await fixture<LogitLensTable>(html`<logit-lens-table model=${folder} device="wasm" text=${text}></logit-lens-table>`);
    Object.assign(el, attrs);
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    return { el, lens };
  }

  /** Each chart's points are the values the core measured, and higher values sit higher. */
  function expectCharted(lens: LogitLensTableHarness, kind: 'logit' | 'tuned', expected: LensTrajectory) {
    for (const measure of ['entropy', 'forwardKl', 'targetRank', 'targetLogProb'] as const) {
      const points = lens.trajectoryPoints(measure, kind);
      expect(
        points.map((p) => p.layer),
        `${kind} ${measure}`,
      ).to.deep.equal(Array.from(expected[measure], (_, l) => l));
      points.forEach((p, l) => expect(p.value, `${kind} ${measure} at layer ${l}`).to.be.closeTo(expected[measure][l], 1e-4));
      for (let a = 0; a < points.length; a++)
        for (let b = 0; b < points.length; b++) if (expected[measure][a] > expected[measure][b] + 1e-3) expect(points[a].y, `${kind} ${measure}: layer ${a} above ${b}`).to.be.below(points[b].y);
    }
  }

  it('reads each layer through the translators, as run.logitLens(k, positions, { translators }) does', async () => {
    const { lens } = await liveTable({ lens: 'tuned', translators });
    const run = await reference.run(text);
    const positions = run.tokens.map((_, i) => i);
    const expected = await run.logitLens(5, positions, { translators });
    const plain = await run.logitLens(5, positions);
    expect(lens.caption()).to.match(/^Tuned lens/);
    expect(lens.rowLabels()).to.have.length(run.config.nLayer + 1);
    expected.forEach((row, l) => row.forEach((ranks, p) => expect(lens.cellText(l, p), `layer ${l}, position ${p}`).to.equal(displayToken(ranks[0].token))));
    firstTop1Layers(expected).forEach((layer, p) => expect(lens.markedLayer(p)).to.equal(layer));
    // The fixture's translators are random: the table must differ from the logit lens somewhere.
    expect(expected.some((row, l) => row.some((ranks, p) => ranks[0].id !== plain[l][p][0].id))).to.equal(true);
    await lens.hoverCell(0, 2);
    expect(lens.tooltipText()).to.contain(`1. ${formatPercent(expected[0][2][0].prob)} ${displayToken(expected[0][2][0].token)}`);
  });

  it('names the translators while it loads them', async () => {
    const { el, lens } = await liveTable({});
    el.lens = 'tuned';
    el.translators = translators + '?loading';
    await el.updateComplete;
    expect(lens.loadingText()).to.equal('Loading the tuned lens (d64-l2.pt) and reading the text through it…');
    await lens.settled();
    expect(lens.caption()).to.match(/^Tuned lens/);
  });

  it('toggles between the lenses of one text, keeping the chosen position', async () => {
    const { el, lens } = await liveTable({ lens: 'both', translators, trajectory: true });
    const run = await reference.run(text);
    const positions = run.tokens.map((_, i) => i);
    const [plain, tuned] = await Promise.all([run.logitLens(5, positions), run.logitLens(5, positions, { translators })]);
    expect(lens.toggledLens()).to.equal('logit');
    plain[0].forEach((ranks, p) => expect(lens.cellText(0, p)).to.equal(displayToken(ranks[0].token)));
    await lens.clickCell(1, 3);
    await lens.settled();
    expect(lens.trajectoryTitle()).to.contain('position 3');
    await lens.toggleLens('tuned');
    await lens.settled();
    tuned[0].forEach((ranks, p) => expect(lens.cellText(0, p)).to.equal(displayToken(ranks[0].token)));
    expect(lens.tooltipText()).to.contain(`layer 1 · ${displayToken(run.tokens[3])} (position 3)\n1. ${formatPercent(tuned[1][3][0].prob)} ${displayToken(tuned[1][3][0].token)}`);
    expect(lens.trajectoryTitle()).to.contain('position 3');
    expect(lens.trajectoryLenses('entropy')).to.deep.equal(['logit', 'tuned']);
    await expect(el).to.be.accessible();
  });

  it('charts the prediction trajectory run.predictionTrajectory measures, at the last position and at the one chosen', async () => {
    const { el, lens } = await liveTable({ lens: 'tuned', translators, trajectory: true });
    const run = await reference.run(text);
    const last = await run.predictionTrajectory(undefined, { translators });
    expect(lens.trajectoryMeasures()).to.deep.equal(['entropy', 'forwardKl', 'targetRank', 'targetLogProb']);
    expect(lens.trajectoryTitle()).to.contain(`position ${run.length - 1} (“ and”), following “${displayToken(last.target.token)}” (the model's own prediction)`);
    expect(lens.trajectoryLenses('forwardKl')).to.deep.equal(['logit', 'tuned']);
    expectCharted(lens, 'logit', last.logit);
    expectCharted(lens, 'tuned', last.tuned!);
    expect(lens.trajectoryTicks('targetRank')[0]).to.equal('#1');
    expect(lens.trajectorySummary('entropy')).to.contain(`logit lens from ${last.logit.entropy[0].toFixed(2)} at embed to ${last.logit.entropy[2].toFixed(2)} at layer 2 (final)`);
    expect(lens.trajectoryTable()[0]).to.deep.equal([
      'embed',
      ...[last.logit, last.tuned!].flatMap((t) => [t.entropy[0].toFixed(2), t.forwardKl[0].toFixed(2), `#${t.targetRank[0] + 1}`, t.targetLogProb[0].toFixed(2)]),
    ]);
    // The keyboard chooses the position: Ctrl+Home goes to position 0, then one step right.
    await lens.focusTable();
    await lens.press('Home', { ctrlKey: true });
    await lens.press('ArrowRight');
    await lens.settled();
    const second = await run.predictionTrajectory(1, { translators });
    expect(second.target.token).to.equal(run.tokens[2]);
    expect(lens.trajectoryTitle()).to.contain(`position 1 (“${displayToken(run.tokens[1])}”), following “${displayToken(run.tokens[2])}” (the next token of the text)`);
    expectCharted(lens, 'tuned', second.tuned!);
    // A target the lists hold is followed instead.
    const final = (await run.logitLens(100, [1]))[run.config.nLayer][0];
    el.target = final[3].token;
    await lens.settled();
    const followed = final.find((t) => matchesTarget(t.token, final[3].token))!;
    const targeted = await run.predictionTrajectory(1, { translators, target: followed.id });
    expect(lens.trajectoryTitle()).to.contain(`following “${displayToken(followed.token)}” (the target)`);
    expectCharted(lens, 'logit', targeted.logit);
    await expect(el).to.be.accessible();
  });

  it('draws only the logit lens without translators', async () => {
    const { lens } = await liveTable({ trajectory: true });
    const run = await reference.run(text);
    const last = await run.predictionTrajectory();
    expect(lens.trajectoryLenses('entropy')).to.deep.equal(['logit']);
    expectCharted(lens, 'logit', last.logit);
  });

  it('exports the table with the trajectory charts under it', async () => {
    const { el } = await liveTable({ lens: 'tuned', translators, trajectory: true });
    const doc = new DOMParser().parseFromString(el.toSVG(), 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent!);
    expect(texts[0]).to.match(/^Tuned lens/);
    expect(texts).to.include.members(['Entropy (nats)', 'Rank of the target (log scale)', 'tuned lens', 'logit lens']);
    expect(doc.querySelectorAll('g.trajectory-chart')).to.have.length(4);
    expect(doc.querySelectorAll('g.trajectory-chart circle')).to.have.length(4 * 2 * 3);
    const height = Number(doc.documentElement.getAttribute('height'));
    const lowest = Math.max(...[...doc.querySelectorAll('g.trajectory-chart')].map((g) => Number(/translate\([\d.]+ ([\d.]+)\)/.exec(g.getAttribute('transform')!)![1])));
    expect(lowest + 150).to.be.at.most(height);
    const png = await el.toPNG(1);
    expect(png.type).to.equal('image/png');
  });

  it('shows in words why translators do not fit the model, and fires error', async () => {
    const run = await reference.run(text);
    for (const file of ['bad-shape.pt', 'd32-l3.pt']) {
      const expected = (await run.logitLens(5, undefined, { translators: LENSES + file }).catch((e: XrayError) => e)) as XrayError;
      const el = await fixture<LogitLensTable>(html`<logit-lens-table model=${folder} device="wasm" text=${text} lens="tuned" translators=${LENSES + file}></logit-lens-table>`);
      const failed = oneEvent(el, 'error');
      const lens = new LogitLensTableHarness(el);
      await lens.settled();
      expect(lens.errorText(), file).to.equal(expected.message);
      expect((await failed).detail.code).to.equal(expected.code);
    }
    const el = await fixture<LogitLensTable>(html`<logit-lens-table model=${folder} device="wasm" text=${text} lens="tuned" translators=${LENSES + 'bad-shape.pt'}></logit-lens-table>`);
    const lens = new LogitLensTableHarness(el);
    await lens.settled();
    expect(lens.errorText()).to.contain('[64, 65]');
  });

  it('says which attribute to set when the model has no pretrained tuned lens', async () => {
    const { lens } = await liveTable({ lens: 'tuned' });
    expect(lens.hasTable()).to.equal(false);
    expect(lens.errorText()).to.equal(
      `lens="tuned" needs a tuned lens, and the tuned-lens project has none for the model “${folder}” (it has GPT-2, GPT-2 large and GPT-2 XL): set the translators attribute to the URL of its params.pt or safetensors file.`,
    );
  });
});
