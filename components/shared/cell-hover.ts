// Which cell a figure's tooltip shows, the same way in every figure: the pinned cell, else the one
// under the pointer, else the keyboard's while the figure has focus. Escape hides it until the next move.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { GridKeys, type GridKeysOptions } from './grid-keys.js';

export interface CellHoverOptions extends GridKeysOptions {
  /** The shown cell changed (undefined: none), e.g. to tell linked figures its token. */
  onActive?(index: number | undefined): void;
  /** The keyboard's cell was pinned (by a click or Enter, or the pin moved with the keyboard), or unpinned. */
  onPin?(pinned: boolean): void;
}

/**
 * Pointer, focus and pin state over a figure's cells, with its keyboard navigation (`keys`). Bind
 * `point` to the pointer, `click` to clicks, `focusIn`/`onFocusOut` to the cells' focus events and
 * `keys.onKeydown` to their keys.
 */
export class CellHover implements ReactiveController {
  /** The keyboard's cell and the keys that move it; a keyboard move wins over the pointer. */
  readonly keys: GridKeys;
  /** Whether the tooltip stays on the keyboard's cell (a click or Enter) until Escape or another click or Enter. */
  pinned = false;
  private hovered: number | undefined;
  private focused = false;
  /** Escape hides the tooltip until the pointer or the keyboard moves on (WCAG 1.4.13: dismissible). */
  private dismissed = false;
  private shown: number | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: CellHoverOptions,
  ) {
    host.addController(this);
    this.keys = new GridKeys(host, {
      ...options,
      // The pin moves with the keyboard's cell.
      onMove: (index) => {
        this.hovered = undefined;
        this.dismissed = false;
        this.changed();
        options.onMove?.(index);
        if (this.pinned) this.pin(true);
      },
      onEscape: () => {
        this.dismissed = true;
        this.pin(false);
        this.changed();
        options.onEscape?.();
      },
    });
  }

  /** The cell whose tooltip shows, if any. */
  get active(): number | undefined {
    if (this.dismissed) return undefined;
    if (this.pinned) return this.keys.index;
    return this.hovered ?? (this.focused ? this.keys.index : undefined);
  }

  /** The pointer is over cell `index`, or over none. */
  point(index: number | undefined): void {
    if (index === this.hovered) return;
    this.hovered = index;
    if (index !== undefined) this.dismissed = false;
    this.changed();
  }

  /** A click on a cell: it becomes the keyboard's and is pinned, or unpinned when it was the pinned one. */
  click(index: number): void {
    const again = this.pinned && index === this.keys.index;
    this.keys.moveTo(index);
    this.dismissed = false;
    this.pin(!again);
    this.changed();
  }

  /** Enter or Space: pins the keyboard's cell, or unpins it. */
  togglePin(): void {
    this.dismissed = false;
    this.pin(!this.pinned);
    this.changed();
  }

  /**
   * Focus came to the cells; with a roving tabindex, to cell `index`, which the reader chose over
   * whatever the pointer rests on, and which `onMove` reports.
   */
  focusIn(index?: number): void {
    this.focused = true;
    this.dismissed = false;
    if (index !== undefined) {
      this.keys.moveTo(index);
      this.hovered = undefined;
    }
    this.changed();
    if (index !== undefined) this.options.onMove?.(index);
  }

  /** For the cells' container's `focusout`: focus moving between its own cells is not a blur. */
  readonly onFocusOut = (event: FocusEvent): void => {
    const next = event.relatedTarget as Node | null;
    if (next && (event.currentTarget as Node).contains(next)) return;
    this.focused = false;
    this.changed();
  };

  /** New data may have fewer cells: the pointer's goes if it is gone. */
  hostUpdate(): void {
    const count = this.options.shape()?.count ?? 0;
    if (this.hovered !== undefined && this.hovered >= count) this.hovered = undefined;
  }

  private pin(pinned: boolean): void {
    if (!pinned && !this.pinned) return;
    this.pinned = pinned;
    this.options.onPin?.(pinned);
  }

  private changed(): void {
    this.host.requestUpdate();
    const active = this.active;
    if (active === this.shown) return;
    this.shown = active;
    this.options.onActive?.(active);
  }
}
