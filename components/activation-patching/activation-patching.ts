// <activation-patching>: which activations carry the difference between two prompts. The corrupted
// prompt runs with one activation at a time taken from the clean one (in the model's worker); the
// figure draws how much of the clean logit difference each patch restores.
import { Task, TaskStatus } from '@lit/task';
import type { ScaleDiverging } from 'd3-scale';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { ModelController } from '../../src/controller.js';
import { XrayError } from '../../src/errors.js';
import type { PatchHook } from '../../src/gpt2-graph.js';
import type { HeadRef } from '../../src/selection.js';
import { divergingColours, divergingScale } from '../shared/diverging-scale.js';
import { CellHover } from '../shared/cell-hover.js';
import { emit } from '../shared/events.js';
import { themeColours, type ThemeColours } from '../shared/theme.js';
import { asXrayError, XrayFigure } from '../shared/xray-figure.js';
import { patchingStyles } from './activation-patching.styles.js';
import { chartContent, fitLabel, legendWidth, MARKED_WEIGHT } from './patching-chart.js';
import { patchLayout, type PatchLayout } from './patching-layout.js';
import { patchingSvg } from './patching-svg.js';
import { columnLabel, describeCell, differencesLine, isMarked, logitDifferenceLine, title, viewFromData, viewFromResult, type PatchCell, type PatchingData, type PatchView } from './patching-view.js';

/** Width assumed while the host has none (hidden). */
const DEFAULT_WIDTH = 640;
const LABEL_FONT_SIZE = 11;
/** The values the colour scale spans: corrupted (0) to clean (1), and as far below 0. */
const UNIT_REACH = [-1, 1];

/** How far patching has got: `total` is 0 until the first batch of patches is done. */
interface Progress {
  done: number;
  total: number;
}

/** What the model mode patches, as the attributes give it. */
interface Prompts {
  clean?: string;
  corrupted?: string;
  answer?: string | number;
  wrong?: string | number;
  hook: PatchHook;
  prependBos: boolean;
}

/** What the chart draws, derived from the view, the theme and the width. */
interface Drawing {
  view: PatchView;
  key: string;
  layout: PatchLayout;
  labels: string[];
  colours: ThemeColours;
  scale: ScaleDiverging<string>;
  fills: string[];
}

/**
 * Activation patching, as TransformerLens's `get_act_patch_*`: the `corrupted` prompt runs again and
 * again with one activation taken from the `clean` prompt's run, and each cell shows how much of the
 * logit difference logit[answer] − logit[wrong] (at the last position) that one patch restores:
 * (patched − corrupted) / (clean − corrupted), so 0 is the corrupted run and 1 the clean one.
 *
 * `hook` picks what is patched: `resid_pre` (the residual stream entering each block), `attn_out` or
 * `mlp_out` (each block's attention or MLP output) as layer × position, the positions labelled with
 * the tokens, where the prompts differ marked and labelled "clean→corrupted"; or `z` (each head's
 * output at every position) as layer × head. The two prompts must have the same number of tokens.
 *
 * **Colour:** 0 (corrupted) to 1 (clean) runs along the theme's sequential scale; values below 0
 * (the patch moved the prediction further from clean) take a second hue, `--xray-scale-negative`.
 * Colours are clamped at −1 and 1; the tooltip and each cell's label give the true value.
 *
 * **Running:** the patches run in batches where the model runs (its worker); a progress bar counts
 * them and a Cancel button stops the work (Run again starts it afresh). Changing an attribute stops
 * the run in progress and starts the new one.
 *
 * **Pointer and keyboard:** hover a cell for its value. Tab reaches the grid; arrow keys move, Home
 * and End go to the row's ends, Ctrl+Home and Ctrl+End to the first and last cell; the cell is
 * announced. On a position map a click, Enter or Space pins the tooltip (it moves with the arrow
 * keys) and Escape hides it until the next move; with `hook="z"` a click, Enter or Space selects the
 * head for linked figures (same `<xray-model>` or `group`), Escape clears it, and a head selected in
 * a linked figure is outlined here.
 *
 * **Data mode:** `data` is `{ hook, cleanTokens, corruptedTokens, values, answer?, wrong?, clean?,
 * corrupted? }`: `values` as `[layer][position]` (or `[layer][head]` for `z`), `clean` and
 * `corrupted` the two prompts' logit differences.
 *
 * @fires run-complete - The figure shows a new result; detail `{ tokens }` (the clean prompt's).
 * @fires head-select - With `hook="z"`, a head was chosen by click or Enter; detail `{ layer, head }`, or `null` when Escape cleared it.
 * @fires token-hover - A position's cell was hovered or focused (or left); detail `{ position, token }`.
 * @fires error - The figure could not be made (model, prompts of different lengths, tokens, data); detail `{ code, message }`.
 *
 * @csspart caption - The title.
 * @csspart summary - The lines with the logit differences and where the prompts differ.
 * @csspart chart - The `<svg>` chart: labels, cells and legend.
 * @csspart tooltip - The hovered or focused cell's value.
 * @csspart progress - The patching progress (label, bar and Cancel button).
 * @csspart cancel-button - The button that stops patching.
 * @csspart stopped - The message after patching was stopped, with its Run again button.
 * @csspart run-button - The Run again button.
 * @csspart notice - A note (WASM fallback).
 * @csspart toolbar - The bar of export buttons.
 * @csspart export-button - An export button.
 * @csspart loading - The loading state.
 * @csspart error - The error state.
 * @csspart empty - The empty state (no prompts, or no answer and wrong tokens).
 *
 * @cssproperty --xray-scale-low - Colour of 0 (the corrupted run).
 * @cssproperty --xray-scale-high - Colour of 1 (the clean run).
 * @cssproperty --xray-scale-negative - Colour of −1 (further from clean than the corrupted run).
 * @cssproperty --xray-accent - Where the prompts differ, the selected head, focus ring.
 * @cssproperty --xray-fg - Text colour.
 * @cssproperty --xray-bg - Background colour.
 * @cssproperty --xray-muted - Labels, legend and summary.
 * @cssproperty --xray-border - Borders.
 * @cssproperty --xray-error - Colour of error messages.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 *
 * @slot - A `<script type="application/json">` with data-mode values.
 */
export class ActivationPatching extends XrayFigure<PatchingData> {
  static override styles = [...XrayFigure.styles, patchingStyles];

  /** The prompt whose activations are patched in (ignored in data mode). */
  @property() clean?: string;

  /** The prompt that runs with one of the clean activations at a time, as many tokens as `clean` (ignored in data mode). */
  @property() corrupted?: string;

  /** The token the clean prompt predicts (ignored in data mode): its text, which must be one token (`" Mary"`, with its space); a number property is a token id. */
  @property() answer?: string | number;

  /** The token the corrupted prompt predicts instead (text or id); the metric is logit[answer] − logit[wrong]. */
  @property() wrong?: string | number;

  /** What to patch: `resid_pre`, `attn_out`, `mlp_out` (layer × position) or `z` (layer × head); data mode's data names its own. */
  @property() hook: PatchHook = 'resid_pre';

  @state() private running?: Progress;
  @state() private announcement = '';
  /** Where the tooltip sits, in px from the host's edges: under the cell, kept inside the figure. */
  @state() private tipAt: { left?: number; right?: number; top: number } = { top: 0 };

  @query('svg[part="chart"]') private chart?: SVGSVGElement;

  private drawing?: Drawing;

  private readonly patchTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.clean, this.corrupted, this.answer, this.wrong, this.hook, this.prependBos] as const,
    task: async ([data, controller, clean, corrupted, answer, wrong, hook, prependBos], { signal }) => {
      this.running = undefined;
      return data ? viewFromData(data) : this.patch(controller!, { clean, corrupted, answer, wrong, hook, prependBos }, signal);
    },
    onComplete: (view) => this.announceComplete(view.cleanTokens),
    onError: (error) => this.announceError(error),
  });

  /** Cells in reading order, `layer * columns + column`; the keyboard's holds the tab stop. */
  private readonly cells = new CellHover(this, {
    shape: () => this.view && { count: this.view.rows * this.view.columns, columns: this.view.columns },
    cellElement: (index) => this.cellElement(index),
    onMove: (index) => (this.announcement = describeCell(this.view!, this.cellAt(index), ': ')),
    // A head is chosen, as in the other head maps; a position's value is pinned, as in the other grids.
    onEnter: () => (this.view?.hook === 'z' ? this.selectHead(this.cells.keys.index) : this.cells.togglePin()),
    onEscape: () => this.view?.hook === 'z' && this.clearHead(),
    onActive: (index) => this.showTooltip(index),
  });

  /** The result on show, if any. */
  private get view(): PatchView | undefined {
    return this.patchTask.status === TaskStatus.COMPLETE ? this.patchTask.value : undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const view = this.view;
    this.drawing = view && this.draw(view);
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    return this.patchTask.render({
      initial: () => this.renderLoading(),
      pending: () => (this.running ? this.renderRunning(this.running) : this.renderLoading()),
      complete: () => this.renderFigure(this.drawing!),
      error: (error) => (asXrayError(error).code === 'aborted' ? this.renderStopped() : this.renderError(error)),
    });
  }

  /** The figure as a standalone SVG: title, logit differences, the chart and its legend. */
  toSVG(): string {
    const { drawing, chart } = this;
    if (!drawing || !chart) throw new XrayError('nothing-to-export', 'There is no patching result to export yet.');
    const font = getComputedStyle(this).fontFamily;
    const { view, layout, colours } = drawing;
    return patchingSvg({
      chart,
      width: layout.width,
      height: layout.height,
      title: title(view.hook),
      lines: this.summary(view),
      colours,
      font,
      measure: (text, bold) => textWidth(text, `${bold ? 'bold 13px' : '11px'} ${font}`),
    });
  }

  private async patch(controller: ModelController, prompts: Prompts, signal: AbortSignal): Promise<PatchView> {
    const { clean, corrupted, answer, wrong, hook, prependBos } = prompts;
    if (!clean?.trim() || !corrupted?.trim()) throw new XrayError('empty-text', 'There is nothing to patch yet: set the clean and corrupted prompts.');
    if (answer === undefined || answer === '' || wrong === undefined || wrong === '') {
      throw new XrayError('empty-text', 'Set answer and wrong to the tokens whose logit difference patching restores (their text, such as “ Mary” with its space).');
    }
    // Until the model is loaded the pending state shows the download's progress, as other figures do.
    await controller.load();
    this.running = { done: 0, total: 0 };
    const onProgress = (done: number, total: number) => {
      if (!signal.aborted) this.running = { done, total };
    };
    const result = await controller.patch({ clean, corrupted, answer, wrong, hook, prependBos, signal, onProgress });
    return viewFromResult(result, hook, answer, wrong);
  }

  /** Stops the patching in progress; the stopped state says how far it got. */
  private cancel(): void {
    this.patchTask.abort(new XrayError('aborted', 'Patching was stopped.'));
  }

  private renderRunning({ done, total }: Progress): TemplateResult {
    const label = total ? `Patching ${this.hook}: ${done} of ${total} activations` : `Patching ${this.hook}: running the clean and corrupted prompts…`;
    return html`<div class="status running" part="progress">
      <span role="status" aria-live="polite">${label}</span>
      <progress aria-label=${label} max=${total || 1} value=${total ? done : nothing}></progress>
      <button part="cancel-button" @click=${this.cancel}>Cancel</button>
    </div>`;
  }

  private renderStopped(): TemplateResult {
    const done = this.running?.total ? `after ${this.running.done} of ${this.running.total} activations` : 'before the first patches were done';
    return html`<div class="status stopped" part="stopped" role="status">
      <span>Patching was stopped ${done}.</span>
      <button part="run-button" @click=${() => this.patchTask.run()}>Run again</button>
    </div>`;
  }

  private renderFigure(drawing: Drawing): TemplateResult {
    const { view, layout } = drawing;
    const active = this.cells.active;
    return html`
      <div class="header">
        <p class="caption" part="caption">${title(view.hook)}</p>
        ${this.renderToolbar()}
      </div>
      ${this.summary(view).map((line) => html`<p class="summary" part="summary">${line}</p>`)} ${this.renderNotices()}
      <div class="scroll">
        <svg
          part="chart"
          width=${layout.width}
          height=${layout.height}
          viewBox="0 0 ${layout.width} ${layout.height}"
          role="group"
          aria-label=${`${title(view.hook)}. Arrow keys move between cells, Enter pins a cell's value${view.hook === 'z' ? ' and selects its head' : ''}, Escape hides it.`}
          @pointerover=${(event: PointerEvent) => this.cells.point(indexOf(event.target))}
          @pointerleave=${() => this.cells.point(undefined)}
          @click=${this.onClick}
          @focusin=${(event: FocusEvent) => this.cells.focusIn(indexOf(event.target))}
          @focusout=${this.cells.onFocusOut}
          @keydown=${this.cells.keys.onKeydown}
        >
          ${chartContent({ ...drawing, cursor: this.cells.keys.index, active, linkedColumn: view.hook === 'z' ? null : this.linkedToken(view.columns), selected: this.selectedHead(view) })}
        </svg>
      </div>
      ${active === undefined ? nothing : html`<div class="tooltip" part="tooltip" style=${styleMap(px(this.tipAt))}>${describeCell(view, this.cellAt(active), '\n')}</div>`}
      <div class="visually-hidden" aria-live="polite">${this.announcement}</div>
    `;
  }

  private summary(view: PatchView): string[] {
    return [logitDifferenceLine(view), differencesLine(view)].filter((line): line is string => line !== undefined);
  }

  /** The layout, labels and colours of `view`, made again only when it, the theme or the width change. */
  private draw(view: PatchView): Drawing {
    const colours = themeColours(this);
    const stops = divergingColours(this);
    const available = this.size.width || this.clientWidth || DEFAULT_WIDTH;
    const font = `${LABEL_FONT_SIZE}px ${getComputedStyle(this).fontFamily}`;
    const key = [JSON.stringify(colours), stops.negative, available, font].join('|');
    if (this.drawing?.view === view && this.drawing.key === key) return this.drawing;
    const measure = (text: string) => textWidth(text, font);
    const labelMeasure = (column: number) => (isMarked(view, column) ? (text: string) => textWidth(text, `${MARKED_WEIGHT} ${font}`) : measure);
    const labels = Array.from({ length: view.columns }, (_, column) => fitLabel(columnLabel(view, column), labelMeasure(column)));
    const longestLabel = Math.max(...labels.map((label, column) => labelMeasure(column)(label)));
    const rotated = view.hook !== 'z';
    const layout = patchLayout({ rows: view.rows, columns: view.columns, available, longestLabel, rotated, legendWidth: legendWidth(view, measure) });
    // Reach 1 whatever the values: 1 is the clean run in every patching figure; beyond ±1 the colour is clamped.
    const scale = divergingScale(stops, 0, UNIT_REACH);
    return { view, key, layout, labels, colours, scale, fills: Array.from(view.values, (value) => scale(value)) };
  }

  /** The head selected in this or a linked figure, as a cell of a `z` view. */
  private selectedHead(view: PatchView): PatchCell | undefined {
    const head = this.selection.head;
    return view.hook === 'z' && head && head.layer < view.rows && head.head < view.columns ? { layer: head.layer, column: head.head } : undefined;
  }

  private selectHead(index: number): void {
    const { layer, column } = this.cellAt(index);
    const ref: HeadRef = { layer, head: column };
    this.cells.keys.moveTo(index);
    this.selection.selectHead(ref);
    this.announcement = `Layer ${layer}, head ${column}, selected`;
    emit(this, 'head-select', ref);
  }

  private clearHead(): void {
    this.announcement = 'No head selected';
    if (!this.selection.head) return;
    this.selection.selectHead(null);
    emit(this, 'head-select', null);
  }

  private onClick = (event: MouseEvent) => {
    const index = indexOf(event.target);
    if (index === undefined) return;
    if (this.view?.hook === 'z') this.selectHead(index);
    else this.cells.click(index);
  };

  /** Places the tooltip under the shown cell and tells linked figures which token it is. */
  private showTooltip(index: number | undefined): void {
    const view = this.view!;
    const position = index === undefined || view.hook === 'z' ? null : this.cellAt(index).column;
    this.hoverToken(position, view.cleanTokens);
    if (index === undefined) return;
    const box = this.cellElement(index)!.getBoundingClientRect();
    const host = this.getBoundingClientRect();
    const top = box.bottom - host.top + 4;
    // Cells in the right half anchor the tooltip by its right edge, so it never leaves the figure.
    this.tipAt = box.left + box.width / 2 > host.left + host.width / 2 ? { right: host.right - box.right, top } : { left: box.left - host.left, top };
  }

  private cellAt(index: number): PatchCell {
    const columns = this.view!.columns;
    return { layer: Math.floor(index / columns), column: index % columns };
  }

  private cellElement(index: number): SVGElement | null {
    return this.renderRoot.querySelector(`.cell[data-index="${index}"]`);
  }
}

/** The index of the cell `target` is, if it is one. */
function indexOf(target: EventTarget | null): number | undefined {
  const index = (target as SVGElement | null)?.dataset?.index;
  return index === undefined ? undefined : Number(index);
}

let measuring: OffscreenCanvasRenderingContext2D | undefined;

/** Width of `text` in a CSS `font`, for labels that must fit and a document that must hold them. */
function textWidth(text: string, font: string): number {
  measuring ??= new OffscreenCanvas(1, 1).getContext('2d')!;
  measuring.font = font;
  return measuring.measureText(text).width;
}

/** Style values in pixels, leaving out the unset ones. */
function px(box: Record<string, number | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(box).flatMap(([k, v]) => (v === undefined ? [] : [[k, `${v}px`]])));
}
