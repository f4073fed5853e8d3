// Reader actions on an <embedding-space>: tests say what a reader does and sees, never how the
// shadow DOM is built.
import type { EmbeddingSpace } from '../../components/embedding-space.js';
import { settle } from './settle.js';

export interface ShownNeighbour {
  token: string;
  /** The similarity as written (three decimals). */
  similarity: number;
}

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

export class EmbeddingSpaceHarness {
  constructor(readonly element: EmbeddingSpace) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  /** Waits until the scatter (or an error or empty message) shows, and any list being looked up. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"], [data-busy]');
  }

  /** The words on the scatter, in the keyboard's order (left to right). */
  words(): string[] {
    return this.pointElements().map((p) => p.dataset.word!);
  }

  /** Where a word's point is drawn, in the chart's pixels (y down). */
  pointAt(word: string): { x: number; y: number } {
    const point = this.pointElement(word);
    return { x: Number(point.getAttribute('cx')), y: Number(point.getAttribute('cy')) };
  }

  /** Whether a point is hollow: a word the analogy added to the list. */
  isAdded(word: string): boolean {
    return this.pointElement(word).dataset.added === 'true';
  }

  isActive(word: string): boolean {
    return this.pointElement(word).classList.contains('active');
  }

  /** The labels drawn beside the points. */
  labels(): string[] {
    return [...this.root.querySelectorAll('[part=label]')].map((l) => l.textContent ?? '');
  }

  axisLabels(): string[] {
    return [...this.root.querySelectorAll('.axes text')].map((t) => clean(t.textContent));
  }

  /** The analogy arrows drawn, as "from → to". */
  arrows(): string[] {
    return [...this.root.querySelectorAll<SVGElement>('[part=arrow]')].map((a) => `${a.dataset.from} → ${a.dataset.to}`);
  }

  async hover(word: string): Promise<void> {
    this.pointElement(word).dispatchEvent(new PointerEvent('pointerenter'));
    await this.settled();
  }

  async unhover(word: string): Promise<void> {
    this.pointElement(word).dispatchEvent(new PointerEvent('pointerleave'));
    await this.settled();
  }

  async click(word: string): Promise<void> {
    this.pointElement(word).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await this.settled();
  }

  /** Focuses the points (their tab stop), as Tab would. */
  async focus(): Promise<void> {
    this.root.querySelector<SVGElement>('[part=point][tabindex="0"]')!.focus();
    await this.settled();
  }

  /** Presses a key on the focused point. */
  async press(key: string): Promise<void> {
    const focused = this.root.activeElement ?? this.root.querySelector('[part=point][tabindex="0"]');
    focused!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
    await this.settled();
  }

  /** The focused point's word and what it says to a screen reader. */
  focused(): { word: string; spoken: string } | undefined {
    const point = this.root.activeElement as SVGElement | null;
    return point?.dataset.word === undefined ? undefined : { word: point.dataset.word, spoken: point.getAttribute('aria-label') ?? '' };
  }

  /** The neighbours panel: its heading and list, or its hint or message. */
  neighbours(): { title: string; list: ShownNeighbour[] } {
    return this.listIn('[part=neighbours]');
  }

  /** Types a token into the search box and submits it. */
  async search(text: string): Promise<void> {
    const input = this.root.querySelector<HTMLInputElement>('[part=query] input')!;
    input.value = text;
    input.form!.requestSubmit();
    await this.settled();
  }

  queryResults(): { title: string; list: ShownNeighbour[] } {
    return this.listIn('[part=query-results]');
  }

  /** The analogy's heading and results, and the line about its arrows. */
  analogy(): { title: string; list: ShownNeighbour[]; arrows: string } {
    const part = this.root.querySelector('[part=analogy]');
    return { ...this.listIn('[part=analogy]'), arrows: clean(part?.querySelector('.hint')?.textContent) };
  }

  note(): string {
    return clean(this.root.querySelector('[part=note]')?.textContent);
  }

  notices(): string[] {
    return [...this.root.querySelectorAll('[part=notice]')].map((n) => clean(n.textContent));
  }

  /** What the figure last said to screen readers. */
  announced(): string {
    return clean(this.root.querySelector('[role=status][aria-live]')?.textContent);
  }

  /** The text of the error, empty or loading message shown, if any. */
  message(): string {
    return clean(this.root.querySelector('[part=error], [part=empty], [part=loading]')?.textContent);
  }

  private listIn(selector: string): { title: string; list: ShownNeighbour[] } {
    const part = this.root.querySelector(selector);
    const list = [...(part?.querySelectorAll('li') ?? [])].map((li) => ({
      token: li.dataset.token!,
      similarity: Number(clean(li.querySelector('.sim')?.textContent).replace('−', '-')),
    }));
    const title = clean((part?.querySelector('h3') ?? part?.querySelector('p'))?.textContent);
    return { title, list };
  }

  private pointElements(): SVGElement[] {
    return [...this.root.querySelectorAll<SVGElement>('[part=point]')];
  }

  private pointElement(word: string): SVGElement {
    const point = this.pointElements().find((p) => p.dataset.word === word);
    if (!point) throw new Error(`No point for ${JSON.stringify(word)}.`);
    return point;
  }
}
