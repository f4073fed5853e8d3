// <embedding-space>: a word list's token embeddings on their first two principal components, with
// each word's nearest tokens, a typed token's, and an analogy (a − b + c) drawn as two arrows.
import { initialState, Task, TaskStatus } from '@lit/task';
import { css, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ModelController } from '../../src/controller.js';
import { XrayError } from '../../src/errors.js';
import { CellHover } from '../shared/cell-hover.js';
import { childrenMarkup, dropFocusStops, escapeXml, svgDocument } from '../shared/export.js';
import { decimal, quote } from '../shared/format.js';
import { themeColours, type ThemeColours } from '../shared/theme.js';
import { XrayFigure } from '../shared/xray-figure.js';
import { parseAnalogy, parseWords, sceneFromData, type EmbeddingScene, type EmbeddingSpaceData, type Neighbour, type Point } from './embedding-data.js';
import { analogyText, HEIGHT, scatterLayout, type ScatterLayout } from './embedding-view.js';

/** Width of the scatter when the figure has none (hidden), and the least it is drawn at. */
const DEFAULT_WIDTH = 640;
const MIN_WIDTH = 280;
/** Room the neighbours' list takes beside the scatter when the figure is wide enough for both. */
const PANEL = 200;
const NOTE = 'GPT-2 ties its weights: the unembedding is this same matrix, so a final hidden state’s dot product with each of these rows is that token’s logit.';

/** A ranked list of tokens, or why there is none. */
type NeighbourList = { of: string; list: Neighbour[] } | { of: string; missing: string };

/**
 * GPT-2's token embeddings (`W_E`, the rows of `wte`) for a list of words, on their first two
 * principal components: each word a labelled point. Hover or focus a point to list its `k` nearest
 * tokens in the whole vocabulary by cosine similarity; type a token to list its own. `analogy="king
 * man woman"` lists the tokens nearest king − man + woman (gensim's `most_similar(positive=[king,
 * woman], negative=[man])`, the three left out) and draws man → king and woman → the first result,
 * two arrows that are parallel when the analogy holds; words of the analogy that are not in the list
 * are added to the scatter (hollow points), so the components are those of all the points shown.
 *
 * **Words:** `words` is separated by spaces or commas. Each word gets GPT-2's leading space, the
 * token a word has inside a sentence (`king` is `" king"`), unless it is in double quotes, which keep
 * it as written (`"king"` is the token at the start of a text). A word that is not one GPT-2 token is
 * left out of the scatter, and a note says which, and into which tokens it splits. The same rule reads
 * `analogy` and the typed token.
 *
 * GPT-2 ties its weights: the unembedding is the same matrix, so these rows are also what a final
 * hidden state's logits are read against (a note under the figure says so).
 *
 * **Keyboard:** Tab reaches the points; arrow keys, Home and End move from left to right; Enter or
 * Space pins the point's neighbours (they move with the arrow keys), Escape hides them until the next
 * move. The focused word and its place are announced.
 *
 * **Data mode:** `data` is `{ words, points: [{x, y}], neighbours?: {word: [{token, id, similarity}]},
 * analogy?: {a, b, c, results}, explained?: [pc1, pc2] }` (see docs/elements.md for the Python that
 * writes it from `model.W_E`); `words`, `analogy` and `k` are then the data's own, and a typed token
 * lists the neighbours the data has for it.
 *
 * @fires run-complete - The scatter shows a new word list; detail `{tokens}` (the words' token texts).
 * @fires error - Loading, an attribute or the data failed; detail `{code, message}`.
 *
 * @csspart chart - The `<svg>` scatter.
 * @csspart point - One word's point (focusable); `aria-pressed` marks the pinned one.
 * @csspart label - A point's word.
 * @csspart arrow - An analogy arrow (b → a, c → result).
 * @csspart neighbours - The list of the hovered or focused word's nearest tokens.
 * @csspart analogy - The analogy's line and results.
 * @csspart query - The form to type a token into.
 * @csspart query-results - The typed token's nearest tokens.
 * @csspart note - The line on tied weights.
 * @csspart notice - A note (words left out, WASM fallback).
 * @csspart toolbar - The export buttons' row.
 * @csspart export-button - Each export button.
 * @csspart loading - The loading state.
 * @csspart error - The error state.
 * @csspart empty - The empty state (no words).
 *
 * @cssproperty --xray-scale-high - The points.
 * @cssproperty --xray-accent - The active point, the analogy's arrows, focus ring.
 * @cssproperty --xray-fg - Text and labels.
 * @cssproperty --xray-bg - Background.
 * @cssproperty --xray-muted - Axes, similarities and notes.
 * @cssproperty --xray-border - The axes' zero lines.
 * @cssproperty --xray-error - Error messages.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 *
 * @slot - A `<script type="application/json">` with data-mode points.
 */
export class EmbeddingSpace extends XrayFigure<EmbeddingSpaceData> {
  static override styles = [
    ...XrayFigure.styles,
    css`
      .body {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em 1em;
        align-items: flex-start;
      }
      svg {
        display: block;
        overflow: visible;
        font-size: 11px;
      }
      .point {
        cursor: pointer;
        outline: none;
      }
      .point:focus-visible {
        stroke: var(--_accent);
        stroke-width: 3;
      }
      .label {
        pointer-events: none;
      }
      .neighbours {
        flex: 1 1 12em;
        min-width: 10em;
      }
      h3 {
        margin: 0 0 0.25em;
        font-size: 1em;
        font-weight: 600;
      }
      ol {
        margin: 0;
        padding-left: 1.8em;
        font-variant-numeric: tabular-nums;
      }
      .token {
        white-space: pre;
      }
      .sim {
        color: var(--_muted);
        margin-left: 0.5em;
      }
      .hint {
        color: var(--_muted);
        margin: 0;
      }
      .analogy,
      .query {
        margin-top: 0.75em;
      }
      .analogy ol {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1.5em;
      }
      .query form {
        display: flex;
        gap: 0.5em;
        align-items: baseline;
        margin-bottom: 0.25em;
      }
      .query input,
      .query button {
        font: inherit;
        color: var(--_fg);
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: 4px;
        padding: 0.1em 0.4em;
      }
      .query input:focus-visible,
      .query button:focus-visible {
        outline: 2px solid var(--_accent);
        outline-offset: 1px;
      }
      .missing {
        color: var(--_error);
        margin: 0;
      }
      .note {
        margin: 0.75em 0 0;
        color: var(--_muted);
        font-size: 0.9em;
      }
    `,
  ];

  /** The words to place, separated by spaces or commas; each gets a leading space unless in double quotes (`"king"`). */
  @property() words?: string;

  /** Three words a b c: lists the tokens nearest a − b + c and draws b → a and c → the first result. */
  @property() analogy?: string;

  /** How many nearest tokens each list shows. */
  @property({ type: Number }) k = 8;

  /** A token whose nearest tokens to list (the figure's search box sets it too); a leading space is added unless quoted. */
  @property() query?: string;

  @state() private announcement = '';

  private colours?: ThemeColours;
  private layout?: ScatterLayout;

  private readonly sceneTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.words, this.analogy, this.k] as const,
    task: async ([data, controller, words, analogy, k]): Promise<EmbeddingScene> => {
      if (data) return sceneFromData(data);
      const list = parseWords(words ?? '');
      const abc = analogy ? parseAnalogy(analogy) : undefined;
      checkK(k);
      if (list.length === 0) throw new XrayError('empty-text', 'There are no words to place yet: set the words attribute (e.g. words="king queen man woman").');
      await controller!.load();
      return liveScene(controller!, list, abc, k);
    },
    onComplete: (scene) => this.announceComplete(scene.words),
    onError: (error) => this.announceError(error),
  });

  /** The points, left to right; the keyboard's holds the tab stop. */
  private readonly cells = new CellHover(this, {
    shape: () => this.scene && { count: this.scene.words.length, columns: this.scene.words.length },
    ends: 'all',
    cellElement: (index) => this.renderRoot.querySelector<SVGElement>(`.point[data-index="${index}"]`),
    onMove: (index) => (this.announcement = this.describe(index)),
    onEnter: () => this.cells.togglePin(),
  });

  /** The nearest tokens of the word whose point is hovered, focused or pinned. */
  private readonly neighbourTask = new Task(this, {
    args: () => [this.scene, this.activeWord, this.data ? undefined : this.controller, this.k] as const,
    task: async ([scene, word, controller, k]): Promise<NeighbourList | typeof initialState> => {
      if (!scene || word === undefined) return initialState;
      const token = scene.words[word];
      if (!controller) return fromData(scene, token);
      return { of: token, list: await controller.embeddings.nearest(token, k) };
    },
  });

  /** The nearest tokens of the typed token. */
  private readonly queryTask = new Task(this, {
    args: () => [this.scene, this.query, this.data ? undefined : this.controller, this.k] as const,
    task: async ([scene, query, controller, k]): Promise<NeighbourList | typeof initialState> => {
      const [token] = parseWords(query ?? '');
      if (!scene || token === undefined) return initialState;
      if (!controller) return fromData(scene, token);
      try {
        return { of: token, list: await controller.embeddings.nearest(token, k) };
      } catch (error) {
        // Not one token, most often: said beside the box, the scatter stays.
        return { of: token, missing: error instanceof Error ? error.message : String(error) };
      }
    },
  });

  private get scene(): EmbeddingScene | undefined {
    return this.sceneTask.status === TaskStatus.COMPLETE ? this.sceneTask.value : undefined;
  }

  /** The word (its index in the scene) whose neighbours show. */
  private get activeWord(): number | undefined {
    const active = this.cells.active;
    return active === undefined ? undefined : this.layout?.order[active];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const scene = this.scene;
    if (!scene) return;
    this.colours = themeColours(this);
    const room = this.size.width || DEFAULT_WIDTH;
    this.layout = scatterLayout(scene, Math.max(MIN_WIDTH, room >= 2 * PANEL + MIN_WIDTH ? room - PANEL : room));
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    return this.sceneTask.render({
      initial: () => this.renderLoading(),
      pending: () => this.renderLoading(),
      complete: (scene) => this.renderFigure(scene),
      error: (error) => this.renderError(error),
    });
  }

  /** The scatter as a standalone SVG: axes, points, labels and arrows, with the analogy's first results under it. */
  toSVG(): string {
    const chart = this.renderRoot.querySelector<SVGSVGElement>('svg[part="chart"]');
    const scene = this.scene;
    if (!chart || !scene || !this.colours || !this.layout) throw new XrayError('nothing-to-export', 'There is nothing to export yet: the scatter has not been drawn.');
    const copy = chart.cloneNode(true) as SVGSVGElement;
    dropFocusStops(copy);
    const body = childrenMarkup(copy);
    const line = scene.analogy ? analogyLine(scene.analogy.a, scene.analogy.b, scene.analogy.c, scene.analogy.results) : '';
    const extra = line ? `<text x="8" y="${HEIGHT + 16}" fill="${escapeXml(this.colours.fg)}" xml:space="preserve">${escapeXml(line)}</text>` : '';
    return svgDocument(this.layout.width, HEIGHT + (line ? 28 : 0), body + extra, this.colours.bg, getComputedStyle(this).fontFamily);
  }

  private renderFigure(scene: EmbeddingScene): TemplateResult {
    return html`
      ${this.renderToolbar()} ${this.renderNotices()} ${scene.notes.map((n) => html`<p class="notice" part="notice">${n}</p>`)}
      <div class="body">${this.renderChart(scene)} ${this.renderNeighbours()}</div>
      ${this.renderAnalogy(scene)} ${this.renderQuery()}
      <p class="note" part="note">${NOTE}</p>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderChart(scene: EmbeddingScene): TemplateResult {
    const { width, x, y, order, xLabel, yLabel } = this.layout!;
    const c = this.colours!;
    const [left, right] = x.range();
    const [bottom, top] = y.range();
    const zeroX = x.domain()[0] < 0 && x.domain()[1] > 0 ? x(0) : undefined;
    const zeroY = y.domain()[0] < 0 && y.domain()[1] > 0 ? y(0) : undefined;
    const title = `${scene.words.length} token embeddings on their first two principal components`;
    return html`<svg
      part="chart"
      width=${width}
      height=${HEIGHT}
      viewBox="0 0 ${width} ${HEIGHT}"
      role="group"
      aria-label=${`${title}: arrow keys move from left to right, Enter pins a word's neighbours`}
      @focusin=${(event: FocusEvent) => this.cells.focusIn(indexOf(event.target))}
      @focusout=${this.cells.onFocusOut}
      @keydown=${this.cells.keys.onKeydown}
    >
      <defs>
        <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0L10,5L0,10z" fill=${c.accent}></path>
        </marker>
      </defs>
      <g class="axes" font-size="11">
        ${zeroX === undefined ? nothing : svg`<line x1=${zeroX} x2=${zeroX} y1=${top} y2=${bottom} stroke=${c.border}></line>`}
        ${zeroY === undefined ? nothing : svg`<line x1=${left} x2=${right} y1=${zeroY} y2=${zeroY} stroke=${c.border}></line>`}
        <text x=${(left + right) / 2} y=${HEIGHT - 8} text-anchor="middle" fill=${c.muted}>${xLabel}</text>
        <text transform="translate(12 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" fill=${c.muted}>${yLabel}</text>
      </g>
      ${this.renderArrows(scene)} ${order.map((word, index) => this.renderPoint(scene, word, index))}
    </svg>`;
  }

  /** b → a and c → the first result, where the scatter has all four. */
  private renderArrows(scene: EmbeddingScene): SVGTemplateResult | typeof nothing {
    const analogy = scene.analogy;
    const result = analogy?.results[0];
    if (!analogy || !result) return nothing;
    const at = (token: string) => scene.points[scene.words.indexOf(token)] as Point | undefined;
    const arrow = (from: string, to: string) => {
      const [p, q] = [at(from), at(to)];
      if (!p || !q) return nothing;
      const { x, y } = this.layout!;
      return svg`<line class="arrow" part="arrow" data-from=${from} data-to=${to} x1=${x(p.x)} y1=${y(p.y)} x2=${x(q.x)} y2=${y(q.y)} stroke=${this.colours!.accent} stroke-width="1.5" marker-end="url(#arrowhead)"></line>`;
    };
    return svg`<g class="arrows">${arrow(analogy.b, analogy.a)} ${arrow(analogy.c, result.token)}</g>`;
  }

  private renderPoint(scene: EmbeddingScene, word: number, index: number): SVGTemplateResult {
    const { x, y } = this.layout!;
    const c = this.colours!;
    const p = scene.points[word];
    const active = this.cells.active === index;
    const fill = scene.added[word] ? c.bg : c.high;
    return svg`<g>
      <circle class="point ${active ? 'active' : ''}" part="point" data-index=${index} data-word=${scene.words[word]} data-added=${scene.added[word] ? 'true' : nothing} cx=${x(p.x)} cy=${y(p.y)} r=${active ? 6 : 4}
        fill=${fill} stroke=${active ? c.accent : c.high} stroke-width=${active ? 2 : 1.5}
        tabindex=${index === this.cells.keys.index ? 0 : -1} role="button" aria-pressed=${this.cells.pinned && active ? 'true' : 'false'} aria-label=${this.describe(index)}
        @pointerenter=${() => this.cells.point(index)} @pointerleave=${() => this.cells.point(undefined)} @click=${() => this.cells.click(index)}></circle>
      <text class="label" part="label" x=${x(p.x) + 7} y=${y(p.y) + 4} fill=${c.fg} font-weight=${active ? 600 : 400}>${scene.words[word]}</text>
    </g>`;
  }

  private renderNeighbours(): TemplateResult {
    const word = this.activeWord;
    const body =
      word === undefined
        ? html`<p class="hint">Hover or focus a word to list its ${this.k} nearest tokens.</p>`
        : this.neighbourTask.render({
            pending: () => html`<p class="hint" data-busy>Finding the tokens nearest ${quote(this.scene!.words[word])}…</p>`,
            complete: (found) => renderList(found),
            error: (error) => html`<p class="missing">${error instanceof Error ? error.message : String(error)}</p>`,
          });
    return html`<section class="neighbours" part="neighbours" aria-label="Nearest tokens">${body}</section>`;
  }

  private renderAnalogy(scene: EmbeddingScene): TemplateResult | typeof nothing {
    const analogy = scene.analogy;
    if (!analogy) return nothing;
    const result = analogy.results[0];
    const arrows = result && [analogy.a, analogy.b, analogy.c, result.token].every((t) => scene.words.includes(t));
    return html`<section class="analogy" part="analogy" aria-label="Analogy">
      <h3>${analogyText(analogy)} ≈</h3>
      <ol>
        ${analogy.results.map((n) => html`<li data-token=${n.token}><span class="token">${quote(n.token)}</span><span class="sim">${decimal(n.similarity)}</span></li>`)}
      </ol>
      ${
        arrows
          ? html`<p class="hint">The arrows go ${quote(analogy.b)} → ${quote(analogy.a)} and ${quote(analogy.c)} → ${quote(result.token)}: parallel when the analogy holds.</p>`
          : html`<p class="hint">No arrows: the scatter does not have all of ${[analogy.a, analogy.b, analogy.c, ...(result ? [result.token] : [])].map(quote).join(', ')}.</p>`
      }
    </section>`;
  }

  private renderQuery(): TemplateResult {
    const found = this.queryTask.status === TaskStatus.COMPLETE ? this.queryTask.value : undefined;
    return html`<section class="query" part="query" aria-label="Nearest tokens of a typed token">
      <form @submit=${this.onQuery}>
        <label for="query">Nearest tokens of</label>
        <input id="query" name="query" .value=${this.query ?? ''} placeholder="king" autocomplete="off" spellcheck="false" />
        <button type="submit">List</button>
      </form>
      <div part="query-results" aria-live="polite">
        ${this.queryTask.status === TaskStatus.PENDING ? html`<p class="hint" data-busy>Finding…</p>` : found ? renderList(found) : nothing}
      </div>
    </section>`;
  }

  private readonly onQuery = (event: SubmitEvent): void => {
    event.preventDefault();
    this.query = (event.target as HTMLFormElement).querySelector('input')!.value;
  };

  /** A point in words, for its label and the live region. */
  private describe(index: number): string {
    const scene = this.scene!;
    const word = this.layout!.order[index];
    const p = scene.points[word];
    return `${quote(scene.words[word])}${scene.added[word] ? ' (added by the analogy)' : ''}, at ${decimal(p.x)}, ${decimal(p.y)}`;
  }
}

/** The scene from the model: the words that are one token each, and the analogy's words added. */
async function liveScene(controller: ModelController, words: string[], abc: [string, string, string] | undefined, k: number): Promise<EmbeddingScene> {
  const notes: string[] = [];
  const split = await Promise.all(words.map((w) => controller.tokenize(w)));
  const kept: string[] = [];
  const ids: number[] = [];
  const broken: string[] = [];
  split.forEach((t, i) => {
    if (t.ids.length !== 1) broken.push(`${quote(words[i])} (${t.tokens.map(quote).join(' + ')})`);
    else if (!ids.includes(t.ids[0])) {
      kept.push(t.tokens[0]);
      ids.push(t.ids[0]);
    }
  });
  if (broken.length) notes.push(`Left out, not one GPT-2 token each: ${broken.join(', ')}.`);
  if (kept.length < words.length - broken.length) notes.push('Words listed more than once are shown once.');
  let analogy: EmbeddingScene['analogy'];
  const added: string[] = [];
  if (abc) {
    const [a, b, c] = abc;
    const results = await controller.embeddings.analogy(a, b, c, k);
    analogy = { a, b, c, results };
    for (const token of [a, b, c, ...results.slice(0, 1).map((r) => r.token)]) if (!kept.includes(token) && !added.includes(token)) added.push(token);
  }
  if (kept.length === 0 && added.length === 0) throw new XrayError('bad-option', `None of the words is one GPT-2 token: ${broken.join(', ')}.`);
  const all = [...kept, ...added];
  const points = await controller.embeddings.project([...ids, ...added]);
  return { words: all, points, added: all.map((_, i) => i >= kept.length), analogy, notes };
}

function fromData(scene: EmbeddingScene, token: string): NeighbourList {
  const list = scene.neighbours?.[token];
  return list ? { of: token, list } : { of: token, missing: `The data has no neighbours for ${quote(token)}.` };
}

function renderList(found: NeighbourList): TemplateResult {
  if ('missing' in found) return html`<p class="missing">${found.missing}</p>`;
  return html`<h3>Nearest to <span class="token">${quote(found.of)}</span></h3>
    <ol>
      ${found.list.map((n) => html`<li data-token=${n.token}><span class="token">${quote(n.token)}</span><span class="sim">${decimal(n.similarity)}</span></li>`)}
    </ol>`;
}

/** "king − man + woman ≈ “ queen” 0.712, “ princess” 0.650, …" for the export. */
function analogyLine(a: string, b: string, c: string, results: Neighbour[]): string {
  return `${analogyText({ a, b, c })} ≈ ${results
    .slice(0, 5)
    .map((n) => `${quote(n.token)} ${decimal(n.similarity)}`)
    .join(', ')}`;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new XrayError('bad-option', `k="${k}" is not valid: use a whole number of nearest tokens, at least 1.`);
}

function indexOf(target: EventTarget | null): number | undefined {
  const index = (target as HTMLElement | null)?.dataset?.index;
  return index === undefined ? undefined : Number(index);
}
