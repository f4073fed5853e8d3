// Reader actions on a <next-token>: tests say what a reader does and sees, never how the shadow DOM
// is built.
import type { NextToken } from '../../components/next-token.js';
import { settle } from './settle.js';

export interface BarRow {
  /** The token as shown: quoted text, or `#id`. */
  token: string;
  /** The value as shown: a percentage, or "cannot be drawn". */
  value: string;
  drawable: boolean;
  drawn: boolean;
  /** The bar's length as a fraction of its track (0 without a bar). */
  length: number;
}

type Action = 'sample' | 'generate' | 'stop' | 'replay' | 'back';

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

export class NextTokenHarness {
  constructor(readonly element: NextToken) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  /** Waits until the bars and the strip (or an error or empty message) show, with no generation running. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"], [aria-busy="true"]');
  }

  bars(): BarRow[] {
    return [...this.root.querySelectorAll<HTMLElement>('[part~=row]')].map((row) => {
      const bar = row.querySelector('[part=bar]');
      const track = row.querySelector('.track')!.getBoundingClientRect();
      return {
        token: clean(row.querySelector('.label')?.textContent),
        value: clean(row.querySelector('.value')?.textContent),
        drawable: !row.part.contains('excluded'),
        drawn: row.part.contains('drawn'),
        length: bar ? bar.getBoundingClientRect().width / track.width : 0,
      };
    });
  }

  title(): string {
    return clean(this.root.querySelector('[part=title]')?.textContent);
  }

  /** The line under the bars: what the filters rule out, or which token a step drew. */
  note(): string {
    return clean(this.root.querySelector('[part=note]')?.textContent);
  }

  /** Drags the temperature slider to `value`. */
  async slideTemperature(value: number): Promise<void> {
    await this.input('temperature', String(value));
  }

  /** The temperature the slider shows beside it. */
  shownTemperature(): string {
    return clean(this.root.querySelector('[part=controls] output')?.textContent);
  }

  /** Types into the top-k or top-p field (empty: off). */
  async type(field: 'top-k' | 'top-p', value: string): Promise<void> {
    await this.input(field, value);
  }

  /** Why a typed value was refused, if it was. */
  fieldError(): string {
    return clean(this.root.querySelector('[part=controls] + .hint')?.textContent);
  }

  /** Whether a control is there to use (data mode has no generation buttons). */
  has(action: Action): boolean {
    return !!this.button(action);
  }

  enabled(action: Action): boolean {
    return !this.button(action)!.disabled;
  }

  /** Clicks Sample, Generate, Stop, Replay or Back. */
  async click(action: Action): Promise<void> {
    this.button(action)!.click();
    await this.element.updateComplete;
  }

  /** Whether a generation is running. */
  generating(): boolean {
    return this.root.querySelector('[part=generation]')?.getAttribute('aria-busy') === 'true';
  }

  /** The generated tokens, in order, as their text. */
  generated(): string[] {
    return [...this.root.querySelectorAll('[part=chip]')].map((chip) => chip.textContent ?? '');
  }

  /** The original text shown before the generated tokens. */
  prompt(): string {
    return this.root.querySelector('[part=generated] .prompt')?.textContent ?? '';
  }

  /** The generated token whose step is on show, by index. */
  shownStep(): number | undefined {
    const chip = this.root.querySelector<HTMLElement>('[part=chip][aria-selected=true]');
    return chip ? Number(chip.dataset.index) : undefined;
  }

  async clickGenerated(index: number): Promise<void> {
    this.root.querySelector<HTMLElement>(`[part=chip][data-index="${index}"]`)!.click();
    await this.element.updateComplete;
  }

  seed(): number {
    return Number(this.root.querySelector<HTMLInputElement>('[part=seed]')!.value);
  }

  /** The strip's tokens as shown, and what each says to a screen reader. */
  strip(): { token: string; spoken: string }[] {
    return [...this.root.querySelectorAll<HTMLElement>('[part=cell]')].map((cell) => ({ token: cell.textContent ?? '', spoken: cell.getAttribute('aria-label') ?? '' }));
  }

  /** A strip token's background, as the browser resolved it. */
  stripColour(position: number): string {
    return getComputedStyle(this.cell(position)).backgroundColor;
  }

  /** Points at a token of the strip (undefined: away from the strip). */
  async hoverStrip(position: number | undefined): Promise<void> {
    if (position === undefined) this.root.querySelector('[part=strip]')!.dispatchEvent(new PointerEvent('pointerleave'));
    else this.cell(position).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  tooltip(): string {
    return clean(this.root.querySelector('[part=tooltip]')?.textContent);
  }

  /** Focuses the generated tokens or the strip (their tab stop), as Tab would. */
  async focus(where: 'generated' | 'strip'): Promise<void> {
    this.root.querySelector<HTMLElement>(`[part=${where === 'generated' ? 'chip' : 'cell'}][tabindex="0"]`)!.focus();
    await this.element.updateComplete;
  }

  /** Presses a key on the focused element. */
  async press(key: string): Promise<void> {
    this.root.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
    await this.element.updateComplete;
  }

  /** What the focused element says to a screen reader. */
  focused(): string {
    return (this.root.activeElement as HTMLElement | null)?.getAttribute('aria-label') ?? '';
  }

  announced(): string {
    return clean(this.root.querySelector('[aria-live]')?.textContent);
  }

  /** The text of the error, empty, loading or notice message shown, if any. */
  message(): string {
    return clean(this.root.querySelector('[part=error], [part=empty], [part=loading], [part=notice]')?.textContent);
  }

  private async input(part: string, value: string): Promise<void> {
    const input = this.root.querySelector<HTMLInputElement>(`[part=${part}]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  private button(action: Action): HTMLButtonElement | null {
    return this.root.querySelector(`button[data-action=${action}]`);
  }

  private cell(position: number): HTMLElement {
    return this.root.querySelector(`[part=cell][data-position="${position}"]`)!;
  }
}
