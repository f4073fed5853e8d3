// Paints attention patterns as pixels: every head of a grid into one ImageData, through a colour
// table built from the theme's scale, so 144 heads at T = 64 take a few milliseconds. The lines
// view draws each head as BertViz's model view does, with <attention-lines>' own painter.
import type { AttentionSource } from '../../src/data.js';
import { headColour, paintLines, type LineFilter, type LineFrame } from '../attention-lines/lines-paint.js';
import { colourScale, type ThemeColours } from '../shared/theme.js';
import { cellOrigin, type GridLayout } from './head-grid-layout.js';

/** Index of the masked colour in a colour table; 0…255 are the scale at v = i / 255. */
const MASKED = 256;

/**
 * The scale at 256 steps plus the masked colour, as packed pixels. The browser packs them (one
 * fillRect each, read back once), so byte order and every CSS colour syntax are its business.
 */
export function colourTable(colours: ThemeColours): Uint32Array {
  const scale = colourScale(colours);
  const context = new OffscreenCanvas(MASKED + 1, 1).getContext('2d', { willReadFrequently: true })!;
  for (let i = 0; i <= MASKED; i++) {
    context.fillStyle = i === MASKED ? colours.masked : scale(i / 255);
    context.fillRect(i, 0, 1, 1);
  }
  return new Uint32Array(context.getImageData(0, 0, MASKED + 1, 1).data.buffer);
}

/** Paints every head of `layout` into `canvas`, sized for the device pixel ratio. */
export function paintGrid(canvas: HTMLCanvasElement, layout: GridLayout, source: AttentionSource, table: Uint32Array, dpr: number): void {
  canvas.width = Math.round(layout.width * dpr);
  canvas.height = Math.round(layout.height * dpr);
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(canvas.width, canvas.height);
  const pixels = new Uint32Array(image.data.buffer);
  const side = Math.round(layout.size * dpr);
  const edges = tokenEdges(side, source.tokens.length);
  layout.heads.forEach(({ layer, head }, i) => {
    const { x, y } = cellOrigin(layout, i);
    paintPattern(pixels, canvas.width, Math.round(x * dpr), Math.round(y * dpr), side, edges, source.attention(layer, head), table);
  });
  context.putImageData(image, 0, 0);
}

/** The lines' frame of a `size`-pixel thumbnail at (`x`, `y`): queries on its left edge, keys on its right. */
export function thumbnailFrame(x: number, y: number, size: number, T: number): LineFrame {
  const inset = Math.min(4, size / 8);
  return { x0: x + inset, x1: x + size - inset, top: y, row: size / T, lineWidth: 1 };
}

/** Paints every head of `layout` as lines in its head colour (the lines view), sized for the device pixel ratio. */
export function paintGridLines(canvas: HTMLCanvasElement, layout: GridLayout, source: AttentionSource, palette: string[], dpr: number): void {
  canvas.width = Math.round(layout.width * dpr);
  canvas.height = Math.round(layout.height * dpr);
  const context = canvas.getContext('2d')!;
  context.setTransform(dpr, 0, 0, dpr, 0, 0);
  const T = source.tokens.length;
  layout.heads.forEach(({ layer, head }, i) => {
    const { x, y } = cellOrigin(layout, i);
    paintLines(context, thumbnailFrame(x, y, layout.size, T), [{ head, colour: headColour(palette, head), pattern: source.attention(layer, head) }], T);
  });
}

/** Paints one head's lines filling `canvas` (a square of `size` CSS pixels): the `query` token's alone, as <attention-lines> on hover. */
export function paintHeadLines(canvas: HTMLCanvasElement, pattern: Float32Array, T: number, query: number, colour: string, size: number, dpr: number): void {
  canvas.width = canvas.height = Math.round(size * dpr);
  const context = canvas.getContext('2d')!;
  context.setTransform(dpr, 0, 0, dpr, 0, 0);
  const filter: LineFilter = { side: 'query', position: query };
  paintLines(context, thumbnailFrame(0, 0, size, T), [{ head: 0, colour, pattern }], T, filter);
}

/** Paints one head filling `canvas` (a square of `size` CSS pixels) and outlines the `query` row. */
export function paintHead(canvas: HTMLCanvasElement, pattern: Float32Array, T: number, query: number, table: Uint32Array, accent: string, size: number, dpr: number): void {
  const side = Math.round(size * dpr);
  canvas.width = canvas.height = side;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(side, side);
  paintPattern(new Uint32Array(image.data.buffer), side, 0, 0, side, tokenEdges(side, T), pattern, table);
  context.putImageData(image, 0, 0);
  const row = side / T;
  context.strokeStyle = accent;
  context.lineWidth = Math.max(1, dpr);
  context.strokeRect(0.5, query * row + 0.5, side - 1, Math.max(row - 1, 1));
}

/** Token boundaries of each pixel of a `side`-pixel thumbnail: pixel i covers tokens edges[i]…. */
function tokenEdges(side: number, T: number): Int32Array {
  return Int32Array.from({ length: side + 1 }, (_, i) => Math.floor((i * T) / side));
}

/**
 * A pixel covering several tokens shows their largest weight, so a one-token stripe (a
 * previous-token diagonal) survives shrinking. A pixel wholly above the diagonal whose weights are
 * all zero is the causal mask; non-causal data keeps its colours there. A pixel row showing the
 * same tokens as the row above (a thumbnail larger than T) is copied, not recomputed.
 */
function paintPattern(pixels: Uint32Array, stride: number, x0: number, y0: number, side: number, edges: Int32Array, pattern: Float32Array, table: Uint32Array): void {
  const T = edges[side];
  for (let py = 0; py < side; py++) {
    const q0 = edges[py];
    const q1 = Math.max(edges[py + 1], q0 + 1);
    const row = (y0 + py) * stride + x0;
    if (py > 0 && q0 === edges[py - 1]) {
      pixels.copyWithin(row, row - stride, row - stride + side);
      continue;
    }
    for (let px = 0; px < side; px++) {
      const k0 = edges[px];
      const k1 = Math.max(edges[px + 1], k0 + 1);
      let max = 0;
      for (let q = q0; q < q1; q++) for (let k = k0; k < k1; k++) max = Math.max(max, pattern[q * T + k]);
      pixels[row + px] = max === 0 && k0 >= q1 ? table[MASKED] : table[Math.round(Math.min(max, 1) * 255)];
    }
  }
}
