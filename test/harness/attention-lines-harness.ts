// Reader actions on an <attention-lines>, so tests say what a reader does and sees, not where the
// shadow DOM puts it.
import type { AttentionLines, DrawnLine } from '../../components/attention-lines/attention-lines.js';
import { settle } from './settle.js';

export type Side = 'query' | 'key';

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

export class AttentionLinesHarness {
  constructor(readonly element: AttentionLines) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  private get grid(): HTMLElement {
    const grid = this.root.querySelector<HTMLElement>('[role="grid"]');
    if (!grid) throw new Error('The figure shows no tokens.');
    return grid;
  }

  /** Waits until the lines (or an error or empty message) show. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"]');
  }

  /** The lines drawn now, as "head:query→key", sorted. */
  lines(): string[] {
    return this.element.drawnLines.map(({ head, query, key }) => `${head}:${query}→${key}`).sort();
  }

  /** The lines drawn now, with their weights. */
  drawn(): DrawnLine[] {
    return this.element.drawnLines;
  }

  /** Moves the pointer onto a token of the left (`query`) or right (`key`) column. */
  async hoverToken(side: Side, position: number): Promise<void> {
    this.token(side, position).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  /** Clicks a token (locks its lines, or unlocks them when it is the locked one). */
  async clickToken(side: Side, position: number): Promise<void> {
    await this.hoverToken(side, position);
    this.token(side, position).dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  /** Moves the pointer off the tokens. */
  async leave(): Promise<void> {
    this.grid.dispatchEvent(new PointerEvent('pointerleave'));
    await this.element.updateComplete;
  }

  /** Focuses the tokens and presses a key. */
  async press(key: string, options: KeyboardEventInit = {}): Promise<void> {
    this.grid.focus();
    this.grid.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...options }));
    await this.element.updateComplete;
  }

  /** Takes the keyboard focus away from the tokens. */
  async blur(): Promise<void> {
    this.grid.blur();
    await this.element.updateComplete;
  }

  /** The head toggles, as `{head, shown}`. */
  toggles(): { head: number; shown: boolean }[] {
    return this.headButtons().map((button) => ({ head: Number(clean(button.textContent)), shown: button.getAttribute('aria-pressed') === 'true' }));
  }

  /** Clicks a head's toggle (with Shift to show it alone). */
  async clickHead(head: number, options: MouseEventInit = {}): Promise<void> {
    this.headButton(head).dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, ...options }));
    await this.element.updateComplete;
  }

  /** Double-clicks a head's toggle, as a reader does: two clicks, then the double-click. */
  async doubleClickHead(head: number): Promise<void> {
    const button = this.headButton(head);
    for (const [type, detail] of [
      ['click', 1],
      ['click', 2],
      ['dblclick', 2],
    ] as const) {
      button.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true, detail }));
    }
    await this.element.updateComplete;
  }

  /** Presses a key on a head's toggle; Enter or Space without Shift activate it as a browser does. */
  async pressOnHead(head: number, key: string, options: KeyboardEventInit = {}): Promise<void> {
    const button = this.headButton(head);
    button.focus();
    const event = new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...options });
    // A synthetic keydown does not activate a button: do what the browser would unless it was prevented.
    if (button.dispatchEvent(event) && (key === 'Enter' || key === ' ')) button.click();
    await this.element.updateComplete;
  }

  /** Clicks the "All" button that shows every head again. */
  async showAll(): Promise<void> {
    const all = [...this.root.querySelectorAll<HTMLButtonElement>('[part="head-toggle"]')].find((b) => clean(b.textContent) === 'All');
    if (!all) throw new Error('No "All" button shows.');
    all.click();
    await this.element.updateComplete;
  }

  /** Chooses a layer in the picker. */
  async pickLayer(layer: number): Promise<void> {
    const select = this.root.querySelector<HTMLSelectElement>('[part="layer-picker"]');
    if (!select) throw new Error('No layer picker shows.');
    select.value = String(layer);
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await this.element.updateComplete;
  }

  /** The layer the picker shows, or the caption's text without one. */
  caption(): string {
    const select = this.root.querySelector<HTMLSelectElement>('[part="layer-picker"]');
    return select ? `Layer ${select.value}` : clean(this.root.querySelector('[part="caption"]')?.textContent);
  }

  /** The tokens of a column, in order. */
  tokens(side: Side): string[] {
    return [...this.root.querySelectorAll(`[part="token"].${side}`)].map((cell) => cell.textContent!);
  }

  /** The token highlighted as hovered (here or in a linked figure), or null. */
  highlighted(): { side: Side; position: number } | null {
    const on = this.root.querySelector<HTMLElement>('[part="token"].on');
    if (!on) return null;
    const index = Number(on.dataset.index);
    return { side: index % 2 ? 'key' : 'query', position: Math.floor(index / 2) };
  }

  /** The line that says what the hovered token attends to. */
  readout(): string {
    return clean(this.root.querySelector('[part="readout"]')?.textContent);
  }

  /** What the live region last announced. */
  announced(): string {
    return clean(this.root.querySelector('[aria-live]')?.textContent);
  }

  /** How many pixels of the visible canvases are painted (not transparent). */
  paintedPixels(): number {
    let count = 0;
    for (const canvas of this.root.querySelectorAll<HTMLCanvasElement>('[part="canvas"]')) {
      if (getComputedStyle(canvas).visibility === 'hidden' || !canvas.width || !canvas.height) continue;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) count++;
    }
    return count;
  }

  /** The error message on show, or null. */
  errorText(): string | null {
    return this.root.querySelector('[part="error"]')?.textContent?.trim() ?? null;
  }

  /** The empty-state message on show, or null. */
  emptyText(): string | null {
    return this.root.querySelector('[part="empty"]')?.textContent?.trim() ?? null;
  }

  private token(side: Side, position: number): HTMLElement {
    const cell = this.root.querySelector<HTMLElement>(`[data-index="${2 * position + (side === 'key' ? 1 : 0)}"]`);
    if (!cell) throw new Error(`No ${side} token at position ${position}.`);
    return cell;
  }

  private headButtons(): HTMLButtonElement[] {
    return [...this.root.querySelectorAll<HTMLButtonElement>('[part="head-toggle"][aria-pressed]')];
  }

  private headButton(head: number): HTMLButtonElement {
    const button = this.headButtons()[head];
    if (!button) throw new Error(`No toggle for head ${head}.`);
    return button;
  }
}
