// Reader actions on a <logit-attribution>: tests say what a reader does and sees, never how the
// shadow DOM is built.
import type { LogitAttribution } from '../../components/logit-attribution.js';
import { settle } from './settle.js';

export interface BarRow {
  label: string;
  /** The value the row shows, as written (three decimals). */
  value: number;
}

/** Where a bar sits in its track, as fractions of the track's width. */
export interface BarExtent {
  left: number;
  right: number;
}

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
/** "+3.214" and "−0.120" (U+2212) as numbers. */
const parseSigned = (text: string) => Number(clean(text).replace('−', '-'));

export class LogitAttributionHarness {
  constructor(readonly element: LogitAttribution) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  /** Waits until the bars (or an error or empty message) show. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"]');
  }

  /** Every row, top to bottom, with the value it shows. */
  rows(): BarRow[] {
    return this.rowElements().map((row) => ({ label: clean(row.querySelector('.label')?.textContent), value: parseSigned(row.querySelector('.value')?.textContent ?? '') }));
  }

  labels(): string[] {
    return this.rows().map((r) => r.label);
  }

  /** The head rows (`LlHh`) in the order shown. */
  headLabels(): string[] {
    return this.labels().filter((label) => /^L\d+H\d+$/.test(label));
  }

  /** The value the total's row shows. */
  total(): number {
    return parseSigned(this.root.querySelector('[part=total] .value')?.textContent ?? '');
  }

  /** The line that adds the bars up against the logit difference. */
  checkText(): string {
    return clean(this.root.querySelector('[part=check]')?.textContent);
  }

  /** Whether that line says the bars add up (it is drawn as an error when they do not). */
  checkAgrees(): boolean {
    return !this.root.querySelector('[part=check]')!.classList.contains('mismatch');
  }

  title(): string {
    return clean(this.root.querySelector('[part=title]')?.textContent);
  }

  legend(): string {
    return clean(this.root.querySelector('[part=legend]')?.textContent);
  }

  /** The extent of a row's bar (or the total's, for `total`) across its track, 0 = left edge, 1 = right edge. */
  bar(label: string): BarExtent {
    const row = label === 'total' ? this.root.querySelector('[part=total]') : this.rowElement(label);
    const track = row!.querySelector('.track')!.getBoundingClientRect();
    const bar = row!.querySelector('[part=bar]')!.getBoundingClientRect();
    return { left: (bar.left - track.left) / track.width, right: (bar.right - track.left) / track.width };
  }

  /** The bar's colour, as the browser resolved it. */
  barColour(label: string): string {
    return getComputedStyle(this.rowElement(label).querySelector('[part=bar]')!).backgroundColor;
  }

  /** Where zero is across the tracks, from the zero line's position. */
  zero(): number {
    const track = this.rowElements()[0].querySelector('.track')!;
    const box = track.getBoundingClientRect();
    return (parseFloat(getComputedStyle(track, '::before').left) || 0) / box.width;
  }

  /** The order the toggle shows as pressed. */
  pressedOrder(): string | undefined {
    return this.root.querySelector<HTMLElement>('[part=order] [aria-pressed=true]')?.dataset.order;
  }

  async chooseOrder(order: 'model' | 'sorted'): Promise<void> {
    this.root.querySelector<HTMLButtonElement>(`[part=order] [data-order=${order}]`)!.click();
    await this.element.updateComplete;
  }

  async clickRow(label: string): Promise<void> {
    this.rowElement(label).click();
    await this.element.updateComplete;
  }

  /** The rows marked as the selected head. */
  selectedRows(): string[] {
    return this.rowElements()
      .filter((row) => row.getAttribute('aria-selected') === 'true')
      .map((row) => row.dataset.label!);
  }

  /** Focuses the rows (their tab stop), as Tab would. */
  async focus(): Promise<void> {
    this.root.querySelector<HTMLElement>('[part=row][tabindex="0"]')!.focus();
    await this.element.updateComplete;
  }

  /** Presses a key on the focused row. */
  async press(key: string): Promise<void> {
    const focused = this.root.activeElement ?? this.root.querySelector('[part=row][tabindex="0"]');
    focused!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
    await this.element.updateComplete;
  }

  /** The focused row's label and what it says to a screen reader. */
  focusedRow(): { label: string; spoken: string } | undefined {
    const row = this.root.activeElement as HTMLElement | null;
    return row?.dataset.label === undefined ? undefined : { label: row.dataset.label, spoken: clean(row.textContent) };
  }

  /** Whether a row is inside the scrolling box's visible part. */
  rowVisible(label: string): boolean {
    const viewport = this.root.querySelector('[part=viewport]')!.getBoundingClientRect();
    const row = this.rowElement(label).getBoundingClientRect();
    return row.top >= viewport.top - 1 && row.bottom <= viewport.bottom + 1;
  }

  /** What the figure last said to screen readers. */
  announced(): string {
    return clean(this.root.querySelector('[aria-live]')?.textContent);
  }

  /** The text of the error, empty, loading or notice message shown, if any. */
  message(): string {
    return clean(this.root.querySelector('[part=error], [part=empty], [part=loading], [part=notice]')?.textContent);
  }

  private rowElements(): HTMLElement[] {
    return [...this.root.querySelectorAll<HTMLElement>('[part=row]')];
  }

  private rowElement(label: string): HTMLElement {
    const row = this.rowElements().find((r) => r.dataset.label === label);
    if (!row) throw new Error(`No row ${label}.`);
    return row;
  }
}
