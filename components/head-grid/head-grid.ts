// <head-grid>: every attention head as a small multiple. Hover shows one head's token-level detail,
// click selects a head for linked figures, and attributes rank the heads by a score.
import { Task, TaskStatus } from '@lit/task';
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { topKeys } from '../../src/analysis/head-scores.js';
import { attentionSource, type AttentionData, type AttentionSource } from '../../src/data.js';
import { checkIndex, XrayError } from '../../src/errors.js';
import type { HeadRef } from '../../src/selection.js';
import { CellHover } from '../shared/cell-hover.js';
import { emit } from '../shared/events.js';
import { colourScale, themeColours, type ThemeColours } from '../shared/theme.js';
import { asXrayError, XrayFigure } from '../shared/xray-figure.js';
import { headColour, headColourStyles, headColours } from '../attention-lines/lines-paint.js';
import { cellOrigin, gridLayout, headAt, type GridLayout, type LabelBox } from './head-grid-layout.js';
import { colourTable, paintGrid, paintGridLines, paintHead, paintHeadLines } from './head-grid-paint.js';
import { quote, rankingFor, type Ranking } from './head-grid-ranking.js';
import { gridSvg } from './head-grid-svg.js';

/** Width of the detail panel, and the narrowest host that still puts it beside the grid. */
const PANEL = 220;
const SIDE_BY_SIDE = 560;
const PANEL_GAP = 16;
/** Width assumed while the host has none (hidden). */
const DEFAULT_WIDTH = 640;
const TOP_KEYS = 3;

interface Attention {
  source: AttentionSource;
  truncated: boolean;
}

/** What the grid shows, derived from the run and the attributes. */
interface View {
  layout: GridLayout;
  /** Per shown head: the caption under its thumbnail and its score colour when ranked. */
  captions: string[];
  borders: (string | undefined)[];
}

/** What each thumbnail draws. */
const VIEWS = ['heatmap', 'lines'] as const;
type GridView = (typeof VIEWS)[number];

const formatScore = (score: number) => score.toFixed(2);
const sameHead = (a: HeadRef | null | undefined, b: HeadRef) => a?.layer === b.layer && a?.head === b.head;

/**
 * Every head of the model as a small multiple (rows are layers, columns are heads), or one layer's
 * heads as a near-square grid. Hover a head for a larger view and, for the token under the pointer
 * (or hovered in a linked figure), the tokens it attends to most. Click or Enter selects a head,
 * which linked heatmaps show. `from-token`/`to-token` or `score` rank the heads. Keyboard: arrow
 * keys move over the heads, Home/End jump to the first/last, Enter or Space selects, Escape clears
 * the selection.
 *
 * `view="lines"` draws each head as BertViz's model view does, a small `<attention-lines>`: queries
 * on a thumbnail's left edge, keys on its right, a line per weight (its opacity) in the head's
 * colour; the inspected head's panel shows the hovered query's lines alone.
 *
 * @fires head-select - A head was clicked or chosen by keyboard; detail `{layer, head}`, or `null` when Escape cleared the selection.
 * @fires token-hover - The pointer moved to another query row of a thumbnail; detail `{position, token}`.
 * @fires run-complete - The attention to show is ready; detail `{tokens}`.
 * @fires error - Loading, running or an attribute failed; detail `{code, message}`.
 *
 * @csspart grid - The box of thumbnails and their labels.
 * @csspart head - One head's thumbnail (with its caption); `aria-selected` marks the selected one.
 * @csspart caption - The line under a thumbnail: the head, and its score when ranked.
 * @csspart label - A layer or head label of the full grid.
 * @csspart detail - The panel with the inspected head's pattern and top keys.
 * @csspart ranking - The list of the best heads when ranking.
 * @csspart notice - A note such as "no token “dog” in the text".
 * @csspart loading - The loading state.
 * @csspart error - The error state.
 * @csspart empty - The empty state (no text).
 * @csspart toolbar - The export buttons' row.
 * @csspart export-button - Each export button.
 *
 * @cssproperty --xray-scale-low - Colour of weight 0.
 * @cssproperty --xray-scale-high - Colour of weight 1.
 * @cssproperty --xray-masked - Colour of the causal (masked) region.
 * @cssproperty --xray-head-colours - The heads' colours in the lines view, separated by spaces (as `<attention-lines>`).
 * @cssproperty --xray-accent - Selected head, focus and the detail's query row.
 * @cssproperty --xray-fg - Text colour.
 * @cssproperty --xray-bg - Background colour.
 * @cssproperty --xray-muted - Labels and captions.
 * @cssproperty --xray-border - Borders.
 * @cssproperty --xray-error - Error messages.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 *
 * @slot - A `<script type="application/json">` with data-mode attention (`{tokens, attention}`).
 */
export class HeadGrid extends XrayFigure<AttentionData> {
  static override styles = [
    ...XrayFigure.styles,
    headColourStyles,
    css`
      .layout {
        display: flex;
        flex-wrap: wrap;
        gap: ${PANEL_GAP}px;
        align-items: flex-start;
      }
      .scroll {
        max-width: 100%;
        overflow-x: auto;
      }
      .plot {
        position: relative;
      }
      .plot canvas {
        position: absolute;
        inset: 0;
      }
      .label {
        position: absolute;
        display: flex;
        align-items: center;
        justify-content: center;
        font-size: 11px;
        color: var(--_muted);
      }
      .label.start {
        justify-content: flex-start;
      }
      .label.end {
        justify-content: flex-end;
      }
      .heads {
        position: absolute;
        inset: 0;
        cursor: crosshair;
      }
      .head {
        position: absolute;
        outline-offset: 1px;
      }
      .head.inspected {
        outline: 1px solid var(--_fg);
      }
      .heads:focus-visible .head.active {
        outline: 2px dashed var(--_accent);
      }
      .head[aria-selected='true'] {
        outline: 2px solid var(--_accent);
      }
      .caption {
        position: absolute;
        font-size: 11px;
        line-height: 16px;
        text-align: center;
        white-space: nowrap;
        overflow: hidden;
        color: var(--_muted);
      }
      .detail {
        flex: 0 0 ${PANEL}px;
        position: sticky;
        top: 0;
        font-size: 0.9em;
      }
      .detail p {
        margin: 0 0 0.4em;
      }
      .detail canvas {
        display: block;
        margin-bottom: 0.4em;
        outline: 1px solid var(--_border);
      }
      .detail ol,
      .ranking ol {
        margin: 0;
        padding-left: 1.6em;
      }
      .token {
        white-space: pre;
      }
      .muted {
        color: var(--_muted);
      }
      .ranking button {
        font: inherit;
        color: var(--_accent);
        background: none;
        border: none;
        padding: 0;
        cursor: pointer;
        text-decoration: underline;
      }
    `,
  ];

  /** The text whose attention to show (ignored in data mode). */
  @property() text?: string;

  /** Show only this layer's heads, as a grid of `columns`; unset shows every layer. */
  @property({ type: Number }) layer?: number;

  /** Columns of the one-layer grid (with `layer`); by default near-square (12 heads: 3 × 4). */
  @property({ type: Number }) columns?: number;

  /** Rank heads by the attention from this token's last occurrence (its text, or a position number). */
  @property({ attribute: 'from-token' }) fromToken?: string;

  /** …to this token's earliest occurrence before the from-token (its text, or a position number). */
  @property({ attribute: 'to-token' }) toToken?: string;

  /** Rank heads by `previous-token`, `first-token`, `duplicate-token` or `induction` score (unless from/to tokens are set). */
  @property() score?: string;

  /** What each thumbnail draws: `heatmap` (the pattern as colour) or `lines` (BertViz's model view). */
  @property() view: GridView = 'heatmap';

  @state() private announcement = '';
  /** The width the grid is laid out for; see `followWidth`. */
  @state() private layoutWidth = 0;

  @query('.plot canvas') private gridCanvas?: HTMLCanvasElement;
  @query('.detail canvas') private detailCanvas?: HTMLCanvasElement;

  private shown?: View;
  private viewError?: XrayError;
  private ranking?: Ranking;
  private rankingNotice?: string;
  private rankedFor?: AttentionSource;
  private colours?: ThemeColours;
  private table?: Uint32Array;
  private palette: string[] = [];
  private paletteList = '';
  private painted: unknown[] = [];

  private readonly attentionTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.text, this.prependBos] as const,
    task: async ([data, , text], { signal }): Promise<Attention> => {
      if (data) return { source: attentionSource(data), truncated: false };
      const run = await this.runModel(text, signal);
      const { nLayer, nHead } = run.config;
      return { source: { tokens: run.tokens, nLayer, nHead, attention: (l, h) => run.attention(l, h) }, truncated: run.truncated };
    },
    onComplete: ({ source }) => this.announceComplete(source.tokens),
    onError: (error) => this.announceError(error),
  });

  /** The heads shown, by index; the inspected one is under the pointer, or the keyboard's. */
  private readonly cells = new CellHover(this, {
    shape: () => this.shown && { count: this.shown.layout.heads.length, columns: this.shown.layout.cols },
    ends: 'all',
    onMove: (index) => (this.announcement = this.headName(this.shown!.layout.heads[index])),
    onEnter: () => this.select(this.shown!.layout.heads[this.cells.keys.index]),
    onEscape: () => this.clear(),
  });

  /** The tokens shown, once the attention is ready. */
  get tokens(): string[] {
    return this.attentionTask.value?.source.tokens ?? [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.followWidth();
    this.updateColours();
    const source = this.attentionTask.value?.source;
    if (!source) return;
    try {
      if (!VIEWS.includes(this.view)) throw new XrayError('bad-option', `Unknown view "${this.view}": use one of ${VIEWS.join(', ')}.`);
      const heads = this.shownHeads(source);
      if (source !== this.rankedFor || ['layer', 'fromToken', 'toToken', 'score'].some((p) => changed.has(p as keyof HeadGrid))) {
        ({ ranking: this.ranking, notice: this.rankingNotice } = rankingFor({ source, heads, fromToken: this.fromToken, toToken: this.toToken, score: this.score }));
        this.rankedFor = source;
      }
      this.shown = this.viewOf(source, heads);
      this.viewError = undefined;
    } catch (error) {
      const failure = asXrayError(error);
      if (failure.message !== this.viewError?.message) this.announceError(failure);
      this.viewError = failure;
      this.shown = undefined;
      this.rankedFor = undefined;
    }
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    return this.attentionTask.render({
      initial: () => this.renderLoading(),
      pending: () => this.renderLoading(),
      complete: (attention) => this.renderFigure(attention),
      error: (error) => this.renderError(error),
    });
  }

  protected override updated(): void {
    const source = this.attentionTask.value?.source;
    if (!source || !this.shown || !this.table || !this.colours) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const { layout } = this.shown;
    const lines = this.view === 'lines';
    const inputs = [this.gridCanvas, source, this.table, this.palette, this.view, dpr, layout.width, layout.height, layout.size, layout.cols, layout.heads[0].layer];
    if (this.gridCanvas && inputs.some((input, i) => input !== this.painted[i])) {
      if (lines) paintGridLines(this.gridCanvas, layout, source, this.palette, dpr);
      else paintGrid(this.gridCanvas, layout, source, this.table, dpr);
      this.painted = inputs;
    }
    const head = this.detailHead();
    if (!this.detailCanvas || !head) return;
    const [pattern, T, query] = [source.attention(head.layer, head.head), source.tokens.length, this.detailQuery(source)];
    if (lines) paintHeadLines(this.detailCanvas, pattern, T, query, headColour(this.palette, head.head), PANEL, dpr);
    else paintHead(this.detailCanvas, pattern, T, query, this.table, this.colours.accent, PANEL, dpr);
  }

  /** The figure as a standalone SVG: the grid, its labels and scores, and the ranking. */
  toSVG(): string {
    const source = this.attentionTask.value?.source;
    if (this.attentionTask.status !== TaskStatus.COMPLETE || !source || !this.shown || !this.colours || !this.gridCanvas) {
      throw new XrayError('nothing-to-export', 'There is nothing to export yet: the grid has not been drawn.');
    }
    const notes = this.rankingNotice ? [this.rankingNotice] : this.ranking ? [this.ranking.title, ...this.ranking.top.map((r, i) => `${i + 1}. ${r.layer}.${r.head}  ${formatScore(r.score)}`)] : [];
    const selected = this.shown.layout.heads.findIndex((ref) => sameHead(this.selection.head, ref));
    const lines = this.view === 'lines' ? { palette: this.palette } : undefined;
    return gridSvg({ ...this.shown!, source, colours: this.colours, selected, canvas: this.gridCanvas, notes, lines });
  }

  private renderFigure({ source, truncated }: Attention): TemplateResult {
    if (!this.shown) return this.renderError(this.viewError);
    return html`
      ${this.renderNotices({ truncated })} ${this.renderToolbar()}
      <div class="layout">
        <div class="scroll">${this.renderGrid(this.shown)}</div>
        ${this.renderDetail(source)}
      </div>
      ${this.renderRanking()}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderGrid({ layout, captions, borders }: View): TemplateResult {
    const { width, height, heads } = layout;
    const active = heads[this.cells.keys.index];
    return html`<div class="plot" part="grid" style=${styleMap({ width: `${width}px`, height: `${height}px` })}>
      <canvas aria-hidden="true" style=${styleMap({ width: `${width}px`, height: `${height}px` })}></canvas>
      ${layout.labels.map((label) => this.renderLabel(label))} ${captions.map((caption, i) => this.renderCaption(layout, i, caption))}
      <div
        class="heads"
        role="listbox"
        tabindex="0"
        aria-label="Attention heads: arrow keys move, Enter selects, Escape clears"
        aria-activedescendant=${`head-${active.layer}-${active.head}`}
        @pointermove=${this.onPointerMove}
        @pointerleave=${this.onPointerLeave}
        @click=${this.onClick}
        @keydown=${this.cells.keys.onKeydown}
        @focusin=${() => this.cells.focusIn()}
        @focusout=${this.cells.onFocusOut}
      >
        ${heads.map((ref, i) => this.renderHead(layout, ref, i, borders[i]))}
      </div>
    </div>`;
  }

  private renderLabel({ text, x, y, width, height, align }: LabelBox): TemplateResult {
    return html`<div class="label ${align}" part="label" aria-hidden="true" style=${styleMap({ left: `${x}px`, top: `${y}px`, width: `${width}px`, height: `${height}px` })}>${text}</div>`;
  }

  private renderHead(layout: GridLayout, ref: HeadRef, index: number, border: string | undefined): TemplateResult {
    const { x, y } = cellOrigin(layout, index);
    const classes = ['head', index === this.cells.keys.index ? 'active' : '', index === this.cells.active ? 'inspected' : ''].join(' ');
    return html`<div
      id=${`head-${ref.layer}-${ref.head}`}
      class=${classes}
      part="head"
      role="option"
      aria-selected=${sameHead(this.selection.head, ref) ? 'true' : 'false'}
      aria-label=${this.headName(ref)}
      style=${`left:${x}px;top:${y}px;width:${layout.size}px;height:${layout.size}px;${border ? `box-shadow:0 0 0 3px ${border}` : ''}`}
    ></div>`;
  }

  /** Captions sit outside the heads' options so that each option's name is its label alone. */
  private renderCaption(layout: GridLayout, index: number, caption: string): TemplateResult | typeof nothing {
    if (!caption) return nothing;
    const { x, y } = cellOrigin(layout, index);
    return html`<div class="caption" part="caption" aria-hidden="true" style=${`left:${x}px;top:${y + layout.size}px;width:${layout.size}px`}>${caption}</div>`;
  }

  private renderDetail(source: AttentionSource): TemplateResult {
    const head = this.detailHead();
    if (!head) return html`<aside class="detail" part="detail"><p class="muted">Hover over a head to see its pattern and where each token looks; click to select it.</p></aside>`;
    const { tokens } = source;
    const q = this.detailQuery(source);
    return html`<aside class="detail" part="detail" aria-label="Inspected head">
      <p><strong>${this.headName(head)}</strong></p>
      <canvas aria-hidden="true" style=${styleMap({ width: `${PANEL}px`, height: `${PANEL}px` })}></canvas>
      <p><span class="token">${quote(tokens[q])}</span> (position ${q}) attends most to:</p>
      <ol>
        ${topKeys(source, head.layer, head.head, q, TOP_KEYS).map(
          ({ position, weight }) => html`<li><span class="token">${quote(tokens[position])}</span> <span class="muted">(${position})</span> ${formatScore(weight)}</li>`,
        )}
      </ol>
    </aside>`;
  }

  private renderRanking(): TemplateResult | typeof nothing {
    if (this.rankingNotice) return html`<p class="notice" part="notice" role="status">${this.rankingNotice}</p>`;
    if (!this.ranking) return nothing;
    return html`<section class="ranking" part="ranking" aria-label=${this.ranking.title}>
      <p>${this.ranking.title}</p>
      <ol>
        ${this.ranking.top.map(
          (ranked) =>
            html`<li>
              <button title=${`Select layer ${ranked.layer}, head ${ranked.head}`} @click=${() => this.select(ranked)}>${ranked.layer}.${ranked.head}</button>
              ${formatScore(ranked.score)}
            </li>`,
        )}
      </ol>
    </section>`;
  }

  private shownHeads(source: AttentionSource): HeadRef[] {
    const heads = (layer: number) => Array.from({ length: source.nHead }, (_, head) => ({ layer, head }));
    if (this.layer == null) return Array.from({ length: source.nLayer }, (_, layer) => heads(layer)).flat();
    checkIndex('layer', this.layer, source.nLayer);
    return heads(this.layer);
  }

  private viewOf(source: AttentionSource, heads: HeadRef[]): View {
    const oneLayer = this.layer != null;
    if (oneLayer && this.columns != null && !(Number.isInteger(this.columns) && this.columns >= 1)) {
      throw new XrayError('bad-option', `columns must be a whole number of at least 1; it is "${this.columns}".`);
    }
    const cols = oneLayer ? (this.columns ?? Math.ceil(Math.sqrt(source.nHead))) : source.nHead;
    const available = this.layoutWidth;
    const width = available >= SIDE_BY_SIDE ? available - PANEL - PANEL_GAP : available;
    const scores = this.ranking?.scores;
    const layout = gridLayout({ heads, cols, width, axes: !oneLayer, captions: oneLayer || !!scores, title: oneLayer ? `Layer ${this.layer}` : undefined });
    const scoreOf = (ref: HeadRef) => scores?.[ref.layer * source.nHead + ref.head] ?? NaN;
    const scale = colourScale(this.colours!, [0, Math.max(this.ranking?.top[0]?.score ?? 0, 1e-6)]); // the best head is darkest
    return {
      layout,
      captions: heads.map((ref) => [oneLayer ? `H${ref.head}` : '', scores ? formatScore(scoreOf(ref)) : ''].filter(Boolean).join(' ')),
      borders: heads.map((ref) => (scores ? scale(scoreOf(ref)) : undefined)),
    };
  }

  /**
   * The first layout measures the host, so the resize observer's first report changes nothing.
   * Later widths are taken a frame late: a height change inside the observer's own frame makes the
   * browser report a "ResizeObserver loop" error.
   */
  private followWidth(): void {
    if (!this.layoutWidth) this.layoutWidth = Math.round(this.getBoundingClientRect().width) || DEFAULT_WIDTH;
    else if (this.size.width && this.size.width !== this.layoutWidth) requestAnimationFrame(() => (this.layoutWidth = this.size.width));
  }

  private updateColours(): void {
    const colours = themeColours(this);
    const list = getComputedStyle(this).getPropertyValue('--_head-colours');
    if (JSON.stringify(colours) === JSON.stringify(this.colours) && list === this.paletteList) return;
    this.colours = colours;
    this.table = colourTable(colours);
    this.paletteList = list;
    this.palette = headColours(this);
  }

  /** The head the detail panel shows: the inspected one, else the selected one if shown. */
  private detailHead(): HeadRef | undefined {
    const heads = this.shown?.layout.heads ?? [];
    const inspected = this.cells.active;
    return inspected !== undefined ? heads[inspected] : heads.find((ref) => sameHead(this.selection.head, ref));
  }

  /** The query the detail panel explains: the hovered token, else the ranking's, else the last. */
  private detailQuery(source: AttentionSource): number {
    const T = source.tokens.length;
    return this.linkedToken(T) ?? this.ranking?.query ?? T - 1;
  }

  private headName(ref: HeadRef): string {
    const score = this.ranking?.scores[ref.layer * (this.attentionTask.value?.source.nHead ?? 0) + ref.head];
    return `Layer ${ref.layer}, head ${ref.head}${score === undefined || Number.isNaN(score) ? '' : `, score ${formatScore(score)}`}`;
  }

  private hit(event: MouseEvent): { index: number; query: number } | undefined {
    const layout = this.shown?.layout;
    const T = this.attentionTask.value?.source.tokens.length;
    if (!layout || !T) return undefined;
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const hit = headAt(layout, event.clientX - box.left, event.clientY - box.top);
    return hit && { index: hit.index, query: Math.min(Math.floor(hit.down * T), T - 1) };
  }

  private onPointerMove(event: PointerEvent): void {
    const hit = this.hit(event);
    this.cells.point(hit?.index);
    this.hoverToken(hit ? hit.query : null, this.tokens);
  }

  private onPointerLeave(): void {
    this.cells.point(undefined);
    this.hoverToken(null, this.tokens);
  }

  private onClick(event: MouseEvent): void {
    const hit = this.hit(event);
    if (hit) this.select(this.shown!.layout.heads[hit.index]);
  }

  private select(ref: HeadRef): void {
    this.cells.keys.moveTo(this.shown!.layout.heads.findIndex((shown) => sameHead(shown, ref)));
    this.selection.selectHead(ref);
    this.announcement = `${this.headName(ref)}, selected`;
    emit(this, 'head-select', ref);
  }

  private clear(): void {
    this.announcement = 'No head selected';
    if (!this.selection.head) return;
    this.selection.selectHead(null);
    emit(this, 'head-select', null);
  }
}
