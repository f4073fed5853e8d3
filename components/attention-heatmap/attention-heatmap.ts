// <attention-heatmap>: one head's attention pattern. Cells go on a canvas, one pixel per cell, so
// 1,000 tokens stay smooth; labels, legend, tooltip and the keyboard grid are DOM text.
import { initialState, Task } from '@lit/task';
import type { ScaleSequential } from 'd3-scale';
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { styleMap } from 'lit/directives/style-map.js';
import { attentionSource, type AttentionData, type AttentionSource } from '../../src/data.js';
import { checkIndex, XrayError } from '../../src/errors.js';
import type { HeadRef } from '../../src/selection.js';
import type { ModelRun } from '../../src/model-run.js';
import { labelStep } from '../shared/axis-labels.js';
import { CellHover } from '../shared/cell-hover.js';
import { emit } from '../shared/events.js';
import { memoLast } from '../shared/memo.js';
import { colourScale, themeColours, type ThemeColours } from '../shared/theme.js';
import { asXrayError, XrayFigure } from '../shared/xray-figure.js';
import { formatWeight, paintPattern, patternMax } from './attention-heatmap-draw.js';
import { heatmapSvg } from './attention-heatmap-svg.js';

/** Room for the axis labels left of and above the cells, in CSS pixels. */
const GUTTER = 88;
/** Line height of an axis label: labels closer than this are thinned. */
const LABEL_PX = 14;
/** Cells never shrink below this; longer texts scroll instead. */
const MIN_CELL = 4;
const MAX_CELL = 40;
/** Room a vertical scrollbar may take. */
const SCROLLBAR = 16;
/** Rows that PageUp and PageDown move. */
const PAGE = 10;

interface Cell {
  q: number;
  k: number;
}

/** Attention of every layer and head the figure can show, from a run or from data. */
interface Source extends AttentionSource {
  truncated: boolean;
}

/** The one head on show. */
interface View {
  source: Source;
  head: HeadRef;
  /** T×T, row = query. */
  pattern: Float32Array;
  /** Top of the colour scale. */
  max: number;
}

/**
 * One attention head's pattern: query tokens as rows, key tokens as columns, the weight as colour.
 * Cells above the diagonal (a token cannot attend to later tokens) take the masked colour.
 *
 * The head is `layer`/`head` until a linked figure selects another head (a `<head-grid>` click in
 * the same `<xray-model>` or `group`); then that head is shown, until `layer` or `head` change again.
 * The colour scale runs from 0 to `max`, by default the largest weight of the shown head: that is 1 for
 * any causal pattern (the first token attends only to itself), so a page lowers `max` to see the
 * diffuse heads of long texts.
 *
 * Data mode: `data` is `{ tokens, attention }` with `attention` as one head `[dest][src]`, one layer
 * `[heads][dest][src]` or every layer `[layers][heads][dest][src]`.
 *
 * Pointer: hover a cell for its tooltip, click to lock it. Keyboard: arrow keys, Home/End (row ends),
 * Ctrl+Home/End, PageUp/PageDown; Enter or Space locks (the lock moves with the arrow keys), Escape
 * unlocks and hides the tooltip until the next move.
 *
 * @slot - A `<script type="application/json">` with data-mode attention (`{tokens, attention}`).
 * @fires run-complete - The tokens are on show (`detail.tokens`).
 * @fires error - Loading or running failed, the data is malformed, or the layer/head is out of range.
 * @fires token-hover - A row, a column or a label was hovered (`position` is null when the pointer left).
 * @fires cell-select - A cell was locked (`detail` is null when it was unlocked).
 * @csspart caption - The "Layer 5 · Head 1" caption.
 * @csspart legend - The colour ramp with its ticks and the masked swatch.
 * @csspart viewport - The scrolling box around labels and cells.
 * @csspart query-labels - The row labels.
 * @csspart key-labels - The column labels.
 * @csspart canvas - The cells.
 * @csspart tooltip - The hover and lock tooltip.
 * @csspart toolbar - The export buttons' bar.
 * @csspart export-button - Each export button.
 * @csspart loading - The loading state.
 * @csspart error - An error in words.
 * @csspart empty - The empty state (no text, no data).
 * @csspart notice - A note under the caption (WASM fallback, truncated text).
 * @cssproperty --xray-scale-low - Colour of weight 0.
 * @cssproperty --xray-scale-high - Colour of the top of the scale.
 * @cssproperty --xray-masked - Colour of the masked cells above the diagonal.
 * @cssproperty --xray-accent - Highlighted token, hovered and locked cell, focus ring.
 * @cssproperty --xray-fg - Text.
 * @cssproperty --xray-bg - Background.
 * @cssproperty --xray-muted - Legend text.
 * @cssproperty --xray-border - Borders.
 * @cssproperty --xray-error - Error text.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 */
export class AttentionHeatmap extends XrayFigure<AttentionData> {
  static override styles = [
    ...XrayFigure.styles,
    css`
      .viewport {
        overflow: auto;
        max-height: 80vh;
      }
      .head-row {
        position: sticky;
        top: 0;
        z-index: 2;
        display: flex;
        width: max-content;
      }
      .body-row {
        display: flex;
        width: max-content;
      }
      .corner,
      .labels {
        flex: none;
        background: var(--_bg);
      }
      .corner {
        position: sticky;
        left: 0;
        z-index: 1;
        width: var(--_gutter);
        height: var(--_gutter);
      }
      .labels {
        position: relative;
        font-size: 11px;
        line-height: 14px;
      }
      .labels.key {
        width: var(--_side);
        height: var(--_gutter);
      }
      .labels.query {
        position: sticky;
        left: 0;
        z-index: 1;
        width: var(--_gutter);
        height: var(--_side);
      }
      .labels span {
        position: absolute;
        overflow: hidden;
        white-space: pre;
        text-overflow: ellipsis;
      }
      .labels.key span {
        bottom: 4px;
        width: 14px;
        max-height: calc(var(--_gutter) - 4px);
        writing-mode: vertical-rl;
        transform: rotate(180deg);
      }
      .labels.query span {
        right: 6px;
        height: 14px;
        max-width: calc(var(--_gutter) - 6px);
      }
      .labels .on {
        color: var(--_accent);
        font-weight: 700;
      }
      .cells {
        position: relative;
        flex: none;
        width: var(--_side);
        height: var(--_side);
      }
      canvas {
        display: block;
        width: 100%;
        height: 100%;
        image-rendering: pixelated;
      }
      .grid {
        position: absolute;
        inset: 0;
        cursor: crosshair;
      }
      .grid:focus-visible {
        outline-offset: -2px;
      }
      .band,
      .marker {
        position: absolute;
        pointer-events: none;
      }
      .band {
        background: color-mix(in srgb, var(--_accent) 15%, transparent);
        outline: 1px solid var(--_accent);
      }
      .band.row {
        left: 0;
        right: 0;
        height: var(--_cell);
      }
      .band.column {
        top: 0;
        bottom: 0;
        width: var(--_cell);
      }
      .marker {
        width: var(--_cell);
        height: var(--_cell);
        outline: 2px solid var(--_accent);
        /* keyboard moves scroll the cell clear of the sticky labels */
        scroll-margin: var(--_gutter) 0 0 var(--_gutter);
      }
      .marker.locked {
        outline: 3px solid var(--_fg);
      }
    `,
  ];

  /** Text to run through the model (ignored in data mode). */
  @property() text?: string;

  /** Layer of the head to show, from 0. */
  @property({ type: Number }) layer = 0;

  /** Head to show within the layer, from 0. */
  @property({ type: Number }) head = 0;

  /** Fixes the top of the colour scale (e.g. `0.1` for long texts); by default, the shown head's largest weight. */
  @property({ type: Number }) max?: number;

  /** Shows the head selected in linked figures; `follow-selection="false"` keeps to `layer` and `head`. */
  @property({ attribute: 'follow-selection', converter: (value) => value !== 'false' }) followSelection = true;

  @state() private announcement = '';

  @query('canvas') private canvas?: HTMLCanvasElement;
  @query('.marker') private marker?: HTMLElement;

  /** The head on show: the attributes', or the linked selection's when it changed last. */
  private shown: HeadRef = { layer: 0, head: 0 };
  private seenSelection: HeadRef | null = null;
  private view?: View | XrayError;
  private colours?: ThemeColours;
  private scale?: ScaleSequential<string>;
  private scrollToCursor = false;

  private readonly attentionTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.text, this.prependBos] as const,
    task: async ([data, , text], { signal }) => {
      if (this.dataError) return initialState;
      return data ? { ...attentionSource(data), truncated: false } : sourceOfRun(await this.runModel(text, signal));
    },
    onComplete: (source: Source) => this.announceComplete(source.tokens),
    onError: (error) => this.announceError(error),
  });

  /** Cells in reading order: index `q * T + k`. */
  private readonly cells = new CellHover(this, {
    shape: () => {
      const T = this.headView()?.source.tokens.length;
      return T ? { count: T * T, columns: T } : undefined;
    },
    page: PAGE,
    onMove: (index) => {
      this.scrollToCursor = true;
      this.announcement = cellText(this.headView()!, this.cellAt(index));
    },
    onEnter: () => this.cells.togglePin(),
    onActive: (index) => this.hoverToken(index === undefined ? null : this.cellAt(index).q, this.headView()!.source.tokens),
    onPin: (pinned) => {
      const view = this.headView()!;
      const cell = this.cellAt(this.cells.keys.index);
      this.announcement = pinned ? `Locked: ${cellText(view, cell)}` : 'Unlocked.';
      emit(this, 'cell-select', pinned ? { ...view.head, query: cell.q, key: cell.k, value: view.pattern[cell.q * view.source.tokens.length + cell.k] } : null);
    },
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.followSelectedHead(changed);
    this.view = this.attentionTask.value && this.pickView(this.attentionTask.value, this.shown, this.max);
    this.colours = themeColours(this);
    if (this.view instanceof XrayError || !this.view) return;
    this.scale = this.scaleOf(Object.values(this.colours).join(), this.view.max);
  }

  protected override updated(): void {
    const { canvas, view, scale, colours } = this;
    if (canvas && scale && colours && view && !(view instanceof XrayError)) this.paint(canvas, view.pattern, scale, colours.masked);
    if (this.scrollToCursor) {
      this.scrollToCursor = false;
      this.marker?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
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

  toSVG(): string {
    const { view, scale, colours, canvas } = this;
    if (!view || view instanceof XrayError || !scale || !colours || !canvas) throw new XrayError('nothing-to-export', 'There is no attention pattern to export yet.');
    return heatmapSvg({ caption: caption(view.head), tokens: view.source.tokens, pattern: view.pattern, scale, colours, canvas, font: getComputedStyle(this).fontFamily });
  }

  private renderFigure(view: View): TemplateResult {
    const T = view.source.tokens.length;
    const cell = this.cellSize(T);
    const token = this.linkedToken(T);
    return html`
      <div class="header">
        <p class="caption" part="caption">${caption(view.head)}</p>
        ${this.renderToolbar()}
      </div>
      ${this.renderNotices(view.source)} ${this.renderLegend(view)}
      <div class="viewport" part="viewport" style=${styleMap({ '--_gutter': `${GUTTER}px`, '--_cell': `${cell}px`, '--_side': `${T * cell}px` })}>
        <div class="head-row">
          <div class="corner"></div>
          ${guard([view.source.tokens, cell, token], () => this.renderLabels('key', view.source.tokens, cell, token))}
        </div>
        <div class="body-row">
          ${guard([view.source.tokens, cell, token], () => this.renderLabels('query', view.source.tokens, cell, token))}
          ${this.renderCells(view, cell, token)}
        </div>
      </div>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderLegend(view: View): TemplateResult {
    const { scale } = this;
    const stops = Array.from({ length: 11 }, (_, i) => scale!((view.max * i) / 10)).join(', ');
    return html`<div class="scale-legend" part="legend">
      <span>weight</span>
      <span class="ramp">
        <span class="swatch" style=${styleMap({ background: `linear-gradient(to right, ${stops})` })}></span>
        <span class="ticks"><span>0</span><span>${formatWeight(view.max / 2)}</span><span>${formatWeight(view.max)}</span></span>
      </span>
      <span class="masked"><span class="swatch"></span> masked: a token cannot attend to later tokens</span>
    </div>`;
  }

  private renderLabels(axis: 'query' | 'key', tokens: string[], cell: number, token: number | null): TemplateResult {
    const step = labelStep(cell, LABEL_PX);
    const positions = Array.from({ length: Math.ceil(tokens.length / step) }, (_, i) => i * step);
    // Centred on its row or column, but never past either end of the axis.
    const offset = (p: number) => `${clamp((p + 0.5) * cell - LABEL_PX / 2, tokens.length * cell - LABEL_PX)}px`;
    return html`<div
      class="labels ${axis}"
      part="${axis}-labels"
      role="group"
      aria-label=${axis === 'query' ? 'Query tokens (rows)' : 'Key tokens (columns)'}
      @pointerover=${this.onLabelOver}
      @pointerleave=${() => this.hoverToken(null, tokens)}
    >
      ${positions.map((p) => html`<span class=${p === token ? 'on' : ''} data-position=${p} style="${axis === 'query' ? 'top' : 'left'}: ${offset(p)}">${tokens[p]}</span>`)}
    </div>`;
  }

  private renderCells(view: View, cell: number, token: number | null): TemplateResult {
    const T = view.source.tokens.length;
    const active = this.cells.active === undefined ? undefined : this.cellAt(this.cells.active);
    const cursor = this.cellAt(this.cells.keys.index);
    const at = (position: number) => `${position * cell}px`;
    return html`<div class="cells">
      <canvas part="canvas" width=${T} height=${T} role="img" aria-label=${canvasLabel(view)}></canvas>
      ${
        token === null
          ? nothing
          : html`<div class="band row" data-position=${token} style="top: ${at(token)}"></div>
            <div class="band column" data-position=${token} style="left: ${at(token)}"></div>`
      }
      ${
        active
          ? html`<div class="marker ${this.cells.pinned ? 'locked' : ''}" style="left: ${at(active.k)}; top: ${at(active.q)}"></div>
            ${this.renderTooltip(view, active, cell)}`
          : nothing
      }
      <div
        class="grid"
        role="grid"
        tabindex="0"
        aria-label="Attention weights of ${caption(view.head)}: arrow keys move between cells, Enter locks a cell, Escape unlocks it"
        aria-rowcount=${T}
        aria-colcount=${T}
        aria-activedescendant="active-cell"
        @pointermove=${(event: PointerEvent) => this.cells.point(this.indexAt(event))}
        @pointerleave=${() => this.cells.point(undefined)}
        @click=${(event: MouseEvent) => this.cells.click(this.indexAt(event))}
        @keydown=${this.cells.keys.onKeydown}
        @focusin=${() => this.cells.focusIn()}
        @focusout=${this.cells.onFocusOut}
      >
        <div role="row" aria-rowindex=${cursor.q + 1}>
          <div role="gridcell" id="active-cell" class="visually-hidden" aria-colindex=${cursor.k + 1} aria-selected=${this.cells.pinned ? 'true' : 'false'}>${cellText(view, cursor)}</div>
        </div>
      </div>
    </div>`;
  }

  private renderTooltip(view: View, { q, k }: Cell, cell: number): TemplateResult {
    const T = view.source.tokens.length;
    // Flip towards the middle so the tooltip never widens the scrolling area.
    const place = {
      [k < T / 2 ? 'left' : 'right']: `${(k < T / 2 ? k + 1 : T - k) * cell + 8}px`,
      [q < T / 2 ? 'top' : 'bottom']: `${(q < T / 2 ? q : T - q - 1) * cell}px`,
    };
    const { tokens } = view.source;
    return html`<div class="tooltip" part="tooltip" style=${styleMap(place)}>Query ${quote(tokens[q])} (${q})
Key ${quote(tokens[k])} (${k})
Weight ${weightText(view, { q, k })}</div>`;
  }

  /** The head on show, once there is one. */
  private headView(): View | undefined {
    return this.view instanceof XrayError ? undefined : this.view;
  }

  private cellAt(index: number): Cell {
    const T = this.headView()!.source.tokens.length;
    return { q: Math.floor(index / T), k: index % T };
  }

  private cellSize(T: number): number {
    const width = this.size.width || this.clientWidth;
    return Math.min(MAX_CELL, Math.max(MIN_CELL, Math.floor((width - GUTTER - SCROLLBAR) / T)));
  }

  private followSelectedHead(changed: PropertyValues<this>): void {
    const selected = this.selection.head;
    if (changed.has('layer') || changed.has('head')) this.shown = { layer: this.layer, head: this.head };
    else if (this.followSelection && selected && selected !== this.seenSelection) this.shown = selected;
    this.seenSelection = selected;
  }

  /** The shown head's pattern, or why there is none; computed once per source, head and `max`. */
  private pickView = memoLast((source: Source, head: HeadRef, max: number | undefined): View | XrayError => {
    try {
      checkIndex('layer', head.layer, source.nLayer);
      checkIndex('head', head.head, source.nHead);
      const pattern = source.attention(head.layer, head.head);
      return { source, head, pattern, max: max && max > 0 ? max : patternMax(pattern) };
    } catch (cause) {
      const error = asXrayError(cause);
      this.announceError(error);
      return error;
    }
  });

  /** Keyed by the theme colours as text, so the scale (and the painting) change only when they do. */
  private scaleOf = memoLast((_colours: string, max: number) => colourScale(this.colours!, [0, max]));

  private paint = memoLast(paintPattern);

  private onLabelOver(event: PointerEvent): void {
    const label = (event.target as Element).closest<HTMLElement>('[data-position]');
    if (label) this.hoverToken(Number(label.dataset.position), this.headView()!.source.tokens);
  }

  /** The cell under the pointer; the grid overlay covers the cells exactly. */
  private indexAt(event: MouseEvent): number {
    const T = this.headView()!.source.tokens.length;
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const at = (offset: number, size: number) => clamp(Math.floor((offset / size) * T), T - 1);
    return at(event.clientY - box.top, box.height) * T + at(event.clientX - box.left, box.width);
  }
}

/** A run's attention in the shape data mode has. */
function sourceOfRun(run: ModelRun): Source {
  const { nLayer, nHead } = run.config;
  return { tokens: run.tokens, nLayer, nHead, attention: (layer, head) => run.attention(layer, head), truncated: run.truncated };
}

function caption({ layer, head }: HeadRef): string {
  return `Layer ${layer} · Head ${head}`;
}

function canvasLabel({ source, head, max }: View): string {
  return (
    `Attention pattern of layer ${head.layer}, head ${head.head} over ${source.tokens.length} tokens: ` +
    `rows are query tokens, columns are key tokens, colour shows the weight from 0 to ${formatWeight(max)}; cells above the diagonal are masked.`
  );
}

function cellText(view: View, cell: Cell): string {
  const { tokens } = view.source;
  return `Query ${quote(tokens[cell.q])} (${cell.q}), key ${quote(tokens[cell.k])} (${cell.k}): weight ${weightText(view, cell)}`;
}

function weightText({ source, pattern }: View, { q, k }: Cell): string {
  return k > q ? 'masked (a later token)' : formatWeight(pattern[q * source.tokens.length + k]);
}

/** Quotes a token so that its leading space shows. */
function quote(token: string): string {
  return `“${token}”`;
}

function clamp(value: number, last: number): number {
  return Math.min(last, Math.max(0, value));
}
