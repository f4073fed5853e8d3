// Where the cells, labels and legend of an <activation-patching> chart sit, in CSS pixels. One
// plain object serves the chart, the tooltip and the export, so they always agree.

export interface PatchLayout {
  rows: number;
  columns: number;
  /** Side of a cell. */
  cell: number;
  /** Origin of the first cell, after the row labels and the column labels. */
  left: number;
  top: number;
  /** Column labels run upwards (tokens) or sit level (heads). */
  rotated: boolean;
  legendTop: number;
  /** The whole chart. */
  width: number;
  height: number;
}

export interface LayoutOptions {
  rows: number;
  columns: number;
  /** Width the chart may take. */
  available: number;
  /** Width of the longest column label, measured in the figure's font. */
  longestLabel: number;
  rotated: boolean;
  /** Width the legend needs. */
  legendWidth: number;
}

/** Room for the row labels ("L11"). */
const ROW_LABELS = 36;
/** Never below a label line, so every column keeps its label; long prompts scroll instead. */
const MIN_CELL = 14;
const MAX_CELL = 44;
/** Longest a rotated label may run; longer ones are shortened (their cells name them in full). */
export const MAX_LABEL = 150;
/** Height of a label line, and of the mark over a column where the prompts differ. */
export const LINE = 14;
export const MARK = 4;
const LEGEND_GAP = 18;
export const LEGEND_HEIGHT = 52;
const RIGHT = 8;

export function patchLayout({ rows, columns, available, longestLabel, rotated, legendWidth }: LayoutOptions): PatchLayout {
  const left = ROW_LABELS;
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor((available - left - RIGHT) / columns)));
  const top = Math.ceil((rotated ? Math.min(longestLabel, MAX_LABEL) + 6 : LINE + 4) + MARK + 2);
  const legendTop = top + rows * cell + LEGEND_GAP;
  return {
    rows,
    columns,
    cell,
    left,
    top,
    rotated,
    legendTop,
    width: Math.max(left + columns * cell + RIGHT, left + legendWidth),
    height: legendTop + LEGEND_HEIGHT,
  };
}

/** The top-left corner of a cell. */
export function cellOrigin(layout: PatchLayout, layer: number, column: number): { x: number; y: number } {
  return { x: layout.left + column * layout.cell, y: layout.top + layer * layout.cell };
}
