// <token-view> in a real browser: data mode (a tokenization from GPT-2's real tokenizer, and
// hand-made data that does not fit) for the chips, the words, the merges, keyboard, linking, theme
// and export; the tiny fixture model (GPT-2's tokenizer) for the live path and its states.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import { themeColours } from '../../components/shared/theme.js';
import '../../components/token-view.js';
import { ModelController } from '../../src/controller.js';
import { createTokenizer, type Gpt2Tokenizer } from '../../src/tokenizer.js';
import type { TokenizationData } from '../../src/types.js';
import { oracle } from '../fixtures/tokenizer-strings.js';
import { exportErrors } from '../harness/export.js';
import { TokenViewHarness } from '../harness/token-view-harness.js';
import { fixture as modelFolder } from './support.js';

const TINY = modelFolder('tiny');
const CAT = 'The cat sat on the mat';

let tokenizer: Gpt2Tokenizer;
before(async () => {
  const [json, config] = await Promise.all(['tokenizer.json', 'tokenizer_config.json'].map((f) => fetch(TINY + f).then((r) => r.json())));
  tokenizer = createTokenizer(json, config);
});
const data = (text: string): TokenizationData => tokenizer.tokenize(text);

async function view(template: ReturnType<typeof html>): Promise<TokenViewHarness> {
  const root = await fixture<HTMLElement>(html`<div>${template}</div>`);
  const harness = new TokenViewHarness(root.querySelector('token-view')!);
  await harness.settled();
  return harness;
}

describe('<token-view> in data mode', () => {
  it('shows a chip per token, in its word, with the counts', async () => {
    const t = await view(html`<token-view .data=${data(CAT)}></token-view>`);
    expect(t.count()).to.equal('6 tokens');
    expect(t.summary()).to.equal('6 words · 22 characters · 22 bytes');
    expect(t.chips()).to.deep.equal(
      [
        ['The', 464],
        ['·cat', 3797],
        ['·sat', 3332],
        ['·on', 319],
        ['·the', 262],
        ['·mat', 2603],
      ].map(([text, id]) => ({ text, id, label: `${String(text).replace('·', 'space ')}: id ${id}, ${String(text).length} bytes`, kind: 'token' })),
    );
    expect(t.words()).to.deep.equal([['The'], ['·cat'], ['·sat'], ['·on'], ['·the'], ['·mat']]);
    expect(t.hint()).to.equal('Click a word, or press Enter on one of its tokens, to step through the merges that make its tokens from its bytes.');
  });

  it('makes whitespace visible and groups several tokens under one word', async () => {
    const t = await view(html`<token-view .data=${data('Hi\n\tthere  you tokenization')}></token-view>`);
    expect(t.chipTexts()).to.deep.equal(['Hi', '↵', '→', 'there', '·', '·you', '·token', 'ization']);
    expect(t.words()).to.deep.equal([['Hi'], ['↵'], ['→'], ['there'], ['·'], ['·you'], ['·token', 'ization']]);
    expect(
      t
        .chips()
        .slice(1, 3)
        .map((c) => c.label),
    ).to.deep.equal(['newline: id 198, 1 byte', 'tab: id 197, 1 byte']);
  });

  it('shows a character split over several tokens as the bytes each holds, on a marked chip', async () => {
    const t = await view(html`<token-view .data=${data('😀 中文')}></token-view>`);
    expect(t.chips()).to.deep.equal([
      { text: '\\xF0\\x9F\\x98', id: 47249, label: 'bytes F0 9F 98: id 47249, 3 bytes, part of a character', kind: 'partial' },
      { text: '\\x80', id: 222, label: 'byte 80: id 222, 1 byte, part of a character', kind: 'partial' },
      { text: '·', id: 220, label: 'space: id 220, 1 byte', kind: 'token' },
      { text: '中', id: 40792, label: '中: id 40792, 3 bytes', kind: 'token' },
      { text: '\\xE6\\x96', id: 23877, label: 'bytes E6 96: id 23877, 2 bytes, part of a character', kind: 'partial' },
      { text: '\\x87', id: 229, label: 'byte 87: id 229, 1 byte, part of a character', kind: 'partial' },
    ]);
    expect(t.words()).to.deep.equal([
      ['\\xF0\\x9F\\x98', '\\x80'],
      ['·', '中', '\\xE6\\x96', '\\x87'],
    ]);
    expect(t.summary()).to.equal('2 words · 4 characters · 11 bytes · 4 tokens hold part of a character (dashed)');
  });

  it('shows <|endoftext|> as one special token, with no merge', async () => {
    const t = await view(html`<token-view .data=${data('Hi<|endoftext|>there')}></token-view>`);
    expect(t.chips()[1]).to.deep.equal({ text: '<|endoftext|>', id: 50256, label: '<|endoftext|>: id 50256, special token', kind: 'special' });
    await t.clickWord(1);
    expect(t.merges()).to.deep.equal({
      title: 'Merges of “<|endoftext|>”',
      position: 'No merges',
      parts: [{ text: '<|endoftext|>', merged: false }],
      merge: '“<|endoftext|>” is an added token: one token as it stands, with no merge.',
    });
  });

  it("steps through a word's merges with the buttons, from its bytes to its tokens", async () => {
    const t = await view(html`<token-view .data=${data(CAT)}></token-view>`);
    await t.clickWord(1);
    expect(t.chosenWords()).to.deep.equal([1]);
    expect(t.merges()).to.deep.equal({
      title: 'Merges of “·cat”',
      position: 'Step 0 of 3',
      parts: ['·', 'c', 'a', 't'].map((text) => ({ text, merged: false })),
      merge: '4 parts, one per byte.',
    });
    expect(t.disabledSteps()).to.deep.equal(['first', 'previous']);
    expect(t.announced()).to.equal('Merges of “space cat”. 4 parts, one per byte.');
    await t.step('next');
    expect(t.merges()).to.deep.equal({
      title: 'Merges of “·cat”',
      position: 'Step 1 of 3',
      parts: [
        { text: '·', merged: false },
        { text: 'c', merged: false },
        { text: 'at', merged: true },
      ],
      merge: 'Merged “a” + “t” into “at”: merge #9 of 50,000.',
    });
    await t.step('next');
    expect(t.merges()!.merge).to.equal('Merged “·” + “c” into “·c”: merge #13 of 50,000.');
    expect(t.announced()).to.equal('Merges of “space cat”. Merged “space” + “c” into “space c”: merge #13 of 50,000.');
    await t.step('last');
    expect(t.merges()!.parts).to.deep.equal([{ text: '·cat', merged: true }]);
    expect(t.merges()!.merge).to.equal("Merged “·c” + “at” into “·cat”: merge #3,541 of 50,000. This is the word's token.");
    expect(t.disabledSteps()).to.deep.equal(['next', 'last']);
    await t.step('next');
    expect(t.merges()!.position, 'Next does nothing at the last step').to.equal('Step 3 of 3');
    await t.step('first');
    expect(t.merges()!.position).to.equal('Step 0 of 3');
    await t.step('previous');
    expect(t.merges()!.position).to.equal('Step 0 of 3');
  });

  it('merges a pair at every place it occurs in one step, and says so', async () => {
    const t = await view(html`<token-view .data=${data('aaaaaaaa')}></token-view>`);
    await t.clickWord(0);
    await t.step('next');
    expect(t.parts()).to.deep.equal(['aa', 'aa', 'aa', 'aa']);
    expect(t.merges()!.merge).to.equal('Merged “a” + “a” into “aa” at 4 places: merge #6,996 of 50,000.');
    await t.step('last');
    expect(t.merges()!.merge).to.equal("Merged “aa” + “aa” into “aaaa” at 2 places: merge #24,538 of 50,000. These are the word's 2 tokens.");
  });

  it("joins a character's bytes into the character when a merge completes it", async () => {
    const t = await view(html`<token-view .data=${data('😀 中文')} word=" 中文"></token-view>`);
    expect(t.parts()).to.deep.equal(['·', '\\xE4', '\\xB8', '\\xAD', '\\xE6', '\\x96', '\\x87']);
    await t.step('last');
    expect(t.parts()).to.deep.equal(['·', '中', '\\xE6\\x96', '\\x87']);
    expect(t.merges()!.merge).to.equal("Merged “\\xE4\\xB8” + “\\xAD” into “中”: merge #40,536 of 50,000. These are the word's 4 tokens.");
  });

  it('says when no merge applies to a word of several bytes', async () => {
    const t = await view(html`<token-view .data=${data('x)>')} word=${')>'}></token-view>`);
    expect(t.merges()).to.deep.equal({
      title: 'Merges of “)>”',
      position: 'No merges',
      parts: [')', '>'].map((text) => ({ text, merged: false })),
      merge: '2 parts, one per byte; no merge applies, so they are the tokens.',
    });
  });

  it('moves over the chips with the keyboard, chooses a word with Enter, steps with arrows and lets go with Escape', async () => {
    const t = await view(html`<token-view .data=${data('Hi tokenization')}></token-view>`);
    await t.focus();
    expect(t.focusedChip()).to.deep.equal({ index: 0, label: 'Hi: id 17250, 2 bytes' });
    expect(t.idShown(0), 'the id shows on focus').to.equal(true);
    expect(t.idShown(1)).to.equal(false);
    await t.press('ArrowRight');
    expect(t.focusedChip()).to.deep.equal({ index: 1, label: 'space token: id 11241, 6 bytes' });
    await t.press('End');
    expect(t.focusedChip()?.index).to.equal(2);
    await t.press('ArrowRight');
    expect(t.focusedChip()?.index, 'the last chip stops the cursor').to.equal(2);
    await t.press('Home');
    await t.press('ArrowUp');
    expect(t.focusedChip()?.index, 'one row reads as a scale: Up moves on, as on a slider').to.equal(1);
    await t.press('Enter');
    expect(t.chosenWords()).to.deep.equal([1]);
    expect(t.merges()!.title).to.equal('Merges of “·tokenization”');
    await t.step('next');
    await t.press('ArrowRight');
    expect(t.merges()!.position).to.equal('Step 2 of 11');
    await t.press('End');
    expect(t.parts()).to.deep.equal(['·token', 'ization']);
    await t.press('ArrowLeft');
    expect(t.merges()!.position).to.equal('Step 10 of 11');
    await t.press('Home');
    expect(t.merges()!.position).to.equal('Step 0 of 11');
    await t.focus();
    await t.press('Escape');
    expect(t.merges()).to.equal(undefined);
    expect(t.chosenWords()).to.deep.equal([]);
    expect(t.announced()).to.equal('No word chosen');
  });

  it('fires token-hover on hover and focus, and lights the token hovered in a linked figure', async () => {
    const root = await fixture<HTMLElement>(html`<div>
      <token-view group="token-view-test" .data=${data(CAT)}></token-view>
      <token-view group="token-view-test" .data=${data('The cat')}></token-view>
    </div>`);
    const [a, b] = [...root.querySelectorAll('token-view')].map((el) => new TokenViewHarness(el));
    await Promise.all([a.settled(), b.settled()]);
    const events: unknown[] = [];
    a.element.addEventListener('token-hover', (e) => events.push(e.detail));
    await a.hoverChip(1);
    await b.element.updateComplete;
    expect(b.litChips()).to.deep.equal([1]);
    await a.hoverChip(4);
    await b.element.updateComplete;
    expect(a.litChips()).to.deep.equal([4]);
    expect(b.litChips(), 'position 4 is past the other text').to.deep.equal([]);
    await a.leave();
    await a.focus();
    expect(events).to.deep.equal([
      { position: 1, token: ' cat' },
      { position: 4, token: ' the' },
      { position: null, token: null },
      { position: 0, token: 'The' },
    ]);
  });

  it('follows the word attribute, and says in words when the text has no such word, with an error event', async () => {
    const t = await view(html`<token-view .data=${data(CAT)} word=" sat"></token-view>`);
    expect(t.merges()!.title).to.equal('Merges of “·sat”');
    const failed = oneEvent(t.element, 'error');
    t.element.word = 'dog';
    await t.element.updateComplete;
    const message = '"dog" is not a word of this text: its words are "The", " cat", " sat", " on", " the", " mat".';
    expect((await failed).detail).to.deep.equal({ code: 'bad-option', message });
    expect(t.message()).to.equal(message);
    expect(t.chips(), 'the tokens still show').to.have.length(6);
    t.element.word = ' mat';
    await t.element.updateComplete;
    expect(t.merges()!.title).to.equal('Merges of “·mat”');
  });

  it('lets go of a chosen word when a new text lacks it, and keeps one it has', async () => {
    const t = await view(html`<token-view .data=${data(CAT)}></token-view>`);
    await t.clickWord(1);
    await t.step('next');
    t.element.data = data('The cat ran');
    await t.settled();
    expect(t.merges()!.title).to.equal('Merges of “·cat”');
    t.element.data = data('A dog');
    await t.settled();
    expect(t.merges()).to.equal(undefined);
    expect(t.message()).to.equal('');
  });

  it('follows the theme: the accent on the chosen word, in light and dark mode', async () => {
    const t = await view(html`<token-view .data=${data(CAT)} word=" cat"></token-view>`);
    expect(t.bracketColour(1)).to.equal('rgb(9, 105, 218)');
    try {
      await emulateMedia({ colorScheme: 'dark' });
      await waitUntil(() => t.bracketColour(1) === 'rgb(68, 147, 248)', 'the chosen word did not take the dark accent');
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
    const themed = await view(html`<token-view style="--xray-accent: rgb(1, 2, 3)" .data=${data(CAT)} word=" cat"></token-view>`);
    expect(themed.bracketColour(1)).to.equal('rgb(1, 2, 3)');
  });

  it('reads its data from a JSON script child, and says in words where data does not fit', async () => {
    const good = data('The cat');
    const t = await view(html`<token-view><script type="application/json">${JSON.stringify(good)}</script></token-view>`);
    expect(t.chipTexts()).to.deep.equal(['The', '·cat']);
    const cases: [unknown, string][] = [
      [{ ...good, ids: [464] }, 'data.ids must have one token id (a whole number) per token: it has 1 ids for 2 tokens.'],
      [{ ...good, words: 'The cat' }, "data.words must be a list of strings: the pre-tokenizer's words, which add up to the text."],
      [{ ...good, merges: { The: good.merges.The } }, 'data.merges has no entry for the word " cat".'],
      [{ ...good, tokens: ['The', ' c', 'at'], ids: [464, 269, 265] }, 'data.merges[" cat"] ends at " cat", but data.tokens has " c" there.'],
      [
        { ...good, merges: { ...good.merges, ' cat': { steps: [[' ', 'c', 'a', 't'], [' ', 'ca', 't'], [' cat']], ranks: [1] } } },
        'data.merges[" cat"].ranks must have one rank (a whole number) per merge: 2 for its 3 steps.',
      ],
      [
        { ...good, merges: { ...good.merges, ' cat': { steps: [[' ', 'c', 'a', 't'], [' ', 'ta', 'c'], [' cat']], ranks: [1, 2] } } },
        'data.merges[" cat"].steps[1] is not steps[0] with neighbouring parts merged.',
      ],
      [
        { ...good, merges: { ...good.merges, ' cat': { steps: [[' ', 'd', 'o', 'g'], [' cat']], ranks: [1] } } },
        'data.merges[" cat"].steps[0] must be the word\'s parts before any merge: " ", "d", "o", "g" do not make " cat".',
      ],
      [{ ...good, tokens: [...good.tokens, '!'], ids: [...good.ids, 0] }, "data.tokens has 1 token after the last word's."],
    ];
    for (const [bad, message] of cases) {
      t.element.data = bad as TokenizationData;
      await t.settled();
      expect(t.message()).to.equal(message);
    }
    const broken = await view(html`<token-view><script type="application/json">{"ids": [</script></token-view>`);
    expect(broken.message()).to.equal('The JSON data inside <token-view> is not valid JSON.');
  });

  it('shows token text as text, never as markup, on screen and in the SVG', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const t = await view(html`<token-view .data=${data(xss)} word=" onerror"></token-view>`);
    expect(t.element.shadowRoot!.querySelector('img')).to.equal(null);
    expect(t.chipTexts().join('').replaceAll('·', ' ')).to.equal(xss);
    const svg = new DOMParser().parseFromString(t.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    expect(svg.querySelector('img')).to.equal(null);
    expect([...svg.querySelectorAll('text')].map((n) => n.textContent)).to.include.members(['<', 'img', '·src', ')']);
  });

  it('exports every chip with its id, the word brackets and the merge step on show as SVG, and a PNG', async () => {
    const t = await view(html`<token-view .data=${data(CAT)}></token-view>`);
    const plain = new DOMParser().parseFromString(t.element.toSVG(), 'image/svg+xml');
    expect(plain.querySelector('parsererror')).to.equal(null);
    const texts = (doc: Document) => [...doc.querySelectorAll('text')].map((n) => n.textContent);
    expect(texts(plain)).to.include.members(['6 tokens', '6 words · 22 characters · 22 bytes', 'The', '·cat', '464', '3797', '2603']);
    expect(plain.querySelectorAll('path'), 'one bracket per word').to.have.length(6);
    await t.clickWord(1);
    await t.step('next');
    const chosen = new DOMParser().parseFromString(t.element.toSVG(), 'image/svg+xml');
    expect(texts(chosen)).to.include.members(['Merges of “·cat”: Step 1 of 3', 'at', 'Merged “a” + “t” into “at”: merge #9 of 50,000.']);
    const { accent } = themeColours(t.element);
    expect(
      [...chosen.querySelectorAll('rect')].filter((r) => r.getAttribute('fill') === accent),
      'the merged part is filled',
    ).to.have.length(1);
    const png = await t.element.toPNG();
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('is accessible, with and without a chosen word', async () => {
    const t = await view(html`<token-view .data=${data('😀 Hi<|endoftext|>\n tokenization')}></token-view>`);
    await expect(t.element).to.be.accessible();
    await t.clickWord(4);
    await t.step('next');
    await expect(t.element).to.be.accessible();
  });
});

describe('<token-view> on the tiny model', () => {
  it("shows GPT-2's own tokens of the text, as the controller tokenizes it", async () => {
    const text = 'Hi 😀 there<|endoftext|>café';
    const t = await view(html`<token-view model=${TINY} device="wasm" text=${text}></token-view>`);
    const tokenization = await ModelController.shared({ model: TINY, device: 'wasm' }).tokenize(text);
    expect(tokenization.ids).to.deep.equal(oracle(text));
    expect(t.chips().map((c) => c.id)).to.deep.equal(tokenization.ids);
    expect(t.chipTexts()).to.deep.equal(tokenization.tokens.map((token) => token.replaceAll(' ', '·')));
    expect(t.words().map((w) => w.length)).to.deep.equal(tokenization.words.map((w) => tokenization.merges(w).at(-1)!.length));
    await t.clickWord(tokenization.words.indexOf(' there'));
    await t.step('last');
    expect(t.parts()).to.deep.equal(['·there']);
  });

  it('fires run-complete with the tokens, and follows the text as it changes', async () => {
    const root = await fixture<HTMLElement>(html`<div><token-view model=${TINY} device="wasm"></token-view></div>`);
    const t = new TokenViewHarness(root.querySelector('token-view')!);
    await t.settled();
    expect(t.message()).to.equal('There is no text to show yet: set the text attribute.');
    const complete = oneEvent(t.element, 'run-complete');
    t.element.text = CAT;
    expect((await complete).detail).to.deep.equal({ tokens: ['The', ' cat', ' sat', ' on', ' the', ' mat'] });
    await t.settled();
    expect(t.count()).to.equal('6 tokens');
    t.element.text = ' ';
    await t.settled();
    expect(t.chips()).to.deep.equal([{ text: '·', id: 220, label: 'space: id 220, 1 byte', kind: 'token' }]);
  });

  it('shows the tokens while the weights still download: it needs the tokenizer alone', async () => {
    // The weights stall half-way; the tokenizer's files come whole.
    const stalled = '/faulty/stalled/tiny/';
    const t = await view(html`<token-view model=${stalled} device="wasm" text=${CAT}></token-view>`);
    expect(t.chips().map((c) => c.id)).to.deep.equal(oracle(CAT));
    const controller = ModelController.shared({ model: stalled, device: 'wasm' });
    expect(controller.status, 'the model is still loading').to.equal('loading');
    controller.dispose();
  });

  it('says when the model does not exist', async () => {
    const t = await view(html`<token-view model="/fixtures/no-such-model/" device="wasm" text=${CAT}></token-view>`);
    expect(t.message()).to.match(/no-such-model.*config\.json was not found/);
  });

  it('refuses to export before it has drawn', async () => {
    const t = await view(html`<token-view model=${TINY} device="wasm"></token-view>`);
    expect(await exportErrors(t.element)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });
});
