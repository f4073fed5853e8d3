// <logit-attribution>: direct logit attribution as horizontal bars, one per component of the final
// residual stream (or per head), with the total and the visible check that the bars add up to it.
import { initialState, Task, TaskStatus } from '@lit/task';
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { TokenRef } from '../../src/engine.js';
import { XrayError } from '../../src/errors.js';
import type { HeadRef } from '../../src/selection.js';
import { emit } from '../shared/events.js';
import { quote } from '../shared/format.js';
import { GridKeys } from '../shared/grid-keys.js';
import { themeColours } from '../shared/theme.js';
import { asXrayError, XrayFigure } from '../shared/xray-figure.js';
import { attributionFromData, type LogitAttributionData } from './attribution-data.js';
import { attributionSvg } from './attribution-svg.js';
import {
  attributionView,
  describeLabel,
  metricPhrase,
  phraseText,
  signed,
  sumCheck,
  titlePhrase,
  type AttributionOrder,
  type AttributionResult,
  type AttributionView,
  type Phrase,
  type Row,
} from './attribution-view.js';

const BY = ['layer', 'head'] as const;
/** Rows that PageUp and PageDown move. */
const PAGE = 10;
/** Width of the SVG export when the figure has none (hidden). */
const DEFAULT_WIDTH = 640;

const sameHead = (a: HeadRef | null | undefined, b: HeadRef | undefined) => !!b && a?.layer === b.layer && a?.head === b.head;
const percent = (fraction: number) => `${(fraction * 100).toFixed(3)}%`;

/**
 * Direct logit attribution: how much each component of the final residual stream adds to the
 * logit difference logit[answer] − logit[wrong] (or to logit[answer] without `wrong`) at one
 * position, each read through the final layer norm with the run's own scale, as TransformerLens's
 * `decompose_resid` (`by="layer"`: `embed`, `pos_embed`, `0_attn_out`, `0_mlp_out`, …) or
 * `stack_head_results` (`by="head"`: `L0H0`, …, with each layer's `attn_bias` and `mlp_out`), then
 * `ln_final_bias`. Bars point right when a component raises the difference and left when it
 * lowers it; the total is drawn below them, and a line under the chart adds the bars up and sets
 * the sum beside the model's own logit difference, with the float rounding between them.
 *
 * `order="sorted"` (or the figure's toggle) puts the largest effect first, whatever its sign; a head
 * row (`L1H0`) selects that head for linked figures.
 *
 * **Keyboard:** Tab reaches the rows; arrow keys, Home, End, PageUp and PageDown move; Enter or Space
 * selects the head of a head row, Escape clears the selection. Each row's label says its value.
 *
 * **Data mode:** `data` is `{ labels, values, total, tokens?, position?, answer?, wrong? }` (see
 * docs/elements.md for the Python that writes it); `by`, `position`, `answer` and `wrong` are then
 * the data's own.
 *
 * @fires head-select - A head row was clicked or chosen by keyboard; detail `{layer, head}`, or `null` when Escape cleared the selection.
 * @fires run-complete - The bars show a new attribution; detail `{tokens}`.
 * @fires error - Loading, running, an attribute or the data failed; detail `{code, message}`.
 *
 * @csspart title - The line that says what is attributed, and where.
 * @csspart order - The model order / sorted toggle.
 * @csspart legend - The key to the two bar colours.
 * @csspart viewport - The scrolling box of the axis, the rows and the total.
 * @csspart row - One component's row (label, bar, value); `aria-selected` marks the selected head.
 * @csspart bar - A component's bar.
 * @csspart total - The total's row.
 * @csspart check - The line that adds the bars up against the logit difference.
 * @csspart notice - A note (text cut, WASM fallback).
 * @csspart toolbar - The export buttons' row.
 * @csspart export-button - Each export button.
 * @csspart loading - The loading state.
 * @csspart error - The error state.
 * @csspart empty - The empty state (no text, no answer).
 *
 * @cssproperty --xray-scale-high - Bars that raise the logit difference.
 * @cssproperty --xray-scale-negative - Bars that lower it.
 * @cssproperty --xray-accent - Selected head, focus ring, pressed toggle.
 * @cssproperty --xray-fg - Text and the total's bar.
 * @cssproperty --xray-bg - Background.
 * @cssproperty --xray-muted - Axis, legend and notes.
 * @cssproperty --xray-border - The zero line and rules.
 * @cssproperty --xray-error - Error messages and a sum that does not match.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 *
 * @slot - A `<script type="application/json">` with a data-mode attribution.
 */
export class LogitAttribution extends XrayFigure<LogitAttributionData> {
  static override styles = [
    ...XrayFigure.styles,
    css`
      .header {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        justify-content: space-between;
        gap: 0.25em 1em;
      }
      .title {
        margin: 0;
        font-weight: 600;
      }
      .token {
        white-space: pre;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25em 1.25em;
        margin: 0.25em 0;
        color: var(--_muted);
        font-size: 0.85em;
      }
      .swatch {
        display: inline-block;
        width: 0.8em;
        height: 0.8em;
        margin-right: 0.3em;
        vertical-align: -0.05em;
        forced-color-adjust: none;
      }
      .viewport {
        max-height: 40em;
        overflow-y: auto;
        overscroll-behavior: contain;
      }
      .chart {
        display: grid;
        grid-template-columns: max-content minmax(8em, 1fr) max-content;
        column-gap: 0.5em;
        font-variant-numeric: tabular-nums;
      }
      .axis,
      .rows,
      .row,
      .total {
        grid-column: 1 / -1;
        display: grid;
        grid-template-columns: subgrid;
      }
      .axis {
        position: sticky;
        top: 0;
        z-index: 1;
        height: 1.5em;
        background: var(--_bg);
        color: var(--_muted);
        font-size: 0.8em;
      }
      .tick {
        position: absolute;
        bottom: 0.1em;
        transform: translateX(-50%);
      }
      .row,
      .total {
        line-height: 1.35em;
      }
      .row {
        cursor: default;
      }
      .row:hover {
        background: color-mix(in srgb, var(--_fg) 6%, transparent);
      }
      .row[data-head] {
        cursor: pointer;
      }
      .row[aria-selected='true'] {
        box-shadow: inset 3px 0 var(--_accent);
        background: color-mix(in srgb, var(--_accent) 10%, transparent);
        font-weight: 600;
      }
      .row:focus-visible {
        outline: 2px solid var(--_accent);
        outline-offset: -2px;
      }
      .label {
        text-align: end;
        white-space: pre;
        max-width: 12em;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .value {
        text-align: end;
      }
      .track {
        position: relative;
      }
      .track::before {
        content: '';
        position: absolute;
        top: 0;
        bottom: 0;
        left: var(--zero);
        border-left: 1px solid var(--_border);
      }
      .bar {
        position: absolute;
        top: 0.2em;
        bottom: 0.2em;
        forced-color-adjust: none;
      }
      .positive {
        background: var(--_scale-high);
      }
      .negative {
        background: var(--_scale-negative);
      }
      .total {
        position: sticky;
        bottom: 0;
        background: var(--_bg);
        border-top: 1px solid var(--_border);
        font-weight: 600;
      }
      .total .bar {
        background: var(--_fg);
      }
      .check {
        margin: 0.4em 0 0;
        font-variant-numeric: tabular-nums;
      }
      .check.mismatch {
        color: var(--_error);
      }
    `,
  ];

  /** The text to run the model on (ignored in data mode). */
  @property() text?: string;

  /** The token whose logit is attributed: its text (`" Paris"`, one token), or as a property its id. */
  @property() answer?: string | number;

  /** With it, the bars attribute logit[answer] − logit[wrong]; without it, logit[answer]. */
  @property() wrong?: string | number;

  /** `layer`: one bar per embedding, attention layer and MLP (decompose_resid); `head`: one per head (stack_head_results). */
  @property() by: 'layer' | 'head' = 'layer';

  /** The position whose next-token prediction is explained, from 0; by default the last. */
  @property({ type: Number }) position?: number;

  /** `model`: the model's order; `sorted`: the largest effect first, whatever its sign. The figure's toggle sets it too. */
  @property({ reflect: true }) order: 'model' | 'sorted' = 'model';

  @state() private announcement = '';

  private view?: AttributionView;
  private viewError?: XrayError;

  private readonly attributionTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.text, this.prependBos, this.answer, this.wrong, this.position, this.by] as const,
    task: async ([data, , text, , answer, wrong, position, by], { signal }): Promise<AttributionResult | typeof initialState> => {
      if (data) return attributionFromData(data);
      if (!(BY as readonly string[]).includes(by)) throw new XrayError('bad-option', `by="${by}" is not valid: use one of ${BY.join(', ')}.`);
      if (answer === undefined || answer === '') return initialState;
      const run = await this.runModel(text, signal);
      const wrongRef = wrong === '' ? undefined : wrong;
      const attribution = await run.logitAttribution({ answer, wrong: wrongRef, position, by, signal });
      return {
        ...attribution,
        tokens: run.tokens,
        position: position ?? run.tokens.length - 1,
        answer: tokenName(answer),
        wrong: wrongRef === undefined ? undefined : tokenName(wrongRef),
        truncated: run.truncated,
      };
    },
    onComplete: (result) => this.announceComplete(result.tokens),
    onError: (error) => this.announceError(error),
  });

  /** The rows, in the order shown; the keyboard's holds the tab stop. */
  private readonly keys = new GridKeys(this, {
    shape: () => this.view && { count: this.view.rows.length, columns: 1 },
    ends: 'all',
    page: PAGE,
    cellElement: (index) => this.rowElement(index),
    onEnter: () => this.select(this.view!.rows[this.keys.index]),
    onEscape: () => this.clear(),
  });

  /** The attribution on show, in model order. */
  private get attribution(): AttributionResult | undefined {
    return this.attributionTask.status === TaskStatus.COMPLETE ? this.attributionTask.value : undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const result = this.attribution;
    if (!result) return;
    // The keyboard stays on the same component when the order changes.
    const focused = this.view?.rows[this.keys.index]?.index;
    try {
      this.view = attributionView(result, this.order);
      this.viewError = undefined;
    } catch (error) {
      const failure = asXrayError(error);
      if (failure.message !== this.viewError?.message) this.announceError(failure);
      this.viewError = failure;
      this.view = undefined;
      return;
    }
    if (changed.has('order') && focused !== undefined) this.keys.moveTo(this.view.rows.findIndex((row) => row.index === focused));
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    return this.attributionTask.render({
      initial: () => (this.answer === undefined || this.answer === '' ? this.renderNoAnswer() : this.renderLoading()),
      pending: () => this.renderLoading(),
      complete: (result) => this.renderFigure(result),
      error: (error) => this.renderError(error),
    });
  }

  /** The figure as a standalone SVG: every row, the total, the axis, the legend and the sum check. */
  toSVG(): string {
    const result = this.attribution;
    const swatches = [...this.renderRoot.querySelectorAll<HTMLElement>('.legend .swatch, .total .bar')];
    if (!result || !this.view || swatches.length < 3) throw new XrayError('nothing-to-export', 'There is nothing to export yet: the attribution has not been drawn.');
    const [positive, negative, total] = swatches.map((node) => getComputedStyle(node).backgroundColor);
    const { fg, bg, muted, border } = themeColours(this);
    return attributionSvg({
      view: this.view,
      title: phraseText(titlePhrase(result)),
      legend: legendOf(result).map(phraseText) as [string, string],
      check: sumCheck(this.view.sum, this.view.total, result).text,
      width: Math.round(this.getBoundingClientRect().width) || DEFAULT_WIDTH,
      font: getComputedStyle(this).fontFamily,
      colours: { fg, bg, muted, border, positive, negative, total },
    });
  }

  private renderNoAnswer(): TemplateResult {
    return html`<div class="status" part="empty">There is nothing to attribute yet: set answer to the token whose logit to explain (e.g. answer=" Paris").</div>`;
  }

  private renderFigure(result: AttributionResult): TemplateResult {
    const view = this.view;
    if (!view) return this.renderError(this.viewError);
    const check = sumCheck(view.sum, view.total, result);
    const [raises, lowers] = legendOf(result);
    return html`
      ${this.renderToolbar()} ${this.renderNotices(result)}
      <div class="header">
        <p class="title" part="title">${renderPhrase(titlePhrase(result))}</p>
        ${this.renderOrderToggle()}
      </div>
      <p class="legend" part="legend">
        <span><span class="swatch positive" aria-hidden="true"></span>${renderPhrase(raises)}</span>
        <span><span class="swatch negative" aria-hidden="true"></span>${renderPhrase(lowers)}</span>
      </p>
      <div class="viewport" part="viewport">
        <div class="chart" style=${styleMap({ '--zero': percent(view.x(0)) })}>
          ${this.renderAxis(view)}
          <div class="rows" role="listbox" aria-label=${`Components of ${phraseText(metricPhrase(result))}: arrow keys move, Enter selects a head, Escape clears`} @keydown=${this.keys.onKeydown} @focusin=${this.onFocusIn}>
            ${view.rows.map((row, i) => this.renderRow(view, row, i))}
          </div>
          <div class="total" part="total">
            <span class="label">total</span>
            <span class="track">${this.renderBar(view, view.total)}</span>
            <span class="value">${signed(view.total)}</span>
          </div>
        </div>
      </div>
      <p class="check ${check.agrees ? '' : 'mismatch'}" part="check">${check.text}</p>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderOrderToggle(): TemplateResult {
    const choice = (order: AttributionOrder, label: string) =>
      html`<button type="button" aria-pressed=${this.order === order ? 'true' : 'false'} data-order=${order} @click=${() => (this.order = order)}>${label}</button>`;
    return html`<div class="segmented" part="order" role="group" aria-label="Order of the bars">${choice('model', 'model order')}${choice('sorted', 'largest first')}</div>`;
  }

  private renderAxis(view: AttributionView): TemplateResult {
    return html`<div class="axis" aria-hidden="true">
      <span></span>
      <span class="track">${view.ticks.map((tick) => html`<span class="tick" style=${styleMap({ left: percent(view.x(tick.value)) })}>${tick.text}</span>`)}</span>
      <span></span>
    </div>`;
  }

  private renderRow(view: AttributionView, row: Row, index: number): TemplateResult {
    const selected = sameHead(this.selection.head, row.head);
    return html`<div
      class="row"
      part="row"
      role="option"
      tabindex=${index === this.keys.index ? 0 : -1}
      data-index=${index}
      data-label=${row.label}
      data-head=${row.head ? `${row.head.layer}.${row.head.head}` : nothing}
      aria-selected=${selected ? 'true' : 'false'}
      aria-disabled=${row.head ? nothing : 'true'}
      title=${describeLabel(row.label)}
      @click=${() => this.onRowClick(index)}
    >
      <span class="label">${row.label}</span><span class="visually-hidden">, ${describeLabel(row.label)}:</span>
      <span class="track">${this.renderBar(view, row.value)}</span>
      <span class="value">${signed(row.value)}</span>
    </div>`;
  }

  private renderBar(view: AttributionView, value: number): TemplateResult {
    const [left, right] = [view.x(Math.min(0, value)), view.x(Math.max(0, value))];
    return html`<span class="bar ${value < 0 ? 'negative' : 'positive'}" part="bar" style=${styleMap({ left: percent(left), width: percent(right - left) })}></span>`;
  }

  private readonly onFocusIn = (event: FocusEvent): void => {
    const index = (event.target as HTMLElement).dataset?.index;
    if (index !== undefined) this.keys.moveTo(Number(index));
  };

  private onRowClick(index: number): void {
    this.keys.moveTo(index);
    this.select(this.view!.rows[index]);
  }

  /** A head row selects its head for linked figures; the other rows select nothing. */
  private select(row: Row | undefined): void {
    if (!row?.head) return;
    this.selection.selectHead(row.head);
    this.announcement = `${row.label}, ${describeLabel(row.label)}, selected`;
    emit(this, 'head-select', row.head);
  }

  private clear(): void {
    if (!this.selection.head) return;
    this.selection.selectHead(null);
    this.announcement = 'No head selected';
    emit(this, 'head-select', null);
  }

  private rowElement(index: number): HTMLElement | null {
    return this.renderRoot.querySelector(`.row[data-index="${index}"]`);
  }
}

/** What a positive and a negative bar do. */
function legendOf(result: AttributionResult): [Phrase, Phrase] {
  return [['raises ', ...metricPhrase(result)], ['lowers it']];
}

/** A phrase on screen: each token quoted, on one line. */
function renderPhrase(phrase: Phrase): TemplateResult {
  return html`${phrase.map((part) => (typeof part === 'string' ? part : html`<span class="token">${quote(part.token)}</span>`))}`;
}

/** A token reference as the title shows it: its text, or `#id` for an id. */
function tokenName(ref: TokenRef): string {
  return typeof ref === 'number' ? `#${ref}` : ref;
}
