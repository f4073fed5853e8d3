// Reader actions on a <residual-stream>: tests say what a reader does and sees, never how the
// shadow DOM is built.
import type { ResidualStream } from '../../components/residual-stream.js';
import { settle } from './settle.js';

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

export class ResidualStreamHarness {
  constructor(readonly element: ResidualStream) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  /** Waits until the figure (or an error or empty message) shows. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"]');
  }

  caption(): string {
    return clean(this.root.querySelector('[part=caption]')?.textContent);
  }

  /** The statistic the toggle shows as pressed. */
  pressedStat(): string | undefined {
    return this.root.querySelector<HTMLElement>('[part=stats] [aria-pressed=true]')?.dataset.stat;
  }

  /** The toggle's statistics that cannot be chosen (the data lacks what they need). */
  disabledStats(): string[] {
    return [...this.root.querySelectorAll<HTMLElement>('[part=stats] [aria-disabled=true]')].map((b) => b.dataset.stat!);
  }

  async chooseStat(stat: string): Promise<void> {
    this.root.querySelector<HTMLButtonElement>(`[part=stats] [data-stat="${stat}"]`)!.click();
    await this.element.updateComplete;
  }

  /** The legend's words and ticks, one space between each. */
  legend(): string {
    const legend = this.root.querySelector('[part=legend]');
    if (!legend) return '';
    const walker = document.createTreeWalker(legend, NodeFilter.SHOW_TEXT);
    const words: string[] = [];
    while (walker.nextNode()) words.push(clean(walker.currentNode.textContent));
    return words.filter(Boolean).join(' ');
  }

  /** The heatmap's column labels. */
  layerLabels(): string[] {
    return [...this.root.querySelectorAll('[part=layer-labels] span')].map((s) => clean(s.textContent));
  }

  /** The heatmap's token labels shown, as position → text. */
  tokenLabels(): Map<number, string> {
    return new Map([...this.root.querySelectorAll<HTMLElement>('[part=token-labels] [data-position]')].map((s) => [Number(s.dataset.position), s.textContent ?? '']));
  }

  /** Points the pointer at the heatmap's cell (token t, column c) and gives the tooltip's lines. */
  async hoverCell(t: number, c: number): Promise<string[]> {
    const grid = this.root.querySelector<HTMLElement>('[role=grid]')!;
    const box = grid.getBoundingClientRect();
    const [rows, columns] = [Number(grid.getAttribute('aria-rowcount')), Number(grid.getAttribute('aria-colcount'))];
    grid.dispatchEvent(new PointerEvent('pointermove', { clientX: box.left + ((c + 0.5) * box.width) / columns, clientY: box.top + ((t + 0.5) * box.height) / rows, bubbles: true }));
    await this.element.updateComplete;
    return this.tooltip();
  }

  /** The colour the canvas has for cell (t, c), as `rgb(r, g, b)`. */
  cellColour(t: number, c: number): string {
    const canvas = this.root.querySelector<HTMLCanvasElement>('[part=canvas]')!;
    const [r, g, b] = canvas.getContext('2d')!.getImageData(c, t, 1, 1).data;
    return `rgb(${r}, ${g}, ${b})`;
  }

  /** The tooltip's lines, or none. */
  tooltip(): string[] {
    const tip = this.root.querySelector('[part=tooltip]');
    return tip ? (tip.textContent ?? '').split('\n').map(clean) : [];
  }

  /** The pointer leaves the cells or the chart. */
  async leave(): Promise<void> {
    this.root.querySelector('[role=grid], [part=chart]')!.dispatchEvent(new PointerEvent('pointerleave'));
    await this.element.updateComplete;
  }

  /** The token row that is lit up as hovered in a linked figure (heatmap), or the lit path's token (paths). */
  linkedToken(): number | undefined {
    const band = this.root.querySelector<HTMLElement>('.band');
    if (band) return Number(band.dataset.position);
    const path = this.root.querySelector<SVGElement>('[part=path][data-linked=true]');
    return path ? Number(path.dataset.token) : undefined;
  }

  /** The PCA points, as cell indices (token × layers + layer) with where they are drawn. */
  points(): { index: number; x: number; y: number }[] {
    return [...this.root.querySelectorAll<SVGElement>('[part=point]')].map((p) => ({ index: Number(p.dataset.index), x: Number(p.getAttribute('cx')), y: Number(p.getAttribute('cy')) }));
  }

  /** The PCA labels shown, token position → text. */
  pathLabels(): Map<number, string> {
    return new Map([...this.root.querySelectorAll<SVGElement>('.labels [part=label], .highlights [part=label]')].map((l) => [Number(l.dataset.token), l.textContent ?? '']));
  }

  /** The axis titles of the PCA chart. */
  axisLabels(): string[] {
    return [...this.root.querySelectorAll('.axes text')].map((t) => clean(t.textContent));
  }

  /** Points the pointer at PCA point `index` and gives the tooltip's lines. */
  async hoverPoint(index: number): Promise<string[]> {
    const chart = this.root.querySelector<SVGSVGElement>('[part=chart]')!;
    const point = this.root.querySelector<SVGElement>(`[part=point][data-index="${index}"]`)!;
    const box = chart.getBoundingClientRect();
    chart.dispatchEvent(new PointerEvent('pointermove', { clientX: box.left + Number(point.getAttribute('cx')), clientY: box.top + Number(point.getAttribute('cy')), bubbles: true }));
    await this.element.updateComplete;
    return this.tooltip();
  }

  /** Focuses the cells or points (their tab stop), as Tab would. */
  async focus(): Promise<void> {
    this.root.querySelector<HTMLElement>('[role=grid], [part=point][tabindex="0"]')!.focus();
    await this.element.updateComplete;
  }

  /** Presses a key on what has focus. */
  async press(key: string): Promise<void> {
    const focused = this.root.activeElement ?? this.root.querySelector('[role=grid], [part=point][tabindex="0"]');
    focused!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
    await this.element.updateComplete;
  }

  /** What a screen reader hears of the keyboard's cell or point: the grid's active cell, or the focused point's label and index. */
  focused(): { index?: number; spoken: string } | undefined {
    const active = this.root.activeElement as HTMLElement | SVGElement | null;
    if (!active) return undefined;
    if (active.getAttribute('role') === 'grid') return { spoken: clean(this.root.getElementById('active-cell')?.textContent) };
    return { index: Number(active.dataset.index), spoken: active.getAttribute('aria-label') ?? '' };
  }

  /** What the figure last said to screen readers. */
  announced(): string {
    return clean(this.root.querySelector('[role=status][aria-live]')?.textContent);
  }

  /** The text of the error, empty or loading message shown, if any. */
  message(): string {
    return clean(this.root.querySelector('[part=error], [part=empty], [part=loading]')?.textContent);
  }
}
