// <residual-stream> in a real browser: data mode with vectors whose norms and cosines are known by
// hand, for every view, the keyboard, linking and export; the tiny fixture model for the live path,
// where the statistics must equal a float64 computation on the reference forward pass.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/residual-stream.js';
import type { ResidualStreamData } from '../../components/residual-stream/residual-data.js';
import { residualPaths, residualStats } from '../../src/analysis/residual-stats.js';
import { ModelController } from '../../src/controller.js';
import { exportErrors } from '../harness/export.js';
import { ResidualStreamHarness } from '../harness/residual-stream-harness.js';
import { fixture as modelFolder, loadFixture } from './support.js';

// Two blocks, three tokens, d_model 2: norms 5, 10, 5 for "A"; " B" turns by 90° then 45°; " C" starts at zero.
const known: ResidualStreamData = {
  tokens: ['A', ' B', ' C'],
  residual: [
    [
      [3, 4],
      [1, 0],
      [0, 0],
    ],
    [
      [6, 8],
      [0, 2],
      [0, 1],
    ],
    [
      [-3, -4],
      [1, 1],
      [0, -3],
    ],
  ],
  attnOut: [
    [
      [0, 3],
      [4, 3],
      [0, 0],
    ],
    [
      [1, 0],
      [0, 0.5],
      [12, 5],
    ],
  ],
};

/** T tokens through L blocks in D dimensions, each token drifting its own way and growing with depth. */
function drifting(T: number, L: number, D: number): ResidualStreamData {
  let seed = 3;
  const next = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1;
  const direction = Array.from({ length: T }, () => Array.from({ length: D }, next));
  const residual = Array.from({ length: L + 1 }, (_, l) => direction.map((d) => d.map((v, i) => v * (1 + l) + Math.sin(l + i) + 0.1 * next())));
  return { tokens: Array.from({ length: T }, (_, t) => ` w${t}`), residual };
}

const TINY = modelFolder('tiny');
const TEXT = 'The cat sat on the mat because it was tired';

async function figure(template: ReturnType<typeof html>): Promise<ResidualStreamHarness> {
  const root = await fixture<HTMLElement>(html`<div>${template}</div>`);
  const harness = new ResidualStreamHarness(root.querySelector('residual-stream')!);
  await harness.settled();
  return harness;
}

describe('<residual-stream> in data mode', () => {
  it('shows each token’s norm per layer, on a log scale once the norms span ten times', async () => {
    const r = await figure(html`<residual-stream style="width: 600px" .data=${known}></residual-stream>`);
    expect(r.pressedStat()).to.equal('norm');
    expect(r.caption()).to.equal('Norm of each token’s residual stream, layer by layer');
    expect(r.layerLabels()).to.deep.equal(['0', '1', '2']);
    expect([...r.tokenLabels().values()]).to.deep.equal(['A', ' B', ' C']);
    expect(r.legend()).to.equal('‖resid‖ 1.00 3.16 10.0 log scale');
    expect(await r.hoverCell(0, 1)).to.deep.equal(['“A” (token 0)', 'layer 1', '‖resid‖ 10.0']);
    expect(await r.hoverCell(1, 2)).to.deep.equal(['“ B” (token 1)', 'layer 2 (after the last block)', '‖resid‖ 1.41']);
    expect(await r.hoverCell(2, 0)).to.deep.equal(['“ C” (token 2)', 'layer 0 (embeddings)', '‖resid‖ 0']);
    expect(r.cellColour(0, 1), 'the largest norm is the scale’s top, --xray-scale-high').to.equal('rgb(8, 48, 107)');
    expect(r.cellColour(0, 1)).to.not.equal(r.cellColour(1, 0));
    expect(r.cellColour(2, 0), 'a zero norm is the low end, as the smallest').to.equal(r.cellColour(1, 0));
    await r.leave();
    expect(r.tooltip()).to.deep.equal([]);
  });

  it('shows the cosines to the layer before and to the final layer, none where there is no direction', async () => {
    const r = await figure(html`<residual-stream stat="cosine-previous" .data=${known}></residual-stream>`);
    expect(r.legend()).to.equal('cos to the layer before −1.000 0.000 1.000 none: no layer before the embeddings, or a zero vector');
    expect((await r.hoverCell(0, 1))[2]).to.equal('cos to the layer before 1.000');
    expect((await r.hoverCell(0, 2))[2]).to.equal('cos to the layer before −1.000');
    expect((await r.hoverCell(1, 1))[2]).to.equal('cos to the layer before 0.000');
    expect((await r.hoverCell(1, 2))[2]).to.equal('cos to the layer before 0.707');
    expect((await r.hoverCell(1, 0))[2]).to.equal('cos to the layer before none: no layer before the embeddings');
    expect((await r.hoverCell(2, 1))[2]).to.equal('cos to the layer before none: a zero vector has no direction');
    expect(r.cellColour(1, 0), 'no value takes the masked colour').to.equal(r.cellColour(2, 1));
    expect(r.cellColour(0, 1)).to.not.equal(r.cellColour(0, 2));
    await r.chooseStat('cosine-final');
    expect(r.element.stat).to.equal('cosine-final');
    expect(r.element.getAttribute('stat'), 'the toggle sets the attribute too').to.equal('cosine-final');
    expect(r.announced()).to.equal('Showing cos to final');
    expect((await r.hoverCell(0, 0))[2]).to.equal('cos to the final layer −1.000');
    expect((await r.hoverCell(1, 0))[2]).to.equal('cos to the final layer 0.707');
    expect((await r.hoverCell(2, 2))[2]).to.equal('cos to the final layer 1.000');
    expect((await r.hoverCell(2, 0))[2]).to.equal('cos to the final layer none: a zero vector has no direction');
  });

  it('shows what attention wrote per block, and says the MLP writes are missing from the data', async () => {
    const r = await figure(html`<residual-stream stat="attention" .data=${known}></residual-stream>`);
    expect(r.layerLabels()).to.deep.equal(['0', '1']);
    expect(await r.hoverCell(2, 1)).to.deep.equal(['“ C” (token 2)', 'block 1', '‖attn_out‖ 13.0']);
    expect((await r.hoverCell(1, 0))[2]).to.equal('‖attn_out‖ 5.00');
    expect(r.disabledStats()).to.deep.equal(['mlp']);
    await r.chooseStat('mlp');
    expect(r.pressedStat(), 'a disabled choice does nothing').to.equal('attention');
    r.element.stat = 'mlp';
    await r.element.updateComplete;
    expect(r.message()).to.equal('The data has no mlpOut, so there is nothing to show of what the MLP wrote: add mlpOut ([layers][tokens][d_model]) to the data.');
  });

  it('draws each token as a path through the layers on the first two principal components', async () => {
    const r = await figure(html`<residual-stream style="width: 600px" stat="paths" .data=${known}></residual-stream>`);
    const points = r.points();
    expect(points.map((p) => p.index)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const flat = Float32Array.from(known.residual.flat(2));
    const { coordinates, explained } = residualPaths(flat, 3, 3, 2);
    // The chart's pixels are a linear map of the coordinates: differences keep their ratios (y flipped).
    const coordinate = (index: number) => {
      const [t, l] = [Math.floor(index / 3), index % 3];
      return [coordinates[2 * (l * 3 + t)], coordinates[2 * (l * 3 + t) + 1]];
    };
    const [p0, c0] = [points[0], coordinate(0)];
    const xs = points.filter((p) => Math.abs(coordinate(p.index)[0] - c0[0]) > 0.5);
    const scaleX = (xs[0].x - p0.x) / (coordinate(xs[0].index)[0] - c0[0]);
    const ys = points.filter((p) => Math.abs(coordinate(p.index)[1] - c0[1]) > 0.5);
    const scaleY = (ys[0].y - p0.y) / (coordinate(ys[0].index)[1] - c0[1]);
    for (const p of points) {
      expect(p.x - p0.x, `point ${p.index}`).to.be.closeTo(scaleX * (coordinate(p.index)[0] - c0[0]), 0.01);
      expect(p.y - p0.y, `point ${p.index}`).to.be.closeTo(scaleY * (coordinate(p.index)[1] - c0[1]), 0.01);
    }
    expect(scaleY, 'y grows upwards').to.be.below(0);
    expect(r.axisLabels()).to.deep.equal([`PC1 (${(explained[0] * 100).toFixed(1)}% of the variance)`, `PC2 (${(explained[1] * 100).toFixed(1)}% of the variance)`]);
    expect(explained[0] + explained[1], 'two dimensions: all the variance').to.be.closeTo(1, 1e-5);
    expect(r.legend()).to.equal('layer 0 layer 2');
    expect(await r.hoverPoint(4)).to.deep.equal(['“ B” (token 1)', 'layer 1 of 2', `PC1 ${fmt(coordinate(4)[0])}, PC2 ${fmt(coordinate(4)[1])}`]);
    expect(r.pathLabels().get(1)).to.equal(' B');
  });

  it('labels each token at its last layer, and leaves out labels that would cover another', async () => {
    const crowd = drifting(100, 12, 32);
    const r = await figure(html`<residual-stream style="width: 700px" stat="paths" .data=${crowd}></residual-stream>`);
    expect(r.points()).to.have.length(100 * 13);
    const labels = r.pathLabels();
    expect(labels.size).to.be.within(5, 99);
    expect(labels.get(0)).to.equal(' w0');
    await r.hoverPoint(57 * 13 + 12);
    expect(r.pathLabels().get(57), 'the hovered token is always labelled').to.equal(' w57');
  });

  it('moves over the cells with the keyboard, along the layers and between tokens', async () => {
    const r = await figure(html`<residual-stream .data=${known}></residual-stream>`);
    await r.focus();
    expect(r.focused()?.spoken).to.equal('“A” (token 0), layer 0 (embeddings), ‖resid‖ 5.00');
    await r.press('ArrowRight');
    expect(r.focused()?.spoken).to.equal('“A” (token 0), layer 1, ‖resid‖ 10.0');
    expect(r.announced()).to.equal('“A” (token 0), layer 1, ‖resid‖ 10.0');
    await r.press('ArrowDown');
    expect(r.focused()?.spoken).to.equal('“ B” (token 1), layer 1, ‖resid‖ 2.00');
    await r.press('End');
    expect(r.focused()?.spoken).to.equal('“ B” (token 1), layer 2 (after the last block), ‖resid‖ 1.41');
    await r.press('PageDown');
    expect(r.focused()?.spoken).to.equal('“ C” (token 2), layer 2 (after the last block), ‖resid‖ 3.00');
    await r.press('Enter');
    expect(r.tooltip()[0], 'Enter pins the tooltip').to.equal('“ C” (token 2)');
    await r.press('Escape');
    expect(r.tooltip()).to.deep.equal([]);
  });

  it('moves over the points with a roving tab stop, Left and Right along a token’s path', async () => {
    const r = await figure(html`<residual-stream stat="paths" .data=${known}></residual-stream>`);
    await r.focus();
    expect(r.focused()?.index).to.equal(0);
    expect(r.focused()?.spoken).to.match(/^“A” \(token 0\), layer 0 \(embeddings\) of 2, PC1 −?\d\.\d{3}, PC2 −?\d\.\d{3}$/);
    await r.press('ArrowRight');
    expect(r.focused()?.index).to.equal(1);
    await r.press('ArrowDown');
    expect(r.focused()?.index, 'the next token, same layer').to.equal(4);
    expect(r.announced()).to.match(/^“ B” \(token 1\), layer 1 of 2, /);
    await r.press('End');
    expect(r.focused()?.index).to.equal(5);
    expect(r.element.shadowRoot!.querySelectorAll('[part=point][tabindex="0"]')).to.have.length(1);
    await r.press('Enter');
    expect(r.element.shadowRoot!.querySelector('[part=point][aria-pressed=true]')?.getAttribute('data-index')).to.equal('5');
    await r.chooseStat('norm');
    await r.focus();
    expect(r.focused()?.spoken, 'the heatmap keeps the keyboard’s cell').to.equal('“ B” (token 1), layer 2 (after the last block), ‖resid‖ 1.41');
  });

  it('tells linked figures the hovered token, and lights up a linked figure’s token', async () => {
    const root = await fixture<HTMLElement>(html`<div>
      <residual-stream group="residual-test" .data=${known}></residual-stream>
      <residual-stream group="residual-test" stat="paths" .data=${known}></residual-stream>
    </div>`);
    const [a, b] = [...root.querySelectorAll('residual-stream')].map((e) => new ResidualStreamHarness(e));
    await Promise.all([a.settled(), b.settled()]);
    const hovered = oneEvent(a.element, 'token-hover');
    await a.hoverCell(1, 2);
    expect((await hovered).detail).to.deep.equal({ position: 1, token: ' B' });
    await b.element.updateComplete;
    expect(b.linkedToken()).to.equal(1);
    expect(b.pathLabels().get(1)).to.equal(' B');
    await b.hoverPoint(2 * 3 + 1);
    await a.element.updateComplete;
    expect(a.linkedToken()).to.equal(2);
    const left = oneEvent(b.element, 'token-hover');
    await b.leave();
    expect((await left).detail).to.deep.equal({ position: null, token: null });
    await a.element.updateComplete;
    expect(a.linkedToken()).to.equal(undefined);
  });

  it('reads its data from a JSON script child, and says in words where data does not fit', async () => {
    const r = await figure(html`<residual-stream><script type="application/json">${JSON.stringify(known)}</script></residual-stream>`);
    expect(r.layerLabels()).to.have.length(3);
    const failed = fixture<HTMLElement>(html`<div><residual-stream .data=${{ ...known, residual: known.residual.slice(0, 1) }}></residual-stream></div>`);
    const f = new ResidualStreamHarness((await failed).querySelector('residual-stream')!);
    await f.settled();
    expect(f.message()).to.equal('data.residual must be [layers + 1][tokens][d_model]: the embeddings, then every block’s output (at least two layers).');
    const error = oneEvent(f.element, 'error');
    f.element.data = { ...known, residual: [known.residual[0], known.residual[1].slice(1), known.residual[2]] };
    expect((await error).detail).to.deep.equal({ code: 'bad-option', message: 'data.residual[1] must have one row per token, 3, not 2.' });
    await f.settled();
    f.element.data = { ...known, residual: [known.residual[0], known.residual[1], [[1, 2], [3], [4, 5]]] };
    await f.settled();
    expect(f.message()).to.equal('data.residual[2][1] must have 2 numbers (d_model, as data.residual[0][0]), not 1.');
    f.element.data = {
      ...known,
      attnOut: [
        known.attnOut![0],
        [
          [1, 2],
          [3, Number.NaN],
          [4, 5],
        ],
      ],
    };
    await f.settled();
    expect(f.message()).to.equal('data.attnOut[1][1][1] is not a finite number.');
    f.element.data = { ...known, mlpOut: known.attnOut!.slice(1) };
    await f.settled();
    expect(f.message()).to.equal('data.mlpOut must have 2 layers (one per block), not 1.');
    f.element.data = { ...known, tokens: [] };
    await f.settled();
    expect(f.message()).to.equal('data.tokens must be a non-empty list of token texts, e.g. ["The", " cat"].');
  });

  it('rejects an unknown stat with the valid ones, with an error event', async () => {
    const r = await figure(html`<residual-stream .data=${known}></residual-stream>`);
    const failed = oneEvent(r.element, 'error');
    r.element.stat = 'variance' as 'norm';
    await r.element.updateComplete;
    const message = 'stat="variance" is not valid: use one of norm, cosine-previous, cosine-final, attention, mlp, paths.';
    expect((await failed).detail).to.deep.equal({ code: 'bad-option', message });
    expect(r.message()).to.equal(message);
    r.element.stat = 'norm';
    await r.element.updateComplete;
    expect(r.layerLabels()).to.have.length(3);
  });

  it('shows token text as text, never as markup, on screen and in the SVG', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const r = await figure(html`<residual-stream .data=${{ ...known, tokens: [xss, ' b', ' c'] }}></residual-stream>`);
    expect(r.element.shadowRoot!.querySelector('img')).to.equal(null);
    expect(r.tokenLabels().get(0)).to.equal(xss);
    for (const stat of ['norm', 'paths']) {
      await r.chooseStat(stat);
      expect((await (stat === 'paths' ? r.hoverPoint(0) : r.hoverCell(0, 0)))[0]).to.equal(`“${xss}” (token 0)`);
      const svg = new DOMParser().parseFromString(r.element.toSVG(), 'image/svg+xml');
      expect(svg.querySelector('parsererror'), stat).to.equal(null);
      expect(svg.querySelector('img'), stat).to.equal(null);
      expect(svg.documentElement.textContent, stat).to.contain(xss);
    }
  });

  it('exports the heatmap and the paths as SVG, and a PNG', async () => {
    const r = await figure(html`<residual-stream .data=${known}></residual-stream>`);
    let svg = new DOMParser().parseFromString(r.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    const texts = () => [...svg.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts()).to.include.members(['Norm of each token’s residual stream, layer by layer', 'A', ' B', ' C', '0', '1', '2', 'log scale', '10.0']);
    // 9 cells, the ramp's 11 swatches and the page's background.
    const rects = [...svg.querySelectorAll('rect')];
    expect(rects).to.have.length(9 + 11 + 1);
    expect(rects.map((rect) => rect.getAttribute('fill'))).to.include(r.cellColour(0, 1));
    await r.chooseStat('paths');
    svg = new DOMParser().parseFromString(r.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    expect(svg.querySelectorAll('.points circle')).to.have.length(9);
    expect(svg.querySelectorAll('polyline')).to.have.length(3);
    expect(svg.querySelector('[tabindex], [role]'), 'no focus targets in the file').to.equal(null);
    expect(texts()).to.include.members([r.caption(), ...r.axisLabels(), 'A']);
    const png = await r.element.toPNG();
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('is accessible, as a heatmap with a pinned cell and as paths with a pinned point', async () => {
    const r = await figure(html`<residual-stream .data=${known}></residual-stream>`);
    await r.focus();
    await r.press('Enter');
    await expect(r.element).to.be.accessible();
    await r.chooseStat('paths');
    await r.focus();
    await r.press('Enter');
    await expect(r.element).to.be.accessible();
  });

  it('follows the theme’s colours', async () => {
    const r = await figure(html`<residual-stream style="--xray-scale-high: rgb(1, 2, 3); --xray-masked: rgb(4, 5, 6)" stat="cosine-previous" .data=${known}></residual-stream>`);
    expect(r.cellColour(0, 1), 'a cosine of 1').to.equal('rgb(1, 2, 3)');
    expect(r.cellColour(0, 0), 'no value').to.equal('rgb(4, 5, 6)');
    await r.chooseStat('paths');
    const last = r.element.shadowRoot!.querySelector('[part=point][data-index="2"]')!;
    expect(last.getAttribute('fill'), 'the last layer’s points').to.equal('rgb(1, 2, 3)');
  });

  it('draws and answers hover and keys at 100 tokens and 12 layers, in both views', async () => {
    const crowd = drifting(100, 12, 64);
    const r = await figure(html`<residual-stream style="width: 700px" .data=${crowd}></residual-stream>`);
    await r.hoverCell(40, 6);
    expect(r.tooltip()[0]).to.equal('“ w40” (token 40)');
    await r.chooseStat('paths');
    expect(r.points()).to.have.length(1300);
    await r.hoverPoint(40 * 13 + 6);
    expect(r.tooltip()[0]).to.equal('“ w40” (token 40)');
    await r.focus();
    await r.press('ArrowRight');
    expect(r.focused()?.index).to.equal(1);
  });
});

describe('<residual-stream> on the tiny model', () => {
  const controller = () => ModelController.shared({ model: TINY, device: 'wasm' });

  it('says what is missing without a text, and refuses to export before it has drawn', async () => {
    const r = await figure(html`<residual-stream model=${TINY} device="wasm"></residual-stream>`);
    expect(r.message()).to.equal('There is no text to show yet: set the text attribute.');
    expect(await exportErrors(r.element)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });

  it('computes the statistics of a real run as a float64 pass over the reference model does, and shows them', async () => {
    const model = await loadFixture('tiny');
    const run = await controller().run(TEXT);
    const { nLayer: L, dModel: D } = run.config;
    const T = run.length;
    const [residual, attnOut, mlpOut] = await Promise.all((['blocks.*.hook_resid_pre', 'blocks.*.hook_attn_out', 'blocks.*.hook_mlp_out'] as const).map((n) => run.hook(n)));
    const stats = residualStats(residual.data, L, T, D, { attnOut: attnOut.data, mlpOut: mlpOut.data });
    const ref = model.reference(run.ids);
    const vector = (layers: Float64Array[], l: number, t: number) => Array.from(layers[l].subarray(t * D, (t + 1) * D));
    const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b));
    const close = (actual: number, expected: number, what: string) => expect(actual, what).to.be.closeTo(expected, 1e-3 * Math.max(1, Math.abs(expected)));
    for (let l = 0; l <= L; l++) {
      for (let t = 0; t < T; t++) {
        const here = vector(ref.residPre, l, t);
        close(stats.norm[l * T + t], norm(here), `norm ${l} ${t}`);
        close(stats.cosineFinal[l * T + t], cos(here, vector(ref.residPre, L, t)), `cosineFinal ${l} ${t}`);
        if (l > 0) close(stats.cosinePrevious[l * T + t], cos(here, vector(ref.residPre, l - 1, t)), `cosinePrevious ${l} ${t}`);
        if (l < L) close(stats.attentionNorm![l * T + t], norm(vector(ref.attnOut, l, t)), `attentionNorm ${l} ${t}`);
        if (l < L) close(stats.mlpNorm![l * T + t], norm(vector(ref.mlpOut, l, t)), `mlpNorm ${l} ${t}`);
      }
    }
    const r = await figure(html`<residual-stream model=${TINY} device="wasm" text=${TEXT}></residual-stream>`);
    const shown = async (t: number, c: number) => Number((await r.hoverCell(t, c))[2].split(' ').pop()!.replace('−', '-'));
    expect(await shown(3, L)).to.be.closeTo(norm(vector(ref.residPre, L, 3)), 0.01 * norm(vector(ref.residPre, L, 3)));
    await r.chooseStat('cosine-previous');
    expect(await shown(T - 1, 1)).to.be.closeTo(cos(vector(ref.residPre, 1, T - 1), vector(ref.residPre, 0, T - 1)), 6e-4);
    await r.chooseStat('mlp');
    expect(await shown(1, L - 1)).to.be.closeTo(norm(vector(ref.mlpOut, L - 1, 1)), 0.01 * norm(vector(ref.mlpOut, L - 1, 1)));
    expect([...r.tokenLabels().values()].join('')).to.equal(run.tokens.join(''));
    await r.chooseStat('paths');
    expect(r.points()).to.have.length(T * (L + 1));
  });

  it('follows its text', async () => {
    const r = await figure(html`<residual-stream model=${TINY} device="wasm" text="One two"></residual-stream>`);
    const done = oneEvent(r.element, 'run-complete');
    r.element.text = TEXT;
    expect((await done).detail.tokens).to.deep.equal((await controller().run(TEXT)).tokens);
    await r.settled();
    expect(r.tokenLabels().size).to.equal((await controller().run(TEXT)).length);
  });
});

/** As the figure writes a coordinate: three decimals, minus as U+2212. */
function fmt(value: number): string {
  return `${value < 0 ? '−' : ''}${Math.abs(value).toFixed(3)}`;
}
