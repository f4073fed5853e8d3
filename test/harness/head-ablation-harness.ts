// Reader actions on a <head-ablation>: tests say what a reader does and sees, never how the shadow
// DOM is built.
import type { HeadAblation } from '../../components/head-ablation.js';
import { settle } from './settle.js';

export interface ShownToken {
  token: string;
  prob: number;
}

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
const headOf = (cell: Element) => clean(cell.getAttribute('aria-label')).replace(/^Layer (\d+), head (\d+):.*$/, '$1.$2');

export class HeadAblationHarness {
  constructor(readonly element: HeadAblation) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  /** Waits until the map or the comparison (or an error, empty or stopped message) shows. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"], [part="progress"]');
  }

  /** Whether the scan is running, its progress and Cancel button on show. */
  isScanning(): boolean {
    return !!this.root.querySelector('[part=progress]');
  }

  /** The heads of the map, in reading order, as "layer.head". */
  heads(): string[] {
    return this.cells().map(headOf);
  }

  /** What a screen reader hears for a head's cell: its metric with the head ablated and the change. */
  cellLabel(layer: number, head: number): string {
    return clean(this.cell(layer, head).getAttribute('aria-label'));
  }

  /** The change of the metric from clean when the head is ablated, as the cell says it (rounded). */
  cellChange(layer: number, head: number): number {
    const change = /\(([−+]?[\d.]+)\)$/.exec(this.cellLabel(layer, head));
    if (!change) throw new Error(`No change in "${this.cellLabel(layer, head)}".`);
    return Number(change[1].replace('−', '-'));
  }

  /** A head's cell colour, as `rgb(r, g, b)`. */
  cellColour(layer: number, head: number): string {
    return getComputedStyle(this.cell(layer, head)).backgroundColor;
  }

  /** The legend's ticks: the low end, "clean …" and the high end. */
  legendTicks(): string[] {
    return [...this.root.querySelectorAll('[part=legend] .ticks span')].map((t) => clean(t.textContent));
  }

  caption(): string {
    return clean(this.root.querySelector('[part=caption]')?.textContent);
  }

  /** The heads the map marks as selected, as "layer.head". */
  selectedHeads(): string[] {
    return this.cells()
      .filter((c) => c.getAttribute('aria-selected') === 'true')
      .map(headOf);
  }

  /** The head whose cell has the keyboard focus, as "layer.head". */
  focusedHead(): string | undefined {
    const active = this.root.activeElement;
    return active?.getAttribute('role') === 'gridcell' ? headOf(active) : undefined;
  }

  async clickHead(layer: number, head: number): Promise<void> {
    this.cell(layer, head).click();
    await this.element.updateComplete;
  }

  async hoverHead(layer: number, head: number): Promise<void> {
    this.cell(layer, head).dispatchEvent(new PointerEvent('pointermove', { bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  async leave(): Promise<void> {
    this.root.querySelector('[role=grid]')!.dispatchEvent(new PointerEvent('pointerleave'));
    await this.element.updateComplete;
  }

  /** The tooltip's text, or empty when none shows. */
  tooltip(): string {
    return clean(this.root.querySelector('[part=tooltip]')?.textContent);
  }

  /** Presses a key on the map, as the keyboard's cell has the focus (Tab lands there). */
  async press(key: string, options: KeyboardEventInit = {}): Promise<void> {
    const cell = this.root.activeElement?.getAttribute('role') === 'gridcell' ? (this.root.activeElement as HTMLElement) : this.root.querySelector<HTMLElement>('[role=gridcell][tabindex="0"]')!;
    cell.focus();
    cell.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...options }));
    await this.element.updateComplete;
  }

  /** What the figure last said to screen readers. */
  announced(): string {
    return clean(this.root.querySelector('.visually-hidden[aria-live]')?.textContent);
  }

  /** One of the comparison's lists of next tokens, best first. */
  distribution(which: 'before' | 'after'): ShownToken[] {
    const list = this.root.querySelectorAll('[part=distribution]')[which === 'before' ? 0 : 1];
    if (!list) return [];
    return [...list.querySelectorAll('li')].map((li) => ({ token: clean(li.querySelector('.token')?.textContent).replace(/^“|”$/g, ''), prob: Number(li.querySelector('.prob')!.textContent) }));
  }

  /** The tokens the lists mark as the answer or the wrong token, by list. */
  marked(which: 'before' | 'after'): { answer?: string; wrong?: string } {
    const list = this.root.querySelectorAll('[part=distribution]')[which === 'before' ? 0 : 1];
    const token = (role: string) => list?.querySelector(`li.${role} .token`)?.textContent?.replace(/^“|”$/g, '');
    return { answer: token('answer'), wrong: token('wrong') };
  }

  /** What the comparison panel says, in one line. */
  comparisonText(): string {
    return clean(this.root.querySelector<HTMLElement>('[part=comparison]')?.innerText);
  }

  /** Clicks Cancel and waits until the scan has stopped. */
  async cancel(): Promise<void> {
    this.button('Cancel').click();
    await this.settled();
  }

  async scanAgain(): Promise<void> {
    this.button('Scan again').click();
    await this.element.updateComplete;
  }

  /** The text of the error, empty, stopped, progress, loading or notice message shown, if any. */
  message(): string {
    return clean(this.root.querySelector('[part=error], [part=empty], [part=stopped], [part=progress], [part=loading], [part=notice]')?.textContent);
  }

  private cells(): Element[] {
    return [...this.root.querySelectorAll('[role=gridcell]')];
  }

  private cell(layer: number, head: number): HTMLElement {
    const cell = this.root.querySelectorAll('[role=row]')[layer + 1]?.querySelectorAll<HTMLElement>('[role=gridcell]')[head];
    if (!cell) throw new Error(`Head ${layer}.${head} is not on the map.`);
    return cell;
  }

  private button(name: string): HTMLButtonElement {
    const button = [...this.root.querySelectorAll('button')].find((b) => clean(b.textContent) === name);
    if (!button) throw new Error(`No "${name}" button.`);
    return button;
  }
}
