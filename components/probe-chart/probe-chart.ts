// <probe-chart>: trains probes on the hidden states of every layer, in the reader's browser, and
// draws their cross-validated accuracy, the control task's accuracy and the selectivity by layer.
import { initialState, Task, TaskStatus } from '@lit/task';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { css, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { ModelController } from '../../src/controller.js';
import { XrayError } from '../../src/errors.js';
import { isDatasetJson, type LabelledDataset } from '../../src/probes/dataset.js';
import type { ProbeJob, ProbeProgress } from '../../src/probes/job.js';
import { loadDataset } from '../../src/probes/load-dataset.js';
import { PROBE_KINDS, type ProbeKind } from '../../src/probes/probe.js';
import { parseProbeResults, type ProbeLayerResult, type ProbeResults, type ProbeResultsData } from '../../src/probes/results.js';
import type { ProgressDetail } from '../../src/types.js';
import { CellHover } from '../shared/cell-hover.js';
import { emit } from '../shared/events.js';
import { childrenMarkup, svgDocument } from '../shared/export.js';
import { colourScale, themeColours, type ThemeColours } from '../shared/theme.js';
import { XrayFigure } from '../shared/xray-figure.js';

const PROBE_CHOICES = ['linear', 'mlp', 'both'];
/** Width assumed before the first resize observation, and the narrowest the plot gets. */
const DEFAULT_WIDTH = 560;
const MIN_WIDTH = 300;
const HEIGHT = 300;
const MARGIN = { top: 52, right: 16, bottom: 44, left: 48 };

type Metric = 'accuracy' | 'control' | 'selectivity';
const METRICS: { metric: Metric; label: string }[] = [
  { metric: 'accuracy', label: 'probe accuracy' },
  { metric: 'control', label: 'control task' },
  { metric: 'selectivity', label: 'selectivity (accuracy − control)' },
];
/** Line dashes tell probes apart when several are drawn; colours tell metrics apart. */
const DASHES = ['', '6 3', '2 3'];

/** What the chart shows. */
interface ProbeView {
  task?: string;
  series: ProbeResults[];
  /** Every layer any series has, in order. */
  layers: number[];
  /** How the numbers were made, in words (model mode only). */
  method?: string;
  notes: string[];
  /** The tokens the probes read (model mode), for `run-complete`. */
  tokens: string[];
}

/** Training as the progress bar shows it. */
interface TrainingStatus {
  label: string;
  value: number;
  /** Results of the layers finished so far. */
  partial?: ProbeView;
}

interface Plot {
  width: number;
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
}

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
const points = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} pts`;
const fixed = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(3));
const layerName = (layer: number) => (layer === 0 ? 'layer 0 (embeddings)' : `layer ${layer}`);

/**
 * Probing classifiers on every layer's hidden states (the residual stream, layer 0 = embeddings):
 * a linear probe (multinomial logistic regression) and/or an MLP probe (one hidden layer of 64 ReLU
 * units), trained in the page with k-fold cross-validation (sentences kept whole within a fold), on
 * the task and on a control task (Hewitt & Liang 2019: each word type gets a random label drawn from
 * the task's label distribution). Lines show mean test accuracy with a band of ±1 standard deviation
 * over folds, the control accuracy, and the selectivity (accuracy − control).
 *
 * **Words and tokens:** each sentence's words are joined as written English and run through the model
 * one sentence at a time; a word is represented by its LAST token (the first position that has seen
 * the whole word). A word whose last token also holds the next word's start (e.g. `").`") is left out.
 *
 * **Data:** `task="pos"` is the built-in part-of-speech task (225 hand-labelled sentences, Universal
 * POS tags). A page can give its own labelled sentences as JSON, through `src` or a
 * `<script type="application/json">` child: `{ "task": "name", "labels": [optional names],
 * "sentences": [{ "words": ["The", "cat"], "labels": ["DET", "NOUN"] }] }`. A `src` file is
 * downloaded like the model's files: with a progress bar, and kept in the browser's Cache API.
 *
 * **Training** runs where the model runs (its worker, unless `worker: false`), so the page never
 * waits for it; a progress bar tells which layer and fold it is on, and finished layers are drawn as
 * they come. Changing only the probe settings trains again on the hidden states already gathered.
 *
 * **Data mode:** `data` is `{ task?, probe?, layers: [{ layer, accuracy, accuracyStd, control,
 * controlStd?, selectivity }] }` (values 0..1), or a list of such records to draw several probes.
 *
 * **Keyboard:** Tab reaches the chart; arrow keys, Home and End move between layers; Enter or Space
 * pins the tooltip (it moves with the arrow keys), Escape hides it until the next move. The focused
 * layer's numbers are announced.
 *
 * **Linking:** when a linked figure selects a head, the layer it reads from is marked.
 *
 * @fires train-progress - Training reached a new layer; detail `{ layer, of }` (layer index, number of layers).
 * @fires run-complete - The chart shows new results; detail `{ tokens }` (the tokens the probes read).
 * @fires error - The chart could not be made; detail `{ code, message }`.
 *
 * @csspart chart - The `<svg>` chart.
 * @csspart legend - The key to the lines.
 * @csspart point - The focusable column of one layer.
 * @csspart progress - The training progress (label and bar).
 * @csspart summary - The line that says how the numbers were made.
 * @csspart data-table - The table of the numbers (visually hidden).
 * @csspart tooltip - The hovered or focused layer's numbers.
 * @csspart notice - A note (sentences capped, words left out, WASM fallback).
 * @csspart toolbar - The bar of export buttons.
 * @csspart export-button - An export button.
 * @csspart loading - The loading state.
 * @csspart error - The error state.
 * @csspart empty - The empty state (nothing to probe).
 *
 * @cssproperty --xray-accent - Probe accuracy line, focus ring.
 * @cssproperty --xray-muted - Control task line, axis labels.
 * @cssproperty --xray-scale-high - Selectivity line.
 * @cssproperty --xray-fg - Text colour.
 * @cssproperty --xray-bg - Background colour.
 * @cssproperty --xray-border - Grid lines and borders.
 * @cssproperty --xray-error - Colour of error messages.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 *
 * @slot - A `<script type="application/json">` with labelled sentences or data-mode results.
 */
export class ProbeChart extends XrayFigure<ProbeResultsData> {
  static override styles = [
    ...XrayFigure.styles,
    css`
      svg {
        display: block;
        overflow: visible;
        font-size: 12px;
      }
      .hit {
        fill: transparent;
        outline: none;
        cursor: default;
      }
      .hit:focus-visible {
        stroke: var(--_accent);
        stroke-width: 2;
      }
      .summary {
        margin: 0.25em 0 0;
        color: var(--_muted);
        font-size: 0.9em;
      }
      .progress {
        margin-bottom: 0.5em;
      }
    `,
  ];

  /** Built-in task to probe: `pos` (part of speech). Ignored when labelled sentences are given. */
  @property() task?: string;

  /** URL of labelled sentences as JSON (see the class docs for the shape). */
  @property() src?: string;

  /** Labelled sentences as an object of the same shape (a JSON child sets this). */
  @property({ attribute: false }) sentences?: unknown;

  /** Which probe to train: `linear`, `mlp` or `both`. */
  @property() probe = 'linear';

  /** Number of cross-validation folds (at least 2). */
  @property({ type: Number }) folds = 5;

  /** The most sentences to probe (the first ones of the data); caps the work. */
  @property({ type: Number, attribute: 'max-sentences' }) maxSentences = 200;

  /** Passes over the training data per probe fit. */
  @property({ type: Number }) epochs = 5;

  /** Seed of the folds, the control labels, the initial weights and the batch order. */
  @property({ type: Number }) seed = 0;

  @state() private training?: TrainingStatus;

  @state() private announcement = '';

  private colours: ThemeColours | undefined;
  private plot: Plot | undefined;

  /** The labelled sentences (none in data mode); a `src` download shows its progress. */
  private readonly datasetTask = new Task(this, {
    args: () => [this.data, this.sentences, this.src, this.task] as const,
    task: ([data, sentences, src, task], { signal }) => {
      if (data) return initialState;
      this.progress = undefined;
      const onProgress = (progress: ProgressDetail) => {
        if (!signal.aborted) this.progress = progress;
      };
      return loadDataset({ sentences, src, task }, { signal, onProgress });
    },
    onError: (error) => this.announceError(error),
  });

  /** The probes' results: from `data`, or trained on the dataset where the model runs. */
  private readonly probeTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.labelled, this.prependBos, this.probe, this.folds, this.maxSentences, this.epochs, this.seed] as const,
    task: async ([data, controller, dataset, prependBos, probe, folds, maxSentences, epochs, seed], { signal }) => {
      this.training = undefined;
      if (data) return viewFromData(data);
      if (!dataset) return initialState;
      const kinds = probeKinds(probe);
      checkWhole('folds', folds, 2);
      checkWhole('max-sentences', maxSentences, 1);
      checkWhole('epochs', epochs, 1);
      // Until the model is loaded the pending state shows the download's progress, as other figures do.
      await controller!.load();
      return this.train(controller!, { dataset, maxSentences, prependBos, kinds, folds, epochs, seed }, signal);
    },
    onComplete: (view) => this.announceComplete(view.tokens),
    onError: (error) => this.announceError(error),
  });

  /** The layers, by index; the keyboard's holds the tab stop. */
  private readonly cells = new CellHover(this, {
    shape: () => this.view && { count: this.view.layers.length, columns: this.view.layers.length },
    ends: 'all',
    cellElement: (index) => this.renderRoot.querySelector<SVGElement>(`.hit[data-index="${index}"]`),
    onMove: (index) => (this.announcement = this.describe(this.view!, index)),
    onEnter: () => this.cells.togglePin(),
  });

  /** The dataset to probe, once it is loaded. */
  private get labelled(): LabelledDataset | undefined {
    return this.datasetTask.status === TaskStatus.COMPLETE ? this.datasetTask.value : undefined;
  }

  /** The finished results, or while training, the layers finished so far. */
  private get view(): ProbeView | undefined {
    return this.probeTask.status === TaskStatus.COMPLETE ? this.probeTask.value : this.training?.partial;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // One JSON child serves both uses: labelled sentences to train on, or results to draw.
    if (isDatasetJson(this.data)) {
      this.sentences = this.data;
      this.data = undefined;
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const view = this.view;
    if (!view) return;
    this.colours = themeColours(this);
    this.plot = plotFor(view, Math.max(this.size.width || DEFAULT_WIDTH, MIN_WIDTH));
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    const { status, error } = this.datasetTask;
    if (status === TaskStatus.PENDING) return this.renderLoading();
    if (status === TaskStatus.ERROR) return this.renderError(error);
    return this.probeTask.render({
      initial: () => this.renderLoading(),
      pending: () => (this.training ? this.renderTraining(this.training) : this.renderLoading()),
      complete: (view) => html`${this.renderToolbar()} ${this.renderNotices()} ${this.renderFigure(view)}`,
      error: (error) => this.renderError(error),
    });
  }

  /** The chart as a standalone SVG: lines, bands, axes and legend, without the focus targets. */
  toSVG(): string {
    const chart = this.renderRoot.querySelector<SVGSVGElement>('svg[part="chart"]');
    if (!chart || !this.colours || !this.plot) throw new XrayError('nothing-to-export', 'There is no probe chart to export yet.');
    const copy = chart.cloneNode(true) as SVGSVGElement;
    copy.querySelectorAll('.hit, .guide').forEach((node) => node.remove());
    return svgDocument(this.plot.width, HEIGHT, childrenMarkup(copy), this.colours.bg, getComputedStyle(this).fontFamily);
  }

  /**
   * Runs the sentences through the model and trains the probes where the model runs (its worker),
   * drawing layers as they finish.
   */
  private async train(controller: ModelController, job: ProbeJob, signal: AbortSignal): Promise<ProbeView> {
    const { dataset, kinds, folds, epochs, seed } = job;
    const layers = Array.from({ length: controller.config!.nLayer + 1 }, (_, l) => l);
    const base = { task: dataset.task, layers, notes: [] as string[], tokens: [] as string[] };
    let layer = -1;
    const onProgress = (progress: ProbeProgress) => {
      if (signal.aborted) return;
      if (progress.stage === 'collect') {
        const sentences = Math.min(job.maxSentences, dataset.sentences.length);
        this.training = { label: `Running the model on sentence ${progress.sentence + 1} of ${sentences}`, value: progress.sentence / sentences };
        return;
      }
      if (progress.layer !== layer) emit(this, 'train-progress', { layer: (layer = progress.layer), of: progress.layers });
      const label = `Training layer ${progress.layer} (${progress.layer + 1} of ${progress.layers}), fold ${progress.fold + 1} of ${folds}`;
      const finished = progress.results[0].layers.length;
      const partial = finished ? { ...base, series: progress.results, layers: layers.slice(0, finished) } : undefined;
      this.training = { label, value: progress.done / progress.total, partial };
    };
    const outcome = await controller.probe(job, { signal, onProgress });
    const notes = [
      outcome.sentences < dataset.sentences.length ? `Probing the first ${outcome.sentences} of ${dataset.sentences.length} sentences; set max-sentences to use more.` : '',
      outcome.words > outcome.examples ? `${outcome.words - outcome.examples} words were left out: they share their last token with the next word or were cut by the context.` : '',
    ].filter(Boolean);
    const method = `${outcome.sentences} sentences, ${outcome.examples} labelled words, ${dataset.labels.length} labels (${dataset.labels.join(', ')}); ${kinds.map(probeName).join(' and ')} probe, ${folds}-fold cross-validation, ${epochs} epochs, seed ${seed}.`;
    return { ...base, notes, method, series: outcome.results, tokens: outcome.tokens };
  }

  private renderTraining(training: TrainingStatus): TemplateResult {
    return html`<div class="progress" part="progress" role="status">
        ${training.label}
        <progress aria-label=${training.label} max="1" .value=${training.value}></progress>
      </div>
      ${training.partial ? this.renderFigure(training.partial) : nothing}`;
  }

  private renderFigure(view: ProbeView): TemplateResult {
    return html`
      ${view.notes.map((n) => html`<p class="notice" part="notice">${n}</p>`)} ${this.renderChart(view)}
      ${view.method ? html`<p class="summary" part="summary">${view.method}</p>` : nothing} ${this.renderTable(view)} ${this.renderTooltip(view)}
      <div class="visually-hidden" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderChart(view: ProbeView): TemplateResult {
    const { width } = this.plot!;
    const title = `${view.task ? `Probing “${view.task}”` : 'Probe'}: cross-validated accuracy by layer`;
    return html`<svg
      part="chart"
      width=${width}
      height=${HEIGHT}
      viewBox="0 0 ${width} ${HEIGHT}"
      role="group"
      aria-label=${title}
      @focusin=${(event: FocusEvent) => this.cells.focusIn(indexOf(event.target))}
      @focusout=${this.cells.onFocusOut}
      @keydown=${this.cells.keys.onKeydown}
    >
      <text x=${MARGIN.left} y="14" font-weight="600" fill=${this.colours!.fg}>${title}</text>
      ${this.renderLegend(view)} ${this.renderAxes(view)} ${this.renderLinkedLayer(view)} ${view.series.map((s, i) => this.renderSeries(s, i))}
      ${this.renderGuide(view)} ${view.layers.map((layer, i) => this.renderHitTarget(view, layer, i))}
    </svg>`;
  }

  private renderLegend(view: ProbeView): SVGTemplateResult {
    const items = METRICS.map(({ metric, label }) => ({ label, colour: this.metricColour(metric), dash: '' }));
    if (view.series.length > 1) items.push(...view.series.map((s, i) => ({ label: seriesName(s, i), colour: this.colours!.fg, dash: DASHES[i % DASHES.length] })));
    let x = MARGIN.left;
    let y = 32;
    return svg`<g part="legend" font-size="11">${items.map((item) => {
      const itemWidth = 28 + item.label.length * 6.2 + 14;
      if (x + itemWidth > this.plot!.width && x > MARGIN.left) [x, y] = [MARGIN.left, y + 15];
      const at = x;
      x += itemWidth;
      return svg`<g class="legend-item"><line x1=${at} x2=${at + 22} y1=${y - 4} y2=${y - 4} stroke=${item.colour} stroke-width="2" stroke-dasharray=${item.dash}></line><text x=${at + 28} y=${y} fill=${this.colours!.fg}>${item.label}</text></g>`;
    })}</g>`;
  }

  private renderAxes(view: ProbeView): SVGTemplateResult {
    const { x, y, width } = this.plot!;
    const c = this.colours!;
    const [bottom, top] = y.range();
    const xTicks = view.layers.length <= 16 ? view.layers : x.ticks(12).filter(Number.isInteger);
    return svg`<g class="axes" font-size="11">
      ${y.ticks(5).map((t) => svg`<g class="y-tick" data-value=${t}><line x1=${MARGIN.left} x2=${width - MARGIN.right} y1=${y(t)} y2=${y(t)} stroke=${c.border} stroke-width=${t === 0 ? 1.5 : 0.5}></line><text x=${MARGIN.left - 6} y=${y(t) + 4} text-anchor="end" fill=${c.muted}>${t.toFixed(1)}</text></g>`)}
      ${xTicks.map((t) => svg`<text class="x-tick" x=${x(t)} y=${bottom + 16} text-anchor="middle" fill=${c.muted}>${t}</text>`)}
      <text x=${(MARGIN.left + width - MARGIN.right) / 2} y=${HEIGHT - 8} text-anchor="middle" fill=${c.muted}>layer (0 = embeddings)</text>
      <text transform="translate(12 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" fill=${c.muted}>accuracy</text>
    </g>`;
  }

  /** The layer that the head selected in a linked figure reads from. */
  private renderLinkedLayer(view: ProbeView): SVGTemplateResult | typeof nothing {
    const head = this.selection.head;
    if (!head || !view.layers.includes(head.layer)) return nothing;
    const { x, y } = this.plot!;
    const [bottom, top] = y.range();
    const half = this.columnWidth(view) / 2;
    return svg`<g class="linked" data-layer=${head.layer}>
      <rect x=${x(head.layer) - half} y=${top} width=${2 * half} height=${bottom - top} fill=${this.colours!.accent} fill-opacity="0.12"></rect>
      <text x=${x(head.layer)} y=${top - 4} text-anchor="middle" font-size="10" fill=${this.colours!.accent}>L${head.layer}H${head.head}</text>
    </g>`;
  }

  private renderSeries(series: ProbeResults, index: number): SVGTemplateResult {
    const dash = DASHES[index % DASHES.length];
    const band = (metric: 'accuracy' | 'control', spread: (l: ProbeLayerResult) => number | undefined) =>
      series.layers.every((l) => spread(l) !== undefined)
        ? svg`<path class="band" data-metric=${metric} d=${this.bandPath(series.layers, (l) => l[metric], spread)} fill=${this.metricColour(metric)} fill-opacity="0.15" stroke="none"></path>`
        : nothing;
    return svg`<g class="series" data-series=${index} data-probe=${series.probe ?? ''}>
      ${band('accuracy', (l) => l.accuracyStd)} ${band('control', (l) => l.controlStd)}
      ${METRICS.map(({ metric }) => {
        const colour = this.metricColour(metric);
        return svg`<path class="line" data-metric=${metric} d=${this.linePath(series.layers, (l) => l[metric])} fill="none" stroke=${colour} stroke-width="2" stroke-dasharray=${dash}></path>
          ${series.layers.map((l) => svg`<circle class="point" data-metric=${metric} data-layer=${l.layer} cx=${this.plot!.x(l.layer)} cy=${this.plot!.y(l[metric])} r="3" fill=${colour}></circle>`)}`;
      })}
    </g>`;
  }

  private renderGuide(view: ProbeView): SVGTemplateResult | typeof nothing {
    const active = this.cells.active;
    if (active === undefined) return nothing;
    const { x, y } = this.plot!;
    const [bottom, top] = y.range();
    const at = x(view.layers[active]);
    return svg`<line class="guide" x1=${at} x2=${at} y1=${top} y2=${bottom} stroke=${this.colours!.fg} stroke-opacity="0.5" stroke-dasharray="3 3"></line>`;
  }

  /** A transparent column over one layer: the focusable, hoverable point a reader lands on. */
  private renderHitTarget(view: ProbeView, layer: number, index: number): SVGTemplateResult {
    const { x, y } = this.plot!;
    const [bottom, top] = y.range();
    const width = this.columnWidth(view);
    return svg`<rect class="hit" part="point" data-index=${index} data-layer=${layer} x=${x(layer) - width / 2} y=${top} width=${width} height=${bottom - top}
      tabindex=${index === this.cells.keys.index ? 0 : -1} role="button" aria-pressed=${this.cells.pinned && this.cells.active === index ? 'true' : 'false'} aria-label=${this.describe(view, index)}
      @pointerenter=${() => this.cells.point(index)} @pointerleave=${() => this.cells.point(undefined)} @click=${() => this.cells.click(index)}></rect>`;
  }

  private renderTable(view: ProbeView): TemplateResult {
    const byLayer = view.series.map((s) => new Map(s.layers.map((l) => [l.layer, l])));
    return html`<table class="visually-hidden" part="data-table">
      <caption>
        Probe accuracy by layer${view.task ? html` for the task “${view.task}”` : nothing}: mean over folds, its standard deviation, the control task and the selectivity.
      </caption>
      <thead>
        <tr>
          <th scope="col">layer</th>
          ${view.series.map((s, i) => {
            const name = view.series.length > 1 ? `${seriesName(s, i)} ` : '';
            return ['accuracy', 'accuracy std', 'control', 'control std', 'selectivity'].map((h) => html`<th scope="col">${name}${h}</th>`);
          })}
        </tr>
      </thead>
      <tbody>
        ${view.layers.map(
          (layer) => html`<tr data-layer=${layer}>
            <th scope="row">${layer}</th>
            ${byLayer.map((m) => {
              const r = m.get(layer);
              return [r?.accuracy, r?.accuracyStd, r?.control, r?.controlStd, r?.selectivity].map((v) => html`<td>${fixed(v)}</td>`);
            })}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderTooltip(view: ProbeView): TemplateResult | typeof nothing {
    const active = this.cells.active;
    if (active === undefined) return nothing;
    const at = this.plot!.x(view.layers[active]);
    const side = at > this.plot!.width / 2 ? { right: `${this.plot!.width - at + 8}px` } : { left: `${at + 8}px` };
    return html`<div class="tooltip" part="tooltip" style=${styleMap({ ...side, top: `${MARGIN.top + 40}px` })}>${this.describe(view, active, '\n')}</div>`;
  }

  /** One layer's numbers in words, for the tooltip, the point's label and the live region. */
  private describe(view: ProbeView, index: number, separator = '; '): string {
    const layer = view.layers[index];
    const lines = view.series.map((s, i) => {
      const r = s.layers.find((l) => l.layer === layer);
      if (!r) return `${seriesName(s, i)}: no result`;
      const spread = (std?: number) => (std === undefined ? '' : ` ± ${(std * 100).toFixed(1)}`);
      return `${view.series.length > 1 ? `${seriesName(s, i)}: ` : ''}accuracy ${percent(r.accuracy)}${spread(r.accuracyStd)}, control ${percent(r.control)}${spread(r.controlStd)}, selectivity ${points(r.selectivity)}`;
    });
    return [layerName(layer), ...lines].join(separator);
  }

  private metricColour(metric: Metric): string {
    const c = this.colours!;
    return metric === 'accuracy' ? c.accent : metric === 'control' ? c.muted : colourScale(c)(1);
  }

  private columnWidth(view: ProbeView): number {
    const { x } = this.plot!;
    const [left, right] = x.range();
    return (right - left) / Math.max(view.layers.length - 1, 1);
  }

  private linePath(layers: ProbeLayerResult[], value: (l: ProbeLayerResult) => number): string {
    const { x, y } = this.plot!;
    return layers.map((l, i) => `${i ? 'L' : 'M'}${x(l.layer).toFixed(2)},${y(value(l)).toFixed(2)}`).join('');
  }

  /** The area between mean − spread and mean + spread. */
  private bandPath(layers: ProbeLayerResult[], mean: (l: ProbeLayerResult) => number, spread: (l: ProbeLayerResult) => number | undefined): string {
    const upper = layers.map((l) => ({ ...l, value: mean(l) + spread(l)! }));
    const lower = [...layers].reverse().map((l) => ({ ...l, value: mean(l) - spread(l)! }));
    const { x, y } = this.plot!;
    const clamp = (v: number) => Math.max(y.domain()[0], Math.min(1, v));
    return [...upper, ...lower].map((l, i) => `${i ? 'L' : 'M'}${x(l.layer).toFixed(2)},${y(clamp(l.value)).toFixed(2)}`).join('') + 'Z';
  }
}

/** Scales for the view: x over its layers, y over 0..1 (lower when selectivity goes negative). */
function plotFor(view: ProbeView, width: number): Plot {
  const first = view.layers[0];
  const last = view.layers[view.layers.length - 1];
  const x = scaleLinear()
    .domain(first === last ? [first - 1, last + 1] : [first, last])
    .range([MARGIN.left + 8, width - MARGIN.right - 8]);
  const lowest = Math.min(0, ...view.series.flatMap((s) => s.layers.map((l) => l.selectivity)));
  const y = scaleLinear()
    .domain([Math.floor(lowest * 5) / 5, 1])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  return { width, x, y };
}

function viewFromData(data: ProbeResultsData): ProbeView {
  const series = parseProbeResults(data);
  const layers = [...new Set(series.flatMap((s) => s.layers.map((l) => l.layer)))].sort((a, b) => a - b);
  return { task: series.find((s) => s.task)?.task, series, layers, notes: [], tokens: [] };
}

/** The layer index of a chart's focus target. */
function indexOf(target: EventTarget | null): number | undefined {
  const index = (target as SVGElement | null)?.dataset?.index;
  return index === undefined ? undefined : Number(index);
}

function probeKinds(probe: string): ProbeKind[] {
  if (probe === 'both') return [...PROBE_KINDS];
  if ((PROBE_KINDS as readonly string[]).includes(probe)) return [probe as ProbeKind];
  throw new XrayError('bad-option', `probe="${probe}" is not valid: use one of ${PROBE_CHOICES.join(', ')}.`);
}

function checkWhole(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new XrayError('bad-option', `${name}="${value}" is not valid: use a whole number of at least ${min}.`);
}

function probeName(kind: string): string {
  return kind === 'mlp' ? 'MLP' : kind;
}

function seriesName(series: ProbeResults, index: number): string {
  return series.probe ? probeName(series.probe) : `probe ${index + 1}`;
}
