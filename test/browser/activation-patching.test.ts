// <activation-patching> in a real browser: on the planted model, whose answer is known (the repeat
// of a text goes through the differing token and the induction head L1H0), and in data mode with
// known numbers for colours, keyboard, linking and export. Progress and Cancel run against a
// controller whose patch the test resolves itself.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../components/activation-patching.js';
import type { ActivationPatching } from '../../components/activation-patching.js';
import { ModelController, type PatchOptions } from '../../src/controller.js';
import { XrayError } from '../../src/errors.js';
import { SelectionHub } from '../../src/selection.js';
import type { PatchingData } from '../../components/activation-patching/patching-view.js';
import { ActivationPatchingHarness } from '../harness/activation-patching-harness.js';
import { exportErrors } from '../harness/export.js';
import { fixture as modelFolder } from './support.js';

const planted = modelFolder('planted');
/** Words that are one GPT-2 token each; the text repeats them, so the planted model predicts the repeat. */
const HALF = [' river', ' piano', ' seven', ' orange', ' castle', ' winter', ' engine', ' silver'];
const CLEAN = HALF.join('') + HALF.slice(0, -1).join('');
/** The first half ends in ' bridge' instead, so the repeat predicts ' bridge'. */
const CORRUPTED = [...HALF.slice(0, -1), ' bridge'].join('') + HALF.slice(0, -1).join('');
const DIFFERS = HALF.length - 1;
const XSS = '<img src=x onerror=alert(1)>';

const known: PatchingData = {
  hook: 'resid_pre',
  cleanTokens: ['The', ' cat', ' sat'],
  corruptedTokens: ['The', ' dog', ' sat'],
  values: [
    [0, 1, -1],
    [-0.5, 1.37, 0.25],
  ],
  answer: ' purred',
  wrong: ' barked',
  clean: 3.2,
  corrupted: -1.1,
};

const heads: PatchingData = {
  hook: 'z',
  cleanTokens: known.cleanTokens,
  corruptedTokens: known.corruptedTokens,
  values: [
    [0.02, -0.01, 0, 0.1],
    [0.93, 0, 0.04, -0.2],
  ],
};

async function patching(template: ReturnType<typeof html>): Promise<ActivationPatchingHarness> {
  const harness = new ActivationPatchingHarness(await fixture<ActivationPatching>(template));
  await harness.settled();
  return harness;
}

const onPlanted = (hook = 'resid_pre') =>
  html`<activation-patching model=${planted} device="wasm" clean=${CLEAN} corrupted=${CORRUPTED} answer=" silver" wrong=" bridge" hook=${hook}></activation-patching>`;

describe('<activation-patching> on the planted model', () => {
  it('restores the answer at the position where the prompts differ, marked there, and nowhere else', async () => {
    const el = await fixture<ActivationPatching>(onPlanted());
    const done = await oneEvent(el, 'run-complete');
    const chart = new ActivationPatchingHarness(el);
    await chart.settled();
    expect(done.detail.tokens.slice(0, HALF.length)).to.deep.equal(HALF);
    expect(chart.shape()).to.deep.equal({ rows: 2, columns: 15 });
    chart.values().forEach((row, layer) =>
      row.forEach((value, t) => {
        if (t === DIFFERS) expect(value, `layer ${layer} at the differing token`).to.be.above(0.9);
        else expect(Math.abs(value), `layer ${layer}, position ${t}`).to.be.below(0.05);
      }),
    );
    expect(chart.markedColumns()).to.deep.equal([DIFFERS]);
    expect(chart.differingLabels()).to.deep.equal([DIFFERS]);
    expect(chart.columnLabels().get(DIFFERS)).to.equal(' silver→ bridge');
    expect(chart.columnLabels().get(0)).to.equal(' river');
    expect(chart.rowLabels()).to.deep.equal(['L0', 'L1']);
    expect(chart.cellLabel(1, DIFFERS)).to.match(/^Layer 1, position 7: “ silver” → “ bridge”, the prompts differ: (0\.9\d|1\.0\d) \(0 = corrupted, 1 = clean\)$/);

    // The logit differences the figure states are the controller's own.
    const result = await ModelController.shared({ model: planted, device: 'wasm' }).patch({ clean: CLEAN, corrupted: CORRUPTED, answer: ' silver', wrong: ' bridge', hook: 'resid_pre' });
    const signed = (v: number) => (v < 0 ? `−${(-v).toFixed(2)}` : v.toFixed(2));
    expect(result.cleanDifference).to.be.above(result.corruptedDifference);
    expect(chart.summary()[0]).to.equal(
      `logit(“ silver”) − logit(“ bridge”) at the last position: clean ${signed(result.cleanDifference)}, corrupted ${signed(result.corruptedDifference)}. Each cell is (patched − corrupted) / (clean − corrupted): 0 = corrupted, 1 = clean.`,
    );
    expect(chart.summary()[1]).to.equal('The prompts differ at position 7 (“ silver” → “ bridge”), clean → corrupted.');
    expect(chart.cellValue(0, DIFFERS)).to.equal(Number(result.data[DIFFERS].toFixed(2)));
  });

  it('with hook="z" draws layer × head, and the induction head L1H0 restores the answer', async () => {
    const chart = await patching(onPlanted('z'));
    expect(chart.shape()).to.deep.equal({ rows: 2, columns: 4 });
    expect([...chart.columnLabels().values()]).to.deep.equal(['H0', 'H1', 'H2', 'H3']);
    expect(chart.markedColumns()).to.deep.equal([]);
    chart.values().forEach((row, layer) =>
      row.forEach((value, head) => {
        if (layer === 1 && head === 0) expect(value, 'the induction head').to.be.above(0.9);
        else expect(Math.abs(value), `L${layer}H${head}`).to.be.below(0.05);
      }),
    );
    expect(chart.caption()).to.contain('(z)');
    expect(chart.summary()[1]).to.equal('The prompts differ at position 7 (“ silver” → “ bridge”), clean → corrupted.');
  });

  it('patches again when the hook changes', async () => {
    const chart = await patching(onPlanted('resid_pre'));
    chart.element.hook = 'attn_out';
    await oneEvent(chart.element, 'run-complete');
    await chart.settled();
    expect(chart.caption()).to.contain('attn_out');
    expect(chart.shape()).to.deep.equal({ rows: 2, columns: 15 });
  });

  it('says in words that prompts of different token lengths cannot be patched, with both tokenisations', async () => {
    const el = await fixture<ActivationPatching>(
      html`<activation-patching model=${planted} device="wasm" clean=${CLEAN} corrupted="A shorter prompt" answer=" silver" wrong=" bridge"></activation-patching>`,
    );
    const error = await oneEvent(el, 'error');
    expect(error.detail.code).to.equal('bad-option');
    const chart = new ActivationPatchingHarness(el);
    await chart.settled();
    expect(chart.message()).to.match(/clean has 15 tokens \(" river" " piano" .*\), corrupted 3 \("A" " shorter" " prompt"\)/);
    expect(el.shadowRoot!.querySelector('[part=error]')!.getAttribute('role')).to.equal('alert');
  });

  it('names a bad hook, and a token that is not one token', async () => {
    const cases: [Partial<ActivationPatching>, RegExp][] = [
      [{ hook: 'embed' as never }, /Unknown hook "embed" to patch: use one of resid_pre, attn_out, mlp_out, z\./],
      [{ answer: ' riverbank castle' }, /not one/],
    ];
    for (const [change, message] of cases) {
      const el = await fixture<ActivationPatching>(onPlanted());
      const errored = oneEvent(el, 'error');
      Object.assign(el, change);
      expect((await errored).detail.message).to.match(message);
      const chart = new ActivationPatchingHarness(el);
      await chart.settled();
      expect(chart.message()).to.match(message);
    }
  });

  it('takes the tokens by id too', async () => {
    const el = await fixture<ActivationPatching>(onPlanted());
    await oneEvent(el, 'run-complete');
    const ids = await ModelController.shared({ model: planted, device: 'wasm' }).run(' silver bridge');
    el.answer = ids.ids[0];
    el.wrong = ids.ids[1];
    await oneEvent(el, 'run-complete');
    const chart = new ActivationPatchingHarness(el);
    await chart.settled();
    expect(chart.summary()[0]).to.match(new RegExp(`^logit\\(token ${ids.ids[0]}\\) − logit\\(token ${ids.ids[1]}\\) at the last position`));
    expect(chart.cellValue(0, DIFFERS)).to.be.above(0.9);
  });

  it('shows an empty state without prompts or tokens, fires no error, and has nothing to export', async () => {
    const errors: string[] = [];
    const chart = await patching(
      html`<activation-patching model=${planted} device="wasm" answer=" silver" wrong=" bridge" @error=${(e: CustomEvent) => errors.push(e.detail.code)}></activation-patching>`,
    );
    expect(chart.isEmptyState()).to.equal(true);
    expect(chart.message()).to.equal('There is nothing to patch yet: set the clean and corrupted prompts.');
    expect(await exportErrors(chart.element)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
    Object.assign(chart.element, { clean: CLEAN, corrupted: CORRUPTED, wrong: '' });
    await chart.settled();
    expect(chart.isEmptyState()).to.equal(true);
    expect(chart.message()).to.equal('Set answer and wrong to the tokens whose logit difference patching restores (their text, such as “ Mary” with its space).');
    expect(errors).to.deep.equal([]);
  });
});

describe('<activation-patching> progress and Cancel', () => {
  /** Puts a patch on the shared planted controller that the test drives: it reports progress only when told and ends only when aborted. */
  function drivenPatch() {
    const controller = ModelController.shared({ model: planted, device: 'wasm' });
    const driven = { calls: [] as PatchOptions[], restore: () => delete (controller as { patch?: unknown }).patch };
    controller.patch = (options) => {
      driven.calls.push(options);
      return new Promise((_, reject) => options.signal!.addEventListener('abort', () => reject(new XrayError('aborted', 'Patching was stopped.'))));
    };
    return driven;
  }

  it('counts the patches with a bar, and Cancel stops the work where it runs; Run again starts afresh', async () => {
    const driven = drivenPatch();
    try {
      const errors: string[] = [];
      const el = await fixture<ActivationPatching>(onPlanted());
      el.addEventListener('error', (e) => errors.push(e.detail.code));
      const chart = new ActivationPatchingHarness(el);
      await waitUntil(() => chart.progress(), 'no progress shown', { timeout: 60_000 });
      expect(chart.progress()).to.deep.equal({ label: 'Patching resid_pre: running the clean and corrupted prompts…', value: null, max: 1 });
      const [call] = driven.calls;
      expect(call).to.include({ clean: CLEAN, corrupted: CORRUPTED, answer: ' silver', wrong: ' bridge', hook: 'resid_pre', prependBos: false });
      call.onProgress!(8, 30);
      await el.updateComplete;
      expect(chart.progress()).to.deep.equal({ label: 'Patching resid_pre: 8 of 30 activations', value: 8, max: 30 });
      await expect(el).to.be.accessible();

      chart.cancel();
      await waitUntil(() => chart.stopped(), 'no stopped state');
      expect(call.signal!.aborted, 'the controller was told to stop').to.equal(true);
      expect(chart.stopped()).to.equal('Patching was stopped after 8 of 30 activations.');
      expect(chart.progress()).to.equal(null);
      expect(errors, 'stopping is not an error').to.deep.equal([]);

      driven.restore();
      const done = oneEvent(el, 'run-complete');
      chart.runAgain();
      await done;
      await chart.settled();
      expect(chart.cellValue(1, DIFFERS)).to.be.above(0.9);
    } finally {
      driven.restore();
    }
  });

  it('stops the run in progress when an attribute changes, and shows only the newer result', async () => {
    const driven = drivenPatch();
    try {
      const el = await fixture<ActivationPatching>(onPlanted());
      const chart = new ActivationPatchingHarness(el);
      await waitUntil(() => chart.progress(), 'no progress shown', { timeout: 60_000 });
      driven.restore();
      el.hook = 'z';
      await oneEvent(el, 'run-complete');
      await chart.settled();
      expect(driven.calls[0].signal!.aborted).to.equal(true);
      expect(chart.shape()).to.deep.equal({ rows: 2, columns: 4 });
      expect(chart.stopped()).to.equal(null);
    } finally {
      driven.restore();
    }
  });
});

describe('<activation-patching> in data mode', () => {
  it('draws the values, marks where the prompts differ and states the logit differences', async () => {
    const chart = await patching(html`<activation-patching .data=${known}></activation-patching>`);
    expect(chart.shape()).to.deep.equal({ rows: 2, columns: 3 });
    expect(chart.values()).to.deep.equal([
      [0, 1, -1],
      [-0.5, 1.37, 0.25],
    ]);
    expect(chart.markedColumns()).to.deep.equal([1]);
    expect([...chart.columnLabels().values()]).to.deep.equal(['The', ' cat→ dog', ' sat']);
    expect(chart.summary()).to.deep.equal([
      'logit(“ purred”) − logit(“ barked”) at the last position: clean 3.20, corrupted −1.10. Each cell is (patched − corrupted) / (clean − corrupted): 0 = corrupted, 1 = clean.',
      'The prompts differ at position 1 (“ cat” → “ dog”), clean → corrupted.',
    ]);
  });

  it('colours 0 to 1 with the theme’s scale and below 0 with the negative stop, clamped, and says the true value', async () => {
    const el = await fixture<ActivationPatching>(html`<activation-patching .data=${known}></activation-patching>`);
    el.style.setProperty('--xray-scale-low', 'rgb(250, 250, 250)');
    el.style.setProperty('--xray-scale-high', 'rgb(0, 50, 100)');
    el.style.setProperty('--xray-scale-negative', 'rgb(200, 0, 0)');
    const chart = new ActivationPatchingHarness(el);
    await chart.settled();
    el.requestUpdate();
    await el.updateComplete;
    expect(chart.cellColour(0, 0), '0: corrupted').to.equal('rgb(250, 250, 250)');
    expect(chart.cellColour(0, 1), '1: clean').to.equal('rgb(0, 50, 100)');
    expect(chart.cellColour(0, 2), '−1').to.equal('rgb(200, 0, 0)');
    expect(chart.cellColour(1, 0), '−0.5, halfway to the negative stop').to.equal('rgb(225, 125, 125)');
    expect(chart.cellColour(1, 1), '1.37 is clamped to the colour of 1').to.equal('rgb(0, 50, 100)');
    await chart.hover(1, 1);
    expect(chart.tooltip()).to.equal('Layer 1, position 1: “ cat” → “ dog”, the prompts differ\n1.37 (0 = corrupted, 1 = clean)');
  });

  it('shows a hovered cell’s value and tells linked figures its token; marks the token a linked figure hovers', async () => {
    const chart = await patching(html`<activation-patching group="patch-tokens" .data=${known}></activation-patching>`);
    const hovered = oneEvent(chart.element, 'token-hover');
    await chart.hover(1, 2);
    expect((await hovered).detail).to.deep.equal({ position: 2, token: ' sat' });
    expect(chart.tooltip()).to.equal('Layer 1, position 2: “ sat” in both prompts\n0.25 (0 = corrupted, 1 = clean)');
    await chart.leave();
    expect(chart.tooltip()).to.equal(null);
    expect(SelectionHub.group('patch-tokens').token).to.equal(null);
    SelectionHub.group('patch-tokens').hoverToken(1);
    await chart.element.updateComplete;
    expect(chart.linkedColumn()).to.equal(1);
  });

  it('moves with the keyboard, pins with Enter, hides with Escape, and announces the cell', async () => {
    const chart = await patching(html`<activation-patching .data=${known}></activation-patching>`);
    await chart.focus(0, 0);
    expect(chart.tooltip()).to.contain('Layer 0, position 0');
    await chart.press('ArrowRight');
    expect(chart.focusedCell()).to.deep.equal({ layer: 0, column: 1 });
    expect(chart.announced()).to.equal('Layer 0, position 1: “ cat” → “ dog”, the prompts differ: 1.00 (0 = corrupted, 1 = clean)');
    await chart.press('ArrowDown');
    expect(chart.focusedCell()).to.deep.equal({ layer: 1, column: 1 });
    await chart.press('End');
    expect(chart.focusedCell()).to.deep.equal({ layer: 1, column: 2 });
    await chart.press('Home', { ctrlKey: true });
    expect(chart.focusedCell()).to.deep.equal({ layer: 0, column: 0 });
    await chart.press('Enter');
    await chart.press('ArrowRight');
    expect(chart.tooltip(), 'the pin moves with the keyboard').to.contain('Layer 0, position 1');
    await chart.press('Escape');
    expect(chart.tooltip()).to.equal(null);
    await chart.press('ArrowDown');
    expect(chart.tooltip()).to.contain('Layer 1, position 1');
  });

  it('with hook z selects a head on click or Enter for linked figures, clears it with Escape, and shows theirs', async () => {
    const chart = await patching(html`<activation-patching group="patch-heads" .data=${heads}></activation-patching>`);
    expect(chart.shape()).to.deep.equal({ rows: 2, columns: 4 });
    expect(chart.cellLabel(1, 0)).to.equal('Layer 1, head 0: 0.93 (0 = corrupted, 1 = clean)');
    const hub = SelectionHub.group('patch-heads');
    let selected = oneEvent(chart.element, 'head-select');
    await chart.click(1, 0);
    expect((await selected).detail).to.deep.equal({ layer: 1, head: 0 });
    expect(hub.head).to.deep.equal({ layer: 1, head: 0 });
    expect(chart.selectedHead()).to.deep.equal({ layer: 1, head: 0 });
    selected = oneEvent(chart.element, 'head-select');
    await chart.press('Escape');
    expect((await selected).detail).to.equal(null);
    expect(chart.selectedHead()).to.equal(null);
    expect(chart.announced()).to.equal('No head selected');
    await chart.focus(0, 3);
    expect(chart.tooltip()).to.equal('Layer 0, head 3\n0.10 (0 = corrupted, 1 = clean)');
    selected = oneEvent(chart.element, 'head-select');
    await chart.press('Enter');
    expect((await selected).detail).to.deep.equal({ layer: 0, head: 3 });
    expect(chart.announced()).to.equal('Layer 0, head 3, selected');
    hub.selectHead({ layer: 1, head: 2 });
    await chart.element.updateComplete;
    expect(chart.selectedHead()).to.deep.equal({ layer: 1, head: 2 });
  });

  it('reads its data from a <script type="application/json"> child', async () => {
    const chart = await patching(html`<activation-patching><script type="application/json">${JSON.stringify(heads)}</script></activation-patching>`);
    expect(chart.cellValue(1, 3)).to.equal(-0.2);
  });

  it('says in words where the data does not fit', async () => {
    const cases: [unknown, string][] = [
      [{ ...known, hook: 'embed' }, 'data.hook must be one of resid_pre, attn_out, mlp_out, z; it is "embed".'],
      [{ ...known, corruptedTokens: ['The', ' dog'] }, 'data.corruptedTokens has 2 tokens and data.cleanTokens 3: patching compares prompts of one token length.'],
      [
        {
          ...known,
          values: [
            [0, 1, 0],
            [0, 1],
          ],
        },
        'data.values[1] has 2 values for 3 positions.',
      ],
      [
        {
          ...heads,
          values: [
            [0, 1, 0, 0],
            [0, 1],
          ],
        },
        'data.values[1] has 2 heads, data.values[0] 4.',
      ],
      [{ ...known, values: [[0, 'x', 0]] }, 'data.values[0][1] must be a number; it is "x".'],
      [{ ...known, clean: 'big' }, 'data.clean must be a number (the clean prompt\'s logit difference); it is "big".'],
    ];
    for (const [data, message] of cases) {
      const chart = await patching(html`<activation-patching .data=${data}></activation-patching>`);
      expect(chart.message()).to.equal(message);
    }
  });

  it('is accessible, with and without a tooltip, and for heads', async () => {
    const chart = await patching(html`<activation-patching .data=${known}></activation-patching>`);
    await expect(chart.element).to.be.accessible();
    await chart.focus(1, 1);
    await expect(chart.element).to.be.accessible();
    const byHead = await patching(html`<activation-patching .data=${heads}></activation-patching>`);
    await expect(byHead.element).to.be.accessible();
  });

  it('exports a standalone SVG of what is drawn, without focus stops or hover marks, and a PNG', async () => {
    const chart = await patching(html`<activation-patching .data=${known}></activation-patching>`);
    await chart.hover(0, 1);
    const doc = new DOMParser().parseFromString(chart.element.toSVG(), 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    expect(doc.querySelectorAll('rect.cell')).to.have.length(6);
    expect(doc.querySelector('[tabindex], [role], .active')).to.equal(null);
    expect(doc.querySelector('rect.cell[data-layer="1"][data-column="1"]')!.getAttribute('fill')).to.equal(chart.cellColour(1, 1));
    const text = doc.documentElement.textContent!;
    expect(text).to.contain('Patching the residual stream (resid_pre)').and.contain('clean 3.20, corrupted −1.10').and.contain(' cat→ dog').and.contain('0 corrupted');
    const png = await chart.element.toPNG(1);
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('shows tokens that look like HTML as text, on screen and in the export', async () => {
    const chart = await patching(html`<activation-patching .data=${{ ...known, cleanTokens: ['The', XSS, ' sat'], answer: XSS }}></activation-patching>`);
    // Too long for the label room: shortened there, named in full by the cell.
    expect(chart.columnLabels().get(1)).to.match(/^<img src=x.*…$/);
    expect(chart.cellLabel(0, 1)).to.contain(`“${XSS}” → “ dog”`);
    expect(chart.summary()[0]).to.contain(XSS);
    expect(chart.element.shadowRoot!.querySelector('img')).to.equal(null);
    const doc = new DOMParser().parseFromString(chart.element.toSVG(), 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    expect(doc.querySelector('img')).to.equal(null);
    expect(doc.documentElement.textContent).to.contain(XSS);
  });
});
