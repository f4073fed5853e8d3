// Reader actions on a <token-view>: tests say what a reader does and sees, never how the shadow
// DOM is built.
import type { TokenView } from '../../components/token-view.js';
import { settle } from './settle.js';

export interface ChipRead {
  /** What the chip shows. */
  text: string;
  id: number;
  /** What a screen reader says of it. */
  label: string;
  kind: 'token' | 'partial' | 'special';
}

export interface PartRead {
  text: string;
  /** The step's merge just made it. */
  merged: boolean;
}

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
/** A chip's name for a screen reader: its text, not aria-hidden. */
const labelOf = (chip: HTMLElement) => clean(chip.querySelector('.visually-hidden')?.textContent);

export class TokenViewHarness {
  constructor(readonly element: TokenView) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  /** Waits until the chips (or an error or empty message) show. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"]');
  }

  /** "3 tokens". */
  count(): string {
    return clean(this.root.querySelector('[part=count]')?.textContent);
  }

  summary(): string {
    return clean(this.root.querySelector('[part=summary]')?.textContent);
  }

  chips(): ChipRead[] {
    return this.chipElements().map((chip) => {
      const parts = chip.getAttribute('part')!.split(' ');
      return {
        text: chip.querySelector('.shown')!.textContent!,
        id: Number(chip.querySelector('[part=id]')!.textContent),
        label: labelOf(chip),
        kind: parts.includes('partial') ? 'partial' : parts.includes('special') ? 'special' : 'token',
      };
    });
  }

  chipTexts(): string[] {
    return this.chips().map((c) => c.text);
  }

  /** Each word's chips, as they show. */
  words(): string[][] {
    return this.wordElements().map((word) => [...word.querySelectorAll<HTMLElement>('[part~=chip] .shown')].map((shown) => shown.textContent!));
  }

  /** The words marked as chosen (their index among the words). */
  chosenWords(): number[] {
    return this.wordElements().flatMap((word, i) => (word.classList.contains('chosen') ? [i] : []));
  }

  /** The colour of a word's bracket, as the browser resolved it. */
  bracketColour(word: number): string {
    return getComputedStyle(this.wordElements()[word].querySelector('.bracket')!).borderBottomColor;
  }

  /** The chips lit by a hover here or in a linked figure. */
  litChips(): number[] {
    return this.chipElements().flatMap((chip, i) => (chip.classList.contains('linked') ? [i] : []));
  }

  /** Whether a chip's id shows (on hover and focus only). */
  idShown(index: number): boolean {
    return getComputedStyle(this.chipElements()[index].querySelector('[part=id]')!).display !== 'none';
  }

  async clickWord(index: number): Promise<void> {
    this.wordElements()[index].click();
    await this.element.updateComplete;
  }

  async clickChip(index: number): Promise<void> {
    this.chipElements()[index].click();
    await this.element.updateComplete;
  }

  async hoverChip(index: number): Promise<void> {
    this.chipElements()[index].dispatchEvent(new PointerEvent('pointerenter'));
    await this.element.updateComplete;
  }

  async leave(): Promise<void> {
    this.root.querySelector('[part=tokens]')!.dispatchEvent(new PointerEvent('pointerleave'));
    await this.element.updateComplete;
  }

  /** Focuses the chips (their tab stop), as Tab would. */
  async focus(): Promise<void> {
    this.root.querySelector<HTMLElement>('[part~=chip][tabindex="0"]')!.focus();
    await this.element.updateComplete;
  }

  /** Presses a key on what has focus in the figure (a chip, or a merges button). */
  async press(key: string): Promise<void> {
    const focused = this.root.activeElement ?? this.root.querySelector('[part~=chip][tabindex="0"]');
    focused!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
    await this.element.updateComplete;
  }

  /** The focused chip's index and what it says to a screen reader. */
  focusedChip(): { index: number; label: string } | undefined {
    const chip = this.root.activeElement as HTMLElement | null;
    return chip?.dataset.index === undefined ? undefined : { index: Number(chip.dataset.index), label: labelOf(chip) };
  }

  /** The merges' title, step number, parts and sentence; undefined while no word is chosen. */
  merges(): { title: string; position: string; parts: PartRead[]; merge: string } | undefined {
    const panel = this.root.querySelector('[part=merges]');
    if (!panel?.querySelector('[part=parts]')) return undefined;
    return {
      title: clean(panel.querySelector('.merges-title')?.textContent),
      position: clean(panel.querySelector('[part=position]')?.textContent),
      parts: [...panel.querySelectorAll('[part~=part]')].map((p) => ({ text: p.textContent!, merged: p.getAttribute('part')!.split(' ').includes('merged') })),
      merge: clean(panel.querySelector('[part=merge]')?.textContent),
    };
  }

  /** The merges' parts at the step on show, as they read. */
  parts(): string[] {
    return this.merges()?.parts.map((p) => p.text) ?? [];
  }

  /** Clicks the first, previous, next or last button, and focuses it. */
  async step(button: 'first' | 'previous' | 'next' | 'last'): Promise<void> {
    const target = this.root.querySelector<HTMLButtonElement>(`[part=steps] [data-step=${button}]`)!;
    target.focus();
    target.click();
    await this.element.updateComplete;
  }

  /** The step buttons a reader cannot use now (at the first or last step). */
  disabledSteps(): string[] {
    return [...this.root.querySelectorAll<HTMLElement>('[part=steps] [aria-disabled=true]')].map((b) => b.dataset.step!);
  }

  hint(): string {
    return clean(this.root.querySelector('[part=hint]')?.textContent);
  }

  /** What the figure last said to screen readers. */
  announced(): string {
    return clean(this.root.querySelector('[aria-live]')?.textContent);
  }

  /** The text of the error, empty or loading message shown, if any. */
  message(): string {
    return clean(this.root.querySelector('[part=error], [part=empty], [part=loading]')?.textContent);
  }

  private chipElements(): HTMLElement[] {
    return [...this.root.querySelectorAll<HTMLElement>('[part~=chip]')];
  }

  private wordElements(): HTMLElement[] {
    return [...this.root.querySelectorAll<HTMLElement>('[part=word]')];
  }
}
