// <residual-stream>: each token's hidden state through the layers. One statistic at a time as a
// heatmap (tokens as rows, layers as columns, cells on a canvas), or the PCA paths as SVG points
// that the keyboard reaches one by one.
import { Task, TaskStatus } from '@lit/task';
import { interpolateRgb } from 'd3-interpolate';
import { css, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { residualPaths, residualStats, type ResidualPaths, type ResidualStats } from '../../src/analysis/residual-stats.js';
import { XrayError } from '../../src/errors.js';
import { labelStep } from '../shared/axis-labels.js';
import { CellHover } from '../shared/cell-hover.js';
import { decimal, quote } from '../shared/format.js';
import { memoLast } from '../shared/memo.js';
import { themeColours, type ThemeColours } from '../shared/theme.js';
import { XrayFigure } from '../shared/xray-figure.js';
import { sourceFromData, sourceOfRun, STATS, type ResidualSource, type ResidualStreamData, type Stat } from './residual-data.js';
import { gridSvg, pathsSvg } from './residual-svg.js';
import { columnName, gridOf, nearestPoint, pathsLayout, STAT_INFO, valueText, type Grid, type GridStat, type PathsLayout } from './residual-view.js';

/** Room for the token labels left of the cells. */
const GUTTER = 96;
/** Line height of a token label: labels closer than this are thinned. */
const LABEL_PX = 14;
/** The heatmap's rows share this much height, each between MIN_ROW and MAX_ROW pixels; more tokens scroll. */
const GRID_PX = 480;
const MIN_ROW = 3;
const MAX_ROW = 20;
const MIN_COLUMN = 12;
const MAX_COLUMN = 56;
const SCROLLBAR = 16;
/** Token rows that PageUp and PageDown move. */
const PAGE = 10;
const DEFAULT_WIDTH = 640;
const MIN_WIDTH = 280;

/**
 * How each token's hidden state changes through the layers: the residual stream entering every block
 * and leaving the last (TransformerLens's `blocks.{l}.hook_resid_pre`, then the last
 * `hook_resid_post`, before `ln_final`), one statistic at a time, picked with `stat` or the figure's
 * toggle:
 *
 * - `norm`: ‖resid‖ of each token at each layer;
 * - `cosine-previous`: its cosine to the layer before (how far each block turned it; none at layer 0);
 * - `cosine-final`: its cosine to its final layer (how soon it points where it ends up);
 * - `attention`, `mlp`: the norm of what each block's attention and MLP wrote (`hook_attn_out`,
 *   `hook_mlp_out`);
 * - `paths`: every token's states at every layer on the first two principal components of all of them
 *   together, so each token is a path from its embedding (layer 0) to its last layer, labelled there.
 *
 * The statistics are heatmaps with tokens as rows and layers as columns. Norms have a sequential
 * scale, logarithmic when they span ten times or more (GPT-2's first token grows to a hundred times the
 * others' norm); cosines a diverging one fixed at −1…1. A cosine with a zero vector has no value and
 * takes the masked colour.
 *
 * Hovering or focusing a token's row or point tells linked figures (`token-hover`); a token hovered in
 * a linked figure lights up its row or path here.
 *
 * **Keyboard:** Tab reaches the cells (heatmap) or the points (paths); Left and Right move along a
 * token's layers, Up and Down between tokens, Home and End to its first and last layer, PageUp and
 * PageDown by ten tokens; Enter or Space pins the tooltip, Escape hides it. The cell or point is announced.
 *
 * **Data mode:** `data` is `{ tokens, residual: [L+1][T][D], attnOut?: [L][T][D], mlpOut?: [L][T][D] }`
 * (`cache.accumulated_resid(apply_ln=False)[:, 0]` and `cache.stack_activation("attn_out")[:, 0]`;
 * see docs/elements.md); without `attnOut` or `mlpOut` their views are off.
 *
 * @fires run-complete - The figure shows a new run; detail `{tokens}`.
 * @fires token-hover - A token's row or point was hovered or focused; detail `{position, token}`, both null when it left.
 * @fires error - Loading, running, an attribute or the data failed; detail `{code, message}`.
 *
 * @csspart caption - The line that says what the view shows.
 * @csspart stats - The toggle that picks the statistic or the paths.
 * @csspart legend - The colour ramp with its ticks (and the masked swatch), or the layers' colours.
 * @csspart viewport - The heatmap's scrolling box of labels and cells.
 * @csspart token-labels - The heatmap's token labels.
 * @csspart layer-labels - The heatmap's layer labels.
 * @csspart canvas - The heatmap's cells.
 * @csspart chart - The `<svg>` of the PCA paths.
 * @csspart path - One token's path through the layers; `data-linked` marks the hovered token's.
 * @csspart point - One (layer, token) point (focusable); `aria-pressed` marks the pinned one.
 * @csspart label - A token's label at its last layer.
 * @csspart tooltip - The hovered, focused or pinned cell's or point's values.
 * @csspart notice - A note (text cut, WASM fallback).
 * @csspart toolbar - The export buttons' row.
 * @csspart export-button - Each export button.
 * @csspart loading - The loading state.
 * @csspart error - The error state.
 * @csspart empty - The empty state (no text, or data without the writes a view needs).
 *
 * @cssproperty --xray-scale-low - Low end of the scales (a norm of 0, a cosine of 0).
 * @cssproperty --xray-scale-high - High end of the scales (the largest norm, a cosine of 1), and the last layer's points.
 * @cssproperty --xray-scale-negative - A cosine of −1.
 * @cssproperty --xray-masked - Cells without a value.
 * @cssproperty --xray-accent - The hovered token's row and path, the active cell, focus ring, pressed toggle.
 * @cssproperty --xray-fg - Text.
 * @cssproperty --xray-bg - Background.
 * @cssproperty --xray-muted - Legend, axes and the paths of other tokens.
 * @cssproperty --xray-border - Borders and zero lines.
 * @cssproperty --xray-error - Error messages.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 *
 * @slot - A `<script type="application/json">` with a data-mode residual stream.
 */
export class ResidualStream extends XrayFigure<ResidualStreamData> {
  static override styles = [
    ...XrayFigure.styles,
    css`
      .stats {
        margin: 0.25em 0;
      }
      .viewport {
        position: relative;
        overflow: auto;
        max-height: 36em;
      }
      .head-row,
      .body-row {
        display: flex;
        width: max-content;
      }
      .head-row {
        position: sticky;
        top: 0;
        z-index: 2;
        background: var(--_bg);
      }
      .corner,
      .tokens {
        flex: none;
        width: var(--_gutter);
      }
      .corner {
        color: var(--_muted);
        font-size: 0.8em;
        align-self: end;
      }
      .layers {
        display: flex;
        color: var(--_muted);
        font-size: 0.8em;
        font-variant-numeric: tabular-nums;
      }
      .layers span {
        width: var(--_column);
        text-align: center;
      }
      .tokens {
        position: relative;
        height: var(--_height);
        font-size: 0.8em;
      }
      .tokens span {
        position: absolute;
        right: 0.5em;
        max-width: calc(var(--_gutter) - 1em);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: pre;
        line-height: ${LABEL_PX}px;
      }
      .tokens span.on {
        color: var(--_accent);
        font-weight: 600;
      }
      .cells {
        position: relative;
        width: var(--_width);
        height: var(--_height);
      }
      canvas {
        display: block;
        width: 100%;
        height: 100%;
        image-rendering: pixelated;
      }
      .band {
        position: absolute;
        left: 0;
        right: 0;
        height: var(--_row);
        box-shadow: inset 0 0 0 2px var(--_accent);
        pointer-events: none;
      }
      .marker {
        position: absolute;
        width: var(--_column);
        height: var(--_row);
        box-sizing: border-box;
        border: 2px solid var(--_fg);
        pointer-events: none;
      }
      .grid {
        position: absolute;
        inset: 0;
      }
      .grid:focus-visible {
        outline: 2px solid var(--_accent);
      }
      .chart-box {
        position: relative;
        width: max-content;
      }
      svg {
        display: block;
        overflow: visible;
        font-size: 11px;
      }
      .path {
        fill: none;
        pointer-events: none;
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
      .layer-ramp {
        display: inline-block;
        width: 8em;
        height: 0.7em;
        vertical-align: middle;
        border: 1px solid var(--_border);
        forced-color-adjust: none;
      }
    `,
  ];

  /** The text to run the model on (ignored in data mode). */
  @property() text?: string;

  /** What to show: `norm`, `cosine-previous`, `cosine-final`, `attention`, `mlp` (heatmaps) or `paths` (PCA). The figure's toggle sets it too. */
  @property({ reflect: true }) stat: Stat = 'norm';

  @state() private announcement = '';

  @query('canvas') private canvas?: HTMLCanvasElement;

  private colours?: ThemeColours;
  private grid?: Grid;
  private layout?: PathsLayout;

  private readonly sourceTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.text, this.prependBos] as const,
    task: async ([data, , text], { signal }): Promise<ResidualSource> => (data ? sourceFromData(data) : sourceOfRun(await this.runModel(text, signal))),
    onComplete: (source) => this.announceComplete(source.tokens),
    onError: (error) => this.announceError(error),
  });

  /** Cells (or points) in reading order: index `token * columns + layer`. */
  private readonly cells = new CellHover(this, {
    shape: () => {
      const source = this.source;
      return source && { count: source.tokens.length * this.columns(source), columns: this.columns(source) };
    },
    page: PAGE,
    cellElement: (index) => (this.stat === 'paths' ? this.renderRoot.querySelector<SVGElement>(`.point[data-index="${index}"]`) : undefined),
    onMove: (index) => (this.announcement = this.describe(index)),
    onEnter: () => this.cells.togglePin(),
    onActive: (index) => this.hoverToken(index === undefined ? null : Math.floor(index / this.columns(this.source!)), this.source!.tokens),
  });

  private get source(): ResidualSource | undefined {
    return this.sourceTask.status === TaskStatus.COMPLETE ? this.sourceTask.value : undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('stat') && !this.statValid()) this.announceError(this.statError());
    const source = this.source;
    if (!source || !this.statValid()) return;
    this.colours = themeColours(this);
    const colourKey = Object.values(this.colours).join();
    if (this.stat === 'paths') {
      const width = Math.max(MIN_WIDTH, this.size.width || DEFAULT_WIDTH);
      this.layout = this.layoutOf(this.pathsOf(source), source.tokens, width);
    } else this.grid = this.gridOf(colourKey, this.statsOf(source), source.tokens, this.stat);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this.canvas && this.grid && this.stat !== 'paths') this.paint(this.canvas, this.grid);
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    return this.sourceTask.render({
      initial: () => this.renderLoading(),
      pending: () => this.renderLoading(),
      complete: (source) => this.renderFigure(source),
      error: (error) => this.renderError(error),
    });
  }

  /** The view on show as a standalone SVG: the heatmap with its labels and legend, or the PCA paths. */
  toSVG(): string {
    const source = this.source;
    const colours = this.colours;
    const font = getComputedStyle(this).fontFamily;
    const chart = this.renderRoot.querySelector<SVGSVGElement>('svg[part="chart"]');
    if (source && colours && this.stat === 'paths' && chart) return pathsSvg({ caption: STAT_INFO.paths.caption, chart, colours, font });
    if (source && colours && this.stat !== 'paths' && this.grid && this.canvas) return gridSvg({ caption: STAT_INFO[this.stat].caption, grid: this.grid, nLayer: source.nLayer, colours, font });
    throw new XrayError('nothing-to-export', 'There is nothing to export yet: the residual stream has not been drawn.');
  }

  private renderFigure(source: ResidualSource): TemplateResult {
    if (!this.statValid()) return this.renderError(this.statError());
    const missing = this.stat === 'attention' ? 'attnOut' : this.stat === 'mlp' ? 'mlpOut' : undefined;
    const view = missing && !source[missing] ? this.renderMissing(missing) : this.stat === 'paths' ? this.renderPaths(source) : this.renderGrid(source, this.grid!);
    return html`
      <div class="header">
        <p class="caption" part="caption">${STAT_INFO[this.stat].caption}</p>
        ${this.renderToolbar()}
      </div>
      ${this.renderNotices(source)} ${this.renderToggle(source)} ${view}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderToggle(source: ResidualSource): TemplateResult {
    const choice = (stat: Stat) => {
      const off = (stat === 'attention' && !source.attnOut) || (stat === 'mlp' && !source.mlpOut);
      return html`<button
        type="button"
        data-stat=${stat}
        aria-pressed=${this.stat === stat ? 'true' : 'false'}
        aria-disabled=${off ? 'true' : nothing}
        title=${off ? `The data has no ${stat === 'attention' ? 'attnOut' : 'mlpOut'}.` : nothing}
        @click=${() => !off && this.choose(stat)}
      >
        ${STAT_INFO[stat].button}
      </button>`;
    };
    return html`<div class="segmented stats" part="stats" role="group" aria-label="What to show">${STATS.map(choice)}</div>`;
  }

  private renderMissing(field: 'attnOut' | 'mlpOut'): TemplateResult {
    const what = field === 'attnOut' ? 'attention' : 'MLP';
    return html`<div class="status" part="empty">The data has no ${field}, so there is nothing to show of what the ${what} wrote: add ${field} ([layers][tokens][d_model]) to the data.</div>`;
  }

  private renderGrid(source: ResidualSource, grid: Grid): TemplateResult {
    const T = source.tokens.length;
    const width = this.size.width || DEFAULT_WIDTH;
    const column = Math.min(MAX_COLUMN, Math.max(MIN_COLUMN, Math.floor((width - GUTTER - SCROLLBAR) / grid.columns)));
    const row = Math.min(MAX_ROW, Math.max(MIN_ROW, Math.floor(GRID_PX / T)));
    const linked = this.linkedToken(T);
    const step = labelStep(row, LABEL_PX);
    const labels = Array.from({ length: Math.ceil(T / step) }, (_, i) => i * step);
    if (linked !== null && !labels.includes(linked)) labels.push(linked);
    const blocks = STAT_INFO[grid.stat].columns === 'blocks';
    return html`
      ${this.renderLegend(grid)}
      <div
        class="viewport"
        part="viewport"
        style=${styleMap({ '--_gutter': `${GUTTER}px`, '--_column': `${column}px`, '--_row': `${row}px`, '--_width': `${grid.columns * column}px`, '--_height': `${T * row}px` })}
      >
        <div class="head-row">
          <div class="corner" aria-hidden="true">${blocks ? 'block' : 'layer'} →</div>
          <div class="layers" part="layer-labels" aria-hidden="true">${Array.from({ length: grid.columns }, (_, c) => html`<span>${c}</span>`)}</div>
        </div>
        <div class="body-row">
          <div class="tokens" part="token-labels" aria-hidden="true" @pointerover=${this.onLabelOver} @pointerleave=${() => this.hoverToken(null, source.tokens)}>
            ${labels.map(
              (t) =>
                html`<span class=${t === linked ? 'on' : ''} data-position=${t} style=${styleMap({ top: `${Math.max(0, Math.min(T * row - LABEL_PX, (t + 0.5) * row - LABEL_PX / 2))}px` })}
                  >${quote(source.tokens[t]).slice(1, -1)}</span
                >`,
            )}
          </div>
          ${this.renderCells(source, grid, row, column, linked)}
        </div>
      </div>
    `;
  }

  private renderLegend(grid: Grid): TemplateResult {
    const masked = grid.values.some(Number.isNaN);
    return html`<div class="scale-legend" part="legend">
      <span>${STAT_INFO[grid.stat].name}</span>
      <span class="ramp">
        <span class="swatch" style=${styleMap({ background: `linear-gradient(to right, ${grid.ramp.join(', ')})` })}></span>
        <span class="ticks">${grid.ticks.map((t) => html`<span>${t.text}</span>`)}</span>
      </span>
      ${grid.log ? html`<span>log scale</span>` : nothing}
      ${masked ? html`<span class="masked"><span class="swatch"></span> none: ${grid.stat === 'cosine-previous' ? 'no layer before the embeddings, or ' : ''}a zero vector</span>` : nothing}
    </div>`;
  }

  private renderCells(source: ResidualSource, grid: Grid, row: number, column: number, linked: number | null): TemplateResult {
    const T = source.tokens.length;
    const active = this.cells.active;
    const cursor = this.cells.keys.index;
    const [cursorT, cursorC] = [Math.floor(cursor / grid.columns), cursor % grid.columns];
    return html`<div class="cells">
      <canvas part="canvas" width=${grid.columns} height=${T} role="img" aria-label=${`${STAT_INFO[grid.stat].caption}: ${T} tokens as rows, ${grid.columns} ${STAT_INFO[grid.stat].columns} as columns.`}></canvas>
      ${linked === null ? nothing : html`<div class="band" data-position=${linked} style=${styleMap({ top: `${linked * row}px` })}></div>`}
      ${
        active === undefined
          ? nothing
          : html`<div class="marker" style=${styleMap({ left: `${(active % grid.columns) * column}px`, top: `${Math.floor(active / grid.columns) * row}px` })}></div>
            ${this.renderTooltip(active, {
              [active % grid.columns < grid.columns / 2 ? 'left' : 'right']:
                `${(active % grid.columns < grid.columns / 2 ? (active % grid.columns) + 1 : grid.columns - (active % grid.columns)) * column + 6}px`,
              top: `${Math.floor(active / grid.columns) * row}px`,
            })}`
      }
      <div
        class="grid"
        role="grid"
        tabindex="0"
        aria-label=${`${STAT_INFO[grid.stat].caption}: arrow keys move, Left and Right along the layers, Up and Down between tokens; Enter pins, Escape hides`}
        aria-rowcount=${T}
        aria-colcount=${grid.columns}
        aria-activedescendant="active-cell"
        @pointermove=${(event: PointerEvent) => this.cells.point(this.cellAt(event, T, grid.columns))}
        @pointerleave=${() => this.cells.point(undefined)}
        @click=${(event: MouseEvent) => this.cells.click(this.cellAt(event, T, grid.columns))}
        @keydown=${this.cells.keys.onKeydown}
        @focusin=${() => this.cells.focusIn()}
        @focusout=${this.cells.onFocusOut}
      >
        <div role="row" aria-rowindex=${cursorT + 1}>
          <div role="gridcell" id="active-cell" class="visually-hidden" aria-colindex=${cursorC + 1} aria-selected=${this.cells.pinned ? 'true' : 'false'}>${this.describe(cursor)}</div>
        </div>
      </div>
    </div>`;
  }

  private renderTooltip(index: number, place: Record<string, string>): TemplateResult {
    return html`<div class="tooltip" part="tooltip" style=${styleMap(place)}>${this.describe(index, '\n')}</div>`;
  }

  private renderPaths(source: ResidualSource): TemplateResult {
    const layout = this.layout!;
    const c = this.colours!;
    const T = source.tokens.length;
    const layers = source.nLayer + 1;
    const linked = this.linkedToken(T);
    const active = this.cells.active;
    const activeToken = active === undefined ? undefined : Math.floor(active / layers);
    const highlighted = [...new Set([linked, activeToken])].filter((t): t is number => t !== null && t !== undefined);
    const [left, right] = layout.x.range();
    const [bottom, top] = layout.y.range();
    const zeroX = layout.x.domain()[0] < 0 && layout.x.domain()[1] > 0 ? layout.x(0) : undefined;
    const zeroY = layout.y.domain()[0] < 0 && layout.y.domain()[1] > 0 ? layout.y(0) : undefined;
    const at = (l: number, t: number) => [layout.pixels[2 * (l * T + t)], layout.pixels[2 * (l * T + t) + 1]] as const;
    const colourOf = this.layerColours(c, source.nLayer);
    const points = (t: number) => Array.from({ length: layers }, (_, l) => at(l, t).join(',')).join(' ');
    const path = (t: number) =>
      svg`<polyline class="path" part="path" data-token=${t} points=${points(t)} stroke=${c.muted} stroke-width="1" stroke-opacity=${highlighted.length ? 0.2 : 0.45}></polyline>`;
    const point = (index: number) => {
      const [t, l] = [Math.floor(index / layers), index % layers];
      const [x, y] = at(l, t);
      return svg`<circle class="point" part="point" data-index=${index} cx=${x} cy=${y} r="2.5" fill=${colourOf[l]}
        tabindex=${index === this.cells.keys.index ? 0 : -1} role="button" aria-pressed=${this.cells.pinned && index === active ? 'true' : 'false'} aria-label=${this.describe(index)}></circle>`;
    };
    const label = (t: number, on: boolean) => {
      const [x, y] = at(layers - 1, t);
      return svg`<text class="label" part="label" data-token=${t} x=${x + 5} y=${y + 4} fill=${on ? c.accent : c.fg} font-weight=${on ? 600 : 400} xml:space="preserve">${quote(source.tokens[t]).slice(1, -1)}</text>`;
    };
    // The hovered token is drawn again on top (not focusable), so the focusable points keep their order.
    const overlay = (t: number) => svg`<g class="highlight" data-token=${t}>
      <polyline class="path" part="path" data-token=${t} data-linked=${t === linked ? 'true' : nothing} points=${points(t)} stroke=${c.accent} stroke-width="2.5"></polyline>
      ${Array.from({ length: layers }, (_, l) => {
        const [x, y] = at(l, t);
        const on = t * layers + l === active;
        return svg`<circle cx=${x} cy=${y} r=${on ? 5 : 3.5} fill=${colourOf[l]} stroke=${on ? c.fg : c.accent} stroke-width=${on ? 2 : 1} pointer-events="none"></circle>`;
      })}
      ${label(t, true)}
    </g>`;
    const tokens = Array.from({ length: T }, (_, t) => t);
    const tooltip = active === undefined ? undefined : this.pathsTooltipPlace(active, layers, T);
    return html`
      <div class="scale-legend" part="legend">
        <span>layer 0</span><span class="layer-ramp" style=${styleMap({ background: `linear-gradient(to right, ${colourOf.join(', ')})` })}></span><span>layer ${source.nLayer}</span>
      </div>
      <div class="chart-box">
        <svg
          part="chart"
          width=${layout.width}
          height=${layout.height}
          viewBox="0 0 ${layout.width} ${layout.height}"
          role="group"
          aria-label=${`${STAT_INFO.paths.caption}: ${T} tokens, ${layers} layers each; arrow keys move, Left and Right along a token’s layers, Up and Down between tokens`}
          @pointermove=${this.onChartPointer}
          @pointerleave=${() => this.cells.point(undefined)}
          @click=${this.onChartClick}
          @focusin=${(event: FocusEvent) => this.cells.focusIn(indexOf(event.target))}
          @focusout=${this.cells.onFocusOut}
          @keydown=${this.cells.keys.onKeydown}
        >
          <g class="axes">
            ${zeroX === undefined ? nothing : svg`<line x1=${zeroX} x2=${zeroX} y1=${top} y2=${bottom} stroke=${c.border}></line>`}
            ${zeroY === undefined ? nothing : svg`<line x1=${left} x2=${right} y1=${zeroY} y2=${zeroY} stroke=${c.border}></line>`}
            <text x=${(left + right) / 2} y=${layout.height - 8} text-anchor="middle" fill=${c.muted}>${layout.xLabel}</text>
            <text transform="translate(12 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" fill=${c.muted}>${layout.yLabel}</text>
          </g>
          <g class="paths">${tokens.map(path)}</g>
          <g class="points">${Array.from({ length: T * layers }, (_, index) => point(index))}</g>
          <g class="labels">${tokens.map((t) => (layout.labelled.has(t) && !highlighted.includes(t) ? label(t, false) : nothing))}</g>
          <g class="highlights" aria-hidden="true">${highlighted.map(overlay)}</g>
        </svg>
        ${active === undefined ? nothing : this.renderTooltip(active, tooltip!)}
      </div>
    `;
  }

  /** The tooltip beside point `index`, on the side with more room. */
  private pathsTooltipPlace(index: number, layers: number, T: number): Record<string, string> {
    const [t, l] = [Math.floor(index / layers), index % layers];
    const layout = this.layout!;
    const [x, y] = [layout.pixels[2 * (l * T + t)], layout.pixels[2 * (l * T + t) + 1]];
    return {
      ...(x < layout.width / 2 ? { left: `${x + 10}px` } : { right: `${layout.width - x + 10}px` }),
      ...(y < layout.height / 2 ? { top: `${y + 6}px` } : { bottom: `${layout.height - y + 6}px` }),
    };
  }

  /** Layer l's colour: the sequential scale from a quarter of the way up, so layer 0 stands out of the background. */
  private layerColours(c: ThemeColours, nLayer: number): string[] {
    const interpolate = interpolateRgb(c.low, c.high);
    return Array.from({ length: nLayer + 1 }, (_, l) => interpolate(0.25 + (0.75 * l) / Math.max(1, nLayer)));
  }

  /** A cell or point in words: its token, its layer and its value. */
  private describe(index: number, separator = ', '): string {
    const source = this.source!;
    const columns = this.columns(source);
    const [t, c] = [Math.floor(index / columns), index % columns];
    const head = `${quote(source.tokens[t])} (token ${t})`;
    if (this.stat === 'paths') {
      const { coordinates } = this.pathsOf(source);
      const i = c * source.tokens.length + t;
      return [head, `${columnName('paths', c, source.nLayer)} of ${source.nLayer}`, `PC1 ${decimal(coordinates[2 * i])}, PC2 ${decimal(coordinates[2 * i + 1])}`].join(separator);
    }
    const grid = this.grid!;
    return [head, columnName(grid.stat, c, source.nLayer), `${STAT_INFO[grid.stat].name} ${valueText(grid.stat, grid.values[index], c)}`].join(separator);
  }

  private choose(stat: Stat): void {
    this.stat = stat;
    this.announcement = `Showing ${STAT_INFO[stat].button}`;
  }

  private columns(source: ResidualSource): number {
    return STAT_INFO[this.stat]?.columns === 'blocks' ? source.nLayer : source.nLayer + 1;
  }

  private statValid(): boolean {
    return (STATS as readonly string[]).includes(this.stat);
  }

  private statError(): XrayError {
    return new XrayError('bad-option', `stat="${this.stat}" is not valid: use one of ${STATS.join(', ')}.`);
  }

  private readonly onLabelOver = (event: PointerEvent): void => {
    const label = (event.target as Element).closest<HTMLElement>('[data-position]');
    if (label) this.hoverToken(Number(label.dataset.position), this.source!.tokens);
  };

  private readonly onChartPointer = (event: PointerEvent): void => {
    this.cells.point(this.pointAt(event));
  };

  private readonly onChartClick = (event: MouseEvent): void => {
    const index = this.pointAt(event);
    if (index !== undefined) this.cells.click(index);
  };

  /** The point under the pointer (the nearest within a few pixels), as a cell index. */
  private pointAt(event: MouseEvent): number | undefined {
    const box = (event.currentTarget as SVGSVGElement).getBoundingClientRect();
    return nearestPoint(this.layout!, this.source!.tokens.length, event.clientX - box.left, event.clientY - box.top);
  }

  /** The cell under the pointer; the grid overlay covers the cells exactly. */
  private cellAt(event: MouseEvent, rows: number, columns: number): number {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const at = (offset: number, size: number, n: number) => Math.max(0, Math.min(n - 1, Math.floor((offset / size) * n)));
    return at(event.clientY - box.top, box.height, rows) * columns + at(event.clientX - box.left, box.width, columns);
  }

  private statsOf = memoLast((source: ResidualSource): ResidualStats => residualStats(source.residual, source.nLayer, source.tokens.length, source.dModel, source));

  /** Computed the first time the paths are shown: the PCA of T·(L+1) points is the costly part. */
  private pathsOf = memoLast((source: ResidualSource): ResidualPaths => residualPaths(source.residual, source.nLayer + 1, source.tokens.length, source.dModel));

  private layoutOf = memoLast(pathsLayout);

  /** Keyed by the theme colours as text, so the grid (and the painting) change only when they do. */
  private gridOf = memoLast((_colours: string, stats: ResidualStats, tokens: string[], stat: GridStat) => gridOf(stats, tokens, stat, this.colours!));

  private paint = memoLast((canvas: HTMLCanvasElement, grid: Grid) => {
    const context = canvas.getContext('2d')!;
    const T = grid.tokens.length;
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < grid.columns; c++) {
        context.fillStyle = grid.colour(grid.values[t * grid.columns + c]);
        context.fillRect(c, t, 1, 1);
      }
    }
  });
}

function indexOf(target: EventTarget | null): number | undefined {
  const index = (target as SVGElement | null)?.dataset?.index;
  return index === undefined ? undefined : Number(index);
}
