// Where each head's thumbnail and each label of a <head-grid> sit, in CSS pixels. One plain object
// serves the canvas, the DOM overlay, pointer hit-testing and the SVG export, so they always agree.
import type { HeadRef } from '../../src/selection.js';

/** A text box: the DOM draws it as a positioned box, the SVG export as anchored text. */
export interface LabelBox {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
  align: 'start' | 'middle' | 'end';
}

export interface GridLayout {
  /** The heads shown, in reading order (row by row). */
  heads: HeadRef[];
  cols: number;
  rows: number;
  /** Side of a thumbnail. */
  size: number;
  /** Height of the caption line under each thumbnail; 0 without captions. */
  caption: number;
  /** Origin of the first thumbnail, after the row labels and the column header. */
  left: number;
  top: number;
  /** The whole plot box. */
  width: number;
  height: number;
  /** Layer labels (rows) and head labels (columns) of the full grid, or the title of one layer's. */
  labels: LabelBox[];
}

export interface LayoutOptions {
  heads: HeadRef[];
  cols: number;
  /** Width available to the plot. */
  width: number;
  /** Rows are layers and columns are heads, so label them; one layer's heads are captioned instead. */
  axes: boolean;
  captions: boolean;
  /** A heading over a grid without axes (the layer shown). */
  title?: string;
}

export const GAP = 6;
const ROW_LABEL = 32;
const HEADER = 18;
const CAPTION = 16;
const MIN_SIZE = 16;
const MAX_SIZE = 160;

export function gridLayout({ heads, cols, width, axes, captions, title }: LayoutOptions): GridLayout {
  const rows = Math.ceil(heads.length / cols);
  const left = axes ? ROW_LABEL : 0;
  const top = axes || title ? HEADER : 0;
  const size = Math.max(MIN_SIZE, Math.min(MAX_SIZE, Math.floor((width - left - GAP * (cols - 1)) / cols)));
  const caption = captions ? CAPTION : 0;
  const layout: GridLayout = {
    heads,
    cols,
    rows,
    size,
    caption,
    left,
    top,
    width: left + cols * (size + GAP) - GAP,
    height: top + rows * (size + caption + GAP) - GAP,
    labels: [],
  };
  if (axes) layout.labels = axisLabels(layout);
  else if (title) layout.labels = [{ text: title, x: 0, y: 0, width: layout.width, height: HEADER, align: 'start' }];
  return layout;
}

/** Top-left corner of the thumbnail of the head shown at `index`. */
export function cellOrigin(layout: GridLayout, index: number): { x: number; y: number } {
  const row = Math.floor(index / layout.cols);
  const col = index % layout.cols;
  return { x: layout.left + col * (layout.size + GAP), y: layout.top + row * (layout.size + layout.caption + GAP) };
}

/** The head whose thumbnail holds the point, with how far down it the point is (0 ≤ down < 1). */
export function headAt(layout: GridLayout, x: number, y: number): { index: number; down: number } | undefined {
  const col = Math.floor((x - layout.left) / (layout.size + GAP));
  const row = Math.floor((y - layout.top) / (layout.size + layout.caption + GAP));
  const index = row * layout.cols + col;
  if (col < 0 || col >= layout.cols || row < 0 || index >= layout.heads.length) return undefined;
  const origin = cellOrigin(layout, index);
  const [dx, dy] = [x - origin.x, y - origin.y];
  if (dx >= layout.size || dy >= layout.size) return undefined; // in a gap or on the caption
  return { index, down: dy / layout.size };
}

function axisLabels(layout: GridLayout): LabelBox[] {
  const rows = Array.from({ length: layout.rows }, (_, row) => {
    const { y } = cellOrigin(layout, row * layout.cols);
    return { text: `L${layout.heads[row * layout.cols].layer}`, x: 0, y, width: layout.left - GAP, height: layout.size, align: 'end' as const };
  });
  const cols = Array.from({ length: layout.cols }, (_, col) => {
    const { x } = cellOrigin(layout, col);
    return { text: `H${layout.heads[col].head}`, x, y: 0, width: layout.size, height: layout.top, align: 'middle' as const };
  });
  return [...rows, ...cols];
}
