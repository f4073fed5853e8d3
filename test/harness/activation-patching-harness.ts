// Reader actions on an <activation-patching>, so tests say what a reader does and sees, not where the
// shadow DOM puts it.
import type { ActivationPatching } from '../../components/activation-patching.js';
import { settle } from './settle.js';

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

export class ActivationPatchingHarness {
  constructor(readonly element: ActivationPatching) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  /** Waits until the chart (or an error, empty or stopped message) shows, patching included. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"], [part="progress"]');
  }

  /** Layers × columns (positions, or heads for `z`) of the grid. */
  shape(): { rows: number; columns: number } {
    const rows = this.root.querySelectorAll('[role=grid] [role=row]');
    return { rows: rows.length, columns: rows[0]?.querySelectorAll('[role=gridcell]').length ?? 0 };
  }

  /** The value a cell says it holds (its accessible name ends in it), as a reader would read it. */
  cellValue(layer: number, column: number): number {
    const label = this.cell(layer, column).getAttribute('aria-label')!;
    const [value] = label.match(/[−-]?\d+\.\d+(?= \(0 = corrupted)/)!;
    return Number(value.replace('−', '-'));
  }

  /** Every cell's value, `[layer][column]`. */
  values(): number[][] {
    const { rows, columns } = this.shape();
    return Array.from({ length: rows }, (_, l) => Array.from({ length: columns }, (_, c) => this.cellValue(l, c)));
  }

  /** A cell's accessible name. */
  cellLabel(layer: number, column: number): string {
    return this.cell(layer, column).getAttribute('aria-label')!;
  }

  /** A cell's painted colour. */
  cellColour(layer: number, column: number): string {
    return this.cell(layer, column).getAttribute('fill')!;
  }

  /** The column labels, by column. */
  columnLabels(): Map<number, string> {
    return new Map([...this.root.querySelectorAll<SVGTextElement>('.column-label')].map((t) => [Number(t.dataset.column), t.textContent!]));
  }

  /** The columns marked as where the two prompts differ. */
  markedColumns(): number[] {
    return [...this.root.querySelectorAll<SVGElement>('.differs-mark')].map((m) => Number(m.dataset.column));
  }

  /** The columns whose label is drawn as differing. */
  differingLabels(): number[] {
    return [...this.root.querySelectorAll<SVGElement>('.column-label[data-differs]')].map((t) => Number(t.dataset.column));
  }

  rowLabels(): string[] {
    return [...this.root.querySelectorAll('.row-label')].map((t) => t.textContent!);
  }

  caption(): string {
    return clean(this.root.querySelector('[part=caption]')?.textContent);
  }

  /** The summary lines: the logit differences, where the prompts differ. */
  summary(): string[] {
    return [...this.root.querySelectorAll('[part=summary]')].map((p) => clean(p.textContent));
  }

  async hover(layer: number, column: number): Promise<void> {
    this.cell(layer, column).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  async leave(): Promise<void> {
    this.root.querySelector('svg[part=chart]')!.dispatchEvent(new PointerEvent('pointerleave'));
    await this.element.updateComplete;
  }

  async click(layer: number, column: number): Promise<void> {
    this.cell(layer, column).dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  async focus(layer: number, column: number): Promise<void> {
    this.cell(layer, column).focus();
    await this.element.updateComplete;
  }

  /** Presses a key on the focused cell (or the one holding the tab stop). */
  async press(key: string, options: KeyboardEventInit = {}): Promise<void> {
    const target = (this.root.activeElement ?? this.root.querySelector('.cell[tabindex="0"]')) as SVGElement;
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...options }));
    await this.element.updateComplete;
  }

  /** The cell that has keyboard focus. */
  focusedCell(): { layer: number; column: number } | null {
    const active = this.root.activeElement as SVGElement | null;
    return active?.dataset.layer === undefined ? null : { layer: Number(active.dataset.layer), column: Number(active.dataset.column) };
  }

  /** The cell outlined as the selected head (`z`). */
  selectedHead(): { layer: number; head: number } | null {
    const cell = this.root.querySelector<SVGElement>('.cell[aria-selected="true"]');
    return cell ? { layer: Number(cell.dataset.layer), head: Number(cell.dataset.column) } : null;
  }

  /** The column outlined because a linked figure hovers its token. */
  linkedColumn(): number | null {
    const mark = this.root.querySelector<SVGRectElement>('.linked');
    if (!mark) return null;
    const x = Number(mark.getAttribute('x')) + 1;
    const cell = [...this.root.querySelectorAll<SVGRectElement>('.cell[data-layer="0"]')].find((c) => Number(c.getAttribute('x')) === x);
    return cell ? Number(cell.dataset.column) : null;
  }

  tooltip(): string | null {
    return this.root.querySelector('[part=tooltip]')?.textContent ?? null;
  }

  announced(): string {
    return clean(this.root.querySelector('.visually-hidden[aria-live]')?.textContent);
  }

  /** The patching progress: its words, and the bar's value and maximum. */
  progress(): { label: string; value: number | null; max: number } | null {
    const part = this.root.querySelector('[part=progress]');
    const bar = part?.querySelector('progress');
    if (!part || !bar) return null;
    return { label: clean(part.querySelector('[role=status]')?.textContent), value: bar.position < 0 ? null : bar.value, max: bar.max };
  }

  cancel(): void {
    this.root.querySelector<HTMLButtonElement>('[part=cancel-button]')!.click();
  }

  /** The message shown once patching was stopped, if it was. */
  stopped(): string | null {
    const part = this.root.querySelector('[part=stopped]');
    return part ? clean(part.querySelector('span')?.textContent) : null;
  }

  runAgain(): void {
    this.root.querySelector<HTMLButtonElement>('[part=run-button]')!.click();
  }

  /** The error or empty message shown, if any. */
  message(): string | null {
    const part = this.root.querySelector('[part=error], [part=empty]');
    return part ? clean(part.textContent) : null;
  }

  isEmptyState(): boolean {
    return this.root.querySelector('[part=empty]') !== null;
  }

  private cell(layer: number, column: number): SVGElement {
    const cell = this.root.querySelector<SVGElement>(`.cell[data-layer="${layer}"][data-column="${column}"]`);
    if (!cell) throw new Error(`No cell at layer ${layer}, column ${column}.`);
    return cell;
  }
}
