// Reader actions on an <attention-heatmap>, so tests say what a reader does, not where the DOM puts it.
import type { AttentionHeatmap } from '../../components/attention-heatmap.js';
import { settle } from './settle.js';

export class AttentionHeatmapHarness {
  constructor(readonly element: AttentionHeatmap) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  private get grid(): HTMLElement {
    const grid = this.root.querySelector<HTMLElement>('[role="grid"]');
    if (!grid) throw new Error('The heatmap shows no cells.');
    return grid;
  }

  private get canvas(): HTMLCanvasElement {
    return this.root.querySelector('canvas')!;
  }

  /** Waits until the heatmap (or an error or empty message) shows. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"]');
  }

  /** The colour painted at the centre of a cell as `rgb(r, g, b)`, read from the canvas's own pixels. */
  cellColour(q: number, k: number): string {
    const { canvas } = this;
    const box = canvas.getBoundingClientRect();
    const { clientX, clientY } = this.centre(q, k);
    // CSS pixels to canvas pixels, whatever the device pixel ratio and the canvas's resolution.
    const x = Math.floor(((clientX - box.left) * canvas.width) / box.width);
    const y = Math.floor(((clientY - box.top) * canvas.height) / box.height);
    const [r, g, b] = canvas.getContext('2d')!.getImageData(x, y, 1, 1).data;
    return `rgb(${r}, ${g}, ${b})`;
  }

  /** Moves the pointer over the centre of a cell. */
  async hoverCell(q: number, k: number): Promise<void> {
    this.grid.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, composed: true, ...this.centre(q, k) }));
    await this.element.updateComplete;
  }

  /** Clicks the centre of a cell (locks it, or unlocks it when it is the locked one). */
  async clickCell(q: number, k: number): Promise<void> {
    await this.hoverCell(q, k);
    this.grid.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, ...this.centre(q, k) }));
    await this.element.updateComplete;
  }

  /** Moves the pointer off the cells. */
  async leave(): Promise<void> {
    this.grid.dispatchEvent(new PointerEvent('pointerleave'));
    await this.element.updateComplete;
  }

  /** Moves the pointer onto the label of the token at `position` ('query' rows or 'key' columns). */
  async hoverLabel(axis: 'query' | 'key', position: number): Promise<void> {
    const label = this.root.querySelector(`[part="${axis}-labels"] [data-position="${position}"]`);
    if (!label) throw new Error(`No ${axis} label shows position ${position}.`);
    label.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  /** Focuses the cells and presses a key, e.g. `ArrowRight` or `Escape`. */
  async press(key: string, options: KeyboardEventInit = {}): Promise<void> {
    this.grid.focus();
    this.grid.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...options }));
    await this.element.updateComplete;
  }

  /** Takes the keyboard focus away from the cells. */
  async blur(): Promise<void> {
    this.grid.blur();
    await this.element.updateComplete;
  }

  /** What the tooltip says, or null when none shows. */
  tooltipText(): string | null {
    return this.root.querySelector('[part="tooltip"]')?.textContent ?? null;
  }

  /** What the live region last announced. */
  announced(): string {
    return this.root.querySelector('[aria-live]')?.textContent?.trim() ?? '';
  }

  /** The labels on show (thinned when they would overlap), by axis, in order. */
  labels(): { queries: string[]; keys: string[] } {
    const read = (axis: string) => [...this.root.querySelectorAll(`[part="${axis}-labels"] [data-position]`)].map((label) => label.textContent!);
    return { queries: read('query'), keys: read('key') };
  }

  /** The token highlighted as a row and a column (hovered here or in a linked figure), or null. */
  highlightedToken(): number | null {
    const band = this.root.querySelector<HTMLElement>('.band.row');
    return band ? Number(band.dataset.position) : null;
  }

  /** The "Layer 5 · Head 1" caption. */
  caption(): string {
    return this.root.querySelector('[part="caption"]')?.textContent ?? '';
  }

  /** The legend's text: ticks and the masked note. */
  legendText(): string {
    return this.root.querySelector('[part="legend"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  }

  /** The colour ramp's tick labels, low to high. */
  legendTicks(): string[] {
    return [...this.root.querySelectorAll('[part="legend"] .ticks > *')].map((tick) => tick.textContent!);
  }

  /** The error message on show, or null. */
  errorText(): string | null {
    return this.root.querySelector('[part="error"]')?.textContent?.trim() ?? null;
  }

  /** The empty-state message on show, or null. */
  emptyText(): string | null {
    return this.root.querySelector('[part="empty"]')?.textContent?.trim() ?? null;
  }

  /** Client coordinates of a cell's centre. */
  private centre(q: number, k: number): { clientX: number; clientY: number } {
    const box = this.grid.getBoundingClientRect();
    const T = Number(this.grid.getAttribute('aria-rowcount'));
    return { clientX: box.left + ((k + 0.5) * box.width) / T, clientY: box.top + ((q + 0.5) * box.height) / T };
  }
}
