import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../components/head-ablation.js';
import '../../components/head-grid.js';
import type { AblationData } from '../../components/head-ablation/head-ablation-data.js';
import { ModelController } from '../../src/controller.js';
import { exportErrors } from '../harness/export.js';
import { HeadAblationHarness } from '../harness/head-ablation-harness.js';
import { HeadGridHarness } from '../harness/head-grid-harness.js';
import { fixture as modelFolder } from './support.js';

// Data mode: two layers of four heads, where 0.0 and 1.0 carry the answer (ablating them drops
// P(" silver") from 0.9), 0.3 works against it, and the others change nothing.
const distribution = (...entries: [string, number][]) => entries.map(([token, prob]) => ({ token, prob }));
const data: AblationData = {
  tokens: [' river', ' piano', ' river'],
  answer: ' silver',
  clean: 0.9,
  ablated: [
    [0.1, 0.9, 0.9, 0.95],
    [0.3, 0.9, 0.9, 0.9],
  ],
  before: distribution([' silver', 0.9], [' piano', 0.05], [' river', 0.02]),
  after: {
    '0.0': distribution([' piano', 0.5], [' river', 0.2], [' silver', 0.1]),
    '0.0 1.0': distribution([' river', 0.6], [' piano', 0.3]),
  },
};

const page = async (template: ReturnType<typeof html>) => fixture<HTMLElement>(html`<div>${template}</div>`);

async function ablation(template: ReturnType<typeof html>): Promise<HeadAblationHarness> {
  const harness = new HeadAblationHarness((await page(template)).querySelector('head-ablation')!);
  await harness.settled();
  return harness;
}

// The planted model (test/fixtures/planted-gpt2.ts): on a text of one-token words repeated it
// predicts the repeat through its previous-token head L0H0 and its induction head L1H0; the other
// heads are inert.
const PLANTED = modelFolder('planted');
const HALF = [' river', ' piano', ' seven', ' orange', ' castle', ' winter', ' engine', ' silver'];
const TEXT = HALF.join('') + HALF.slice(0, -1).join('');
const ANSWER = ' silver';
const CIRCUIT = ['0.0', '1.0'];

describe('<head-ablation> in data mode', () => {
  it('colours each head on a diverging scale centred on the clean value, with a legend', async () => {
    const a = await ablation(html`<head-ablation style="--xray-scale-negative: rgb(200, 0, 0); --xray-scale-low: rgb(1, 2, 3)" .data=${data}></head-ablation>`);
    expect(a.heads()).to.deep.equal(['0.0', '0.1', '0.2', '0.3', '1.0', '1.1', '1.2', '1.3']);
    expect(a.cellColour(0, 1), 'a head that changes nothing is the neutral colour').to.equal('rgb(1, 2, 3)');
    expect(a.cellColour(0, 0), 'the largest change takes the full hue').to.equal('rgb(200, 0, 0)');
    expect(a.cellColour(1, 0)).not.to.be.oneOf(['rgb(200, 0, 0)', 'rgb(1, 2, 3)']);
    expect(a.cellColour(0, 3), 'a head whose ablation raises the metric is on the other side').not.to.equal('rgb(1, 2, 3)');
    expect(a.legendTicks()).to.deep.equal(['−0.800', 'clean 0.900', '+0.800']);
    expect(a.caption()).to.equal('P(“ silver”) with each head ablated (zero)');
  });

  it('recolours the map when the reader switches to dark mode', async () => {
    const a = await ablation(html`<head-ablation .data=${data}></head-ablation>`);
    expect(a.cellColour(0, 0)).to.equal('rgb(178, 24, 43)');
    try {
      await emulateMedia({ colorScheme: 'dark' });
      await waitUntil(() => a.cellColour(0, 1) === 'rgb(13, 17, 23)', 'the clean value did not take the dark low stop');
      expect(a.cellColour(0, 0)).to.equal('rgb(163, 113, 247)');
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('says each head’s metric and change from clean', async () => {
    const a = await ablation(html`<head-ablation .data=${data}></head-ablation>`);
    expect(a.cellLabel(0, 0)).to.equal('Layer 0, head 0: P(“ silver”) 0.100 with it ablated (−0.800)');
    expect(a.cellChange(0, 3)).to.equal(0.05);
    expect(a.cellChange(1, 2)).to.equal(0);
    await a.hoverHead(1, 0);
    expect(a.tooltip()).to.equal('L1H0 ablated P(“ silver”) 0.300 −0.600 from clean 0.900');
    await a.leave();
    expect(a.tooltip()).to.equal('');
  });

  it('selects a clicked head and shows its next-token distribution before and after', async () => {
    const a = await ablation(html`<head-ablation .data=${data}></head-ablation>`);
    expect(a.comparisonText()).to.contain('Click a head');
    const selected = oneEvent(a.element, 'head-select');
    await a.clickHead(0, 0);
    expect((await selected).detail).to.deep.equal({ layer: 0, head: 0 });
    expect(a.selectedHeads()).to.deep.equal(['0.0']);
    expect(a.element.selection.head).to.deep.equal({ layer: 0, head: 0 });
    expect(a.distribution('before')).to.deep.equal(distribution([' silver', 0.9], [' piano', 0.05], [' river', 0.02]));
    expect(a.distribution('after')).to.deep.equal(distribution([' piano', 0.5], [' river', 0.2], [' silver', 0.1]));
    expect(a.marked('before')).to.deep.equal({ answer: ' silver', wrong: undefined });
    expect(a.comparisonText()).to.contain('P(“ silver”): 0.900 → 0.100 (−0.800)');
    expect(a.comparisonText()).to.contain('“ silver”: rank 1, 0.900 → rank 3, 0.100');
    await a.clickHead(0, 1);
    expect(a.comparisonText(), 'a head the data has no distribution for').to.contain('The data has no next-token distribution with L0H1 ablated.');
  });

  it('moves over the heads with the arrow keys, selects with Enter and clears with Escape, saying so', async () => {
    const a = await ablation(html`<head-ablation .data=${data}></head-ablation>`);
    await a.press('ArrowRight');
    expect(a.announced()).to.equal('Layer 0, head 1: P(“ silver”) 0.900 with it ablated (0.000)');
    expect(a.focusedHead(), 'the focus moves with the cursor').to.equal('0.1');
    await a.press('ArrowDown');
    await a.press('End');
    expect(a.focusedHead()).to.equal('1.3');
    await a.press('Home');
    expect(a.focusedHead()).to.equal('1.0');
    await a.press('ArrowDown');
    expect(a.focusedHead(), 'the last row stops the cursor').to.equal('1.0');
    expect(a.tooltip(), 'the focused head shows its numbers').to.contain('L1H0 ablated');
    const selected = oneEvent(a.element, 'head-select');
    await a.press('Enter');
    expect((await selected).detail).to.deep.equal({ layer: 1, head: 0 });
    expect(a.announced()).to.equal('Layer 1, head 0: P(“ silver”) 0.300 with it ablated (−0.600), selected');
    await a.press('Home', { ctrlKey: true });
    expect(a.focusedHead()).to.equal('0.0');
    const cleared = oneEvent(a.element, 'head-select');
    await a.press('Escape');
    expect((await cleared).detail).to.equal(null);
    expect(a.selectedHeads()).to.deep.equal([]);
    expect(a.announced()).to.equal('No head selected');
  });

  it('compares a set of heads given by heads, in any order', async () => {
    const a = await ablation(html`<head-ablation heads="1.0 0.0" .data=${data}></head-ablation>`);
    expect(a.heads(), 'no map: the set instead of the scan').to.deep.equal([]);
    expect(a.caption()).to.equal('The next token before and after ablating L0H0 and L1H0 (zero)');
    expect(a.distribution('after')).to.deep.equal(distribution([' river', 0.6], [' piano', 0.3]));
    expect(a.comparisonText()).to.contain('“ silver”: rank 1, 0.900 → not in the top 2');
  });

  it('says in words when heads, top-k or the data do not fit, with an error event', async () => {
    const a = await ablation(html`<head-ablation heads="1.0 L2" .data=${data}></head-ablation>`);
    expect(a.message()).to.equal('heads must list heads as layer.head, such as "5.1 5.5"; "L2" is not one.');
    const failed = oneEvent(a.element, 'error');
    a.element.heads = '2.0';
    expect((await failed).detail).to.deep.equal({ code: 'out-of-range', message: 'layer 2 is out of range: this model has layers 0 to 1.' });
    await a.settled();
    expect(a.message()).to.equal('layer 2 is out of range: this model has layers 0 to 1.');
    a.element.heads = undefined;
    a.element.topK = 0;
    await a.element.updateComplete;
    expect(a.message()).to.equal('top-k must be a whole number from 1 to 50; it is "0".');
    const broken = await ablation(html`<head-ablation .data=${{ ...data, ablated: [[0.1, 0.2], [0.3]] }}></head-ablation>`);
    expect(broken.message()).to.equal('data.ablated[1] must be 2 numbers, as layer 0 has.');
    const noMap = await ablation(html`<head-ablation .data=${{ ...data, ablated: undefined }}></head-ablation>`);
    expect(noMap.message()).to.equal('data.ablated (with data.clean) is needed to draw the map; to compare distributions only, set heads.');
  });

  it('reads its data from a JSON script child, and shows the logit difference with a wrong token', async () => {
    const json = JSON.stringify({ ...data, wrong: ' piano', clean: 3.5, ablated: [[-1.25, 3.5, 3.5, 3.5]], mode: 'mean' });
    const a = await ablation(html`<head-ablation><script type="application/json">${json}</script></head-ablation>`);
    expect(a.caption()).to.equal('logit(“ silver”) − logit(“ piano”) with each head ablated (mean)');
    expect(a.cellLabel(0, 0)).to.equal('Layer 0, head 0: logit(“ silver”) − logit(“ piano”) −1.25 with it ablated (−4.75)');
    await a.clickHead(0, 0);
    expect(a.marked('after')).to.deep.equal({ answer: ' silver', wrong: ' piano' });
    expect(a.comparisonText()).to.contain('“ piano”: rank 2, 0.050 → rank 1, 0.500');
  });

  it('shows token text as text, never as markup', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const a = await ablation(html`<head-ablation .data=${{ ...data, answer: xss, before: distribution([xss, 0.9]) }}></head-ablation>`);
    await a.clickHead(0, 0);
    expect(a.element.shadowRoot!.querySelector('img')).to.equal(null);
    expect(a.marked('before').answer).to.equal(xss);
    const svg = new DOMParser().parseFromString(a.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    expect(svg.querySelector('img')).to.equal(null);
    expect(svg.documentElement.textContent).to.contain(xss);
  });

  it('exports a valid SVG with a rect per head and the comparison, and a PNG', async () => {
    const a = await ablation(html`<head-ablation style="--xray-scale-negative: rgb(200, 0, 0)" .data=${data}></head-ablation>`);
    await a.clickHead(0, 0);
    const svg = new DOMParser().parseFromString(a.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    const fills = [...svg.querySelectorAll('rect')].map((r) => r.getAttribute('fill'));
    expect(fills.filter((f) => f === a.cellColour(0, 1))).to.have.length(5, 'the five heads at the clean value');
    expect(fills).to.include('rgb(200, 0, 0)');
    const text = svg.documentElement.textContent!;
    expect(text).to.contain('P(“ silver”) with each head ablated (zero)');
    expect(text).to.contain('Ablating L0H0 (zero)');
    expect(text).to.contain('“ piano”');
    const png = await a.element.toPNG();
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('refuses to export before it has drawn', async () => {
    const a = await ablation(html`<head-ablation model=${PLANTED} device="wasm" answer=${ANSWER}></head-ablation>`);
    expect(a.message()).to.equal('There is no text to show yet: set the text attribute.');
    expect(await exportErrors(a.element)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });

  it('is accessible', async () => {
    const a = await ablation(html`<head-ablation .data=${data}></head-ablation>`);
    await a.clickHead(0, 0);
    await a.hoverHead(1, 0);
    await expect(a.element).to.be.accessible();
    const set = await ablation(html`<head-ablation heads="0.0" .data=${data}></head-ablation>`);
    await expect(set.element).to.be.accessible();
  });
});

describe('<head-ablation> on the planted model', () => {
  const controller = () => ModelController.shared({ model: PLANTED, device: 'wasm' });

  it('finds the two circuit heads, and the inert heads change nothing', async () => {
    const done = new Promise<CustomEvent>((resolve) => document.addEventListener('run-complete', (e) => resolve(e as CustomEvent), { once: true }));
    const a = await ablation(html`<head-ablation model=${PLANTED} device="wasm" text=${TEXT} answer=${ANSWER}></head-ablation>`);
    expect((await done).detail.tokens).to.deep.equal([...HALF, ...HALF.slice(0, -1)]);
    expect(a.heads()).to.have.length(8);
    for (const head of a.heads()) {
      const [layer, index] = head.split('.').map(Number);
      if (CIRCUIT.includes(head)) expect(a.cellChange(layer, index), head).to.be.below(-0.5);
      else expect(a.cellChange(layer, index), head).to.equal(0);
    }
    expect(a.cellColour(1, 3)).to.equal(a.cellColour(0, 2), 'inert heads share the neutral colour');
  });

  it('scans the logit difference against a wrong token with mean ablation', async () => {
    const a = await ablation(html`<head-ablation model=${PLANTED} device="wasm" text=${TEXT} answer=${ANSWER} wrong=" bridge" mode="mean"></head-ablation>`);
    expect(a.caption()).to.equal('logit(“ silver”) − logit(“ bridge”) with each head ablated (mean)');
    expect(a.cellChange(1, 0)).to.be.below(-1);
    expect(a.cellChange(1, 3)).to.equal(0);
    a.element.mode = 'median' as 'mean';
    await a.settled();
    expect(a.message()).to.equal('Unknown ablation mode "median": use zero or mean.');
  });

  it('shows the core’s message when the answer is not one token', async () => {
    const codes: string[] = [];
    const a = await ablation(html`<head-ablation model=${PLANTED} device="wasm" text=${TEXT} answer=" riverbank castle" @error=${(e: CustomEvent) => codes.push(e.detail.code)}></head-ablation>`);
    expect(codes).to.deep.equal(['bad-option']);
    expect(a.message()).to.match(/^The answer " riverbank castle" is 3 tokens \(" river" \+ "bank" \+ " castle"\), not one/);
  });

  it('stops a scan on Cancel, and scans again on request', async () => {
    await controller().run(TEXT); // memoised: the figure's own run is ready at once
    // Passes queued first keep the scan waiting, so Cancel comes before it starts.
    const long = Array.from({ length: 120 }, (_, i) => HALF[i % HALF.length]).join('');
    const busy = Promise.all([1, 2].map(() => controller().runBatch(Array.from({ length: 8 }, () => long)))); // some 400 ms on WASM
    const el = (await page(html`<head-ablation model=${PLANTED} device="wasm" text=${TEXT} answer=${ANSWER}></head-ablation>`)).querySelector('head-ablation')!;
    const a = new HeadAblationHarness(el);
    await waitUntil(() => a.isScanning(), 'the scan did not start', { interval: 1 });
    expect(a.message()).to.contain('Ablating each head in turn');
    await a.cancel();
    expect(a.message()).to.equal('The scan was stopped. Scan again');
    await busy;
    await aTimeout(200);
    await el.updateComplete;
    expect(a.heads(), 'no map after Cancel').to.deep.equal([]);
    expect(a.message()).to.equal('The scan was stopped. Scan again');
    await a.scanAgain();
    await a.settled();
    expect(a.cellChange(1, 0)).to.be.below(-0.5);
  });

  it('with heads="1.0", shows the answer lose its top place after ablation', async () => {
    const a = await ablation(html`<head-ablation model=${PLANTED} device="wasm" text=${TEXT} answer=${ANSWER} heads="1.0" top-k="5"></head-ablation>`);
    const [before, after] = [a.distribution('before'), a.distribution('after')];
    expect(before).to.have.length(5);
    expect(before[0].token).to.equal(ANSWER);
    expect(after[0].token).not.to.equal(ANSWER);
    expect(a.marked('before').answer).to.equal(ANSWER);
    expect(a.comparisonText()).to.match(/“ silver”: rank 1, [01]\.\d{3} → (rank ([2-9]|\d\d+), |not in the top 50)/);
  });

  it('follows and drives the head selected in a linked <head-grid>', async () => {
    const box = await page(html`
      <head-grid group="ablation-link" model=${PLANTED} device="wasm" text=${TEXT}></head-grid>
      <head-ablation group="ablation-link" model=${PLANTED} device="wasm" text=${TEXT} answer=${ANSWER} top-k="3"></head-ablation>
    `);
    const grid = new HeadGridHarness(box.querySelector('head-grid')!);
    const a = new HeadAblationHarness(box.querySelector('head-ablation')!);
    await Promise.all([grid.settled(), a.settled()]);
    await grid.clickHead(1, 0);
    await a.settled();
    expect(a.selectedHeads()).to.deep.equal(['1.0']);
    expect(a.comparisonText()).to.contain('Ablating L1H0');
    expect(a.distribution('before')[0].token).to.equal(ANSWER);
    expect(a.distribution('after')[0].token).not.to.equal(ANSWER);
    await grid.clickHead(0, 2);
    await a.settled();
    expect(a.comparisonText()).to.contain('Ablating L0H2');
    expect(a.distribution('after'), 'an inert head leaves the distribution as it was').to.deep.equal(a.distribution('before'));
    await a.clickHead(0, 0);
    await grid.element.updateComplete;
    expect(grid.selectedHeads()).to.deep.equal(['0.0']);
  });
});
