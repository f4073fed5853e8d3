// <logit-attribution> in a real browser: data mode with known values for the bars, the order, the
// sum check, keyboard, linking and export; the planted model (whose answer logit is the induction
// head L1H0's, by construction) for the run path.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/head-grid.js';
import '../../components/logit-attribution.js';
import type { LogitAttributionData } from '../../components/logit-attribution/attribution-data.js';
import { ModelController } from '../../src/controller.js';
import type { AttentionData } from '../../src/data.js';
import { exportErrors } from '../harness/export.js';
import { HeadGridHarness } from '../harness/head-grid-harness.js';
import { LogitAttributionHarness } from '../harness/logit-attribution-harness.js';
import { fixture as modelFolder } from './support.js';

// A 2-layer, 2-head model's attribution by head, in values that add up exactly (powers of two) to 2.
const LABELS = ['embed', 'pos_embed', 'L0H0', 'L0H1', '0_attn_bias', '0_mlp_out', 'L1H0', 'L1H1', '1_attn_bias', '1_mlp_out', 'ln_final_bias'];
const VALUES = [0.5, -0.25, 0.125, -1, 0, 0.75, 2, -0.5, 0.0625, 0.25, 0.0625];
const byHead: LogitAttributionData = { labels: LABELS, values: VALUES, total: 2, tokens: ['When', ' Mary', ' and', ' John', ' went', ' to'], answer: ' Mary', wrong: ' John' };

/** A GPT-2-small-sized attribution by head: 12 layers × 12 heads plus bias and MLP rows, 171 rows in all. */
function gpt2SmallByHead(): LogitAttributionData {
  const labels = ['embed', 'pos_embed'];
  for (let l = 0; l < 12; l++) labels.push(...Array.from({ length: 12 }, (_, h) => `L${l}H${h}`), `${l}_attn_bias`, `${l}_mlp_out`);
  labels.push('ln_final_bias');
  const values = labels.map((_, i) => Math.sin(i * 1.7) / (1 + (i % 7)));
  return { labels, values, total: values.reduce((a, b) => a + b, 0) };
}

const HALF = [' river', ' piano', ' seven', ' orange', ' castle', ' winter', ' engine', ' silver'];
/** The first half, then the second up to its last word: the planted model's induction head predicts ' silver'. */
const TEXT = HALF.join('') + HALF.slice(0, -1).join('');
const PLANTED = modelFolder('planted');

async function figure(template: ReturnType<typeof html>): Promise<LogitAttributionHarness> {
  const root = await fixture<HTMLElement>(html`<div>${template}</div>`);
  const harness = new LogitAttributionHarness(root.querySelector('logit-attribution')!);
  await harness.settled();
  return harness;
}

describe('<logit-attribution> in data mode', () => {
  it('draws one bar per component in model order, the total, and the check that they add up', async () => {
    const a = await figure(html`<logit-attribution .data=${byHead}></logit-attribution>`);
    expect(a.rows()).to.deep.equal(LABELS.map((label, i) => ({ label, value: +VALUES[i].toFixed(3) })));
    expect(a.total()).to.equal(2);
    expect(a.checkText()).to.equal('Σ bars = 2.000 = logit difference 2.000 (exactly)');
    expect(a.checkAgrees()).to.equal(true);
    expect(a.title()).to.equal('Direct logit attribution of logit[“ Mary”] − logit[“ John”] at position 5, after “ to”');
    expect(a.legend()).to.equal('raises logit[“ Mary”] − logit[“ John”] lowers it');
  });

  it('draws positive bars right of zero and negative ones left, in lengths proportional to the values', async () => {
    const a = await figure(html`<logit-attribution style="width: 600px" .data=${byHead}></logit-attribution>`);
    const [up, down, big] = [a.bar('embed'), a.bar('L0H1'), a.bar('L1H0')];
    expect(up.left, 'a positive bar starts at zero').to.be.closeTo(down.right, 1e-3);
    expect(up.right).to.be.above(up.left);
    expect(down.left).to.be.below(down.right);
    expect((big.right - big.left) / (up.right - up.left), '2 is four times 0.5').to.be.closeTo(4, 0.02);
    expect((down.right - down.left) / (up.right - up.left), '|−1| is twice 0.5').to.be.closeTo(2, 0.02);
    expect(a.bar('total').right - a.bar('total').left).to.be.closeTo(big.right - big.left, 1e-3);
    expect(a.barColour('embed')).to.not.equal(a.barColour('L0H1'));
    const themed = await figure(html`<logit-attribution style="--xray-scale-high: rgb(1, 2, 3); --xray-scale-negative: rgb(4, 5, 6)" .data=${byHead}></logit-attribution>`);
    expect([themed.barColour('embed'), themed.barColour('L0H1')]).to.deep.equal(['rgb(1, 2, 3)', 'rgb(4, 5, 6)']);
  });

  it('sorts by the size of the effect, whatever its sign, from the attribute or the toggle', async () => {
    const sorted = ['L1H0', 'L0H1', '0_mlp_out', 'embed', 'L1H1', 'pos_embed', '1_mlp_out', 'L0H0', '1_attn_bias', 'ln_final_bias', '0_attn_bias'];
    const a = await figure(html`<logit-attribution order="sorted" .data=${byHead}></logit-attribution>`);
    expect(a.labels()).to.deep.equal(sorted);
    expect(a.pressedOrder()).to.equal('sorted');
    await a.chooseOrder('model');
    expect(a.labels()).to.deep.equal(LABELS);
    expect(a.element.order).to.equal('model');
    expect(a.element.getAttribute('order'), 'the toggle sets the attribute too').to.equal('model');
    await a.chooseOrder('sorted');
    expect(a.labels()).to.deep.equal(sorted);
    expect(a.checkText(), 'the order changes nothing in the sum').to.equal('Σ bars = 2.000 = logit difference 2.000 (exactly)');
  });

  it('shows the float rounding between the sum and the total, and says so when the bars do not add up', async () => {
    const rounding = await figure(html`<logit-attribution .data=${{ labels: ['embed', 'L0H0'], values: [0.1, 0.2], total: 0.3, answer: ' a' }}></logit-attribution>`);
    expect(rounding.checkText()).to.equal('Σ bars = 0.300 = logit[“ a”] 0.300 (they differ by 5.6e-17, float rounding)');
    expect(rounding.checkAgrees()).to.equal(true);
    // An export without the ln_final_bias row misses that part of the logit difference.
    const missing = { ...byHead, labels: LABELS.slice(0, -1), values: VALUES.slice(0, -1) };
    const a = await figure(html`<logit-attribution .data=${missing}></logit-attribution>`);
    expect(a.checkText()).to.equal('Σ bars = 1.938 ≠ logit difference 2.000: the bars leave out +0.063.');
    expect(a.checkAgrees()).to.equal(false);
  });

  it('selects the head of a clicked head row (head-select), and nothing for the other rows', async () => {
    const a = await figure(html`<logit-attribution .data=${byHead}></logit-attribution>`);
    const events: unknown[] = [];
    a.element.addEventListener('head-select', (e) => events.push(e.detail));
    await a.clickRow('embed');
    expect(events).to.deep.equal([]);
    const selected = oneEvent(a.element, 'head-select');
    await a.clickRow('L1H0');
    expect((await selected).detail).to.deep.equal({ layer: 1, head: 0 });
    expect(a.selectedRows()).to.deep.equal(['L1H0']);
    expect(a.element.selection.head).to.deep.equal({ layer: 1, head: 0 });
    expect(a.announced()).to.equal('L1H0, layer 1, head 0, selected');
  });

  it('moves over the rows with the keyboard, selects a head with Enter and clears with Escape', async () => {
    const a = await figure(html`<logit-attribution .data=${byHead}></logit-attribution>`);
    await a.focus();
    expect(a.focusedRow()).to.deep.equal({ label: 'embed', spoken: 'embed, token embedding: +0.500' });
    await a.press('ArrowDown');
    expect(a.focusedRow()?.spoken).to.equal('pos_embed, position embedding: −0.250');
    await a.press('End');
    expect(a.focusedRow()?.label).to.equal('ln_final_bias');
    await a.press('ArrowDown');
    expect(a.focusedRow()?.label, 'the last row stops the cursor').to.equal('ln_final_bias');
    await a.press('Home');
    await a.press('PageDown');
    expect(a.focusedRow()?.spoken).to.equal('ln_final_bias, final layer norm bias: +0.063');
    await a.press('PageUp');
    expect(a.focusedRow()?.label).to.equal('embed');
    const events: unknown[] = [];
    a.element.addEventListener('head-select', (e) => events.push(e.detail));
    await a.press('Enter');
    expect(events, 'embed is no head').to.deep.equal([]);
    for (let i = 0; i < 6; i++) await a.press('ArrowDown');
    expect(a.focusedRow()?.spoken).to.equal('L1H0, layer 1, head 0: +2.000');
    await a.press('Enter');
    await a.press('Escape');
    expect(events).to.deep.equal([{ layer: 1, head: 0 }, null]);
    expect(a.selectedRows()).to.deep.equal([]);
    expect(a.announced()).to.equal('No head selected');
  });

  it('keeps the keyboard on the same component when the order changes', async () => {
    const a = await figure(html`<logit-attribution .data=${byHead}></logit-attribution>`);
    await a.focus();
    await a.press('ArrowDown');
    await a.press('ArrowDown');
    await a.press('ArrowDown');
    expect(a.focusedRow()?.label).to.equal('L0H1');
    await a.chooseOrder('sorted');
    await a.focus();
    expect(a.focusedRow()?.label).to.equal('L0H1');
    await a.press('ArrowUp');
    expect(a.focusedRow()?.label, 'L1H0 is above L0H1 in sorted order').to.equal('L1H0');
  });

  it('scrolls 171 rows (GPT-2 small by head) under an axis and a total that stay in view', async () => {
    const a = await figure(html`<logit-attribution .data=${gpt2SmallByHead()}></logit-attribution>`);
    expect(a.rows()).to.have.length(171);
    expect(a.rowVisible('embed')).to.equal(true);
    expect(a.rowVisible('ln_final_bias')).to.equal(false);
    await a.focus();
    await a.press('End');
    expect(a.rowVisible('ln_final_bias'), 'the focused row is scrolled into view').to.equal(true);
    expect(a.rowVisible('embed')).to.equal(false);
    const viewport = a.element.shadowRoot!.querySelector('[part=viewport]')!.getBoundingClientRect();
    const total = a.element.shadowRoot!.querySelector('[part=total]')!.getBoundingClientRect();
    expect(viewport.height, 'the rows scroll inside a box').to.be.below(700);
    expect(total.bottom).to.be.at.most(viewport.bottom + 1);
    expect(a.checkAgrees()).to.equal(true);
  });

  it('marks the head selected in a linked figure', async () => {
    const attention: AttentionData = {
      tokens: ['A', ' B'],
      attention: [0, 1].map(() =>
        [0, 1].map(() => [
          [1, 0],
          [0.5, 0.5],
        ]),
      ),
    };
    const root = await fixture<HTMLElement>(html`<div>
      <head-grid group="attribution-test" .data=${attention}></head-grid>
      <logit-attribution group="attribution-test" .data=${byHead}></logit-attribution>
    </div>`);
    const grid = new HeadGridHarness(root.querySelector('head-grid')!);
    const a = new LogitAttributionHarness(root.querySelector('logit-attribution')!);
    await Promise.all([grid.settled(), a.settled()]);
    await grid.clickHead(0, 1);
    await a.element.updateComplete;
    expect(a.selectedRows()).to.deep.equal(['L0H1']);
    await a.clickRow('L1H0');
    await grid.element.updateComplete;
    expect(grid.selectedHeads()).to.deep.equal(['1.0']);
  });

  it('reads its data from a JSON script child, and says in words where data does not fit', async () => {
    const a = await figure(html`<logit-attribution><script type="application/json">${JSON.stringify(byHead)}</script></logit-attribution>`);
    expect(a.labels()).to.deep.equal(LABELS);
    const failed = fixture<HTMLElement>(html`<div><logit-attribution .data=${{ ...byHead, values: VALUES.slice(1) }}></logit-attribution></div>`);
    const b = new LogitAttributionHarness((await failed).querySelector('logit-attribution')!);
    await b.settled();
    expect(b.message()).to.equal('data.values must have one number per label: it has 10 values for 11 labels.');
    b.element.data = { ...byHead, total: Number.NaN };
    await b.settled();
    expect(b.message()).to.equal('data.total must be a finite number: the logit difference the values add up to.');
    b.element.data = { ...byHead, values: [...VALUES.slice(0, -1), 'x' as unknown as number] };
    await b.settled();
    expect(b.message()).to.equal('data.values[10] (ln_final_bias) is not a finite number.');
  });

  it('rejects an unknown order with the valid ones, with an error event', async () => {
    const a = await figure(html`<logit-attribution .data=${byHead}></logit-attribution>`);
    const failed = oneEvent(a.element, 'error');
    a.element.order = 'biggest' as 'sorted';
    await a.element.updateComplete;
    expect((await failed).detail).to.deep.equal({ code: 'bad-option', message: 'order="biggest" is not valid: use one of model, sorted.' });
    expect(a.message()).to.equal('order="biggest" is not valid: use one of model, sorted.');
    a.element.order = 'sorted';
    await a.element.updateComplete;
    expect(a.headLabels()[0]).to.equal('L1H0');
  });

  it('shows token text and labels as text, never as markup, on screen and in the SVG', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const a = await figure(html`<logit-attribution .data=${{ labels: [xss, 'L0H0'], values: [1, 2], total: 3, answer: xss, tokens: [xss], position: 0 }}></logit-attribution>`);
    expect(a.element.shadowRoot!.querySelector('img')).to.equal(null);
    expect(a.labels()).to.deep.equal([xss, 'L0H0']);
    expect(a.title()).to.contain(`logit[“${xss}”]`);
    const svg = new DOMParser().parseFromString(a.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    expect(svg.querySelector('img')).to.equal(null);
    expect(svg.documentElement.textContent).to.contain(xss);
  });

  it('exports every row, the total and the check as SVG, and a PNG', async () => {
    const a = await figure(html`<logit-attribution .data=${byHead}></logit-attribution>`);
    const svg = new DOMParser().parseFromString(a.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts).to.include.members([...LABELS, 'total', '+2.000', '−1.000', 'Σ bars = 2.000 = logit difference 2.000 (exactly)']);
    const fills = (colour: string) => [...svg.querySelectorAll('rect')].filter((r) => r.getAttribute('fill') === colour).length;
    // One bar per row and one legend swatch, in each colour.
    expect(fills(a.barColour('embed'))).to.equal(VALUES.filter((v) => v >= 0).length + 1);
    expect(fills(a.barColour('L0H1'))).to.equal(VALUES.filter((v) => v < 0).length + 1);
    const png = await a.element.toPNG();
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('is accessible, by layer and with 171 head rows', async () => {
    const a = await figure(html`<logit-attribution .data=${byHead}></logit-attribution>`);
    await a.clickRow('L1H0');
    await expect(a.element).to.be.accessible();
    const many = await figure(html`<logit-attribution order="sorted" .data=${gpt2SmallByHead()}></logit-attribution>`);
    await expect(many.element).to.be.accessible();
  });
});

describe('<logit-attribution> on the planted model', () => {
  const controller = () => ModelController.shared({ model: PLANTED, device: 'wasm' });

  it('says what is missing without an answer or a text', async () => {
    const noAnswer = await figure(html`<logit-attribution model=${PLANTED} device="wasm" text=${TEXT}></logit-attribution>`);
    expect(noAnswer.message()).to.equal('There is nothing to attribute yet: set answer to the token whose logit to explain (e.g. answer=" Paris").');
    const noText = await figure(html`<logit-attribution model=${PLANTED} device="wasm" answer=" silver"></logit-attribution>`);
    expect(noText.message()).to.equal('There is no text to show yet: set the text attribute.');
  });

  it('puts the induction head L1H0 first among the heads, and the bars add up to the logit', async () => {
    const a = await figure(html`<logit-attribution model=${PLANTED} device="wasm" text=${TEXT} answer=" silver" by="head" order="sorted"></logit-attribution>`);
    expect(a.headLabels()[0]).to.equal('L1H0');
    const run = await controller().run(TEXT);
    const { labels, values, total } = await run.logitAttribution({ answer: ' silver', by: 'head' });
    expect(a.rows().find((r) => r.label === 'L1H0')!.value).to.be.above(0.5 * total);
    expect(a.total()).to.equal(+total.toFixed(3));
    const byLabel = new Map(labels.map((label, i) => [label, +values[i].toFixed(3)]));
    for (const row of a.rows()) expect(row.value, row.label).to.equal(byLabel.get(row.label));
    const sum = values.reduce((x, y) => x + y, 0);
    expect(a.checkText()).to.match(new RegExp(`^Σ bars = ${sum.toFixed(3)} = logit\\[“ silver”\\] ${total.toFixed(3)} \\((exactly|they differ by \\d\\.\\de-\\d+, float rounding)\\)$`));
    expect(a.checkAgrees()).to.equal(true);
    expect(a.title()).to.equal(`Direct logit attribution of logit[“ silver”] at position ${run.tokens.length - 1}, after “ engine”`);
  });

  it('shows decompose_resid rows by layer, in model order', async () => {
    const a = await figure(html`<logit-attribution model=${PLANTED} device="wasm" text=${TEXT} answer=" silver" wrong=" bridge"></logit-attribution>`);
    const run = await controller().run(TEXT);
    const { labels, total } = await run.logitAttribution({ answer: ' silver', wrong: ' bridge', by: 'layer' });
    expect(a.labels()).to.deep.equal(labels);
    expect(a.labels()).to.deep.equal(['embed', 'pos_embed', '0_attn_out', '0_mlp_out', '1_attn_out', '1_mlp_out', 'ln_final_bias']);
    expect(a.total()).to.equal(+total.toFixed(3));
    expect(a.checkText()).to.contain(`= logit difference ${total.toFixed(3)}`);
    expect(a.title()).to.contain('logit[“ silver”] − logit[“ bridge”]');
  });

  it('selects L1H0 for linked figures when its row is clicked', async () => {
    const a = await figure(html`<logit-attribution model=${PLANTED} device="wasm" text=${TEXT} answer=" silver" by="head"></logit-attribution>`);
    const selected = oneEvent(a.element, 'head-select');
    await a.clickRow('L1H0');
    expect((await selected).detail).to.deep.equal({ layer: 1, head: 0 });
    expect(a.selectedRows()).to.deep.equal(['L1H0']);
  });

  it('explains the prediction at another position, and follows by and position as they change', async () => {
    const position = HALF.length + 4; // after the second " castle", the repeat predicts " winter"
    const a = await figure(html`<logit-attribution model=${PLANTED} device="wasm" text=${TEXT} answer=" winter" wrong=" river" position=${position} order="sorted"></logit-attribution>`);
    expect(a.labels()[0]).to.equal('1_attn_out');
    expect(a.title()).to.equal(`Direct logit attribution of logit[“ winter”] − logit[“ river”] at position ${position}, after “ castle”`);
    a.element.by = 'head';
    await a.settled();
    expect(a.labels()[0]).to.equal('L1H0');
    a.element.position = 99;
    await a.settled();
    expect(a.message()).to.match(/^position 99 is out of range/);
  });

  it('says when the answer is not one token, or by is unknown, with an error event', async () => {
    const root = await fixture<HTMLElement>(html`<div><logit-attribution model=${PLANTED} device="wasm" text=${TEXT}></logit-attribution></div>`);
    const a = new LogitAttributionHarness(root.querySelector('logit-attribution')!);
    const failed = oneEvent(a.element, 'error');
    a.element.answer = ' silverware polish';
    const { detail } = await failed;
    await a.settled();
    expect(detail.code).to.equal('bad-option');
    expect(a.message()).to.match(/^The answer " silverware polish" is \d tokens .*not one/);
    a.element.answer = ' silver';
    a.element.by = 'neuron' as 'head';
    await a.settled();
    expect(a.message()).to.equal('by="neuron" is not valid: use one of layer, head.');
  });

  it('refuses to export before it has drawn', async () => {
    const a = await figure(html`<logit-attribution model=${PLANTED} device="wasm" text=${TEXT}></logit-attribution>`);
    expect(await exportErrors(a.element)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });
});
