// Keyboard navigation over a figure's cells, the same keys in every figure: arrows move, Home/End go
// to the ends, PageUp/PageDown by pages; Enter or Space and Escape are the figure's to answer.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A figure's cells in reading order, `columns` to a row; the last row may be shorter. */
export interface GridShape {
  count: number;
  columns: number;
}

export interface GridKeysOptions {
  /** The cells on show now; undefined while there are none. */
  shape(): GridShape | undefined;
  /** Rows that PageUp and PageDown move; without it they do nothing. */
  page?: number;
  /**
   * Where Home and End go: the row's ends, and with Ctrl the first and last cell (`row`, ARIA's grid
   * pattern), or the first and last cell (`all`, ARIA's listbox pattern).
   */
  ends?: 'row' | 'all';
  /**
   * For a roving tabindex: the element of a cell, focused after each move. Without it the element
   * that has the key listener keeps focus (aria-activedescendant).
   */
  cellElement?(index: number): HTMLElement | SVGElement | null | undefined;
  /** The keyboard's cell changed to `index`. */
  onMove?(index: number): void;
  /** Enter or Space. */
  onEnter?(): void;
  /** Escape. */
  onEscape?(): void;
}

/** The keyboard's cell of a figure (its cursor) and the keys that move it; bind `onKeydown` to the cells' `keydown`. */
export class GridKeys implements ReactiveController {
  // Row and column, not an index: when the shape changes (new data) the cursor stays where it was, clamped.
  private row = 0;
  private column = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: GridKeysOptions,
  ) {
    host.addController(this);
  }

  /** The keyboard's cell, in reading order. */
  get index(): number {
    return this.row * (this.options.shape()?.columns ?? 1) + this.column;
  }

  /** Puts the cursor on `index` (a clicked or focused cell) without calling `onMove`. */
  moveTo(index: number): void {
    const shape = this.options.shape();
    if (!shape || index === this.index || index < 0 || index >= shape.count) return;
    [this.row, this.column] = [Math.floor(index / shape.columns), index % shape.columns];
    this.host.requestUpdate();
  }

  readonly onKeydown = (event: KeyboardEvent): void => {
    const { onEnter, onEscape } = this.options;
    if ((event.key === 'Enter' || event.key === ' ') && onEnter) onEnter();
    else if (event.key === 'Escape' && onEscape) onEscape();
    else if (!this.move(event)) return;
    event.preventDefault();
  };

  /** New data may have fewer rows or columns: the cursor keeps to the last one. */
  hostUpdate(): void {
    const shape = this.options.shape();
    if (!shape) return;
    this.row = Math.min(this.row, Math.ceil(shape.count / shape.columns) - 1);
    this.column = Math.min(this.column, lastColumn(shape, this.row));
  }

  /** Moves the cursor for a navigation key; false for any other key. */
  private move(event: KeyboardEvent): boolean {
    const shape = this.options.shape();
    const target = shape && this.target(event, shape);
    if (target === undefined) return false;
    const [row, column] = target;
    const index = row * shape!.columns + column;
    if (index !== this.index) {
      [this.row, this.column] = [row, column];
      this.host.requestUpdate();
      this.options.onMove?.(index);
      this.options.cellElement?.(index)?.focus();
    }
    return true;
  }

  private target(event: KeyboardEvent, shape: GridShape): [number, number] | undefined {
    const { row, column } = this;
    const rows = Math.ceil(shape.count / shape.columns);
    const last = shape.count - 1;
    const end = lastColumn(shape, row);
    // Each column's lowest row: the last row may not reach it.
    const bottom = column <= lastColumn(shape, rows - 1) ? rows - 1 : rows - 2;
    const vertical = (rowTo: number): [number, number] => [Math.max(0, Math.min(bottom, rowTo)), column];
    const cell = (index: number): [number, number] => [Math.floor(index / shape.columns), index % shape.columns];
    const whole = this.options.ends === 'all' || event.ctrlKey;
    const page = this.options.page;
    // A single row reads as a scale, as on a slider: Up and Down step along it too.
    const flat = rows === 1;
    switch (event.key) {
      case 'ArrowLeft':
        return [row, Math.max(0, column - 1)];
      case 'ArrowRight':
        return [row, Math.min(end, column + 1)];
      case 'ArrowUp':
        return flat ? [row, Math.min(end, column + 1)] : vertical(row - 1);
      case 'ArrowDown':
        return flat ? [row, Math.max(0, column - 1)] : vertical(row + 1);
      case 'Home':
        return whole ? [0, 0] : [row, 0];
      case 'End':
        return whole ? cell(last) : [row, end];
      case 'PageUp':
        return page ? vertical(row - page) : undefined;
      case 'PageDown':
        return page ? vertical(row + page) : undefined;
      default:
        return undefined;
    }
  }
}

function lastColumn(shape: GridShape, row: number): number {
  return Math.min(shape.columns, shape.count - row * shape.columns) - 1;
}
