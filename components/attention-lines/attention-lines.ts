// <attention-lines>: BertViz's head view. The tokens twice, queries left and keys right, a line per
// (query, key) whose opacity is the weight, one colour per head. The lines go on canvas (12 heads at
// T = 100 are 60,000 lines); the tokens are DOM text, which the keyboard, screen readers and tests read.
import { initialState, Task } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { attentionSource, type AttentionData, type AttentionSource } from '../../src/data.js';
import { checkIndex, XrayError } from '../../src/errors.js';
import type { ModelRun } from '../../src/model-run.js';
import type { HeadRef } from '../../src/selection.js';
import { CellHover } from '../shared/cell-hover.js';
import { emit } from '../shared/events.js';
import { themeColours } from '../shared/theme.js';
import { asXrayError, XrayFigure } from '../shared/xray-figure.js';
import { formatWeight } from '../attention-heatmap/attention-heatmap-draw.js';
import { attentionLinesStyles } from './attention-lines.styles.js';
import { linesPictureSvg } from './attention-lines-svg.js';
import { headColour, headColourStyles, headColours, lineCells, paintLines, stackLines, strokeLines, type HeadLines, type LineFilter, type LineFrame } from './lines-paint.js';

/** Height of a token's row, in CSS pixels. */
const ROW = 18;
const LABEL_MIN = 40;
const LABEL_MAX = 160;
/** Width of the lines between the columns. */
const AREA_MIN = 120;
const AREA_MAX = 360;
/** One pixel: the canvas draws it as a hairline, four times as fast as 1.5 px at 60,000 lines. */
const LINE_WIDTH = 1;
/** Gap between a label and its lines' ends. */
const INSET = 4;
/** Rows that PageUp and PageDown move. */
const PAGE = 10;
/** The tallest canvas Chromium draws is 32,767 pixels: a long text draws at a lower pixel ratio. */
const MAX_CANVAS = 32_000;

/** Attention of every layer and head the figure can show, from a run or from data. */
interface Source extends AttentionSource {
  truncated: boolean;
}

/** What the attributes, the toggles or a linked selection ask to show; `heads` unset is every head. */
interface Wanted {
  layer: number;
  heads?: string | number[];
}

/** The layer and heads on show. */
interface View {
  source: Source;
  layer: number;
  /** The heads shown, ascending. */
  heads: number[];
}

/** Sizes of the figure, in CSS pixels. */
interface Geometry {
  label: number;
  area: number;
  height: number;
}

/** A line on the canvas now, as `drawnLines` lists it. */
export interface DrawnLine {
  layer: number;
  head: number;
  query: number;
  key: number;
  /** The attention weight, which is the line's opacity. */
  weight: number;
}

/**
 * One layer's attention as lines, as in BertViz's head view: every token twice, the left column
 * attending to the right one, a line from each query to each earlier key (and itself) whose opacity
 * is the attention weight, one colour per head. A weight of 0 draws no line, so there is none to a
 * later token (the causal mask); weights under 0.002 are left out too, being invisible at a canvas's
 * 8-bit opacity.
 *
 * `heads` picks the heads shown (e.g. `"0 3 5"`; by default all); the toggles above the tokens
 * show and hide them (click, Enter or Space), and a double-click, Shift+click or Shift+Enter shows
 * only that head and selects it for linked figures (`head-select`). The layer is `layer`, or the
 * picker's; a head selected in a linked figure (a `<head-grid>` click) shows its layer with that
 * head alone, unless `follow-selection="false"`.
 *
 * Hover or focus a token to keep only its lines: a left token's lines to the keys it attends to, a
 * right token's lines from the queries that attend to it. The token is shared with linked figures,
 * and a token hovered in one of them shows its lines as a query here. Click or Enter locks the token;
 * Escape unlocks. Keyboard: Up/Down move along a column, Left/Right change columns, Home/End,
 * PageUp/PageDown. The PNG and SVG export what is on show, a hovered token's lines alone included.
 *
 * Data mode: `data` is `{ tokens, attention }`, the same as `<attention-heatmap>`'s (one head
 * `[dest][src]`, one layer `[heads][dest][src]`, or every layer `[layers][heads][dest][src]`).
 *
 * @slot - A `<script type="application/json">` with data-mode attention (`{tokens, attention}`).
 * @fires run-complete - The tokens are on show (`detail.tokens`).
 * @fires error - Loading or running failed, the data is malformed, or the layer or a head is out of range.
 * @fires token-hover - A token was hovered, focused or locked (`position` is null when none is).
 * @fires head-select - A head was shown alone (double-click, Shift+click or Shift+Enter on its toggle); detail `{layer, head}`.
 * @csspart caption - The "Layer" caption with its picker.
 * @csspart layer-picker - The layer picker.
 * @csspart heads - The row of head toggles.
 * @csspart head-toggle - Each head's toggle; `aria-pressed` says whether it is shown.
 * @csspart readout - The line that says what the hovered token attends to.
 * @csspart viewport - The scrolling box around tokens and lines.
 * @csspart canvas - The lines.
 * @csspart tokens - The two columns of tokens.
 * @csspart token - Each token; the hovered one has the class `on`.
 * @csspart toolbar - The export buttons' bar.
 * @csspart export-button - Each export button.
 * @csspart loading - The loading state.
 * @csspart error - An error in words.
 * @csspart empty - The empty state (no text, no data).
 * @csspart notice - A note under the caption (WASM fallback, truncated text).
 * @cssproperty --xray-head-colours - The heads' colours, separated by spaces, cycled past the last (default: d3's category10 and two more; brighter in dark mode).
 * @cssproperty --xray-accent - Hovered token, keyboard cursor, focus ring.
 * @cssproperty --xray-fg - Text.
 * @cssproperty --xray-bg - Background.
 * @cssproperty --xray-muted - Readout and hidden heads' toggles.
 * @cssproperty --xray-border - Toggle and picker borders.
 * @cssproperty --xray-error - Error text.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 */
export class AttentionLines extends XrayFigure<AttentionData> {
  static override styles = [...XrayFigure.styles, headColourStyles, attentionLinesStyles];

  /** Text to run through the model (ignored in data mode). */
  @property() text?: string;

  /** Layer to show, from 0. */
  @property({ type: Number }) layer = 0;

  /** Heads to show, as numbers separated by spaces (`"0 3 5"`); unset shows every head. */
  @property() heads?: string;

  /** Shows the head selected in linked figures; `follow-selection="false"` keeps to `layer` and `heads`. */
  @property({ attribute: 'follow-selection', converter: (value) => value !== 'false' }) followSelection = true;

  @state() private announcement = '';

  @query('canvas.all') private allCanvas?: HTMLCanvasElement;
  @query('canvas.hover') private hoverCanvas?: HTMLCanvasElement;
  @query('.viewport') private viewport?: HTMLElement;

  private wanted: Wanted = { layer: 0 };
  private seenSelection: HeadRef | null = null;
  private view?: View | XrayError;
  private viewFor: unknown[] = [];
  private palette: string[] = [];
  private paletteList = '';
  private labelsFor?: { tokens: string[]; width: number };
  private painted: unknown[] = [];
  private hoverPainted: unknown[] = [];
  /** Whether the hover canvas has lines on it, to be cleared when the token is left. */
  private hoverDrawn = false;
  /** The lines' canvas outside the rows on show, painted after the frame that shows the rest. */
  private offscreenLines?: () => void;
  /** The viewport's scroll position, as its last `scroll` event said (reading it would force a layout). */
  private scrolled?: { viewport: EventTarget | null; top: number };

  private readonly attentionTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.text, this.prependBos] as const,
    task: async ([data, , text], { signal }) => {
      if (this.dataError) return initialState;
      return data ? { ...attentionSource(data), truncated: false } : sourceOfRun(await this.runModel(text, signal));
    },
    onComplete: (source: Source) => this.announceComplete(source.tokens),
    onError: (error) => this.announceError(error),
  });

  /** The tokens twice, in reading order: index `2 * position` is the query, `2 * position + 1` the key. */
  private readonly cells = new CellHover(this, {
    shape: () => {
      const T = this.shownView()?.source.tokens.length;
      return T ? { count: 2 * T, columns: 2 } : undefined;
    },
    page: PAGE,
    onMove: () => (this.announcement = this.readout(this.filter()!)),
    onEnter: () => this.cells.togglePin(),
    onActive: (index) => this.hoverToken(index === undefined ? null : Math.floor(index / 2), this.shownView()!.source.tokens),
    onPin: (pinned) => (this.announcement = pinned ? `Locked: ${this.readout(this.filter()!)}` : 'Unlocked.'),
  });

  /** The heads shown now, ascending (after toggles and linked selections). */
  get shownHeads(): number[] {
    return this.shownView()?.heads ?? [];
  }

  /** The lines on the canvas now, after the head toggles and the hovered token's filter. */
  get drawnLines(): DrawnLine[] {
    const view = this.shownView();
    if (!view) return [];
    const T = view.source.tokens.length;
    const filter = this.filter();
    return this.headLines(view).flatMap(({ head, pattern }) =>
      Array.from(lineCells(pattern, T, filter), (cell) => ({ layer: view.layer, head, query: Math.floor(cell / T), key: cell % T, weight: pattern[cell] })),
    );
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.followSelectedHead(changed);
    this.updatePalette();
    const source = this.attentionTask.value;
    const inputs = [source, this.wanted];
    if (source && inputs.some((input, i) => input !== this.viewFor[i])) {
      this.view = this.viewOf(source, this.wanted);
      this.viewFor = inputs;
    }
  }

  protected override updated(): void {
    const view = this.shownView();
    const { allCanvas, hoverCanvas } = this;
    if (!view || !allCanvas || !hoverCanvas) return;
    const geometry = this.geometry(view);
    const T = view.source.tokens.length;
    const dpr = Math.min(globalThis.devicePixelRatio || 1, MAX_CANVAS / geometry.height);
    const heads = this.headLines(view);
    const base = [view, this.palette, geometry.area, geometry.height, dpr];
    if ([allCanvas, ...base].some((input, i) => input !== this.painted[i])) {
      this.paintAll(allCanvas, geometry, dpr, heads, T);
      this.painted = [allCanvas, ...base];
    }
    const filter = this.filter();
    const hover = [hoverCanvas, ...base, filter?.side, filter?.position];
    if (hover.some((input, i) => input !== this.hoverPainted[i])) {
      this.paintHover(hoverCanvas, geometry, dpr, heads, T, filter);
      this.hoverPainted = hover;
    }
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    return this.attentionTask.render({
      pending: () => this.renderLoading(),
      complete: () => (this.view instanceof XrayError ? this.renderError(this.view) : this.renderFigure(this.view!)),
      error: (error) => this.renderError(error),
    });
  }

  /** The figure as a standalone SVG, as on show: the shown heads, and a hovered token's lines alone. */
  toSVG(): string {
    const view = this.shownView();
    if (!view || !this.allCanvas) throw new XrayError('nothing-to-export', 'There are no attention lines to export yet.');
    this.paintOffscreenLines();
    const geometry = this.geometry(view);
    const filter = this.filter();
    return linesPictureSvg({
      caption: this.exportCaption(view, filter),
      tokens: view.source.tokens,
      heads: this.headLines(view),
      filter,
      frame: frameOf(geometry, 0, 0),
      label: geometry.label,
      area: geometry.area,
      colours: themeColours(this),
      canvas: this.allCanvas,
      font: getComputedStyle(this).fontFamily,
    });
  }

  private renderFigure(view: View): TemplateResult {
    const geometry = this.geometry(view);
    const filter = this.filter();
    return html`
      <div class="header">${this.renderCaption(view)} ${this.renderToolbar()}</div>
      ${this.renderNotices(view.source)} ${this.renderHeads(view)}
      <p class="readout" part="readout">${filter ? this.readout(filter) : this.hint(view)}</p>
      <div class="viewport" part="viewport" @scroll=${this.onScroll}>
        <div class="plot" style=${styleMap({ width: `${2 * geometry.label + geometry.area}px`, height: `${geometry.height}px` })}>
          ${this.renderCanvas('all', geometry, !!filter)} ${this.renderCanvas('hover', geometry, false)} ${this.renderTokens(view, geometry, filter)}
        </div>
      </div>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderCaption(view: View): TemplateResult {
    const { nLayer } = view.source;
    if (nLayer < 2) return html`<p class="caption" part="caption">Layer ${view.layer}</p>`;
    return html`<p class="caption" part="caption">
      <label
        >Layer
        <select part="layer-picker" @change=${(event: Event) => this.showLayer(Number((event.target as HTMLSelectElement).value))}>
          ${Array.from({ length: nLayer }, (_, l) => html`<option value=${l} ?selected=${l === view.layer}>${l}</option>`)}
        </select></label
      >
    </p>`;
  }

  private renderHeads(view: View): TemplateResult {
    const { nHead } = view.source;
    const all = view.heads.length === nHead;
    return html`<div class="heads" part="heads" role="group" aria-label="Heads: Enter shows or hides a head, Shift+Enter shows it alone">
      <span aria-hidden="true">Heads</span>
      ${Array.from({ length: nHead }, (_, head) => {
        const shown = view.heads.includes(head);
        return html`<button
          part="head-toggle"
          aria-pressed=${shown ? 'true' : 'false'}
          aria-label="Head ${head}"
          title="Head ${head}: click to ${shown ? 'hide' : 'show'}, double-click to show it alone"
          style="--_head: ${headColour(this.palette, head)}"
          @click=${(event: MouseEvent) => (event.shiftKey ? this.solo(view, head) : this.toggle(view, head))}
          @dblclick=${() => this.solo(view, head)}
          @keydown=${(event: KeyboardEvent) => this.onHeadKey(event, view, head)}
        >
          <span class="swatch"></span>${head}
        </button>`;
      })}
      ${all ? nothing : html`<button part="head-toggle" @click=${() => this.showHeads(view.layer, undefined, 'Every head shown.')}>All</button>`}
    </div>`;
  }

  private renderCanvas(kind: 'all' | 'hover', geometry: Geometry, hidden: boolean): TemplateResult {
    return html`<canvas
      class="${kind} ${hidden ? 'dimmed' : ''}"
      part="canvas"
      aria-hidden="true"
      style=${styleMap({ left: `${geometry.label}px`, width: `${geometry.area}px`, height: `${geometry.height}px` })}
    ></canvas>`;
  }

  private renderTokens(view: View, geometry: Geometry, filter: LineFilter | undefined): TemplateResult {
    const { tokens } = view.source;
    const cursor = this.cells.keys.index;
    const cell = (position: number, side: 'query' | 'key') => {
      const index = 2 * position + (side === 'key' ? 1 : 0);
      const on = filter?.side === side && filter.position === position;
      const classes = ['token', side, on ? 'on' : '', index === cursor ? (this.cells.pinned ? 'locked' : 'cursor') : ''].join(' ');
      return html`<div
        id="token-${index}"
        role="gridcell"
        class=${classes}
        part="token"
        data-index=${index}
        aria-selected=${on && this.cells.pinned ? 'true' : 'false'}
      >${tokens[position]}</div>`;
    };
    return html`<div
      class="tokens"
      part="tokens"
      role="grid"
      tabindex="0"
      aria-label="Tokens, queries left and keys right: arrow keys move, Enter locks a token's lines, Escape unlocks"
      style="--_row: ${ROW}px; --_label: ${geometry.label}px"
      aria-rowcount=${tokens.length}
      aria-colcount="2"
      aria-activedescendant="token-${cursor}"
      @pointerover=${this.onPointerOver}
      @pointerleave=${() => this.cells.point(undefined)}
      @click=${this.onClick}
      @keydown=${this.cells.keys.onKeydown}
      @focusin=${() => this.cells.focusIn()}
      @focusout=${this.cells.onFocusOut}
    >
      ${tokens.map(
        (_, position) =>
          html`<div class="row" role="row" aria-rowindex=${position + 1}>
            ${cell(position, 'query')} ${cell(position, 'key')}
          </div>`,
      )}
    </div>`;
  }

  /** The view, once there is one and it is not an error. */
  private shownView(): View | undefined {
    return this.view instanceof XrayError ? undefined : this.view;
  }

  /** Whose lines alone are on show: this figure's hovered, focused or locked token, else a linked figure's (as a query). */
  private filter(): LineFilter | undefined {
    const view = this.shownView();
    if (!view) return undefined;
    const active = this.cells.active;
    if (active !== undefined) return { side: active % 2 ? 'key' : 'query', position: Math.floor(active / 2) };
    const linked = this.linkedToken(view.source.tokens.length);
    return linked === null ? undefined : { side: 'query', position: linked };
  }

  private headLines(view: View): HeadLines[] {
    return view.heads.map((head) => ({ head, colour: headColour(this.palette, head), pattern: view.source.attention(view.layer, head) }));
  }

  /**
   * Every shown line. The canvas rasterises in software where there is no GPU, and its time goes with
   * the pixels of the lines (some 3 million at T = 100), so the rows a window can show from the viewport's scroll position are painted
   * now and the rest after the next frame (or at once when the viewport scrolls, or for an export).
   */
  private paintAll(canvas: HTMLCanvasElement, geometry: Geometry, dpr: number, heads: HeadLines[], T: number): void {
    const context = sizedContext(canvas, geometry, dpr);
    const frame = frameOf(geometry, 0, 0);
    const stack = stackLines(heads, T);
    // Band edges on device pixels, where the lines cut there meet best.
    const onDevice = (y: number) => Math.max(0, Math.min(geometry.height, Math.round(y * dpr) / dpr));
    const top = this.scrolled && this.scrolled.viewport === this.viewport ? this.scrolled.top : 0;
    const [from, to] = [onDevice(top), onDevice(top + globalThis.innerHeight)];
    this.offscreenLines = undefined;
    if (from === 0 && to === geometry.height) return strokeLines(context, frame, stack);
    strokeLines(context, frame, stack, { from, to });
    const rest = () => {
      if (from > 0) strokeLines(context, frame, stack, { from: 0, to: from });
      if (to < geometry.height) strokeLines(context, frame, stack, { from: to, to: geometry.height });
    };
    this.offscreenLines = rest;
    afterNextFrame(() => this.offscreenLines === rest && this.paintOffscreenLines());
  }

  private paintOffscreenLines(): void {
    const rest = this.offscreenLines;
    this.offscreenLines = undefined;
    rest?.();
  }

  /**
   * The hovered token's lines alone. With none, the canvas is cleared if it has lines, and sized after
   * the next frame if its size is not the figure's: neither the first paint nor a hover waits for it.
   */
  private paintHover(canvas: HTMLCanvasElement, geometry: Geometry, dpr: number, heads: HeadLines[], T: number, filter: LineFilter | undefined): void {
    if (!filter) {
      if (this.hoverDrawn) sizedContext(canvas, geometry, dpr);
      else afterNextFrame(() => this.hoverDrawn || sizedContext(canvas, geometry, dpr));
      this.hoverDrawn = false;
      return;
    }
    paintLines(sizedContext(canvas, geometry, dpr), frameOf(geometry, 0, 0), heads, T, filter);
    this.hoverDrawn = true;
  }

  private onScroll(event: Event): void {
    this.scrolled = { viewport: event.target, top: (event.target as HTMLElement).scrollTop };
    this.paintOffscreenLines();
  }

  private geometry(view: View): Geometry {
    const label = this.labelWidth(view.source.tokens);
    const width = this.size.width || this.clientWidth;
    return { label, area: Math.max(AREA_MIN, Math.min(AREA_MAX, width - 2 * label)), height: view.source.tokens.length * ROW };
  }

  /** Wide enough for the longest token, measured once per text. */
  private labelWidth(tokens: string[]): number {
    if (this.labelsFor?.tokens === tokens) return this.labelsFor.width;
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = `12px ${getComputedStyle(this).fontFamily}`;
    const widest = tokens.reduce((max, token) => Math.max(max, context.measureText(token).width), 0);
    const width = Math.round(Math.max(LABEL_MIN, Math.min(LABEL_MAX, widest + 14)));
    this.labelsFor = { tokens, width };
    return width;
  }

  /** The palette is resolved again only when the theme's list changes. */
  private updatePalette(): void {
    const list = getComputedStyle(this).getPropertyValue('--_head-colours');
    if (list === this.paletteList && this.palette.length) return;
    this.paletteList = list;
    this.palette = headColours(this);
  }

  private followSelectedHead(changed: PropertyValues<this>): void {
    const selected = this.selection.head;
    if (changed.has('layer') || changed.has('heads')) this.wanted = { layer: this.layer, heads: this.heads };
    else if (this.followSelection && selected && selected !== this.seenSelection) this.wanted = { layer: selected.layer, heads: [selected.head] };
    this.seenSelection = selected;
  }

  /** The layer and heads asked for, checked against the source, or why they cannot be shown. */
  private viewOf(source: Source, { layer, heads }: Wanted): View | XrayError {
    try {
      checkIndex('layer', layer, source.nLayer);
      const list = heads === undefined ? Array.from({ length: source.nHead }, (_, h) => h) : typeof heads === 'string' ? parseHeads(heads) : heads;
      for (const head of list) checkIndex('head', head, source.nHead);
      return { source, layer, heads: [...new Set(list)].sort((a, b) => a - b) };
    } catch (cause) {
      const error = asXrayError(cause);
      this.announceError(error);
      return error;
    }
  }

  private showHeads(layer: number, heads: number[] | undefined, announcement: string): void {
    this.wanted = { layer, heads };
    this.announcement = announcement;
    this.requestUpdate();
  }

  private showLayer(layer: number): void {
    const view = this.shownView()!;
    this.showHeads(layer, view.heads.length === view.source.nHead ? undefined : view.heads, `Layer ${layer}.`);
  }

  private toggle(view: View, head: number): void {
    const shown = view.heads.includes(head);
    const heads = shown ? view.heads.filter((h) => h !== head) : [...view.heads, head];
    this.showHeads(view.layer, heads.length === view.source.nHead ? undefined : heads, `Head ${head} ${shown ? 'hidden' : 'shown'}.`);
  }

  /** Shows `head` alone and selects it for linked figures. */
  private solo(view: View, head: number): void {
    const ref = { layer: view.layer, head };
    this.showHeads(view.layer, [head], `Layer ${view.layer}, head ${head} alone.`);
    this.selection.selectHead(ref);
    emit(this, 'head-select', ref);
  }

  private onHeadKey(event: KeyboardEvent, view: View, head: number): void {
    if (event.key !== 'Enter' || !event.shiftKey) return;
    event.preventDefault(); // no click: that would toggle the head too
    this.solo(view, head);
  }

  private onPointerOver(event: PointerEvent): void {
    const token = (event.target as Element).closest<HTMLElement>('[data-index]');
    this.cells.point(token ? Number(token.dataset.index) : undefined);
  }

  private onClick(event: MouseEvent): void {
    const token = (event.target as Element).closest<HTMLElement>('[data-index]');
    if (token) this.cells.click(Number(token.dataset.index));
  }

  /** What the filtered token attends to (a query) or is attended by (a key), in words. */
  private readout(filter: LineFilter): string {
    const view = this.shownView()!;
    const { tokens } = view.source;
    const T = tokens.length;
    const who = `${quote(tokens[filter.position])} (${filter.position})`;
    if (!view.heads.length) return `${who}: no head is shown.`;
    let best: { head: number; other: number; weight: number } | undefined;
    const others = new Set<number>();
    for (const { head, pattern } of this.headLines(view)) {
      for (const cell of lineCells(pattern, T, filter)) {
        const other = filter.side === 'query' ? cell % T : Math.floor(cell / T);
        others.add(other);
        if (!best || pattern[cell] > best.weight) best = { head, other, weight: pattern[cell] };
      }
    }
    if (!best) return `${who}: no line in the shown heads.`;
    const strongest = `${quote(tokens[best.other])} (${best.other}), ${formatWeight(best.weight)} in head ${best.head}`;
    return filter.side === 'query'
      ? `Query ${who} attends to ${plural(others.size, 'token')}; most to ${strongest}.`
      : `Key ${who} is attended by ${plural(others.size, 'query', 'queries')}; most by ${strongest}.`;
  }

  private hint(view: View): string {
    if (!view.heads.length) return 'No head is shown: turn one on above.';
    return 'Hover or focus a token to see its lines alone; the left column attends to the right.';
  }

  private exportCaption(view: View, filter: LineFilter | undefined): string {
    const heads = view.heads.length === view.source.nHead ? 'all heads' : view.heads.length ? `heads ${view.heads.join(', ')}` : 'no heads';
    const token = filter ? ` · lines of ${filter.side} ${quote(view.source.tokens[filter.position])} (${filter.position})` : '';
    return `Layer ${view.layer} · ${heads}${token}`;
  }
}

/** A run's attention in the shape data mode has. */
function sourceOfRun(run: ModelRun): Source {
  const { nLayer, nHead } = run.config;
  return { tokens: run.tokens, nLayer, nHead, attention: (layer, head) => run.attention(layer, head), truncated: run.truncated };
}

/** `canvas` cleared and sized for the lines' area at `dpr` (a new size only when it changes), its context scaled to CSS pixels. */
function sizedContext(canvas: HTMLCanvasElement, geometry: Geometry, dpr: number): CanvasRenderingContext2D {
  const [width, height] = [Math.round(geometry.area * dpr), Math.round(geometry.height * dpr)];
  const context = canvas.getContext('2d')!;
  if (canvas.width === width && canvas.height === height) {
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, width, height);
  } else [canvas.width, canvas.height] = [width, height];
  context.setTransform(dpr, 0, 0, dpr, 0, 0);
  return context;
}

/** Runs `work` once the next frame is out: a task queued from its animation frame callback. */
function afterNextFrame(work: () => unknown): void {
  requestAnimationFrame(() => setTimeout(work));
}

/** The lines' frame for a figure whose area starts at (`left`, `top`). */
function frameOf(geometry: Geometry, left: number, top: number): LineFrame {
  return { x0: left + INSET, x1: left + geometry.area - INSET, top, row: ROW, lineWidth: LINE_WIDTH };
}

/** `"0 3 5"` (or `"0,3,5"`) as head numbers. */
function parseHeads(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const heads = parts.map(Number);
  if (heads.some((head) => !Number.isInteger(head))) throw new XrayError('bad-option', `heads must be head numbers separated by spaces, such as "0 3 5"; it is "${text}".`);
  return heads;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Quotes a token so that its leading space shows. */
function quote(token: string): string {
  return `“${token}”`;
}
