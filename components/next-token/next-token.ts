// <next-token>: the model's next-token distribution as bars that temperature, top-k and top-p reshape
// at once from the logits (no new pass), sampling and generation step by step with a seed to replay,
// and the text's own tokens coloured by how surprising the model found them.
import { initialState, Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { styleMap } from 'lit/directives/style-map.js';
import { formatPercent } from '../../src/analysis/logit-lens.js';
import { DEFAULT_TOP_K } from '../../src/controller.js';
import { XrayError } from '../../src/errors.js';
import type { ModelRun } from '../../src/model-run.js';
import { deriveSeed } from '../../src/random.js';
import { checkSampling, type SamplingOptions } from '../../src/sampling.js';
import type { GenerationStep } from '../../src/types.js';
import { CellHover } from '../shared/cell-hover.js';
import { readableOn } from '../shared/contrast.js';
import { quote } from '../shared/format.js';
import { GridKeys } from '../shared/grid-keys.js';
import { colourScale, themeColours, type ThemeColours } from '../shared/theme.js';
import { asXrayError, XrayFigure } from '../shared/xray-figure.js';
import { sourceFromData, type NextTokenData } from './next-token-data.js';
import { nextTokenSvg, type StripCell } from './next-token-svg.js';
import { barText, describeSurprisal, filterNote, MAX_BITS, nextTokenBars, settingsText, surprisalBits, tokenLabel, type Bar, type BarsView, type NextTokenSource } from './next-token-view.js';
import { nextTokenStyles } from './next-token.styles.js';

/** The logits on show, with the run they came from (none in data mode). */
interface Prediction extends NextTokenSource {
  run?: ModelRun;
}

/** The strip: the text's tokens and the surprisal of each after the first, in bits. */
interface Surprisal {
  tokens: string[];
  bits: number[];
}

/** Width of the SVG export when the figure has none (hidden). */
const DEFAULT_WIDTH = 640;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

const percent = (fraction: number) => `${(fraction * 100).toFixed(3)}%`;

/**
 * The model's next-token distribution after `text`: one bar per most likely token (`k` of them), on
 * a fixed 0–100% axis, under the distribution generation draws from (`samplingDistribution`:
 * temperature, then top-k, then top-p, each keeping ties). The temperature slider and the top-k and
 * top-p fields reshape the bars at once from the run's logits, with no new pass; tokens the filters
 * rule out are greyed and say that they cannot be drawn, and a line says how many can.
 *
 * **Sample** appends one drawn token and **Generate N** (`steps`) appends up to N, one step at a
 * time, each firing `text-change` and sharing the text, so linked figures with `follow-text` follow. Each generated token is kept with the
 * distribution it was drawn from (the model's own top tokens, at temperature 1, no filter): click
 * it to see its step's bars. The seed is shown (the `seed` attribute, or one the figure picks):
 * from the original text, Generate N with seed S draws what `controller.generate(text, { seed: S })`
 * does, and **Replay** goes back to the original text and draws the same tokens again. **Stop**
 * cancels between steps.
 *
 * Under the bars the text's own tokens are coloured by surprisal, −log₂ P(token | the tokens before
 * it), from 0 bits to 16 or more (`run.tokenLogProbs()`, one extra pass); hovering or focusing one
 * gives its surprisal in bits.
 *
 * **Keyboard:** Tab reaches the slider (arrow keys step it by 0.05), the fields, the buttons, the
 * generated tokens and the strip. On the generated tokens the arrow keys, Home and End move, Enter or
 * Space shows that step's bars, Escape goes back to the next token. On the strip the arrow keys move,
 * Enter or Space pins the tooltip and Escape hides it.
 *
 * **Data mode:** `data` is `{ tokens, logits, ids?, vocab?, tokenLogProbs? }`: `logits` is
 * `model(tokens)[0, -1]` (the whole vocabulary, or its top N with their `ids`), `vocab` each logit's
 * token text; see docs/elements.md for the Python that writes it. The controls reshape the bars as
 * in a run; Sample and Generate need a model and are not shown.
 *
 * @fires text-change - Generated tokens were appended, or Replay went back to the original text; detail `{ text }`.
 * @fires run-complete - The bars show a new text's prediction; detail `{ tokens }`.
 * @fires token-hover - A token of the strip was hovered or focused (or left); detail `{ position, token }`.
 * @fires error - Loading, running, generating, an attribute or the data failed; detail `{ code, message }`.
 *
 * @csspart title - The line that says what the bars are.
 * @csspart controls - The temperature slider and the top-k and top-p fields.
 * @csspart temperature - The temperature slider.
 * @csspart top-k - The top-k field (empty: off).
 * @csspart top-p - The top-p field (empty: off).
 * @csspart chart - The axis and the bars.
 * @csspart row - One token's row (label, bar, value); also `excluded` when it cannot be drawn, `drawn` for a step's drawn token.
 * @csspart bar - A token's bar.
 * @csspart note - What the filters rule out, in words.
 * @csspart generation - The Sample, Generate, Stop and Replay buttons and the seed.
 * @csspart seed - The seed field.
 * @csspart generated - The original text and the generated tokens.
 * @csspart chip - A generated token; `aria-selected` marks the step on show.
 * @csspart strip - The text's tokens coloured by surprisal.
 * @csspart cell - One token of the strip.
 * @csspart legend - The key to the strip's colours.
 * @csspart tooltip - The hovered or focused strip token's surprisal.
 * @csspart notice - A note (text cut, WASM fallback, a subset of the vocabulary).
 * @csspart toolbar - The export buttons' row.
 * @csspart export-button - Each export button.
 * @csspart loading - The loading state.
 * @csspart error - The error state (and a generation that failed).
 * @csspart empty - The empty state (no text).
 *
 * @cssproperty --xray-scale-high - The bars, and the strip's most surprising tokens.
 * @cssproperty --xray-scale-low - The strip's least surprising tokens.
 * @cssproperty --xray-accent - Generated tokens, the drawn token, focus rings and the slider.
 * @cssproperty --xray-fg - Text.
 * @cssproperty --xray-bg - Background.
 * @cssproperty --xray-muted - Greyed tokens, labels, the axis and notes.
 * @cssproperty --xray-border - The zero line, fields and buttons.
 * @cssproperty --xray-error - Error messages and a field's bad value.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 *
 * @slot - A `<script type="application/json">` with data-mode logits.
 */
export class NextToken extends XrayFigure<NextTokenData> {
  static override styles = [...XrayFigure.styles, nextTokenStyles];

  /** The text whose next token is shown, and that generation continues (ignored in data mode). */
  @property() text?: string;

  /** How many of the most likely tokens get a bar (up to 50 live unless a larger k asks for its own pass). */
  @property({ type: Number }) k = 10;

  /** Divides the logits before softmax: 0 is greedy, below 1 sharpens, above 1 flattens. The slider sets it (0 to 2). */
  @property({ type: Number, reflect: true }) temperature = 1;

  /** Only the k most likely tokens (and any tied with the k-th) can be drawn; off when absent. The field sets it. */
  @property({ type: Number, attribute: 'top-k', reflect: true }) topK?: number;

  /** Only the smallest set of most likely tokens whose probability reaches p can be drawn (0 < p ≤ 1); off when absent. */
  @property({ type: Number, attribute: 'top-p', reflect: true }) topP?: number;

  /** How many tokens Generate appends at most. */
  @property({ type: Number }) steps = 10;

  /** The seed generation draws with; without it the figure picks one, shown beside the buttons. */
  @property({ type: Number }) seed?: number;

  /** The tokens generated so far, each with the distribution it was drawn from. */
  @state() private generated: GenerationStep[] = [];
  /** The generated step whose bars are on show; null: the next token's. */
  @state() private viewing: number | null = null;
  @state() private generating = false;
  @state() private generationError?: XrayError;
  /** Why a value typed into a field was not taken. */
  @state() private fieldError = '';
  @state() private announcement = '';
  @state() private tipAt: { left?: number; right?: number; top: number } = { top: 0 };

  /** The text generation started from, which Replay goes back to. */
  private origin?: string;
  /** How many tokens each generation call appended, in order: what Replay repeats. */
  private calls: number[] = [];
  private stopper?: AbortController;
  private running?: Promise<void>;
  private readonly pickedSeed = Math.floor(Math.random() * 2 ** 32);
  /** The text the bars are for: the current text, held while a generation runs so that it costs no extra passes. */
  private barsText?: string;
  private view?: BarsView;
  private viewError?: XrayError;
  private viewInputs: unknown[] = [];
  private colours?: ThemeColours;
  private stripCells: StripCell[] = [];
  private stripInputs: unknown[] = [];

  private readonly predictionTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.barsText, this.prependBos, this.keptTokens] as const,
    task: async ([data, , text, , keep], { signal }): Promise<Prediction> => {
      if (data) return sourceFromData(data);
      const run = await this.runKeeping(text, keep, signal);
      const { data: logits } = await run.hook('logits');
      const candidates = run.nextToken(Math.min(keep, run.keptTokens)).map(({ id, token }) => ({ index: id, id, token }));
      return { tokens: run.tokens, logits, candidates, subset: false, truncated: run.truncated, run };
    },
    onComplete: (prediction) => this.announceComplete(prediction.tokens),
    onError: (error) => this.announceError(error),
  });

  /** The text's surprisal: from data mode's log probabilities, or one more pass of the run. */
  private readonly surprisalTask = new Task(this, {
    args: () => [this.prediction] as const,
    task: async ([prediction]): Promise<Surprisal | typeof initialState> => {
      const logProbs = prediction?.logProbs ?? (await prediction?.run?.tokenLogProbs());
      return logProbs ? { tokens: prediction!.tokens, bits: surprisalBits(logProbs) } : initialState;
    },
    onError: (error) => this.announceError(error),
  });

  /** The generated tokens, left to right; the keyboard's holds the tab stop. */
  private readonly chips = new GridKeys(this, {
    shape: () => (this.generated.length ? { count: this.generated.length, columns: this.generated.length } : undefined),
    ends: 'all',
    cellElement: (index) => this.renderRoot.querySelector(`[part=chip][data-index="${index}"]`),
    onEnter: () => this.viewStep(this.chips.index),
    onEscape: () => this.viewStep(null),
  });

  /** The strip's tokens, left to right, with their tooltips. */
  private readonly cells = new CellHover(this, {
    shape: () => (this.stripCells.length ? { count: this.stripCells.length, columns: this.stripCells.length } : undefined),
    ends: 'all',
    cellElement: (index) => this.cellElement(index),
    onMove: (index) => (this.announcement = this.describeCell(index)),
    onEnter: () => this.cells.togglePin(),
    onActive: (index) => this.showTooltip(index),
  });

  /** Appends one token drawn at the current settings (not in data mode). */
  sample(): Promise<void> {
    return this.generate(1);
  }

  /** Appends up to `count` tokens (default `steps`), one step at a time, each firing `text-change`. */
  async generate(count = this.steps): Promise<void> {
    if (this.data || this.generating) return;
    await this.startGeneration(async (signal) => {
      if (!Number.isInteger(count) || count < 1) throw new XrayError('bad-option', `steps must be a whole number of at least 1, not ${count}.`);
      await this.continueBy(count, signal);
    });
  }

  /** Stops a generation between two steps; the tokens drawn so far stay. */
  stop(): void {
    this.stopper?.abort();
  }

  /** Goes back to the original text and draws the same number of tokens, with the same seed, at the current settings. */
  async replay(): Promise<void> {
    if (this.data) return;
    this.stop();
    await this.running;
    const calls = this.calls.filter((n) => n > 0);
    this.generated = [];
    this.calls = [];
    this.viewing = null;
    this.shareText(this.currentText!);
    await this.startGeneration(async (signal) => {
      for (const count of calls) await this.continueBy(count, signal);
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  /** The prediction on show (the last one while a new one is computed). */
  private get prediction(): Prediction | undefined {
    return this.predictionTask.value;
  }

  /** The original text and every generated token. */
  private get currentText(): string | undefined {
    return this.generated.at(-1)?.text ?? this.origin ?? this.text;
  }

  private get sampling(): SamplingOptions {
    return { temperature: this.temperature, topK: this.topK ?? undefined, topP: this.topP ?? undefined };
  }

  /** The seed each generation from the original text starts with. */
  private get activeSeed(): number {
    return this.seed ?? this.pickedSeed;
  }

  /** How many next tokens the run must keep for the bars: the default a shared pass keeps, or a larger valid k. */
  private get keptTokens(): number {
    return Number.isInteger(this.k) && this.k > DEFAULT_TOP_K ? this.k : DEFAULT_TOP_K;
  }

  /** The generated step whose bars are on show: the chosen one, else the newest while generating. */
  private get shownStep(): number | null {
    if (this.viewing !== null && this.viewing < this.generated.length) return this.viewing;
    return this.generating && this.generated.length ? this.generated.length - 1 : null;
  }

  /** The strip on show (the last one while the next is measured). */
  private get strip(): Surprisal | undefined {
    const { status, value } = this.surprisalTask;
    return status === TaskStatus.COMPLETE || status === TaskStatus.PENDING ? value : undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // A text from the page starts over; the page setting the text this figure announced does not.
    if (changed.has('text') && this.text !== this.currentText) this.startOver();
    if (!this.generating) this.barsText = this.currentText;
    this.colours = themeColours(this);
    this.updateView();
    this.updateStrip();
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    return this.predictionTask.render({
      initial: () => this.renderLoading(),
      pending: () => (this.prediction ? this.renderFigure(this.prediction, true) : this.renderLoading()),
      complete: (prediction) => this.renderFigure(prediction, false),
      error: (error) => this.renderError(error),
    });
  }

  /** The figure as a standalone SVG: the title and settings, every bar, the notes, the generated text and the strip. */
  toSVG(): string {
    const prediction = this.predictionTask.status === TaskStatus.COMPLETE ? this.prediction : undefined;
    const bars = this.shownBars();
    if (!prediction || !bars || !this.colours) throw new XrayError('nothing-to-export', 'There is nothing to export yet: the next-token bars have not been drawn.');
    const { fg, bg, muted, border, high } = this.colours;
    // The bars' colour as the browser resolved it (the theme's custom property may be any CSS colour).
    const drawnBar = this.renderRoot.querySelector('[part=bar]');
    const step = this.shownStep;
    const lines = [step === null ? this.note() : this.drawnLine(this.generated[step]), this.generated.length ? `Generated (seed ${this.activeSeed}): ${this.currentText}` : undefined].filter(
      (line): line is string => !!line,
    );
    return nextTokenSvg({
      title: this.titleText(prediction),
      settings: step === null ? settingsText(this.sampling) : 'temperature 1, no filter (the model’s own distribution)',
      bars,
      lines,
      strip: this.stripCells.length ? { cells: this.stripCells, legend: `The text by surprisal: 0 bits (light) to ${MAX_BITS}+ bits (dark)` } : undefined,
      width: Math.round(this.getBoundingClientRect().width) || DEFAULT_WIDTH,
      font: getComputedStyle(this).fontFamily,
      colours: { fg, bg, muted, border, bar: drawnBar ? getComputedStyle(drawnBar).backgroundColor : high },
    });
  }

  /** Drops the generated tokens when the page gives a new text. */
  private startOver(): void {
    this.stop();
    this.origin = undefined;
    this.generated = [];
    this.calls = [];
    this.viewing = null;
    this.generationError = undefined;
  }

  /** The bars for the shown text at the current settings, recomputed only when one of those changed. */
  private updateView(): void {
    const prediction = this.prediction;
    const inputs = [prediction, this.k, this.temperature, this.topK, this.topP];
    if (!prediction || inputs.every((input, i) => input === this.viewInputs[i])) return;
    this.viewInputs = inputs;
    try {
      if (!Number.isInteger(this.k) || this.k < 1) throw new XrayError('bad-option', `k must be a whole number of at least 1, not ${this.k}.`);
      this.view = nextTokenBars(prediction, this.k, this.sampling);
      this.viewError = undefined;
    } catch (error) {
      const failure = asXrayError(error);
      if (failure.message !== this.viewError?.message) this.announceError(failure);
      this.viewError = failure;
      this.view = undefined;
    }
  }

  /** The strip's colours, recomputed when its values or the theme change. */
  private updateStrip(): void {
    const strip = this.strip;
    const colours = this.colours!;
    const inputs = [strip, colours.low, colours.high, colours.fg, colours.bg];
    if (inputs.every((input, i) => input === this.stripInputs[i])) return;
    this.stripInputs = inputs;
    if (!strip) {
      this.stripCells = [];
      return;
    }
    const scale = colourScale(colours, [0, MAX_BITS]);
    this.stripCells = strip.tokens.map((token, i) => {
      if (i === 0) return { token, colour: colours.fg };
      const background = scale(strip.bits[i - 1]);
      return { token, background, colour: readableOn(background, [colours.fg, colours.bg]) };
    });
  }

  private async startGeneration(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const stopper = new AbortController();
    this.stopper = stopper;
    this.generating = true;
    this.generationError = undefined;
    this.origin ??= this.text;
    const running = (async () => {
      try {
        await this.controller.load();
        await work(stopper.signal);
      } catch (error) {
        const failure = asXrayError(error);
        if (failure.code !== 'aborted' && this.stopper === stopper) {
          this.generationError = failure;
          this.announceError(failure);
        }
      } finally {
        if (this.stopper === stopper) {
          this.stopper = undefined;
          this.generating = false;
        }
      }
    })();
    this.running = running;
    await running;
  }

  /** One generation call of up to `count` tokens from the current text, recorded for Replay. */
  private async continueBy(count: number, signal: AbortSignal): Promise<void> {
    const start = this.generated.length;
    // From the original text the seed itself, as controller.generate(text, { seed }) draws; later calls their own stream.
    const seed = start === 0 ? this.activeSeed : deriveSeed(this.activeSeed, start);
    const call = this.calls.push(0) - 1;
    const topTokens = Number.isInteger(this.k) && this.k > 0 ? this.k : undefined;
    for await (const step of this.controller.generate(this.currentText!, { ...this.sampling, maxNewTokens: count, seed, topTokens, prependBos: this.prependBos, signal })) {
      // Steps already on their way when Stop (or a new text) came are dropped.
      if (signal.aborted) break;
      this.generated = [...this.generated, step];
      this.calls[call]++;
      this.announcement = `Drew ${quote(step.token)} (${formatPercent(step.prob)})`;
      this.shareText(step.text);
    }
  }

  private viewStep(index: number | null): void {
    if (index === this.viewing) return;
    this.viewing = index;
    this.announcement = index === null ? 'Showing the next token' : `Showing step ${index + 1}: the distribution ${quote(this.generated[index].token)} was drawn from`;
  }

  /** The bars on show: a generated step's, or the next token's at the current settings. */
  private shownBars(): Bar[] | undefined {
    const step = this.shownStep;
    if (step === null) return this.view?.bars;
    const { top, id } = this.generated[step];
    const k = Number.isInteger(this.k) && this.k > 0 ? this.k : top.length;
    return top.slice(0, k).map((t) => ({ id: t.id, token: t.token, prob: t.prob, drawable: true, drawn: t.id === id }));
  }

  private note(): string | undefined {
    return this.view && filterNote(this.view, this.sampling);
  }

  private drawnLine(step: GenerationStep): string {
    return `Drawn: ${quote(step.token)}, with probability ${formatPercent(step.prob)} under the settings it was drawn with.`;
  }

  private titleText(prediction: Prediction): string {
    const step = this.shownStep;
    if (step !== null) return `Step ${step + 1} of ${this.generated.length}: the model’s distribution when ${quote(this.generated[step].token)} was drawn`;
    return `Next token after ${quote(prediction.tokens[prediction.tokens.length - 1])}`;
  }

  private renderFigure(prediction: Prediction, busy: boolean): TemplateResult {
    const step = this.shownStep;
    const bars = this.shownBars();
    const note = step === null ? this.note() : this.drawnLine(this.generated[step]);
    return html`
      ${this.renderToolbar()} ${this.renderNotices(prediction)}
      ${prediction.subset ? html`<p class="notice" part="notice">The data holds ${prediction.logits.length} of the vocabulary’s logits: the probabilities are over those alone.</p>` : nothing}
      <p class="title" part="title">${this.titleText(prediction)}</p>
      ${this.renderControls()}
      <div class="chart" part="chart" aria-busy=${busy ? 'true' : 'false'}>
        ${bars ? this.renderBars(bars, step === null ? 'The most likely next tokens' : `Step ${step + 1}’s most likely tokens`) : this.renderError(this.viewError)}
      </div>
      ${note ? html`<p class=${step === null ? 'note' : 'drawn-line'} part="note">${note}</p>` : nothing} ${this.data ? nothing : this.renderGeneration()}
      ${this.renderStrip()} ${this.renderTooltip()}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderControls(): TemplateResult {
    const { temperature } = this;
    return html`<div class="controls" part="controls">
        <label
          >temperature
          <input
            part="temperature"
            type="range"
            min="0"
            max="2"
            step="0.05"
            .value=${String(temperature)}
            aria-valuetext=${Number.isFinite(temperature) ? temperature.toFixed(2) : String(temperature)}
            @input=${(e: Event) => (this.temperature = Number((e.target as HTMLInputElement).value))}
          />
          <output>${Number.isFinite(temperature) ? temperature.toFixed(2) : temperature}</output>
        </label>
        <label>top-k ${this.renderField('top-k', this.topK, 1, 1)}</label>
        <label>top-p ${this.renderField('top-p', this.topP, 0.05, 0.05, 1)}</label>
      </div>
      ${this.fieldError ? html`<p class="hint" role="alert">${this.fieldError}</p>` : nothing}`;
  }

  /** A filter's field: empty is off; a value the filter cannot take is refused in words and changes nothing. */
  private renderField(name: 'top-k' | 'top-p', value: number | undefined, min: number, step: number, max?: number): TemplateResult {
    const onInput = (event: Event) => {
      const input = event.target as HTMLInputElement;
      const typed = input.value.trim() === '' ? undefined : Number(input.value);
      try {
        checkSampling(name === 'top-k' ? { topK: typed } : { topP: typed });
      } catch (error) {
        input.setAttribute('aria-invalid', 'true');
        this.fieldError = asXrayError(error).message;
        return;
      }
      input.removeAttribute('aria-invalid');
      this.fieldError = '';
      if (name === 'top-k') this.topK = typed;
      else this.topP = typed;
    };
    return html`<input part=${name} type="number" min=${min} max=${max ?? nothing} step=${step} placeholder="off" .value=${value == null ? '' : String(value)} @input=${onInput} />`;
  }

  private renderBars(bars: Bar[], label: string): TemplateResult {
    return html`<div class="axis" aria-hidden="true">
        <span></span>
        <span class="track">${TICKS.map((t) => html`<span class="tick" style=${styleMap({ left: percent(t) })}>${t * 100}%</span>`)}</span>
        <span></span>
      </div>
      <ol class="bars" aria-label=${label}>
        ${bars.map(
          (bar) => html`<li
            class=${classMap({ row: true, excluded: !bar.drawable, drawn: !!bar.drawn })}
            part=${['row', bar.drawable ? '' : 'excluded', bar.drawn ? 'drawn' : ''].filter(Boolean).join(' ')}
            data-id=${bar.id}
            title=${bar.drawable ? nothing : 'cannot be drawn at these settings'}
          >
            <span class="label">${tokenLabel(bar)}</span><span class="visually-hidden">:</span>
            <span class="track">${bar.drawable ? html`<span class="bar" part="bar" style=${styleMap({ width: percent(bar.prob) })}></span>` : nothing}</span>
            <span class="value">${barText(bar)}${bar.drawn ? ', drawn' : ''}</span>
          </li>`,
        )}
      </ol>`;
  }

  private renderGeneration(): TemplateResult {
    const ready = this.predictionTask.status === TaskStatus.COMPLETE && !this.generating;
    const step = this.shownStep;
    return html`<div class="generation" part="generation" role="group" aria-label="Generation" aria-busy=${this.generating ? 'true' : 'false'}>
        <button type="button" data-action="sample" ?disabled=${!ready} @click=${() => this.sample()}>Sample</button>
        <button type="button" data-action="generate" ?disabled=${!ready} @click=${() => this.generate()}>Generate ${this.steps}</button>
        <button type="button" data-action="stop" ?disabled=${!this.generating} @click=${() => this.stop()}>Stop</button>
        <button type="button" data-action="replay" ?disabled=${!ready || !this.calls.some((n) => n > 0)} @click=${() => this.replay()}>Replay</button>
        <label
          >seed
          <input
            part="seed"
            type="number"
            step="1"
            .value=${String(this.activeSeed)}
            @change=${(e: Event) => {
              const value = (e.target as HTMLInputElement).value;
              this.seed = value === '' ? undefined : Number(value);
            }}
          />
        </label>
      </div>
      ${this.generationError ? html`<p class="status" part="error" role="alert">${this.generationError.message}</p>` : nothing}
      ${this.generated.length ? this.renderGenerated() : nothing}
      ${step !== null && !this.generating ? html`<button type="button" data-action="back" @click=${() => this.viewStep(null)}>Back to the next token</button>` : nothing}`;
  }

  private renderGenerated(): TemplateResult {
    const shown = this.shownStep;
    return html`<div class="generated" part="generated">
      <span class="prompt">${this.origin}</span>
      <span role="listbox" aria-label="Generated tokens: arrow keys move, Enter shows the distribution each was drawn from, Escape goes back to the next token" @keydown=${this.chips.onKeydown}>
        ${this.generated.map(
          (step, i) => html`<span
            class="chip"
            part="chip"
            role="option"
            data-index=${i}
            tabindex=${i === this.chips.index ? 0 : -1}
            aria-selected=${shown === i ? 'true' : 'false'}
            aria-label=${`${quote(step.token)}, step ${i + 1}, probability ${formatPercent(step.prob)}`}
            @click=${() => this.onChipClick(i)}
            >${step.token}</span
          >`,
        )}
      </span>
    </div>`;
  }

  private renderStrip(): TemplateResult | typeof nothing {
    const task = this.surprisalTask;
    if (task.status === TaskStatus.INITIAL) return nothing;
    if (task.status === TaskStatus.ERROR) return html`<p class="status" part="error" role="alert">${asXrayError(task.error).message}</p>`;
    if (task.status === TaskStatus.PENDING && !this.stripCells.length) {
      return html`<p class="strip-title" aria-busy="true" part="strip">Measuring how surprising each token of the text is…</p>`;
    }
    return html`<p class="strip-title">The text by surprisal: how unexpected each token was to the model, in bits</p>
      <div
        class="strip"
        part="strip"
        role="listbox"
        aria-label="Tokens of the text by surprisal: arrow keys move, Enter pins the tooltip, Escape hides it"
        aria-busy=${task.status === TaskStatus.PENDING ? 'true' : 'false'}
        @pointerover=${(event: PointerEvent) => this.cells.point(this.cellIndex(event.target))}
        @pointerleave=${() => this.cells.point(undefined)}
        @focusin=${(event: FocusEvent) => this.cells.focusIn(this.cellIndex(event.target))}
        @focusout=${this.cells.onFocusOut}
        @click=${(event: MouseEvent) => {
          const index = this.cellIndex(event.target);
          if (index !== undefined) this.cells.click(index);
        }}
        @keydown=${this.cells.keys.onKeydown}
      >
        ${this.stripCells.map(
          (cell, i) => html`<span
            class=${classMap({ cell: true, first: cell.background === undefined })}
            part="cell"
            role="option"
            data-position=${i}
            tabindex=${i === this.cells.keys.index ? 0 : -1}
            aria-selected=${this.cells.pinned && i === this.cells.keys.index ? 'true' : 'false'}
            aria-label=${this.describeCell(i)}
            style=${styleMap({ background: cell.background, color: cell.colour })}
            >${cell.token}</span
          >`,
        )}
      </div>
      <p class="legend" part="legend">0 bits<span class="ramp" aria-hidden="true"></span>${MAX_BITS}+ bits; dashed: the first token, which nothing predicts</p>`;
  }

  private renderTooltip(): TemplateResult | typeof nothing {
    const active = this.cells.active;
    if (active === undefined || active >= this.stripCells.length) return nothing;
    return html`<div class="tooltip" part="tooltip" style=${styleMap(px(this.tipAt))}>${this.describeCell(active)}</div>`;
  }

  private describeCell(index: number): string {
    const { tokens, bits } = this.strip!;
    return describeSurprisal(tokens[index], index, bits[index - 1]);
  }

  private onChipClick(index: number): void {
    this.chips.moveTo(index);
    this.viewStep(this.viewing === index ? null : index);
  }

  /** Places the tooltip under the shown token and tells linked figures which it is. */
  private showTooltip(index: number | undefined): void {
    const tokens = this.strip?.tokens ?? [];
    if (index === undefined) return this.hoverToken(null, tokens);
    const box = this.cellElement(index)?.getBoundingClientRect();
    if (!box) return;
    const host = this.getBoundingClientRect();
    const top = box.bottom - host.top + 4;
    // Tokens in the right half anchor the tooltip by its right edge, so it never leaves the figure.
    this.tipAt = box.left + box.width / 2 > host.left + host.width / 2 ? { right: host.right - box.right, top } : { left: box.left - host.left, top };
    this.hoverToken(index, tokens);
  }

  private cellIndex(target: EventTarget | null): number | undefined {
    const cell = (target as Element | null)?.closest?.('[part=cell]') as HTMLElement | null;
    return cell ? Number(cell.dataset.position) : undefined;
  }

  private cellElement(index: number): HTMLElement | null {
    return this.renderRoot.querySelector(`[part=cell][data-position="${index}"]`);
  }

  /** A k above what runs keep by default needs a pass of its own; up to it, the one other figures share. */
  private async runKeeping(text: string | undefined, keep: number, signal: AbortSignal): Promise<ModelRun> {
    if (keep <= DEFAULT_TOP_K || !text?.trim()) return this.runModel(text, signal);
    await this.controller.load();
    return this.controller.run(text, { signal, prependBos: this.prependBos, topK: keep });
  }
}

function px(place: { left?: number; right?: number; top: number }): Record<string, string> {
  return Object.fromEntries(Object.entries(place).flatMap(([key, value]) => (value === undefined ? [] : [[key, `${value}px`]])));
}
