// <head-ablation>: what each attention head does to the model's prediction, found by taking it out.
// The scan ablates every head alone (one batched sweep in the engine worker) and maps the metric on
// a diverging scale centred on the clean value; the selected head, or the set `heads` names, shows
// the next-token distribution before and after.
import { initialState, Task, TaskStatus } from '@lit/task';
import type { ScaleDiverging } from 'd3-scale';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { TokenRef } from '../../src/engine.js';
import { DEFAULT_TOP_K } from '../../src/controller.js';
import { XrayError } from '../../src/errors.js';
import type { ModelRun } from '../../src/model-run.js';
import type { HeadRef } from '../../src/selection.js';
import type { TopToken } from '../../src/types.js';
import { CellHover } from '../shared/cell-hover.js';
import { emit } from '../shared/events.js';
import { themeColours } from '../shared/theme.js';
import { XrayFigure } from '../shared/xray-figure.js';
import { divergingColours, divergingScale, type DivergingColours } from '../shared/diverging-scale.js';
import {
  ablationRecord,
  checkHeads,
  findToken,
  formatChange,
  formatMetric,
  formatProb,
  headsKey,
  headsName,
  metricName,
  parseHeads,
  tokenName,
  type AblationData,
  type AblationRecord,
  type Metric,
  type Scan,
} from './head-ablation-data.js';
import { ablationSvg, type ComparisonPicture, type MapPicture } from './head-ablation-svg.js';
import { headAblationStyles } from './head-ablation.styles.js';

/** Room for the layer labels left of the map, and the head labels above it, in CSS pixels. */
const GUTTER = 36;
const LABEL_HEIGHT = 20;
const MIN_CELL = 14;
const MAX_CELL = 44;
/** The comparison's width beside the map, and the gap between them. */
const PANEL = 340;
const GAP = 16;
/** Width assumed while the host has none (hidden). */
const DEFAULT_WIDTH = 640;

/** The clean pass the figure ablates, or data mode's values. */
interface Source {
  tokens: string[];
  truncated: boolean;
  /** The model's shape; unknown in data mode without a scan. */
  nLayer?: number;
  nHead?: number;
  run?: ModelRun;
  record?: AblationRecord;
}

/** The next-token distributions at the last position, best first, before and after ablating `heads`. */
interface Comparison {
  heads: HeadRef[];
  /** Absent where data mode does not give it. */
  before?: TopToken[];
  after?: TopToken[];
}

/**
 * What each attention head does to the model's next-token prediction, found by ablating it: the
 * map has a cell per head (rows are layers, columns are heads), coloured by the metric with that
 * head's output (`hook_z`) set to zero (or its mean) on a diverging scale centred on the clean
 * value. The metric is P(`answer`), or logit[`answer`] − logit[`wrong`] with `wrong`, at the last
 * position. The scan runs every head in turn in the model's worker, with its progress and a Cancel
 * button.
 *
 * Click a cell, or press Enter on it, to select the head: the next-token distribution before and
 * after ablating it shows beside the map, and linked figures (same `<xray-model>` or `group`)
 * select it too; a head selected in a linked `<head-grid>` shows here. `heads="5.1 5.5"` ablates
 * that set of heads together and shows its before/after instead of the scan. Keyboard: arrow keys
 * move over the heads, Home/End go to the row's ends (with Ctrl the first and last head), Enter or
 * Space selects, Escape clears.
 *
 * Data mode: `data` is `{ tokens, answer, wrong?, mode?, clean, ablated: [layer][head], before?,
 * after?: { "layer.head": [{token, prob}] } }`, as docs/elements.md shows how to export from
 * TransformerLens.
 *
 * @fires head-select - A head was clicked or chosen by keyboard; detail `{layer, head}`, or `null` when Escape cleared the selection.
 * @fires run-complete - The scan, or with `heads` the comparison, is on show; detail `{tokens}`.
 * @fires error - Loading, running or an attribute failed (an answer that is not one token, say); detail `{code, message}`.
 *
 * @csspart caption - The line that says what the figure measures.
 * @csspart legend - The diverging colour ramp with the clean value at its centre.
 * @csspart map - The grid of heads.
 * @csspart cell - One head's cell; `aria-selected` marks the selected one.
 * @csspart label - A layer or head label of the map.
 * @csspart tooltip - The hovered or focused head's numbers.
 * @csspart comparison - The before/after panel.
 * @csspart distribution - One of its two lists of next tokens.
 * @csspart progress - The scan's progress, with its Cancel button.
 * @csspart stopped - The state after Cancel, with a button to scan again.
 * @csspart notice - A note (WASM fallback, truncated text, a distribution the data does not give).
 * @csspart toolbar - The export buttons' row.
 * @csspart export-button - Each export button.
 * @csspart loading - The loading state (the model, or the ablated pass of a comparison).
 * @csspart error - The error state.
 * @csspart empty - The empty state (no text, or no answer to scan for).
 *
 * @cssproperty --xray-scale-negative - Colour of values below the clean one (the head helped the answer).
 * @cssproperty --xray-scale-low - Colour of the clean value.
 * @cssproperty --xray-scale-high - Colour of values above the clean one (the head worked against the answer).
 * @cssproperty --xray-accent - The answer's bars, focus ring.
 * @cssproperty --xray-fg - Text, the selected head's outline.
 * @cssproperty --xray-bg - Background.
 * @cssproperty --xray-muted - Labels, the wrong token's bars.
 * @cssproperty --xray-border - Other bars, borders.
 * @cssproperty --xray-error - Error text.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 *
 * @slot - A `<script type="application/json">` with data-mode values.
 */
export class HeadAblation extends XrayFigure<AblationData> {
  static override styles = [...XrayFigure.styles, headAblationStyles];

  /** The text to run the model on (ignored in data mode). */
  @property() text?: string;

  /** The token the model should predict next: its text, which must be one token (`" Mary"`, with its space); a number property is a token id. */
  @property() answer?: string | number;

  /** A competing token (text or id): the metric becomes logit[answer] − logit[wrong] instead of P(answer). */
  @property() wrong?: string | number;

  /** What an ablated head's output (`hook_z`) becomes: `zero`, or `mean` (its mean over the positions). */
  @property() mode: 'zero' | 'mean' = 'zero';

  /** Heads to ablate together, as layer.head (`"5.1 5.5"`): shows their before/after instead of the scan. */
  @property() heads?: string;

  /** How many of the most likely next tokens each distribution lists (1 to 50). */
  @property({ type: Number, attribute: 'top-k' }) topK = 10;

  @state() private announcement = '';
  @state() private scanProgress?: { done: number; total: number };
  /** The reader cancelled the scan; it runs again when its inputs change or on "Scan again". */
  @state() private stopped = false;
  @state() private attempt = 0;

  /** The map's colour stops now; the colour-scheme controller re-renders when they may change. */
  private diverging?: DivergingColours;
  private optionError?: XrayError;
  private scale?: { scan: Scan; key: string; scale: ScaleDiverging<string> };

  private readonly sourceTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.text, this.prependBos] as const,
    task: async ([data, , text], { signal }): Promise<Source | typeof initialState> => {
      if (this.dataError) return initialState;
      if (data) {
        const record = ablationRecord(data);
        return { tokens: record.tokens, truncated: false, nLayer: record.scan?.nLayer, nHead: record.scan?.nHead, record };
      }
      const run = await this.runModel(text, signal);
      return { tokens: run.tokens, truncated: run.truncated, nLayer: run.config.nLayer, nHead: run.config.nHead, run };
    },
    onError: (error) => this.announceError(error),
  });

  /** Every head ablated alone (not with `heads`); aborted by Cancel, as by a change of its inputs. */
  private readonly scanTask = new Task(this, {
    args: () => [this.readySource, this.answer, this.wrong, this.mode, this.headSet, this.attempt] as const,
    task: async ([source, answer, wrong, mode, headSet], { signal }): Promise<Scan | typeof initialState> => {
      this.scanProgress = undefined;
      this.stopped = false;
      if (!source || headSet) return initialState;
      if (source.record) {
        if (!source.record.scan) throw new XrayError('bad-option', 'data.ablated (with data.clean) is needed to draw the map; to compare distributions only, set heads.');
        return source.record.scan;
      }
      if (answer === undefined || answer === '') return initialState;
      const onProgress = (done: number, total: number) => {
        if (!signal.aborted) this.scanProgress = { done, total };
      };
      const scan = await source.run!.ablationScan({ answer, wrong: wrong === '' ? undefined : wrong, mode, signal, onProgress });
      return { nLayer: scan.dims[0], nHead: scan.dims[1], values: scan.data, clean: scan.clean };
    },
    onComplete: () => this.announceComplete(this.readySource!.tokens),
    onError: (error) => this.announceError(error),
  });

  /** The distributions before and after ablating the subject: the `heads` set, else the selected head. */
  private readonly comparisonTask = new Task(this, {
    args: () => [this.readySource, this.subject(), this.mode] as const,
    task: async ([source, subject, mode], { signal }): Promise<Comparison | typeof initialState> => {
      if (!source || !subject) return initialState;
      const heads = parseHeads(subject);
      if (source.nLayer !== undefined) checkHeads(heads, source.nLayer, source.nHead!);
      if (source.record) return { heads, before: source.record.before, after: source.record.after.get(headsKey(heads)) };
      const run = source.run!;
      const ablated = await run.ablate(heads, { mode, signal });
      try {
        return { heads, before: run.nextToken(run.keptTokens), after: ablated.nextToken(ablated.keptTokens) };
      } finally {
        ablated.dispose(); // not memoised: nothing else will read what the worker keeps of it
      }
    },
    onComplete: () => this.headSet && this.announceComplete(this.readySource!.tokens),
    onError: (error) => this.announceError(error),
  });

  /** Heads in reading order (`layer * nHead + head`), the keyboard's holding the tab stop. */
  private readonly cells = new CellHover(this, {
    shape: () => {
      const scan = this.shownScan;
      return scan && { count: scan.nLayer * scan.nHead, columns: scan.nHead };
    },
    ends: 'row',
    cellElement: (index) => this.renderRoot.querySelector<HTMLElement>(`[data-index="${index}"]`),
    onMove: (index) => (this.announcement = this.cellLabel(this.shownScan!, index)),
    onEnter: () => this.select(this.cells.keys.index),
    onEscape: () => this.clear(),
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.diverging = divergingColours(this);
    if (changed.has('topK')) {
      const valid = Number.isInteger(this.topK) && this.topK >= 1 && this.topK <= DEFAULT_TOP_K;
      this.optionError = valid ? undefined : new XrayError('bad-option', `top-k must be a whole number from 1 to ${DEFAULT_TOP_K}; it is "${this.topK}".`);
      if (this.optionError) this.announceError(this.optionError);
    }
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    if (this.optionError) return this.renderError(this.optionError);
    return this.sourceTask.render({
      initial: () => this.renderLoading(),
      pending: () => this.renderLoading(),
      complete: (source) => (this.headSet ? this.renderSet(source) : this.renderScan(source)),
      error: (error) => this.renderError(error),
    });
  }

  /** The figure as a standalone SVG: the map with its legend, and the before/after bars when shown. */
  toSVG(): string {
    const source = this.readySource;
    const scan = this.headSet ? undefined : this.shownScan;
    const comparison = this.comparisonTask.status === TaskStatus.COMPLETE ? this.comparisonTask.value : undefined;
    if (!source || (!scan && !(this.headSet && comparison))) throw new XrayError('nothing-to-export', 'There is nothing to export yet: the ablation has not been drawn.');
    const metric = this.metricOf(source);
    const map: MapPicture | undefined = scan && metric && this.mapPicture(scan, metric);
    const scanLine = comparison && this.scanLine(comparison, metric, scan);
    const picture: ComparisonPicture | undefined = comparison && {
      // With `heads` the caption already names the set.
      lines: [...(this.headSet ? [] : [`Ablating ${headsName(comparison.heads)} (${this.modeOf(source)})`]), ...(scanLine ? [scanLine] : []), ...this.rankLines(comparison, metric)],
      before: comparison.before?.slice(0, this.topK),
      after: comparison.after?.slice(0, this.topK),
      ...metric,
    };
    return ablationSvg({ caption: this.caption(source, metric), colours: themeColours(this), font: getComputedStyle(this).fontFamily, map, comparison: picture });
  }

  private mapPicture(scan: Scan, metric: Metric): MapPicture {
    return { scan, scale: this.scaleOf(scan), legend: legendText(metric), ticks: this.ticks(scan, metric), selected: this.selectedHead(scan) ?? undefined };
  }

  private get readySource(): Source | undefined {
    return this.sourceTask.status === TaskStatus.COMPLETE ? this.sourceTask.value : undefined;
  }

  private get shownScan(): Scan | undefined {
    return this.scanTask.status === TaskStatus.COMPLETE ? this.scanTask.value : undefined;
  }

  /** The `heads` attribute, unless blank. */
  private get headSet(): string | undefined {
    return this.heads?.trim() || undefined;
  }

  /** The heads to compare, as `heads` writes them: the `heads` set, else the selected head if this model has it. */
  private subject(): string | undefined {
    if (this.headSet) return this.headSet;
    const head = this.selection.head;
    const { nLayer, nHead } = this.readySource ?? {};
    if (!head || nLayer === undefined || head.layer >= nLayer || head.head >= nHead!) return undefined;
    return headsKey([head]);
  }

  /** What the metric is about: data mode's, else the attributes' (none without an answer). */
  private metricOf(source: Source): Metric | undefined {
    if (source.record) return source.record.metric;
    if (this.answer === undefined || this.answer === '') return undefined;
    return { answer: this.answer, wrong: this.wrong === '' ? undefined : this.wrong };
  }

  private modeOf(source: Source): string {
    return source.record?.mode ?? this.mode;
  }

  private caption(source: Source, metric: Metric | undefined): string {
    if (this.headSet) return `The next token before and after ablating ${headsName(parseHeads(this.headSet))} (${this.modeOf(source)})`;
    return `${metric ? metricName(metric) : 'The metric'} with each head ablated (${this.modeOf(source)})`;
  }

  private renderScan(source: Source): TemplateResult {
    return this.scanTask.render({
      initial: () =>
        html`<div class="status" part="empty">Set answer to the token the model should predict next (its text, such as “ Mary” with its space) to see what ablating each head does to it.</div>`,
      pending: () => this.renderProgress(),
      complete: (scan) => this.renderFigure(source, scan),
      error: (error) => (this.stopped ? this.renderStopped() : this.renderError(error)),
    });
  }

  private renderProgress(): TemplateResult {
    const progress = this.scanProgress;
    const label = progress ? `Ablating each head in turn: ${progress.done} of ${progress.total} heads` : 'Ablating each head in turn…';
    return html`<div class="status" part="progress" role="status" aria-live="polite">
      ${label}
      <button @click=${this.cancel}>Cancel</button>
      <progress aria-label=${label} max=${progress?.total || 1} .value=${progress ? progress.done : (null as unknown as number)}></progress>
    </div>`;
  }

  private renderStopped(): TemplateResult {
    return html`<div class="status" part="stopped" role="status">
      The scan was stopped.
      <button @click=${() => this.attempt++}>Scan again</button>
    </div>`;
  }

  private renderFigure(source: Source, scan: Scan): TemplateResult {
    const metric = this.metricOf(source)!;
    return html`
      <div class="header">
        <p class="caption" part="caption">${this.caption(source, metric)}</p>
        ${this.renderToolbar()}
      </div>
      ${this.renderNotices(source)} ${this.renderLegend(scan, metric)}
      <div class="layout">${this.renderMap(scan, metric)} ${this.renderComparison(source, scan)}</div>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderSet(source: Source): TemplateResult {
    const running = () => html`<div class="status" part="loading" role="status">Running the model without heads ${this.headSet}…</div>`;
    return this.comparisonTask.render({
      initial: running,
      pending: running,
      complete: (comparison) => html`
        <div class="header">
          <p class="caption" part="caption">${this.caption(source, this.metricOf(source))}</p>
          ${this.renderToolbar()}
        </div>
        ${this.renderNotices(source)}
        <div class="layout">${this.renderDistributions(source, comparison)}</div>
      `,
      error: (error) => this.renderError(error),
    });
  }

  private renderLegend(scan: Scan, metric: Metric): TemplateResult {
    const scale = this.scaleOf(scan);
    const [low, , high] = scale.domain();
    const stops = Array.from({ length: 11 }, (_, i) => scale(low + ((high - low) * i) / 10)).join(', ');
    const [lowText, cleanText, highText] = this.ticks(scan, metric);
    return html`<div class="scale-legend" part="legend">
      <span>${legendText(metric)}</span>
      <span class="ramp">
        <span class="swatch" style=${styleMap({ background: `linear-gradient(to right, ${stops})` })}></span>
        <span class="ticks"><span>${lowText}</span><span>${cleanText}</span><span>${highText}</span></span>
      </span>
      <span>below clean: the head helped the answer</span>
    </div>`;
  }

  /** The legend's ends as changes from clean: the scale is symmetric, and its mirrored end may be no value the metric can take (a probability above 1). */
  private ticks(scan: Scan, metric: Metric): [string, string, string] {
    const reach = this.scaleOf(scan).domain()[2] - scan.clean;
    return [formatChange(metric, -reach), `clean ${formatMetric(metric, scan.clean)}`, formatChange(metric, reach)];
  }

  private renderMap(scan: Scan, metric: Metric): TemplateResult {
    const { nLayer, nHead } = scan;
    const cell = this.cellSize(nHead);
    const scale = this.scaleOf(scan);
    const selected = this.selectedHead(scan);
    const heads = Array.from({ length: nHead }, (_, h) => h);
    const box = (width: number, height: number) => styleMap({ width: `${width}px`, height: `${height}px` });
    return html`<div class="map-box">
      <div
        class="map"
        part="map"
        role="grid"
        aria-label="${metricName(metric)} with each head ablated: arrow keys move, Enter selects a head, Escape clears"
        @pointermove=${(event: PointerEvent) => this.cells.point(indexOf(event))}
        @pointerleave=${() => this.cells.point(undefined)}
        @click=${this.onClick}
        @keydown=${this.cells.keys.onKeydown}
        @focusin=${(event: FocusEvent) => this.cells.focusIn(indexOf(event))}
        @focusout=${this.cells.onFocusOut}
      >
        <div class="row" role="row">
          <span class="label" part="label" role="columnheader" style=${box(GUTTER, LABEL_HEIGHT)}><span class="visually-hidden">Layer</span></span>
          ${heads.map((h) => html`<span class="label" part="label" role="columnheader" aria-label="Head ${h}" style=${box(cell, LABEL_HEIGHT)}>H${h}</span>`)}
        </div>
        ${Array.from(
          { length: nLayer },
          (_, l) =>
            html`<div class="row" role="row">
              <span class="label" part="label" role="rowheader" aria-label="Layer ${l}" style=${box(GUTTER, cell)}>L${l}</span>
              ${heads.map((h) => {
                const index = l * nHead + h;
                const classes = ['cell', index === this.cells.active ? 'active' : ''].join(' ');
                return html`<span
                  class=${classes}
                  part="cell"
                  role="gridcell"
                  data-index=${index}
                  tabindex=${index === this.cells.keys.index ? 0 : -1}
                  aria-selected=${selected?.layer === l && selected.head === h ? 'true' : 'false'}
                  aria-label=${this.cellLabel(scan, index)}
                  style=${styleMap({ width: `${cell}px`, height: `${cell}px`, background: scale(scan.values[index]) })}
                ></span>`;
              })}
            </div>`,
        )}
      </div>
      ${this.renderTooltip(scan, metric, cell)}
    </div>`;
  }

  private renderTooltip(scan: Scan, metric: Metric, cell: number): TemplateResult | typeof nothing {
    const index = this.cells.active;
    if (index === undefined) return nothing;
    const [layer, head] = [Math.floor(index / scan.nHead), index % scan.nHead];
    const x = GUTTER + 1 + head * (cell + 1);
    const y = LABEL_HEIGHT + 1 + layer * (cell + 1);
    // Towards the middle, so the tooltip never widens the figure.
    const [width, height] = [GUTTER + scan.nHead * (cell + 1), LABEL_HEIGHT + scan.nLayer * (cell + 1)];
    const place = {
      ...(head < scan.nHead / 2 ? { left: `${x + cell + 6}px` } : { right: `${width - x + 6}px` }),
      ...(layer < scan.nLayer / 2 ? { top: `${y}px` } : { bottom: `${height - y - cell}px` }),
    };
    const value = scan.values[index];
    return html`<div class="tooltip" part="tooltip" style=${styleMap(place)}>L${layer}H${head} ablated
${metricName(metric)} ${formatMetric(metric, value)}
${formatChange(metric, value - scan.clean)} from clean ${formatMetric(metric, scan.clean)}</div>`;
  }

  private renderComparison(source: Source, scan: Scan): TemplateResult {
    const subject = this.subject();
    const hint = () =>
      html`<section class="comparison" part="comparison" aria-label="Before and after">
        <p class="muted">Click a head, or press Enter on it, to compare the next-token distribution before and after ablating it.</p>
      </section>`;
    if (!subject) return hint();
    return this.comparisonTask.render({
      initial: hint,
      pending: () => html`<section class="comparison" part="comparison"><p class="status" part="loading" role="status">Running the model without ${headsName(parseHeads(subject))}…</p></section>`,
      complete: (comparison) => this.renderDistributions(source, comparison, scan),
      error: (error) => html`<section class="comparison" part="comparison">${this.renderError(error)}</section>`,
    });
  }

  private renderDistributions(source: Source, comparison: Comparison, scan?: Scan): TemplateResult {
    const metric = this.metricOf(source);
    const name = headsName(comparison.heads);
    const lists = [comparison.before?.slice(0, this.topK), comparison.after?.slice(0, this.topK)];
    const max = Math.max(1e-9, ...lists.flatMap((list) => list?.map((t) => t.prob) ?? []));
    const scanLine = this.scanLine(comparison, metric, scan);
    return html`<section class="comparison" part="comparison" aria-label="Next-token distribution before and after ablating ${name}">
      ${this.headSet ? nothing : html`<p><strong>Ablating ${name}</strong> <span class="muted">(${this.modeOf(source)})</span></p>`}
      ${scanLine ? html`<p class="metric">${scanLine}</p>` : nothing}
      <div class="columns">
        ${lists.map((list, i) =>
          list
            ? this.renderDistribution(i ? 'After' : 'Before', list, max, metric)
            : html`<p class="notice" part="notice">The data has no next-token distribution ${i ? `with ${name} ablated` : 'without ablation'}.</p>`,
        )}
      </div>
      ${this.rankLines(comparison, metric).map((line) => html`<p class="ranks">${line}</p>`)}
    </section>`;
  }

  private renderDistribution(title: string, list: TopToken[], max: number, metric: Metric | undefined): TemplateResult {
    const roleOf = (t: TopToken) => (metric && findToken([t], metric.answer) ? 'answer' : metric?.wrong !== undefined && findToken([t], metric.wrong) ? 'wrong' : '');
    return html`<figure class="distribution" part="distribution">
      <figcaption>${title}</figcaption>
      <ol aria-label="${title}: the ${list.length} most likely next tokens">
        ${list.map((t) => {
          const role = roleOf(t);
          return html`<li class=${role}>
            <span class="token">${tokenName(t.token)}</span>
            <span class="track"><span class="bar" style=${styleMap({ width: `${(100 * t.prob) / max}%` })}></span></span>
            <span class="prob">${formatProb(t.prob)}</span>
            ${role ? html`<span class="visually-hidden">(the ${role} token)</span>` : nothing}
          </li>`;
        })}
      </ol>
    </figure>`;
  }

  /** The scan's metric, clean and with the compared head ablated, when that head is one of the map's. */
  private scanLine(comparison: Comparison, metric: Metric | undefined, scan?: Scan): string | undefined {
    if (!scan || !metric || comparison.heads.length !== 1) return undefined;
    const [{ layer, head }] = comparison.heads;
    const value = scan.values[layer * scan.nHead + head];
    return `${metricName(metric)}: ${formatMetric(metric, scan.clean)} → ${formatMetric(metric, value)} (${formatChange(metric, value - scan.clean)})`;
  }

  /** Where the answer and the wrong token rank before and after, among the tokens the lists have. */
  private rankLines(comparison: Comparison, metric: Metric | undefined): string[] {
    const refs = metric ? [metric.answer, metric.wrong].filter((ref) => ref !== undefined) : [];
    const place = (list: TopToken[] | undefined, ref: TokenRef) => {
      const found = list && findToken(list, ref);
      if (found) return `rank ${found.rank}, ${formatProb(found.prob)}`;
      return list ? `not in the top ${list.length}` : 'not given';
    };
    return refs.map((ref) => `${tokenName(ref)}: ${place(comparison.before, ref)} → ${place(comparison.after, ref)}`);
  }

  private cellLabel(scan: Scan, index: number): string {
    const metric = this.metricOf(this.readySource!)!;
    const value = scan.values[index];
    return `Layer ${Math.floor(index / scan.nHead)}, head ${index % scan.nHead}: ${metricName(metric)} ${formatMetric(metric, value)} with it ablated (${formatChange(metric, value - scan.clean)})`;
  }

  /** The selected head, if the map has it. */
  private selectedHead(scan: Scan): HeadRef | null {
    const head = this.selection.head;
    return head && head.layer < scan.nLayer && head.head < scan.nHead ? head : null;
  }

  private cellSize(nHead: number): number {
    const width = this.size.width || this.clientWidth || DEFAULT_WIDTH;
    // Beside the comparison when both fit, else the whole width (the comparison wraps below).
    const room = (width >= 2 * PANEL + GAP ? width - PANEL - GAP : width) - GUTTER;
    return Math.min(MAX_CELL, Math.max(MIN_CELL, Math.floor(room / nHead) - 1));
  }

  /** The colour scale of a scan, made again only when the scan or the theme changes. */
  private scaleOf(scan: Scan): ScaleDiverging<string> {
    const colours = this.diverging!;
    const key = `${colours.negative} ${colours.neutral} ${colours.positive}`;
    if (this.scale?.scan !== scan || this.scale.key !== key) this.scale = { scan, key, scale: divergingScale(colours, scan.clean, scan.values) };
    return this.scale.scale;
  }

  private onClick(event: MouseEvent): void {
    const index = indexOf(event);
    if (index !== undefined) this.select(index);
  }

  private select(index: number): void {
    const scan = this.shownScan!;
    const ref = { layer: Math.floor(index / scan.nHead), head: index % scan.nHead };
    this.cells.keys.moveTo(index);
    this.selection.selectHead(ref);
    this.announcement = `${this.cellLabel(scan, index)}, selected`;
    emit(this, 'head-select', ref);
  }

  private clear(): void {
    this.announcement = 'No head selected';
    if (!this.selection.head) return;
    this.selection.selectHead(null);
    emit(this, 'head-select', null);
  }

  private cancel(): void {
    this.stopped = true;
    this.scanTask.abort();
  }
}

/** The head cell an event happened on, if any. */
function indexOf(event: Event): number | undefined {
  const cell = (event.target as Element).closest<HTMLElement>('[data-index]');
  return cell ? Number(cell.dataset.index) : undefined;
}

/** What the map's colour shows. */
function legendText(metric: Metric): string {
  return `${metricName(metric)} with the head ablated, from clean`;
}
