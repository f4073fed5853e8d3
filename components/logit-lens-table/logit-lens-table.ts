// <logit-lens-table>: what the model would predict if it stopped after each layer, for each position,
// as a table, read through the logit lens or the tuned lens; a chosen token's rank across layers,
// where each position's final answer first leads, and the prediction trajectory of one position.
import { initialState, Task } from '@lit/task';
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { styleMap } from 'lit/directives/style-map.js';
import { displayToken, firstTop1Layers, formatPercent, matchesTarget, parsePositions, shownPositions, targetHits, type PositionsSpec, type TargetHit } from '../../src/analysis/logit-lens.js';
import { XrayError } from '../../src/errors.js';
import { pretrainedLensUrl } from '../../src/model-files.js';
import type { ModelRun } from '../../src/model-run.js';
import type { PredictionTrajectories, TopToken } from '../../src/types.js';
import { CellHover } from '../shared/cell-hover.js';
import { readableOn } from '../shared/contrast.js';
import { escapeXml, svgDocument } from '../shared/export.js';
import { quote } from '../shared/format.js';
import { colourScale, themeColours, type ThemeColours } from '../shared/theme.js';
import { XrayFigure } from '../shared/xray-figure.js';
import { LENS_CHOICES, lensesFromData, type LensChoice, type LensTableData } from './lens-data.js';
import { CHART_HEIGHT, CHART_WIDTH, layerName, LENS_NAMES, lineStyle, MEASURES, renderChart, renderTable as renderTrajectoryTable, targetLabel, type LensKind } from './trajectory-chart.js';

/** How deep each cell's ranked list goes when a target is set, so its rank is known up to here. */
const TARGET_DEPTH = 100;
/** The most ranks a tooltip lists. */
const MAX_TOP_K = 100;

/** The lenses worked out for the text at the chosen positions, each `[layer][column][rank]`. */
interface LensSource {
  /** Every token of the text; columns show `tokens[positions[c]]`. */
  tokens: string[];
  positions: number[];
  lenses: Partial<Record<LensKind, TopToken[][][]>>;
  /** More positions were asked for than `max-positions` allows. */
  capped: boolean;
  truncated: boolean;
  /** The run they came from (none in data mode), which the trajectories measure. */
  run?: ModelRun;
  /** The translators the trajectories' tuned lens reads through, if any. */
  translators?: string;
}

/** What the table shows: one of the source's lenses. */
interface LensView extends LensSource {
  kind: LensKind;
  lens: TopToken[][][];
}

interface Cell {
  layer: number;
  column: number;
}

/** Cell colours, flat `[layer * columns + column]`, recomputed when the view or the theme changes. */
interface CellColours {
  view?: LensView;
  key: string;
  background: string[];
  text: string[];
}

/**
 * The logit lens as a table: rows are the residual stream read through the final layer norm and the
 * unembedding (row 0 after the embeddings, row l after l blocks, the last row the model's own output);
 * columns are positions. Each cell shows the top-1 token, coloured by its probability; hovering or
 * focusing a cell lists the top-k. The first layer at which a column's final prediction is already
 * top-1 is outlined and starred.
 *
 * **Tuned lens:** `lens="tuned"` reads each layer below the last through its translator first, an
 * affine map trained to predict the model's final output (Belrose et al. 2023, the tuned-lens
 * project), `ln_f(h + A·h + b)`; the last row is the model's own output either way. `translators` is
 * the URL of the lens's `params.pt` (as the tuned-lens project saves it) or a safetensors file with
 * the same tensors; without it the tuned-lens project's pretrained lens for the model is used
 * (GPT-2, GPT-2 large and XL, from its Hub Space: 28 MB for GPT-2, kept in the Cache API after the
 * first time), and a model it has none for says to set `translators`. `lens="both"` works out both
 * lenses and puts a Logit lens / Tuned lens toggle above the table: the focused cell, the pinned
 * tooltip and the chosen position stay where they are when it switches.
 *
 * **Prediction trajectory:** `trajectory` adds, under the table, a small chart per measure across
 * the layers, at one position: the lens distribution's entropy, its KL divergence from the model's
 * final distribution (KL(final ‖ lens), nats), the rank of a token (log scale, #1 at the top) and
 * its log-probability, for the logit lens and, when there are translators, the tuned lens (as the
 * tuned-lens project's prediction trajectories). The position is the column of the cell last
 * clicked or reached with the keyboard (the last one before that); hovering only shows the tooltip,
 * since each position costs a pass. The token followed is `target` where the table's lists hold it at
 * that position, else the next token of the text (at the last position, the model's own prediction).
 * The charts need the model: in data mode the figure says so.
 *
 * **Target matching:** `target` is compared with the model's token text. A target with spaces around
 * it must match exactly (`" Paris"` is only the token ` Paris`); a target without them also matches the
 * token with them (`"Paris"` matches `Paris` and ` Paris`), and the best-ranked match counts. A target
 * outside a cell's top 100 (or outside the ranks data mode gives) shows `≤` the last listed probability.
 *
 * **Keyboard:** Tab reaches one cell; arrow keys, Home and End (the row's ends), Ctrl+Home and Ctrl+End
 * (the first and last cell) move; Enter or Space pins the tooltip (it moves with the arrow keys),
 * Escape hides it until the next move. The focused cell's top-k is announced.
 *
 * **Data mode:** `data` is `{ tokens: string[], lens: [layer][position][rank] of {token, id?, prob} }`
 * (layer 0 = embeddings), e.g. from a TransformerLens cache; `tuned` beside `lens`, in the same shape,
 * holds the tuned lens for `lens="tuned"` or `"both"` (the one `lens` attribute does not ask for may
 * be left out).
 *
 * @fires run-complete - The table shows a new run; detail `{ tokens }`.
 * @fires error - The table could not be shown; detail `{ code, message }`.
 * @fires token-hover - A column was hovered or focused (or left); detail `{ position, token }`.
 *
 * @csspart table - The `<table>`.
 * @csspart token-header - A column header (the token at that position).
 * @csspart layer-header - A row header (the layer).
 * @csspart cell - A cell; the first-top-1 cell also has part `first`.
 * @csspart target - The target line inside a cell.
 * @csspart legend - The colour legend and the key to the marks.
 * @csspart lens-toggle - The Logit lens / Tuned lens toggle (`lens="both"`).
 * @csspart lens-button - Each button of the toggle; `aria-pressed` says which lens shows.
 * @csspart trajectory - The prediction trajectory under the table (`trajectory`).
 * @csspart trajectory-chart - One measure's chart (`<svg>`), its summary in words as its label.
 * @csspart trajectory-legend - The key to the charts' lines.
 * @csspart trajectory-table - Every value of the charts, as a table (visually hidden).
 * @csspart tooltip - The top-k list of the hovered or focused cell.
 * @csspart notice - A note (positions capped, target not found, text cut, WASM fallback).
 * @csspart toolbar - The bar of export buttons.
 * @csspart export-button - An export button.
 * @csspart loading - The loading state (the model, the tuned lens's translators, a trajectory).
 * @csspart error - The error state.
 * @csspart empty - The empty state (no text).
 *
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 * @cssproperty --xray-fg - Text colour, and the charts' tuned-lens line (dashed).
 * @cssproperty --xray-bg - Background colour.
 * @cssproperty --xray-muted - Colour of secondary text.
 * @cssproperty --xray-accent - Outline of the first-top-1 cell, focus ring, linked column, the pressed lens button and the charts' logit-lens line.
 * @cssproperty --xray-border - Border colour.
 * @cssproperty --xray-error - Colour of error messages.
 * @cssproperty --xray-scale-low - Colour of probability 0.
 * @cssproperty --xray-scale-high - Colour of probability 1.
 *
 * @slot - A `<script type="application/json">` holding data-mode values.
 */
export class LogitLensTable extends XrayFigure<LensTableData> {
  static override styles = [
    ...XrayFigure.styles,
    css`
      .scroll {
        overflow-x: auto;
      }
      table {
        border-collapse: separate;
        border-spacing: 0;
        font-size: 0.9em;
      }
      caption {
        text-align: start;
        color: var(--_muted);
        padding-bottom: 0.25em;
      }
      th {
        font-weight: 500;
        padding: 0.15em 0.4em;
        white-space: pre;
        max-width: 8em;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      th[scope='row'] {
        position: sticky;
        left: 0;
        z-index: 1;
        background: var(--_bg);
        text-align: end;
        color: var(--_muted);
      }
      thead th {
        border-bottom: 2px solid transparent;
      }
      td {
        position: relative;
        padding: 0.15em 0.45em;
        min-width: 3.5em;
        max-width: 10em;
        border: 2px solid var(--_bg);
        cursor: default;
        forced-color-adjust: none;
      }
      .token,
      .target {
        display: block;
        white-space: pre;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .target {
        font-size: 0.8em;
      }
      td.first {
        outline: 2px dashed var(--_accent);
        outline-offset: -4px;
      }
      td:focus-visible {
        outline: 3px solid var(--_accent);
        outline-offset: -1px;
      }
      .marker {
        position: absolute;
        top: 0;
        right: 0.15em;
        font-size: 0.75em;
        line-height: 1;
      }
      td.linked {
        border-left-color: var(--_accent);
        border-right-color: var(--_accent);
      }
      thead th.linked {
        border-bottom-color: var(--_accent);
        color: var(--_accent);
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.3em 1em;
        margin-top: 0.4em;
        color: var(--_muted);
        font-size: 0.85em;
      }
      .ramp {
        display: inline-block;
        width: 8em;
        height: 0.8em;
        margin: 0 0.3em;
        vertical-align: middle;
        border: 1px solid var(--_border);
        background: linear-gradient(to right, var(--_scale-low), var(--_scale-high));
        forced-color-adjust: none;
      }
      .key-first {
        outline: 2px dashed var(--_accent);
        outline-offset: -2px;
        padding: 0 0.3em;
      }
      .controls {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.5em;
        margin-bottom: 0.25em;
      }
      .controls .toolbar {
        margin-inline-start: auto;
      }
      .trajectory {
        margin-top: 0.75em;
      }
      .trajectory-title {
        margin: 0 0 0.25em;
        color: var(--_muted);
        font-size: 0.9em;
      }
      .trajectory-legend {
        display: flex;
        gap: 1em;
        color: var(--_muted);
        font-size: 0.85em;
      }
      .charts {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25em 1em;
      }
      .trajectory-chart {
        display: block;
        overflow: visible;
      }
    `,
  ];

  /** The text to run the model on (ignored in data mode). */
  @property() text?: string;

  /** How many ranked tokens a cell's tooltip lists (1 to 100). */
  @property({ type: Number, attribute: 'top-k' }) topK = 5;

  /** A token (model token text, e.g. `" Paris"`) whose probability and rank each cell also shows. */
  @property() target?: string;

  /** Which positions to show: `all`, `last`, or a number N for the last N. */
  @property() positions = 'all';

  /** The most positions (columns) shown; longer texts show their last ones and say so. */
  @property({ type: Number, attribute: 'max-positions' }) maxPositions = 128;

  /** Which lens reads the residual stream: `logit`, `tuned`, or `both` (with a toggle between them). */
  @property() lens: 'logit' | 'tuned' | 'both' = 'logit';

  /** URL of the tuned lens's translators (`params.pt` or safetensors); by default the tuned-lens project's lens for the model. */
  @property() translators?: string;

  /** Shows the prediction trajectory (entropy, KL, the token's rank and log-probability by layer) of one position under the table. */
  @property({ type: Boolean }) trajectory = false;

  /** The lens the toggle shows when `lens="both"`. */
  @state() private toggled: LensKind = 'logit';

  /** The column the trajectory follows, once a cell was clicked or reached with the keyboard. */
  @state() private chosenColumn?: number;

  /** Where the tooltip sits, in px from the host's edges: under the cell, kept inside the figure. */
  @state() private tipAt: { left?: number; right?: number; top: number } = { top: 0 };

  @state() private announcement = '';

  /** The view `marks` and `hits` were read from; hovering re-renders often, the lens changes rarely. */
  private readFrom: LensView | undefined;
  private shownFrom: { source: LensSource; view: LensView } | undefined;
  /** Trajectories already measured, by run, position, translators and token: each costs a pass. */
  private trajectoryMemo = new WeakMap<ModelRun, Map<string, Promise<PredictionTrajectories>>>();
  private marks: Int32Array = new Int32Array(0);
  private hits: TargetHit[][] | undefined;
  private colours: ThemeColours | undefined;
  private cellColours: CellColours = { key: '', background: [], text: [] };

  private readonly lensTask = new Task(this, {
    args: () =>
      [
        this.data,
        this.data ? undefined : this.controller,
        this.text,
        this.prependBos,
        this.topK,
        this.target && !this.data ? TARGET_DEPTH : 0,
        this.positions,
        this.maxPositions,
        this.lens,
        this.translators,
      ] as const,
    task: ([data, , text, , topK, targetDepth, positions, max, lens, translators], { signal }) => {
      const spec = parsePositions(positions);
      checkWhole('top-k', topK, MAX_TOP_K);
      checkWhole('max-positions', max, Infinity);
      const choice = checkLens(lens);
      const depth = Math.max(topK, targetDepth);
      return data ? lensFromData(data, choice, spec, max) : this.lensFromModel(text, depth, spec, max, choice, translators, signal);
    },
    onComplete: (source) => this.announceComplete(source.tokens),
    onError: (error) => this.announceError(error),
  });

  /** The trajectory of the chosen position, once the table has a run; memoised, as each is a pass. */
  private readonly trajectoryTask = new Task(this, {
    args: () => [this.trajectory, this.lensTask.value?.run, this.trajectoryPosition, this.lensTask.value?.translators, this.trajectoryTarget?.id] as const,
    task: ([shown, run, position, translators, target]) => {
      if (!shown || !run || position === undefined) return initialState;
      const key = `${position}:${translators ?? ''}:${target ?? ''}`;
      const byKey = this.trajectoryMemo.get(run) ?? new Map<string, Promise<PredictionTrajectories>>();
      this.trajectoryMemo.set(run, byKey);
      let measured = byKey.get(key);
      if (!measured) {
        measured = run.predictionTrajectory(position, { translators, target });
        byKey.set(key, measured);
        measured.catch(() => byKey.delete(key));
      }
      return measured;
    },
    onError: (error) => this.announceError(error),
  });

  /** Cells in reading order (index `layer * columns + column`); the keyboard's holds the tab stop. */
  private readonly cells = new CellHover(this, {
    shape: () => this.view && { count: this.view.lens.length * this.view.positions.length, columns: this.view.positions.length },
    cellElement: (index) => this.cellElement(this.cellAt(index)),
    onMove: (index) => {
      this.chosenColumn = this.cellAt(index).column;
      this.announcement = this.describe(this.view!, this.cellAt(index), ', ');
    },
    onEnter: () => this.cells.togglePin(),
    onActive: (index) => this.showTooltip(index),
  });

  /** The view on screen, if any: the source's lens the `lens` attribute (or the toggle) asks for. */
  private get view(): LensView | undefined {
    const source = this.lensTask.value;
    if (!source) return undefined;
    const wanted: LensKind = this.lens === 'both' ? this.toggled : this.lens === 'tuned' ? 'tuned' : 'logit';
    // While a new source is on its way, the last one may hold only the other lens.
    const kind = source.lenses[wanted] ? wanted : source.lenses.logit ? 'logit' : 'tuned';
    if (this.shownFrom?.source !== source || this.shownFrom.view.kind !== kind) this.shownFrom = { source, view: { ...source, kind, lens: source.lenses[kind]! } };
    return this.shownFrom.view;
  }

  /** The position the trajectory follows: the chosen column's, or the last. */
  private get trajectoryPosition(): number | undefined {
    const positions = this.lensTask.value?.positions;
    if (!positions?.length) return undefined;
    return positions[Math.min(this.chosenColumn ?? Infinity, positions.length - 1)];
  }

  /** The token of `target` at the trajectory's position, where the table's lists hold it: the final row's match first. */
  private get trajectoryTarget(): TopToken | undefined {
    const source = this.lensTask.value;
    const position = this.trajectoryPosition;
    if (!this.target || !source || position === undefined) return undefined;
    const column = source.positions.indexOf(position);
    const rows = [source.lenses.logit, source.lenses.tuned].flatMap((lens) => (lens ? [...lens].reverse() : []));
    for (const row of rows) {
      const match = row[column].find((r) => matchesTarget(r.token, this.target!));
      if (match) return match;
    }
    return undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const view = this.view;
    if (!view) return;
    if (view !== this.readFrom || changed.has('target')) {
      this.readFrom = view;
      this.marks = firstTop1Layers(view.lens);
      this.hits = this.target ? targetHits(view.lens, this.target) : undefined;
    }
    this.colours = themeColours(this);
    this.cellColours = this.colourCells(view, this.colours);
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    return this.lensTask.render({
      initial: () => this.renderLoading(),
      pending: () => this.renderPending(),
      complete: () => {
        const view = this.view!;
        return html`
          <div class="controls">${this.renderLensToggle()} ${this.renderToolbar()}</div>
          ${this.renderNotices(view)} ${this.renderLensNotices(view)}
          <div class="scroll">${this.renderTable(view)}</div>
          ${this.renderLegend(view)} ${this.renderTooltip(view)} ${this.renderTrajectory(view)}
          <div class="visually-hidden" aria-live="polite">${this.announcement}</div>
        `;
      },
      error: (error) => this.renderError(error),
    });
  }

  /** The figure as a vector table (a rect and text per cell, headers, the legend), and the trajectory charts under it when they show. */
  toSVG(): string {
    const view = this.view;
    if (!view || !this.colours) throw new XrayError('nothing-to-export', 'There is no logit lens to export yet.');
    const table = lensSvg(view, this.marks, this.hits, this.target, this.cellColours, this.colours);
    const charts = this.trajectorySvg(table.height, table.width);
    return svgDocument(Math.max(table.width, charts.width), table.height + charts.height, table.body + charts.body, this.colours.bg);
  }

  private async lensFromModel(
    text: string | undefined,
    depth: number,
    spec: PositionsSpec,
    max: number,
    choice: LensChoice,
    translators: string | undefined,
    signal: AbortSignal,
  ): Promise<LensSource> {
    // Said before the model downloads: nothing it could load would make a lens appear.
    const url = choice === 'logit' ? translators : (translators ?? this.pretrainedLens());
    const run = await this.runModel(text, signal);
    const positions = shownPositions(run.tokens.length, spec, max);
    const k = Math.min(depth, run.config.vocabSize);
    const [logit, tuned] = await Promise.all([choice !== 'tuned' ? run.logitLens(k, positions) : undefined, choice !== 'logit' ? run.logitLens(k, positions, { translators: url }) : undefined]);
    return { tokens: run.tokens, positions, lenses: { logit, tuned }, capped: isCapped(run.tokens.length, spec, positions), truncated: run.truncated, run, translators: url };
  }

  /** The tuned-lens project's lens for this model, or an error that says which attribute to set. */
  private pretrainedLens(): string {
    const model = this.controller.model;
    const url = pretrainedLensUrl(model);
    if (url) return url;
    throw new XrayError(
      'bad-option',
      `lens="${this.lens}" needs a tuned lens, and the tuned-lens project has none for the model “${model}” (it has GPT-2, GPT-2 large and GPT-2 XL): set the translators attribute to the URL of its params.pt or safetensors file.`,
    );
  }

  /** The model's download shows its progress; after it, the tuned lens's translators (which send none) are named. */
  private renderPending(): TemplateResult {
    const translators = this.lens === 'logit' || this.data ? undefined : (this.translators ?? pretrainedLensUrl(this.controller.model));
    if (!translators || this.controller.status !== 'ready') return this.renderLoading();
    const file = new URL(translators, document.baseURI).pathname.split('/').pop();
    if (this.progress?.file === file) return this.renderLoading();
    const label = `Loading the tuned lens (${file}) and reading the text through it…`;
    return html`<div class="status" part="loading" role="status" aria-live="polite">
      ${label}
      <progress aria-label=${label}></progress>
    </div>`;
  }

  private renderLensToggle(): TemplateResult | typeof nothing {
    if (this.lens !== 'both') return nothing;
    return html`<div class="segmented" part="lens-toggle" role="group" aria-label="Lens">
      ${(['logit', 'tuned'] as const).map(
        (kind) =>
          html`<button part="lens-button" data-lens=${kind} aria-pressed=${this.toggled === kind ? 'true' : 'false'} @click=${() => this.showLens(kind)}>${kind === 'logit' ? 'Logit lens' : 'Tuned lens'}</button>`,
      )}
    </div>`;
  }

  /** The toggle: the other lens in the same table, the keyboard's cell, pin and chosen position kept. */
  private showLens(kind: LensKind): void {
    if (kind === this.toggled) return;
    this.toggled = kind;
    const view = this.view!;
    const active = this.cells.active;
    this.announcement = `Showing the ${LENS_NAMES[view.kind]}.${active === undefined ? '' : ` ${this.describe(view, this.cellAt(active), ', ')}`}`;
  }

  private colourCells(view: LensView, colours: ThemeColours): CellColours {
    const key = [colours.low, colours.high, colours.fg, colours.bg].join();
    if (this.cellColours.view === view && this.cellColours.key === key) return this.cellColours;
    const scale = colourScale(colours);
    const background = view.lens.flatMap((row) => row.map((ranks) => scale(ranks[0]?.prob ?? 0)));
    return { view, key, background, text: background.map((b) => readableOn(b, [colours.fg, colours.bg])) };
  }

  private renderLensNotices(view: LensView): TemplateResult | typeof nothing {
    const notes: string[] = [];
    if (view.capped) notes.push(`Showing the last ${view.positions.length} of ${view.tokens.length} positions; set max-positions to show more.`);
    if (this.hits?.every((row) => row.every((hit) => hit.rank === null))) {
      const depth = this.hits[0]?.[0]?.depth ?? 0;
      notes.push(`${quote(this.target!)} is not in the top ${depth} at any layer shown. The target is matched against the model's token text; mind the leading space.`);
    }
    return notes.length ? html`${notes.map((n) => html`<p class="notice" part="notice">${n}</p>`)}` : nothing;
  }

  private renderTable(view: LensView): TemplateResult {
    return html`<table
      part="table"
      @pointerover=${(event: PointerEvent) => this.cells.point(this.indexOf(event.target))}
      @pointerleave=${() => this.cells.point(undefined)}
      @focusin=${(event: FocusEvent) => this.cells.focusIn(this.indexOf(event.target))}
      @focusout=${this.cells.onFocusOut}
      @click=${this.onClick}
      @keydown=${this.cells.keys.onKeydown}
    >
      <caption>
        ${lensTitle(view.kind)}
      </caption>
      <thead>
        <tr>
          <th scope="col">layer</th>
          ${view.positions.map((p) => html`<th scope="col" part="token-header" class=${classMap({ linked: this.selection.token === p })} data-position=${p}>${displayToken(view.tokens[p])}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${view.lens.map((row, layer) => html`<tr><th scope="row" part="layer-header">${layerName(layer, view.lens.length - 1)}</th>${row.map((_, column) => this.renderCell(view, { layer, column }))}</tr>`)}
      </tbody>
    </table>`;
  }

  private renderCell(view: LensView, cell: Cell): TemplateResult {
    const { layer, column } = cell;
    const top = view.lens[layer][column][0];
    const first = this.marks[column] === layer;
    const position = view.positions[column];
    const index = layer * view.positions.length + column;
    return html`<td
      part=${first ? 'cell first' : 'cell'}
      class=${classMap({ first, linked: this.selection.token === position })}
      tabindex=${index === this.cells.keys.index ? 0 : -1}
      data-layer=${layer}
      data-column=${column}
      data-position=${position}
      style=${styleMap({ backgroundColor: this.cellColours.background[index], color: this.cellColours.text[index] })}
    >
      <span class="token">${top ? displayToken(top.token) : '–'}</span><span class="visually-hidden">, ${top ? formatPercent(top.prob) : 'no tokens'}</span>
      ${first ? html`<span class="marker" aria-hidden="true">★</span><span class="visually-hidden">, first layer with the final prediction on top</span>` : nothing}
      ${this.renderTargetLine(cell)}
    </td>`;
  }

  private renderTargetLine({ layer, column }: Cell): TemplateResult | typeof nothing {
    const hit = this.hits?.[layer][column];
    return hit ? html`<span class="target" part="target">${targetLine(this.target!, hit)}</span>` : nothing;
  }

  private renderLegend(view: LensView): TemplateResult {
    const depth = this.hits?.[0]?.[0]?.depth;
    return html`<div class="legend" part="legend">
      <span>probability of the top token: 0%<span class="ramp" aria-hidden="true"></span>100%</span>
      <span><span class="key-first">★</span> first layer where the position's final prediction (last row) is already top-1</span>
      <span>${rowKey(view.kind)}</span>
      ${
        this.target
          ? html`<span>second line: probability and rank of ${quote(this.target)}; ≤ and &gt;#${depth} mean it is not in the top ${depth}, so its probability is at most that</span>`
          : nothing
      }
    </div>`;
  }

  private renderTooltip(view: LensView): TemplateResult | typeof nothing {
    const active = this.cells.active;
    if (active === undefined) return nothing;
    return html`<div class="tooltip" part="tooltip" style=${styleMap(px(this.tipAt))}>${this.describe(view, this.cellAt(active), '\n')}</div>`;
  }

  /** A cell in words: where it is, its top-k and the target's rank, for the tooltip and the live region. */
  private describe(view: LensView, { layer, column }: Cell, separator: string): string {
    const position = view.positions[column];
    const ranks = view.lens[layer][column].slice(0, this.topK);
    const lines = [`${layerName(layer, view.lens.length - 1)} · ${displayToken(view.tokens[position])} (position ${position})`];
    lines.push(...ranks.map((r, i) => `${i + 1}. ${formatPercent(r.prob)} ${displayToken(r.token)}`));
    if (this.marks[column] === layer) lines.push('★ first layer with the final prediction on top');
    const hit = this.hits?.[layer][column];
    if (hit) lines.push(`target: ${targetLine(this.target!, hit)}`);
    return lines.join(separator);
  }

  private renderTrajectory(view: LensView): unknown {
    if (!this.trajectory) return nothing;
    if (!view.run) return html`<p class="notice" part="notice">The prediction trajectory needs the model's whole distributions; data mode has only the top-k of each cell.</p>`;
    const last = this.trajectoryTask.value;
    return this.trajectoryTask.render({
      initial: () => nothing,
      pending: () => html`<div class="status" part="loading" role="status">Measuring the prediction trajectory at position ${this.trajectoryPosition}…</div>
        ${last ? this.renderCharts(view, last) : nothing}`,
      complete: (trajectories) => this.renderCharts(view, trajectories),
      error: (error) => html`<div class="trajectory">${this.renderError(error)}</div>`,
    });
  }

  private renderCharts(view: LensView, trajectories: PredictionTrajectories): TemplateResult {
    const lenses = trajectories.tuned ? (['logit', 'tuned'] as const) : (['logit'] as const);
    return html`<section class="trajectory" part="trajectory" aria-label="Prediction trajectory">
      <p class="trajectory-title">${this.trajectoryHeading(view, trajectories)} Click a cell, or move with the keyboard, to choose the position.</p>
      <div class="trajectory-legend" part="trajectory-legend">
        ${lenses.map((kind) => {
          const { colour, dash } = lineStyle(kind, this.colours!);
          return html`<span><svg width="24" height="8" aria-hidden="true"><line x1="0" x2="24" y1="4" y2="4" stroke=${colour} stroke-width="2" stroke-dasharray=${dash}></line></svg> ${LENS_NAMES[kind]}</span>`;
        })}
      </div>
      <div class="charts">${MEASURES.map((measure) => renderChart(trajectories, measure, this.colours!))}</div>
      ${renderTrajectoryTable(trajectories)}
    </section>`;
  }

  private trajectoryHeading(view: LensView, trajectories: PredictionTrajectories): string {
    const target = this.trajectoryTarget;
    const followed = targetLabel(trajectories, target?.id === trajectories.target.id ? target.token : undefined, view.tokens.length);
    return `Prediction trajectory at position ${trajectories.position} (${quote(view.tokens[trajectories.position])}), following ${followed}.`;
  }

  /** The charts on show, laid out under the table for the export: as many to a row as its width holds. */
  private trajectorySvg(top: number, width: number): { body: string; width: number; height: number } {
    const charts = [...this.renderRoot.querySelectorAll<SVGSVGElement>('section.trajectory svg.trajectory-chart')];
    const trajectories = this.trajectoryTask.value;
    if (!charts.length || !trajectories || !this.colours) return { body: '', width: 0, height: 0 };
    const pad = 8;
    const perRow = Math.max(2, Math.floor((width - 2 * pad) / CHART_WIDTH));
    const serializer = new XMLSerializer();
    const muted = `fill="${escapeXml(this.colours.muted)}" font-size="11"`;
    const lenses = trajectories.tuned ? (['logit', 'tuned'] as const) : (['logit'] as const);
    const parts = [`<text x="${pad}" y="${top + 14}" fill="${escapeXml(this.colours.fg)}" font-size="12">${escapeXml(this.trajectoryHeading(this.view!, trajectories))}</text>`];
    lenses.forEach((kind, i) => {
      const { colour, dash } = lineStyle(kind, this.colours!);
      const x = pad + i * 110;
      parts.push(`<line x1="${x}" x2="${x + 24}" y1="${top + 28}" y2="${top + 28}" stroke="${escapeXml(colour)}" stroke-width="2" stroke-dasharray="${dash}"/>`);
      parts.push(`<text x="${x + 30}" y="${top + 32}" ${muted}>${LENS_NAMES[kind]}</text>`);
    });
    const chartsTop = top + 40;
    charts.forEach((chart, i) => {
      const x = pad + (i % perRow) * CHART_WIDTH;
      const y = chartsTop + Math.floor(i / perRow) * CHART_HEIGHT;
      const body = [...chart.children].map((node) => serializer.serializeToString(node)).join('');
      parts.push(`<g class="trajectory-chart" transform="translate(${x} ${y})">${body}</g>`);
    });
    const rows = Math.ceil(charts.length / perRow);
    return { body: parts.join(''), width: 2 * pad + Math.min(perRow, charts.length) * CHART_WIDTH, height: 40 + rows * CHART_HEIGHT + pad };
  }

  private onClick = (event: MouseEvent) => {
    const index = this.indexOf(event.target);
    if (index === undefined) return;
    this.chosenColumn = this.cellAt(index).column;
    this.cells.click(index);
  };

  /** Places the tooltip under the shown cell and tells linked figures which token it is. */
  private showTooltip(index: number | undefined): void {
    const view = this.view!;
    if (index === undefined) return this.hoverToken(null, view.tokens);
    const cell = this.cellAt(index);
    const box = this.cellElement(cell)!.getBoundingClientRect();
    const host = this.getBoundingClientRect();
    const top = box.bottom - host.top + 4;
    // Cells in the right half anchor the tooltip by its right edge, so it never leaves the figure.
    this.tipAt = box.left + box.width / 2 > host.left + host.width / 2 ? { right: host.right - box.right, top } : { left: box.left - host.left, top };
    this.hoverToken(view.positions[cell.column], view.tokens);
  }

  private cellAt(index: number): Cell {
    const columns = this.view!.positions.length;
    return { layer: Math.floor(index / columns), column: index % columns };
  }

  /** The index of the cell `target` is in, if it is in one. */
  private indexOf(target: EventTarget | null): number | undefined {
    const element = (target as Element | null)?.closest?.('td');
    return element ? Number(element.dataset.layer) * this.view!.positions.length + Number(element.dataset.column) : undefined;
  }

  private cellElement({ layer, column }: Cell): HTMLElement | null {
    return this.renderRoot.querySelector(`td[data-layer="${layer}"][data-column="${column}"]`);
  }
}

function lensFromData(data: LensTableData, choice: LensChoice, spec: PositionsSpec, max: number): LensSource {
  const { tokens, logit, tuned } = lensesFromData(data, choice);
  const positions = shownPositions(tokens.length, spec, max);
  const shown = (lens?: TopToken[][][]) => lens?.map((layer) => positions.map((p) => layer[p]));
  return { tokens, positions, lenses: { logit: shown(logit), tuned: shown(tuned) }, capped: isCapped(tokens.length, spec, positions), truncated: false };
}

function checkLens(lens: string): LensChoice {
  if ((LENS_CHOICES as readonly string[]).includes(lens)) return lens as LensChoice;
  throw new XrayError('bad-option', `lens="${lens}" is not valid: use ${LENS_CHOICES.join(', ')}.`);
}

/** The table's caption, and the title of its export. */
function lensTitle(kind: LensKind): string {
  return kind === 'tuned'
    ? "Tuned lens: the top prediction after each layer (rows), read through that layer's translator, at each position (columns)."
    : 'Logit lens: the top prediction after each layer (rows) at each position (columns).';
}

/** What a row is, for the legend. */
function rowKey(kind: LensKind): string {
  const through = kind === 'tuned' ? "that layer's translator (an affine map trained to match the model's output), then the final layer norm and unembedding" : 'the final layer norm and unembedding';
  return `row: the residual stream after the embeddings or after that many blocks, read through ${through}; the last row is the model's output`;
}

function isCapped(length: number, spec: PositionsSpec, shown: number[]): boolean {
  return shownPositions(length, spec, Infinity).length > shown.length;
}

function checkWhole(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new XrayError('bad-option', `${name}="${value}" is not valid: use a whole number from 1${max === Infinity ? ' up' : ` to ${max}`}.`);
  }
}

function targetLine(target: string, hit: TargetHit): string {
  const name = displayToken(target.trim() || target);
  if (hit.rank !== null) return `${name} ${formatPercent(hit.prob)} (#${hit.rank})`;
  const bound = formatPercent(hit.prob);
  return `${name} ${bound.startsWith('<') ? bound : `≤${bound}`} (>#${hit.depth})`;
}

/** Style values in pixels, leaving out the unset ones. */
function px(box: Record<string, number | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(box).flatMap(([k, v]) => (v === undefined ? [] : [[k, `${v}px`]])));
}

/** Text cut to `max` characters with an ellipsis, for fixed-width SVG cells. */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : text;
}

/** The table as SVG markup and its size: every label is `escapeXml`ed text. */
function lensSvg(
  view: LensView,
  marks: Int32Array,
  hits: TargetHit[][] | undefined,
  target: string | undefined,
  cells: CellColours,
  colours: ThemeColours,
): { body: string; width: number; height: number } {
  const pad = 8;
  const rowHeader = 96;
  const width = 92;
  const height = hits ? 34 : 22;
  const top = 44;
  const columns = view.positions.length;
  const rows = view.lens.length;
  const text = (x: number, y: number, value: string, attrs = '') => `<text x="${x}" y="${y}" ${attrs}>${escapeXml(value)}</text>`;
  const parts = [text(pad, 18, lensTitle(view.kind).replace(/\.$/, ''), `fill="${escapeXml(colours.fg)}" font-size="13"`)];
  view.positions.forEach((p, c) =>
    parts.push(text(pad + rowHeader + c * width + width / 2, top - 8, clip(displayToken(view.tokens[p]), 10), `fill="${escapeXml(colours.fg)}" text-anchor="middle" xml:space="preserve"`)),
  );
  view.lens.forEach((row, l) => {
    const y = top + l * height;
    parts.push(text(pad + rowHeader - 6, y + 15, layerName(l, rows - 1), `fill="${escapeXml(colours.muted)}" text-anchor="end"`));
    row.forEach((ranks, c) => {
      const x = pad + rowHeader + c * width;
      const index = l * columns + c;
      const first = marks[c] === l;
      const fill = escapeXml(cells.text[index]);
      const stroke = first ? ` stroke="${escapeXml(colours.accent)}" stroke-width="2" stroke-dasharray="4 2"` : '';
      parts.push(`<rect x="${x + 1}" y="${y + 1}" width="${width - 2}" height="${height - 2}" fill="${escapeXml(cells.background[index])}"${stroke}/>`);
      parts.push(text(x + 5, y + 15, (first ? '★' : '') + clip(ranks[0] ? displayToken(ranks[0].token) : '–', 10), `fill="${fill}" xml:space="preserve"`));
      const hit = hits?.[l][c];
      if (hit) parts.push(text(x + 5, y + 28, clip(targetLine(target!, hit), 18), `fill="${fill}" font-size="9"`));
    });
  });
  const legendY = top + rows * height + 20;
  const muted = `fill="${escapeXml(colours.muted)}" font-size="11"`;
  parts.push(
    `<defs><linearGradient id="lens-ramp"><stop offset="0" stop-color="${escapeXml(colours.low)}"/><stop offset="1" stop-color="${escapeXml(colours.high)}"/></linearGradient></defs>`,
    text(pad, legendY, '0%', muted),
    `<rect x="${pad + 22}" y="${legendY - 10}" width="96" height="11" fill="url(#lens-ramp)" stroke="${escapeXml(colours.border)}"/>`,
    text(pad + 124, legendY, '100%  probability of the top token', muted),
    text(pad, legendY + 18, '★ dashed outline: first layer where the final prediction (last row) is already top-1', muted),
  );
  if (hits) parts.push(text(pad, legendY + 36, `second line: probability and rank of ${quote(target!)} (≤, >#N: not in the top N)`, muted));
  const totalWidth = Math.max(pad * 2 + rowHeader + columns * width, 560);
  return { body: parts.join(''), width: totalWidth, height: legendY + (hits ? 46 : 28) };
}
