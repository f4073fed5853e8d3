// Reader actions on a <head-grid>: tests say what a reader does and sees, never how the shadow DOM
// is built.
import type { HeadGrid } from '../../components/head-grid.js';
import { settle } from './settle.js';

export interface RankedRow {
  layer: number;
  head: number;
  score: number;
}

/** Pixels of a canvas that are not transparent. */
function painted(canvas: HTMLCanvasElement | null): number {
  if (!canvas?.width || !canvas.height) return 0;
  const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) count++;
  return count;
}

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

export class HeadGridHarness {
  constructor(readonly element: HeadGrid) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  /** Waits until the grid (or an error or empty message) shows. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"]');
  }

  /** The heads shown, in reading order, as "layer.head". */
  heads(): string[] {
    return [...this.root.querySelectorAll('[role=option]')].map((o) => o.id.replace(/^head-(\d+)-(\d+)$/, '$1.$2'));
  }

  /** Rows × columns of thumbnails, as laid out on screen. */
  shape(): { rows: number; cols: number } {
    const boxes = [...this.root.querySelectorAll('[role=option]')].map((o) => o.getBoundingClientRect());
    return { rows: new Set(boxes.map((b) => b.top)).size, cols: new Set(boxes.map((b) => b.left)).size };
  }

  /** Side of a thumbnail on screen, in CSS pixels. */
  thumbnailSize(): number {
    return this.root.querySelector('[role=option]')!.getBoundingClientRect().width;
  }

  /** The layer and head labels of the full grid, in order. */
  labels(): string[] {
    return [...this.root.querySelectorAll('[part=label]')].map((l) => clean(l.textContent));
  }

  /** The caption under each thumbnail (head and/or score), in reading order. */
  captions(): string[] {
    return [...this.root.querySelectorAll('[part=caption]')].map((c) => clean(c.textContent));
  }

  /** The heads the grid marks as selected, as "layer.head". */
  selectedHeads(): string[] {
    return [...this.root.querySelectorAll('[role=option][aria-selected=true]')].map((o) => o.id.replace(/^head-(\d+)-(\d+)$/, '$1.$2'));
  }

  async clickHead(layer: number, head: number): Promise<void> {
    const { x, y } = this.point(layer, head, 0.5, 0.5);
    this.listbox().dispatchEvent(new MouseEvent('click', { clientX: x, clientY: y, bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  /** Moves the pointer onto a head's thumbnail, on the row of `query` if given, else its centre. */
  async hoverHead(layer: number, head: number, query?: number): Promise<void> {
    const T = this.element.tokens.length;
    const { x, y } = this.point(layer, head, 0.5, query === undefined ? 0.5 : (query + 0.5) / T);
    this.listbox().dispatchEvent(new PointerEvent('pointermove', { clientX: x, clientY: y, bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  async leave(): Promise<void> {
    this.listbox().dispatchEvent(new PointerEvent('pointerleave'));
    await this.element.updateComplete;
  }

  /** The painted colour at the centre of cell (query q, key k) of a head's thumbnail, as `rgb(r, g, b)`. */
  cellColour(layer: number, head: number, q: number, k: number): string {
    const T = this.element.tokens.length;
    const canvas = this.root.querySelector<HTMLCanvasElement>('.plot canvas')!;
    const box = canvas.getBoundingClientRect();
    const { x, y } = this.point(layer, head, (k + 0.5) / T, (q + 0.5) / T);
    const [r, g, b] = canvas.getContext('2d')!.getImageData(Math.floor(((x - box.left) * canvas.width) / box.width), Math.floor(((y - box.top) * canvas.height) / box.height), 1, 1).data;
    return `rgb(${r}, ${g}, ${b})`;
  }

  /** How many pixels of the grid's canvas are painted (not transparent): the lines view leaves the rest clear. */
  paintedPixels(): number {
    return painted(this.root.querySelector<HTMLCanvasElement>('.plot canvas'));
  }

  /** How many pixels of the detail panel's canvas are painted. */
  detailPaintedPixels(): number {
    return painted(this.root.querySelector<HTMLCanvasElement>('[part=detail] canvas'));
  }

  /** What the detail panel says (the inspected head and where the token looks). */
  detailText(): string {
    return clean(this.root.querySelector<HTMLElement>('[part=detail]')?.innerText);
  }

  /** The ranked list of best heads, best first. */
  rankedHeads(): RankedRow[] {
    return [...this.root.querySelectorAll('[part=ranking] li')].map((li) => {
      const [, layer, head, score] = clean(li.textContent).match(/^(\d+)\.(\d+) ([\d.]+)$/)!;
      return { layer: +layer, head: +head, score: +score };
    });
  }

  /** The ranking's heading, e.g. which tokens it is about. */
  rankingTitle(): string {
    return clean(this.root.querySelector('[part=ranking] p')?.textContent);
  }

  /** Clicks a head in the ranked list. */
  async clickRanked(index: number): Promise<void> {
    this.root.querySelectorAll<HTMLButtonElement>('[part=ranking] button')[index].click();
    await this.element.updateComplete;
  }

  /** Presses a key with the grid focused. */
  async press(key: string): Promise<void> {
    const heads = this.listbox();
    heads.focus();
    heads.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
    await this.element.updateComplete;
  }

  /** What the grid last said to screen readers. */
  announced(): string {
    return clean(this.root.querySelector('.visually-hidden[aria-live]')?.textContent);
  }

  /** The text of the error, empty, loading or notice message shown, if any. */
  message(): string {
    return clean(this.root.querySelector('[part=error], [part=empty], [part=loading], [part=notice]')?.textContent);
  }

  private listbox(): HTMLElement {
    return this.root.querySelector<HTMLElement>('[role=listbox]')!;
  }

  /** A point inside a head's thumbnail, at fractions across and down it, in client pixels. */
  private point(layer: number, head: number, across: number, down: number): { x: number; y: number } {
    const frame = this.root.querySelector(`#head-${layer}-${head}`);
    if (!frame) throw new Error(`Head ${layer}.${head} is not shown.`);
    const box = frame.getBoundingClientRect();
    return { x: box.left + across * box.width, y: box.top + down * box.height };
  }
}
