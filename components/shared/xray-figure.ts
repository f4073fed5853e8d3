// What every figure shares: where its model comes from, linked selection, data mode, the loading,
// error and empty states, and export. Subclasses draw; they hold no model logic.
import { consume } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ModelController } from '../../src/controller.js';
import { XrayError, type XrayErrorCode } from '../../src/errors.js';
import type { ModelRun } from '../../src/model-run.js';
import { SelectionHub } from '../../src/selection.js';
import type { Device, ProgressDetail } from '../../src/types.js';
import { modelContext, selectionContext } from './contexts.js';
import { emit, type XrayEventMap } from './events.js';
import { downloadBlob, svgToPng } from './export.js';
import { ColourSchemeController, ControllerLease, EventFollower, ResizeController } from './reactive-controllers.js';
import { figureStyles } from './styles.js';

/** Codes that are a state of the figure, not a failure: nothing to show yet (the empty part). */
const EMPTY: readonly XrayErrorCode[] = ['empty-text', 'no-probe-task'];
/** Codes that fire no `error` event: those, work a newer request superseded, and a released model or run. */
const QUIET: readonly XrayErrorCode[] = [...EMPTY, 'aborted', 'released'];

type Listener<E> = (this: XrayFigure, event: E) => unknown;

export abstract class XrayFigure<Data = unknown> extends LitElement {
  static override styles = [figureStyles];

  /** Model for a figure outside `<xray-model>` (Hub id or folder URL); inside one, the provider's is used. */
  @property() model?: string;

  /** Device for a figure outside `<xray-model>`: `auto`, `webgpu` or `wasm`. */
  @property() device?: Device;

  /** Figures with the same group share the selected head and the hovered token. */
  @property() group?: string;

  /** Put `<|endoftext|>` before the text, as TransformerLens does by default. */
  @property({ type: Boolean, attribute: 'prepend-bos' }) prependBos = false;

  /** Precomputed values to show instead of running a model (data mode); the schema is in docs/elements.md. */
  @property({ attribute: false }) data?: Data;

  /** Show the text a linked figure shares (`<next-token>` as it generates) in place of this figure's own `text`. */
  @property({ type: Boolean, attribute: 'follow-text' }) followText = false;

  /** Hides the PNG/SVG export buttons. */
  @property({ type: Boolean, attribute: 'no-export' }) noExport = false;

  @consume({ context: modelContext, subscribe: true })
  @state()
  private providedController?: ModelController;

  @consume({ context: selectionContext, subscribe: true })
  @state()
  private providedSelection?: SelectionHub;

  @state() protected progress?: ProgressDetail;

  /** Why the JSON data inside the element could not be read, if it could not. */
  @state() protected dataError?: XrayError;

  protected readonly size = new ResizeController(this);
  private readonly ownSelection = new SelectionHub();
  private readonly controllerEvents = new EventFollower<ModelController>(this, {
    progress: (e) => (this.progress = (e as CustomEvent<ProgressDetail>).detail),
    fallback: () => this.requestUpdate(),
  });
  private readonly selectionEvents = new EventFollower<SelectionHub>(this, { change: () => this.takeSharedText() });
  /** The shared text this figure last took, so its own later `text` stands until another is shared. */
  private followedText: string | null = null;
  /** The figure's own model (outside a provider, or its own `model`); a provider holds the one it gives. */
  private readonly lease = new ControllerLease(this);

  constructor() {
    super();
    new ColourSchemeController(this);
  }

  /** The model controller this figure runs on. */
  get controller(): ModelController {
    return this.ownController ?? this.providedController!;
  }

  private get ownController(): ModelController | undefined {
    if (this.model || !this.providedController) return ModelController.shared({ model: this.model, device: this.device });
    return undefined;
  }

  /** The selection this figure shares with its linked figures. */
  get selection(): SelectionHub {
    if (this.group) return SelectionHub.group(this.group);
    return this.providedSelection ?? this.ownSelection;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.data ??= this.dataFromScript();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.controllerEvents.follow(this.data ? undefined : this.controller);
    this.lease.hold(this.data ? undefined : this.ownController);
    this.selectionEvents.follow(this.selection);
  }

  /** Loads the model if needed and runs `text`, aborting with `signal` when the figure's inputs change. */
  protected async runModel(text: string | undefined, signal: AbortSignal): Promise<ModelRun> {
    if (!text?.trim()) throw new XrayError('empty-text', 'There is no text to show yet: set the text attribute.');
    await this.controller.load();
    return this.controller.run(text, { signal, prependBos: this.prependBos });
  }

  // Typed listeners for the figures' events (`el.addEventListener('head-select', (e) => e.detail?.layer)`),
  // as HTMLElement types its own: the map cannot join HTMLElementEventMap, whose `error` is an ErrorEvent.
  override addEventListener<K extends keyof XrayEventMap>(type: K, listener: Listener<CustomEvent<XrayEventMap[K]>>, options?: boolean | AddEventListenerOptions): void;
  override addEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: Listener<HTMLElementEventMap[K]>, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | Listener<never>, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject, options);
  }

  override removeEventListener<K extends keyof XrayEventMap>(type: K, listener: Listener<CustomEvent<XrayEventMap[K]>>, options?: boolean | EventListenerOptions): void;
  override removeEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: Listener<HTMLElementEventMap[K]>, options?: boolean | EventListenerOptions): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | Listener<never>, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject, options);
  }

  /** Shares a new text with linked figures (those with `follow-text` show it) and tells the page (`text-change`). */
  protected shareText(text: string): void {
    this.selection.shareText(text);
    emit(this, 'text-change', { text });
  }

  private takeSharedText(): void {
    const { text } = this.selection;
    if (this.followText && text !== null && text !== this.followedText) {
      this.followedText = text;
      // Every figure that follows a text has a `text` property of its own.
      (this as unknown as { text?: string }).text = text;
    }
    this.requestUpdate();
  }

  /** Shares the token at `position` of `tokens` (null: none) with linked figures, and tells the page (`token-hover`). */
  protected hoverToken(position: number | null, tokens: readonly string[]): void {
    if (position === this.selection.token) return;
    this.selection.hoverToken(position);
    emit(this, 'token-hover', { position, token: position === null ? null : tokens[position] });
  }

  /** The token hovered in this or a linked figure, if it is one of the `length` tokens shown here. */
  protected linkedToken(length: number): number | null {
    const token = this.selection.token;
    return token !== null && token < length ? token : null;
  }

  /** For a Task's `onComplete`. */
  protected announceComplete(tokens: string[]): void {
    emit(this, 'run-complete', { tokens });
  }

  /** For a Task's `onError`: every failure is also an `error` event (nothing to show yet is not a failure). */
  protected announceError(error: unknown): void {
    const { code, message } = asXrayError(error);
    if (!QUIET.includes(code)) emit(this, 'error', { code, message });
  }

  protected renderLoading(): TemplateResult {
    const p = this.progress;
    const label = p ? `Downloading ${p.file}: ${amount(p.loaded, p.total)}` : 'Loading the model…';
    return html`<div class="status" part="loading" role="status" aria-live="polite">
      ${label}
      <progress aria-label=${label} max=${p?.total || 1} .value=${p?.total ? p.loaded : (null as unknown as number)}></progress>
    </div>`;
  }

  protected renderError(error: unknown): TemplateResult {
    const { code, message } = asXrayError(error);
    if (EMPTY.includes(code)) return html`<div class="status" part="empty">${message}</div>`;
    return html`<div class="status" part="error" role="alert">${message}</div>`;
  }

  /** Says when the figure runs on WASM though WebGPU was wanted, or when the text was cut. */
  protected renderNotices(run?: { truncated: boolean }): TemplateResult | typeof nothing {
    const reason = this.data ? undefined : this.controller.fallbackReason;
    const notes = [reason, run?.truncated ? `The text was longer than the model's context and was cut to ${this.controller.config?.nCtx} tokens.` : undefined].filter(Boolean);
    return notes.length ? html`${notes.map((n) => html`<p class="notice" part="notice">${n}</p>`)}` : nothing;
  }

  protected renderToolbar(): TemplateResult | typeof nothing {
    if (this.noExport) return nothing;
    return html`<div class="toolbar" part="toolbar">
      <button part="export-button" aria-label="Download the figure as PNG" @click=${() => this.download('png')}>PNG</button>
      <button part="export-button" aria-label="Download the figure as SVG" @click=${() => this.download('svg')}>SVG</button>
    </div>`;
  }

  /** The figure as a standalone SVG document; throws when there is nothing to show yet. */
  abstract toSVG(): string;

  /** The figure as a PNG image, rendered from `toSVG()` at the device's pixel ratio; rejects as `toSVG()` throws. */
  async toPNG(scale = globalThis.devicePixelRatio || 1): Promise<Blob> {
    return svgToPng(this.toSVG(), scale);
  }

  private async download(kind: 'png' | 'svg'): Promise<void> {
    const name = this.localName;
    try {
      const blob = kind === 'png' ? await this.toPNG(2) : new Blob([this.toSVG()], { type: 'image/svg+xml' });
      downloadBlob(blob, `${name}.${kind}`);
    } catch (error) {
      this.announceError(error);
    }
  }

  private dataFromScript(): Data | undefined {
    const script = this.querySelector(':scope > script[type="application/json"]');
    if (!script?.textContent) return undefined;
    try {
      return JSON.parse(script.textContent) as Data;
    } catch (cause) {
      this.dataError = new XrayError('bad-option', `The JSON data inside <${this.localName}> is not valid JSON.`, { cause });
      this.announceError(this.dataError);
      return undefined;
    }
  }
}

export function asXrayError(error: unknown): XrayError {
  if (error instanceof XrayError) return error;
  if (error instanceof DOMException && error.name === 'AbortError') return new XrayError('aborted', 'Aborted.');
  return new XrayError('session-failed', error instanceof Error ? error.message : String(error), { cause: error });
}

/** "12.3 of 500.0 MB"; in kB for a file under 1 MB, such as a probing task's sentences. */
function amount(loaded: number, total: number): string {
  const [scale, unit] = (total || loaded) < 1e6 ? [1e3, 'kB'] : [1e6, 'MB'];
  const n = (bytes: number) => (bytes / scale).toFixed(1);
  return total ? `${n(loaded)} of ${n(total)} ${unit}` : `${n(loaded)} ${unit}`;
}
