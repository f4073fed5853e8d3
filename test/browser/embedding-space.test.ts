// <embedding-space> in a real browser: data mode with known points, neighbours and an analogy for
// the placement, hover, keyboard, search and export; the tiny fixture model for the live path, where
// the figure must show what controller.embeddings returns.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/embedding-space.js';
import type { EmbeddingSpaceData } from '../../components/embedding-space/embedding-data.js';
import { parseWords } from '../../components/embedding-space/embedding-data.js';
import { ModelController } from '../../src/controller.js';
import { EmbeddingSpaceHarness } from '../harness/embedding-space-harness.js';
import { exportErrors } from '../harness/export.js';
import { fixture as modelFolder } from './support.js';

const n = (token: string, id: number, similarity: number) => ({ token, id, similarity });

const royals: EmbeddingSpaceData = {
  words: [' king', ' queen', ' man', ' woman', ' apple'],
  points: [
    { x: 2, y: 2 },
    { x: 2, y: -2 },
    { x: -2, y: 2 },
    { x: -2, y: -2 },
    { x: 0, y: 0 },
  ],
  neighbours: { ' king': [n(' kings', 5336, 0.812), n(' queen', 16599, 0.651), n(' prince', 19716, -0.25)] },
  analogy: { a: ' king', b: ' man', c: ' woman', results: [n(' queen', 16599, 0.712), n(' princess', 21752, 0.603)] },
  explained: [0.4, 0.25],
};

const TINY = modelFolder('tiny');

async function figure(template: ReturnType<typeof html>): Promise<EmbeddingSpaceHarness> {
  const root = await fixture<HTMLElement>(html`<div>${template}</div>`);
  const harness = new EmbeddingSpaceHarness(root.querySelector('embedding-space')!);
  await harness.settled();
  return harness;
}

describe('parseWords', () => {
  it('gives each word a leading space unless it is quoted, split on spaces and commas', () => {
    expect(parseWords('king queen, man,woman')).to.deep.equal([' king', ' queen', ' man', ' woman']);
    expect(parseWords('"king" " 1990" "a b", x')).to.deep.equal(['king', ' 1990', 'a b', ' x']);
    expect(parseWords('  ,, ""  ')).to.deep.equal([]);
  });
});

describe('<embedding-space> in data mode', () => {
  it('places each point where the data says, on axes named by their share of the variance', async () => {
    const e = await figure(html`<embedding-space style="width: 600px" .data=${royals}></embedding-space>`);
    expect(e.words(), 'left to right, then bottom to top').to.deep.equal([' woman', ' man', ' apple', ' queen', ' king']);
    const [king, queen, man, woman, apple] = royals.words.map((w) => e.pointAt(w));
    expect(king.x).to.be.closeTo(queen.x, 1e-6);
    expect(man.x).to.be.below(apple.x);
    expect(apple.x).to.be.below(king.x);
    expect(king.y, 'y grows upwards').to.be.below(queen.y);
    expect(apple.x - man.x).to.be.closeTo(king.x - apple.x, 1e-6);
    expect(apple.y - king.y).to.be.closeTo(woman.y - apple.y, 1e-6);
    expect(e.labels()).to.have.members(royals.words);
    expect(e.axisLabels()).to.deep.equal(['PC1 (40.0% of the variance)', 'PC2 (25.0% of the variance)']);
    expect(e.note()).to.contain('the unembedding is this same matrix');
  });

  it('lists a hovered word’s nearest tokens, and says when the data has none', async () => {
    const e = await figure(html`<embedding-space .data=${royals}></embedding-space>`);
    expect(e.neighbours().title).to.equal('Hover or focus a word to list its 8 nearest tokens.');
    await e.hover(' king');
    expect(e.neighbours()).to.deep.equal({
      title: 'Nearest to “ king”',
      list: [
        { token: ' kings', similarity: 0.812 },
        { token: ' queen', similarity: 0.651 },
        { token: ' prince', similarity: -0.25 },
      ],
    });
    expect(e.isActive(' king')).to.equal(true);
    await e.hover(' apple');
    expect(e.neighbours()).to.deep.equal({ title: 'The data has no neighbours for “ apple”.', list: [] });
    await e.unhover(' apple');
    expect(e.neighbours().title).to.equal('Hover or focus a word to list its 8 nearest tokens.');
  });

  it('moves over the points from left to right with the keyboard, pins with Enter, hides with Escape', async () => {
    const e = await figure(html`<embedding-space .data=${royals}></embedding-space>`);
    await e.focus();
    expect(e.focused()).to.deep.equal({ word: ' woman', spoken: '“ woman”, at −2.000, −2.000' });
    expect(e.announced()).to.equal('“ woman”, at −2.000, −2.000');
    await e.press('End');
    expect(e.focused()?.word).to.equal(' king');
    expect(e.announced()).to.equal('“ king”, at 2.000, 2.000');
    expect(e.neighbours().title).to.equal('Nearest to “ king”');
    await e.press('ArrowLeft');
    expect(e.focused()?.word).to.equal(' queen');
    await e.press('Enter');
    expect(e.element.shadowRoot!.querySelector('[part=point][aria-pressed=true]')?.getAttribute('data-word')).to.equal(' queen');
    await e.press('Escape');
    expect(e.neighbours().title).to.equal('Hover or focus a word to list its 8 nearest tokens.');
    await e.press('Home');
    expect(e.focused()?.word).to.equal(' woman');
    await e.press('ArrowLeft');
    expect(e.focused()?.word, 'the first point stops the cursor').to.equal(' woman');
  });

  it('shows the analogy’s results and draws man → king and woman → queen', async () => {
    const e = await figure(html`<embedding-space .data=${royals}></embedding-space>`);
    expect(e.analogy()).to.deep.equal({
      title: 'king − man + woman ≈',
      list: [
        { token: ' queen', similarity: 0.712 },
        { token: ' princess', similarity: 0.603 },
      ],
      arrows: 'The arrows go “ man” → “ king” and “ woman” → “ queen”: parallel when the analogy holds.',
    });
    expect(e.arrows()).to.deep.equal([' man →  king', ' woman →  queen']);
    const noQueen = { ...royals, words: royals.words.slice(2), points: royals.points.slice(2) };
    const f = await figure(html`<embedding-space .data=${noQueen}></embedding-space>`);
    expect(f.arrows()).to.deep.equal([]);
    expect(f.analogy().arrows).to.equal('No arrows: the scatter does not have all of “ king”, “ man”, “ woman”, “ queen”.');
  });

  it('lists the neighbours the data has for a typed token, a leading space added unless quoted', async () => {
    const e = await figure(html`<embedding-space .data=${royals}></embedding-space>`);
    await e.search('king');
    expect(e.queryResults().title).to.equal('Nearest to “ king”');
    expect(e.queryResults().list.map((l) => l.token)).to.deep.equal([' kings', ' queen', ' prince']);
    expect(e.element.query).to.equal('king');
    await e.search('"king"');
    expect(e.queryResults()).to.deep.equal({ title: 'The data has no neighbours for “king”.', list: [] });
  });

  it('reads its data from a JSON script child, and says in words where data does not fit', async () => {
    const e = await figure(html`<embedding-space><script type="application/json">${JSON.stringify(royals)}</script></embedding-space>`);
    expect(e.words()).to.have.length(5);
    const failed = fixture<HTMLElement>(html`<div><embedding-space .data=${{ ...royals, points: royals.points.slice(1) }}></embedding-space></div>`);
    const f = new EmbeddingSpaceHarness((await failed).querySelector('embedding-space')!);
    await f.settled();
    expect(f.message()).to.equal('data.points must have one {x, y} per word: it has 4 points for 5 words.');
    const error = oneEvent(f.element, 'error');
    f.element.data = { ...royals, points: [...royals.points.slice(0, 4), { x: Number.NaN, y: 0 }] };
    expect((await error).detail).to.deep.equal({ code: 'bad-option', message: 'data.points[4] (" apple") must be {x, y} with finite numbers.' });
    await f.settled();
    expect(f.message()).to.equal('data.points[4] (" apple") must be {x, y} with finite numbers.');
    f.element.data = { ...royals, neighbours: { ' king': [{ token: ' kings', id: 1, similarity: 'high' as unknown as number }] } };
    await f.settled();
    expect(f.message()).to.equal('data.neighbours[" king"][0] must be {token, id, similarity}: a token text, its id and a finite similarity.');
    f.element.data = { ...royals, explained: [40, 25] };
    await f.settled();
    expect(f.message()).to.equal('data.explained must be the two components’ shares of the variance, two numbers from 0 to 1.');
  });

  it('shows token text as text, never as markup, on screen and in the SVG', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const e = await figure(
      html`<embedding-space .data=${{
        words: [xss, ' b'],
        points: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
        neighbours: { [xss]: [n(xss, 1, 0.5)] },
      }}></embedding-space>`,
    );
    await e.hover(xss);
    expect(e.element.shadowRoot!.querySelector('img')).to.equal(null);
    expect(e.labels()).to.include(xss);
    expect(e.neighbours().list).to.deep.equal([{ token: xss, similarity: 0.5 }]);
    const svg = new DOMParser().parseFromString(e.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    expect(svg.querySelector('img')).to.equal(null);
    expect(svg.documentElement.textContent).to.contain(xss);
  });

  it('exports the points, labels, arrows and the analogy as SVG, and a PNG', async () => {
    const e = await figure(html`<embedding-space .data=${royals}></embedding-space>`);
    await e.focus();
    const svg = new DOMParser().parseFromString(e.element.toSVG(), 'image/svg+xml');
    expect(svg.querySelector('parsererror')).to.equal(null);
    expect(svg.querySelectorAll('circle')).to.have.length(5);
    expect(svg.querySelectorAll('line.arrow')).to.have.length(2);
    expect(svg.querySelector('[tabindex], [role]'), 'no focus targets in the file').to.equal(null);
    const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts).to.include.members([...royals.words, 'PC1 (40.0% of the variance)', 'king − man + woman ≈ “ queen” 0.712, “ princess” 0.603']);
    const png = await e.element.toPNG();
    expect(png.type).to.equal('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('is accessible, with a word pinned and a search shown', async () => {
    const e = await figure(html`<embedding-space .data=${royals}></embedding-space>`);
    await e.click(' king');
    await e.search('king');
    await expect(e.element).to.be.accessible();
  });

  it('follows the theme’s colours', async () => {
    const e = await figure(html`<embedding-space style="--xray-scale-high: rgb(1, 2, 3); --xray-accent: rgb(4, 5, 6)" .data=${royals}></embedding-space>`);
    const point = e.element.shadowRoot!.querySelector('[part=point]')!;
    expect(point.getAttribute('fill')).to.equal('rgb(1, 2, 3)');
    expect(e.element.shadowRoot!.querySelector('[part=arrow]')!.getAttribute('stroke')).to.equal('rgb(4, 5, 6)');
  });
});

describe('<embedding-space> on the tiny model', () => {
  const controller = () => ModelController.shared({ model: TINY, device: 'wasm' });

  it('says what is missing without words, and rejects a bad analogy or k in words', async () => {
    const e = await figure(html`<embedding-space model=${TINY} device="wasm"></embedding-space>`);
    expect(e.message()).to.equal('There are no words to place yet: set the words attribute (e.g. words="king queen man woman").');
    e.element.words = 'king queen';
    e.element.analogy = 'king man';
    await e.settled();
    expect(e.message()).to.equal('analogy="king man" needs three words, a b c for a − b + c (e.g. analogy="king man woman"); it has 2.');
    e.element.analogy = undefined;
    e.element.k = 0;
    await e.settled();
    expect(e.message()).to.equal('k="0" is not valid: use a whole number of nearest tokens, at least 1.');
  });

  it('places the words where controller.embeddings.project puts them, and lists their nearest tokens', async () => {
    const words = [' king', ' queen', ' man', ' woman', ' cat', ' dog'];
    const e = await figure(html`<embedding-space model=${TINY} device="wasm" words="king queen man woman cat dog" k="5"></embedding-space>`);
    expect([...e.words()].sort()).to.deep.equal([...words].sort());
    const points = await controller().embeddings.project(words);
    // The chart's pixels are a linear map of the data: differences keep their ratios.
    const shown = words.map((w) => e.pointAt(w));
    const scaleX = (shown[1].x - shown[0].x) / (points[1].x - points[0].x);
    const scaleY = (shown[1].y - shown[0].y) / (points[1].y - points[0].y);
    for (let i = 2; i < words.length; i++) {
      expect(shown[i].x - shown[0].x, words[i]).to.be.closeTo(scaleX * (points[i].x - points[0].x), 0.01);
      expect(shown[i].y - shown[0].y, words[i]).to.be.closeTo(scaleY * (points[i].y - points[0].y), 0.01);
    }
    expect(scaleY, 'y grows upwards').to.be.below(0);
    expect(e.axisLabels()).to.deep.equal(['PC1', 'PC2']);
    await e.hover(' cat');
    const nearest = await controller().embeddings.nearest(' cat', 5);
    expect(e.neighbours()).to.deep.equal({ title: 'Nearest to “ cat”', list: nearest.map((m) => ({ token: m.token, similarity: +m.similarity.toFixed(3) })) });
    await e.search('dog');
    const dog = await controller().embeddings.nearest(' dog', 5);
    expect(e.queryResults().list.map((l) => l.token)).to.deep.equal(dog.map((m) => m.token));
  });

  it('reports a word that is not one token, and keeps the rest', async () => {
    const e = await figure(html`<embedding-space model=${TINY} device="wasm" words="king tiredness queen king"></embedding-space>`);
    expect([...e.words()].sort()).to.deep.equal([' king', ' queen']);
    const split = (await controller().tokenize(' tiredness')).tokens;
    expect(split.length).to.be.above(1);
    expect(e.notices()).to.deep.equal([`Left out, not one GPT-2 token each: “ tiredness” (${split.map((t) => `“${t}”`).join(' + ')}).`, 'Words listed more than once are shown once.']);
    await e.search('tiredness');
    expect(e.queryResults().title).to.match(/^The query " tiredness" is \d tokens .*not one/);
  });

  it('shows the analogy’s results and adds its words to the scatter', async () => {
    const e = await figure(html`<embedding-space model=${TINY} device="wasm" words="cat dog" analogy="king man woman" k="4"></embedding-space>`);
    const results = await controller().embeddings.analogy(' king', ' man', ' woman', 4);
    expect(e.analogy().title).to.equal('king − man + woman ≈');
    expect(e.analogy().list).to.deep.equal(results.map((m) => ({ token: m.token, similarity: +m.similarity.toFixed(3) })));
    const top = results[0].token;
    expect([...e.words()].sort()).to.deep.equal([' cat', ' dog', ' king', ' man', ' woman', top].sort());
    expect([' king', ' man', ' woman', top].every((w) => e.isAdded(w))).to.equal(true);
    expect(e.isAdded(' cat')).to.equal(false);
    expect(e.arrows()).to.deep.equal([' man →  king', ` woman → ${top}`]);
  });

  it('refuses to export before it has drawn', async () => {
    const e = await figure(html`<embedding-space model=${TINY} device="wasm"></embedding-space>`);
    expect(await exportErrors(e.element)).to.deep.equal({ svg: 'nothing-to-export', png: 'nothing-to-export' });
  });
});
