// <next-token> in a real browser: data mode with known logits for the bars, temperature and the
// filters, the surprisal strip, keyboard and export; the tiny fixture model for the live bars (no new
// pass when the temperature moves), generation, replay, stop and the states.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/next-token.js';
import '../../components/token-view.js';
import type { NextTokenData } from '../../components/next-token/next-token-data.js';
import { formatPercent } from '../../src/analysis/logit-lens.js';
import { ModelController } from '../../src/controller.js';
import { seededRandom } from '../../src/random.js';
import { samplingDistribution, type SamplingOptions } from '../../src/sampling.js';
import type { GenerationStep } from '../../src/types.js';
import { exportErrors } from '../harness/export.js';
import { NextTokenHarness } from '../harness/next-token-harness.js';
import { fixture as modelFolder } from './support.js';

const TOKENS = ['The', ' cat', ' sat', ' on', ' the'];
const VOCAB = [' mat', ' floor', ' sofa', ' bed', ' chair', ' rug', ' roof', ' table', ' grass', ' box', ' step', ' car'];
/** Most likely first, with a tie (1.8) in fourth and fifth place. */
const LOGITS = [3.2, 2.5, 2.1, 1.8, 1.8, 1.1, 0.4, 0.2, -0.5, -1, -1.6, -2.4];
/** ln P of " cat", " sat", " on", " the": 13.13, 7.65, 1.73 and 0.58 bits. */
const LOG_PROBS = [-9.1, -5.3, -1.2, -0.4];
const cat: NextTokenData = { tokens: TOKENS, logits: LOGITS, vocab: VOCAB, tokenLogProbs: LOG_PROBS };

const TINY = modelFolder('tiny');
const TEXT = 'The cat sat on the';

/** What the bars must show: the function generation draws with, over the same logits. */
function expected(logits: number[], options: SamplingOptions, k = 10): string[] {
  const probs = samplingDistribution(Float32Array.from(logits), options);
  const order = [...probs.keys()].sort((a, b) => logits[b] - logits[a] || a - b);
  return order.slice(0, k).map((i) => (probs[i] > 0 ? formatPercent(probs[i]) : 'cannot be drawn'));
}

async function figure(template: ReturnType<typeof html>): Promise<NextTokenHarness> {
  const root = await fixture<HTMLElement>(html`<div>${template}</div>`);
  const harness = new NextTokenHarness(root.querySelector('next-token')!);
  await harness.settled();
  return harness;
}

/** Waits for `n` text-change events and the generation's end; returns their texts. */
async function generation(a: NextTokenHarness, start: () => Promise<void>): Promise<string[]> {
  const texts: string[] = [];
  const listener = (e: CustomEvent<{ text: string }>) => texts.push(e.detail.text);
  a.element.addEventListener('text-change', listener);
  await start();
  await a.settled();
  a.element.removeEventListener('text-change', listener);
  return texts;
}

describe('<next-token> in data mode', () => {
  it('draws the top k tokens by logit, each bar its probability under samplingDistribution', async () => {
    const a = await figure(html`<next-token style="width: 600px" .data=${cat}></next-token>`);
    const bars = a.bars();
    expect(bars.map((b) => b.token)).to.deep.equal(VOCAB.slice(0, 10).map((t) => `“${t}”`));
    expect(bars.map((b) => b.value)).to.deep.equal(expected(LOGITS, {}));
    const probs = samplingDistribution(Float32Array.from(LOGITS));
    bars.forEach((bar, i) => expect(bar.length, bar.token).to.be.closeTo(probs[i], 0.01));
    expect(bars.every((b) => b.drawable)).to.equal(true);
    expect(a.title()).to.equal('Next token after “ the”');
    expect(a.note()).to.equal('');
    a.element.k = 3;
    await a.settled();
    expect(a.bars().map((b) => b.token)).to.deep.equal(['“ mat”', '“ floor”', '“ sofa”']);
  });

  it('reshapes the bars at once when the slider moves, and greedy at temperature 0', async () => {
    const a = await figure(html`<next-token style="width: 600px" .data=${cat}></next-token>`);
    await a.slideTemperature(0.5);
    expect(a.element.temperature).to.equal(0.5);
    expect(a.element.getAttribute('temperature'), 'the slider sets the attribute').to.equal('0.5');
    expect(a.shownTemperature()).to.equal('0.50');
    expect(a.bars().map((b) => b.value)).to.deep.equal(expected(LOGITS, { temperature: 0.5 }));
    const sharp = a.bars()[0].length;
    await a.slideTemperature(2);
    expect(a.bars().map((b) => b.value)).to.deep.equal(expected(LOGITS, { temperature: 2 }));
    expect(a.bars()[0].length, 'a higher temperature flattens the top').to.be.below(sharp);
    await a.slideTemperature(0);
    expect(a.bars().map((b) => b.drawable)).to.deep.equal([true, ...new Array(9).fill(false)]);
    expect(a.bars()[0].value).to.equal('100%');
    expect(a.note()).to.equal('Temperature 0 is greedy: only the most likely token can be drawn; the greyed ones cannot.');
  });

  it('greys out what top-k and top-p rule out, keeping ties, and says how many can be drawn', async () => {
    const a = await figure(html`<next-token top-k="4" .data=${cat}></next-token>`);
    expect(a.bars().map((b) => b.drawable)).to.deep.equal([true, true, true, true, true, false, false, false, false, false]);
    expect(a.bars().map((b) => b.value)).to.deep.equal(expected(LOGITS, { topK: 4 }));
    expect(a.bars()[5]).to.include({ value: 'cannot be drawn', length: 0 });
    expect(a.note()).to.equal('top-k 4 keeps 5 of the 12 tokens; the greyed ones cannot be drawn.');
    await a.type('top-k', '');
    expect(a.element.topK).to.equal(undefined);
    expect(a.element.hasAttribute('top-k')).to.equal(false);
    await a.type('top-p', '0.6');
    expect(a.element.topP).to.equal(0.6);
    expect(a.bars().map((b) => b.value)).to.deep.equal(expected(LOGITS, { topP: 0.6 }));
    expect(a.note()).to.equal('top-p 0.6 keeps 3 of the 12 tokens; the greyed ones cannot be drawn.');
    await a.type('top-k', '1');
    expect(a.note()).to.equal('top-k 1 and top-p 0.6 keep 1 of the 12 tokens; the greyed ones cannot be drawn.');
  });

  it('refuses a value a field cannot take, in words, and keeps the bars', async () => {
    const a = await figure(html`<next-token top-p="0.9" .data=${cat}></next-token>`);
    const before = a.bars();
    await a.type('top-p', '1.5');
    expect(a.fieldError()).to.equal('topP must be more than 0 and at most 1, not 1.5.');
    expect(a.element.topP).to.equal(0.9);
    expect(a.bars()).to.deep.equal(before);
    await a.type('top-k', '2.5');
    expect(a.fieldError()).to.equal('topK must be a whole number of at least 1, not 2.5.');
    await a.type('top-k', '2');
    expect(a.fieldError()).to.equal('');
    expect(a.element.topK).to.equal(2);
  });

  it('says in words when an attribute is wrong, with an error event, and recovers', async () => {
    const a = await figure(html`<next-token .data=${cat}></next-token>`);
    const failed = oneEvent(a.element, 'error');
    a.element.temperature = -1;
    await a.element.updateComplete;
    expect((await failed).detail).to.deep.equal({ code: 'bad-option', message: 'temperature must be 0 (greedy) or more, not -1.' });
    expect(a.message()).to.equal('temperature must be 0 (greedy) or more, not -1.');
    await a.slideTemperature(1);
    expect(a.bars().map((b) => b.value)).to.deep.equal(expected(LOGITS, {}));
    a.element.k = 0;
    await a.element.updateComplete;
    expect(a.message()).to.equal('k must be a whole number of at least 1, not 0.');
  });

  it('colours the text by surprisal in bits, with the first token uncoloured, and tells it on hover', async () => {
    const a = await figure(html`<next-token .data=${cat}></next-token>`);
    expect(a.strip().map((c) => c.token)).to.deep.equal(TOKENS);
    expect(a.strip().map((c) => c.spoken)).to.deep.equal([
      '“The”, position 0: the first token; nothing before it predicts it.',
      '“ cat”, position 1: 13.13 bits (P = 0.01%)',
      '“ sat”, position 2: 7.65 bits (P = 0.5%)',
      '“ on”, position 3: 1.73 bits (P = 30%)',
      '“ the”, position 4: 0.58 bits (P = 67%)',
    ]);
    expect(a.stripColour(0)).to.equal('rgba(0, 0, 0, 0)');
    expect(a.stripColour(1), 'more surprising, darker').to.not.equal(a.stripColour(4));
    const hovered = oneEvent(a.element, 'token-hover');
    await a.hoverStrip(2);
    expect((await hovered).detail).to.deep.equal({ position: 2, token: ' sat' });
    expect(a.tooltip()).to.equal('“ sat”, position 2: 7.65 bits (P = 0.5%)');
    await a.hoverStrip(undefined);
    expect(a.tooltip()).to.equal('');
  });

  it('moves over the strip with the keyboard, pins the tooltip with Enter and hides it with Escape', async () => {
    const a = await figure(html`<next-token .data=${cat}></next-token>`);
    await a.focus('strip');
    expect(a.tooltip()).to.equal('“The”, position 0: the first token; nothing before it predicts it.');
    await a.press('ArrowRight');
    expect(a.focused()).to.equal('“ cat”, position 1: 13.13 bits (P = 0.01%)');
    expect(a.announced()).to.equal('“ cat”, position 1: 13.13 bits (P = 0.01%)');
    await a.press('End');
    expect(a.tooltip()).to.equal('“ the”, position 4: 0.58 bits (P = 67%)');
    await a.press('Enter');
    await a.press('Escape');
    expect(a.tooltip()).to.equal('');
  });

  it('shows a subset of the vocabulary by id, and says its probabilities are over the subset', async () => {
    const ids = [2603, 4314, 34902];
    const a = await figure(html`<next-token .data=${{ tokens: TOKENS, logits: [1, 3, 2], ids }}></next-token>`);
    expect(a.bars().map((b) => b.token)).to.deep.equal(['#4314', '#34902', '#2603']);
    expect(a.bars().map((b) => b.value)).to.deep.equal(expected([1, 3, 2], {}, 3));
    expect(a.message()).to.equal('The data holds 3 of the vocabulary’s logits: the probabilities are over those alone.');
    expect(a.strip(), 'no log probabilities, no strip').to.deep.equal([]);
  });

  it('has no generation buttons without a model', async () => {
    const a = await figure(html`<next-token .data=${cat}></next-token>`);
    expect(a.has('sample')).to.equal(false);
    expect(a.has('generate')).to.equal(false);
  });

  it('reshapes the bars of all 50,257 logits at every temperature the slider takes (timed by npm run bench)', async () => {
    const random = seededRandom(3);
    const logits = Array.from({ length: 50_257 }, () => 4 * random() - 2);
    const a = await figure(html`<next-token .data=${{ tokens: ['Hi'], logits }}></next-token>`);
    for (const t of [0.5, 0.8, 1.2, 1.5, 1.9]) {
      await a.slideTemperature(t);
      expect(a.bars().map((b) => b.value)).to.deep.equal(expected(logits, { temperature: t }));
    }
  });

  it('reads its data from a JSON script child, and says in words where data does not fit', async () => {
    const a = await figure(html`<next-token><script type="application/json">${JSON.stringify(cat)}</script></next-token>`);
    expect(a.bars()).to.have.length(10);
    const b = await figure(html`<next-token .data=${{ ...cat, logits: [1, Number.NaN, 2] }}></next-token>`);
    expect(b.message()).to.equal('data.logits[1] is not a finite number.');
    const cases: [Partial<NextTokenData>, string][] = [
      [{ tokens: [] }, 'data.tokens must be a non-empty list of strings.'],
      [{ logits: [1] }, 'data.logits must be a list of the last position’s logits, two or more: model(tokens)[0, -1].'],
      [{ ids: [1, 2] }, 'data.ids must have one vocabulary id per logit: it has 2 ids for 12 logits.'],
      [{ ids: LOGITS.map(() => 7) }, 'data.ids has the same id twice: each logit must be a different token’s.'],
      [{ vocab: VOCAB.slice(1) }, 'data.vocab must have one token text per logit: it has 11 for 12 logits.'],
      [{ tokenLogProbs: LOG_PROBS.slice(1) }, 'data.tokenLogProbs must have one value per token after the first: it has 3 for 5 tokens.'],
      [{ tokenLogProbs: [-1, 0.5, -1, -1] }, 'data.tokenLogProbs[1] is not a log probability (a number ≤ 0).'],
    ];
    for (const [change, message] of cases) {
      b.element.data = { ...cat, ...change };
      await b.settled();
      expect(b.message()).to.equal(message);
    }
  });

  it('shows token text as text, never as markup, on screen and in the SVG', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const a = await figure(html`<next-token .data=${{ tokens: [xss, 'b'], logits: [1, 2], vocab: [xss, 'ok'], tokenLogProbs: [-1] }}></next-token>`);
    expect(a.element.shadowRoot!.querySelector('img')).to.equal(null);
    expect(a.bars()[1].token).to.equal(`“${xss}”`);
    const svg = new DOMParser().parseFromString(a.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    expect(svg.querySelector('img')).to.equal(null);
    expect(svg.documentElement.textContent).to.contain(xss);
  });

  it('exports the bars, greyed ones in words, the note and the strip as SVG, and a PNG', async () => {
    const a = await figure(html`<next-token top-k="2" .data=${cat}></next-token>`);
    const svg = new DOMParser().parseFromString(a.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts).to.include.members([
      'Next token after “ the”',
      'temperature 1.00, top-k 2, top-p off',
      ...VOCAB.slice(0, 10).map((t) => `“${t}”`),
      ...expected(LOGITS, { topK: 2 }),
      'top-k 2 keeps 2 of the 12 tokens; the greyed ones cannot be drawn.',
      ...TOKENS,
    ]);
    expect(texts.filter((t) => t === 'cannot be drawn')).to.have.length(8);
    const bar = getComputedStyle(a.element.shadowRoot!.querySelector('[part=bar]')!).backgroundColor;
    expect([...svg.querySelectorAll('rect')].filter((r) => r.getAttribute('fill') === bar)).to.have.length(2);
    const png = await a.element.toPNG();
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('follows the theme', async () => {
    const a = await figure(html`<next-token style="--xray-scale-high: rgb(1, 2, 3); --xray-scale-low: rgb(250, 250, 250)" .data=${cat}></next-token>`);
    expect(getComputedStyle(a.element.shadowRoot!.querySelector('[part=bar]')!).backgroundColor).to.equal('rgb(1, 2, 3)');
    // 13.13 of 16 bits: most of the way to the high stop.
    const [r] = a.stripColour(1).match(/\d+/g)!.map(Number);
    expect(r).to.be.below(60);
  });

  it('is accessible, with filters and with the strip', async () => {
    const a = await figure(html`<next-token top-k="3" .data=${cat}></next-token>`);
    await a.hoverStrip(1);
    await expect(a.element).to.be.accessible();
  });
});

describe('<next-token> on the tiny model', () => {
  const controller = () => ModelController.shared({ model: TINY, device: 'wasm' });

  it('says what is missing without a text, and when the model cannot be found', async () => {
    const empty = await figure(html`<next-token model=${TINY} device="wasm"></next-token>`);
    expect(empty.message()).to.equal('There is no text to show yet: set the text attribute.');
    const missing = await figure(html`<next-token model="/fixtures/no-such-model/" device="wasm" text=${TEXT}></next-token>`);
    expect(missing.message()).to.match(/^No model "\/fixtures\/no-such-model\/": \S+\/fixtures\/no-such-model\/config\.json was not found\.$/);
  });

  it('draws the run’s top tokens under samplingDistribution of its logits, and moves with the temperature without a pass', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm" text=${TEXT} style="width: 600px"></next-token>`);
    const run = await controller().run(TEXT);
    const { data: logits } = await run.hook('logits');
    const top = run.nextToken(10);
    const at = (options: SamplingOptions) => {
      const probs = samplingDistribution(logits, options);
      return top.map((t) => (probs[t.id] > 0 ? formatPercent(probs[t.id]) : 'cannot be drawn'));
    };
    expect(a.bars().map((b) => b.token)).to.deep.equal(top.map((t) => `“${t.token}”`));
    expect(a.bars().map((b) => b.value)).to.deep.equal(at({}));
    const runs = controller().sessionRuns;
    await a.slideTemperature(0.05);
    expect(a.bars().map((b) => b.value)).to.deep.equal(at({ temperature: 0.05 }));
    await a.type('top-k', '3');
    expect(a.bars().map((b) => b.drawable)).to.deep.equal([true, true, true, ...new Array(7).fill(false)]);
    expect(a.bars().map((b) => b.value)).to.deep.equal(at({ temperature: 0.05, topK: 3 }));
    expect(controller().sessionRuns, 'no pass for the slider or the filters').to.equal(runs);
  });

  it('asks for a pass that keeps more tokens only when k is above the 50 a run keeps', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm" text=${TEXT} k="60"></next-token>`);
    const run = await controller().run(TEXT, { topK: 60 });
    expect(a.bars().map((b) => b.token)).to.deep.equal(run.nextToken(60).map((t) => `“${t.token}”`));
  });

  it('colours the text by the run’s token log probabilities', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm" text=${TEXT}></next-token>`);
    const run = await controller().run(TEXT);
    const logProbs = await run.tokenLogProbs();
    expect(a.strip().map((c) => c.token)).to.deep.equal(run.tokens);
    expect(a.strip()[3].spoken).to.equal(`“ on”, position 3: ${(-logProbs[2] / Math.LN2).toFixed(2)} bits (P = ${formatPercent(Math.exp(logProbs[2]))})`);
  });

  it('samples and generates step by step, firing text-change, as controller.generate does with the seed shown', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm" text=${TEXT} seed="41" steps="3" top-k="20"></next-token>`);
    expect(a.seed()).to.equal(41);
    const sampled = await generation(a, () => a.click('sample'));
    expect(a.generated()).to.have.length(1);
    expect(sampled).to.deep.equal([TEXT + a.generated()[0]]);
    const direct: GenerationStep[] = [];
    for await (const step of controller().generate(TEXT, { seed: 41, maxNewTokens: 1, topK: 20 })) direct.push(step);
    expect(a.generated()).to.deep.equal(direct.map((s) => s.token));
    const texts = await generation(a, () => a.click('generate'));
    expect(a.generated()).to.have.length(4);
    expect(texts).to.have.length(3);
    expect(texts[2]).to.equal(TEXT + a.generated().join(''));
    expect(a.prompt()).to.equal(TEXT);
    expect(a.title(), 'the bars follow the new text').to.equal(`Next token after “${a.generated()[3]}”`);
  });

  it('shares its generated text with linked figures that follow it, and only those', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <next-token group="shared-text" model=${TINY} device="wasm" text=${TEXT} seed="5" steps="2"></next-token>
      <token-view group="shared-text" follow-text model=${TINY} device="wasm" text="Another text"></token-view>
      <token-view group="shared-text" model=${TINY} device="wasm" text="Its own text"></token-view>
    </div>`);
    const a = new NextTokenHarness(wrapper.querySelector('next-token')!);
    await a.settled();
    const [following, own] = wrapper.querySelectorAll('token-view');
    const texts = await generation(a, () => a.click('generate'));
    expect(following.text).to.equal(texts.at(-1));
    expect(own.text).to.equal('Its own text');
    // The follower's own text stands again until another is shared.
    following.text = 'Back to mine';
    await following.updateComplete;
    expect(following.text).to.equal('Back to mine');
  });

  it('replays the same tokens from the original text with the same seed', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm" text=${TEXT} steps="3"></next-token>`);
    await generation(a, () => a.click('sample'));
    await generation(a, () => a.click('generate'));
    const first = a.generated();
    expect(first).to.have.length(4);
    const texts = await generation(a, () => a.click('replay'));
    expect(texts[0], 'back to the original text first').to.equal(TEXT);
    expect(texts).to.have.length(5);
    expect(a.generated()).to.deep.equal(first);
    // Another seed draws another continuation (50,257 near-uniform tokens: the same four is all but impossible).
    a.element.seed = a.seed() + 1;
    await generation(a, () => a.click('replay'));
    expect(a.generated()).to.have.length(4);
    expect(a.generated()).to.not.deep.equal(first);
  });

  it('keeps each step’s distribution to look back at, by click and by keyboard', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm" text=${TEXT} steps="3" k="5"></next-token>`);
    await generation(a, () => a.click('generate'));
    const tokens = a.generated();
    await a.clickGenerated(1);
    expect(a.shownStep()).to.equal(1);
    expect(a.title()).to.equal(`Step 2 of 3: the model’s distribution when “${tokens[1]}” was drawn`);
    expect(a.bars()).to.have.length(5);
    expect(a.note()).to.match(new RegExp(`^Drawn: “${tokens[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}”, with probability .+ under the settings it was drawn with\\.$`));
    const run = await controller().run(TEXT + tokens[0]);
    expect(
      a.bars().map((b) => b.token),
      'the model’s own top tokens at that step',
    ).to.deep.equal(run.nextToken(5).map((t) => `“${t.token}”`));
    await a.focus('generated');
    await a.press('ArrowRight');
    expect(a.focused()).to.match(new RegExp(`, step 3, probability`));
    await a.press('Enter');
    expect(a.shownStep()).to.equal(2);
    await a.press('Escape');
    expect(a.shownStep()).to.equal(undefined);
    expect(a.title()).to.equal(`Next token after “${tokens[2]}”`);
    await a.clickGenerated(0);
    await a.click('back');
    expect(a.shownStep()).to.equal(undefined);
    await expect(a.element).to.be.accessible();
  });

  it('stops between steps, keeps what was drawn, and replays that much', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm" text=${TEXT} steps="60"></next-token>`);
    const first = oneEvent(a.element, 'text-change');
    await a.click('generate');
    expect(a.generating()).to.equal(true);
    expect(a.enabled('sample')).to.equal(false);
    await first;
    await a.click('stop');
    await a.settled();
    const kept = a.generated();
    expect(kept.length).to.be.within(1, 59);
    expect(a.enabled('sample')).to.equal(true);
    await generation(a, () => a.click('replay'));
    expect(a.generated()).to.deep.equal(kept);
  });

  it('starts over on a new text from the page, but not when the page echoes its text-change', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm" text=${TEXT} steps="2"></next-token>`);
    const [, last] = await generation(a, () => a.click('generate'));
    a.element.text = last;
    await a.settled();
    expect(a.generated(), 'the echo keeps the steps').to.have.length(2);
    expect(a.prompt()).to.equal(TEXT);
    a.element.text = 'A new sentence';
    await a.settled();
    expect(a.generated()).to.deep.equal([]);
    expect(a.enabled('replay')).to.equal(false);
    expect(a.title()).to.equal('Next token after “ sentence”');
  });

  it('says in words when steps is not a whole number, with an error event', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm" text=${TEXT} steps="0"></next-token>`);
    const failed = oneEvent(a.element, 'error');
    await a.click('generate');
    expect((await failed).detail).to.deep.equal({ code: 'bad-option', message: 'steps must be a whole number of at least 1, not 0.' });
    await a.settled();
    expect(a.message()).to.equal('steps must be a whole number of at least 1, not 0.');
    expect(a.bars()).to.have.length(10);
  });

  it('refuses to export before it has drawn', async () => {
    const a = await figure(html`<next-token model=${TINY} device="wasm"></next-token>`);
    expect(await exportErrors(a.element)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });
});
