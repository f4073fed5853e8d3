// The SVG export of a <head-grid>: vector cells (or lines, in the lines view) while the grid is
// moderate, else the painted canvas as an embedded PNG; labels, scores and the ranking stay vector
// text either way.
import type { AttentionSource } from '../../src/data.js';
import { VECTOR_LIMIT } from '../attention-lines/attention-lines-svg.js';
import { headColour, lineCount, linesSvg, type HeadLines } from '../attention-lines/lines-paint.js';
import { escapeXml, svgDocument } from '../shared/export.js';
import { colourScale, type ThemeColours } from '../shared/theme.js';
import { cellOrigin, type GridLayout, type LabelBox } from './head-grid-layout.js';
import { thumbnailFrame } from './head-grid-paint.js';

/** Above this many cells the export embeds the canvas instead of one rect per cell. */
export const MAX_VECTOR_CELLS = 40_000;
const LINE = 18;

export interface GridPicture {
  layout: GridLayout;
  source: AttentionSource;
  colours: ThemeColours;
  /** Per shown head: its caption ('' for none) and its score colour, if ranked. */
  captions: string[];
  borders: (string | undefined)[];
  /** Index of the selected head among the shown ones, or -1. */
  selected: number;
  /** The painted grid, embedded when the grid is too large for vector cells. */
  canvas: HTMLCanvasElement;
  /** Lines of text under the grid (the ranking). */
  notes: string[];
  /** The lines view: each head as lines in its colour from `palette`. */
  lines?: { palette: string[] };
}

export function gridSvg(picture: GridPicture): string {
  const { layout, source, colours, notes } = picture;
  const T = source.tokens.length;
  const cells = picture.lines ? lineCells(picture, picture.lines.palette) : layout.heads.length * T * T <= MAX_VECTOR_CELLS ? vectorCells(picture) : rasterCells(picture);
  const labels = layout.labels.map((label) => text(label, colours.fg)).join('');
  const heads = layout.heads.map((_, i) => headMarks(picture, i)).join('');
  const lines = notes.map((note, i) => `<text x="0" y="${layout.height + LINE * (i + 1)}" fill="${escapeXml(colours.fg)}">${escapeXml(note)}</text>`).join('');
  const height = layout.height + LINE * notes.length + (notes.length ? 6 : 0);
  return svgDocument(layout.width, height, cells + labels + heads + lines, colours.bg);
}

function vectorCells({ layout, source, colours }: GridPicture): string {
  const scale = colourScale(colours);
  const T = source.tokens.length;
  const c = layout.size / T;
  const n = (v: number) => +v.toFixed(2);
  const rects = layout.heads.map(({ layer, head }, i) => {
    const { x, y } = cellOrigin(layout, i);
    const pattern = source.attention(layer, head);
    let out = `<rect x="${x}" y="${y}" width="${layout.size}" height="${layout.size}" fill="${escapeXml(colours.masked)}"/>`;
    for (let q = 0; q < T; q++) {
      for (let k = 0; k < T; k++) {
        const v = pattern[q * T + k];
        if (k > q && v === 0) continue; // the causal mask, already drawn as the background
        out += `<rect x="${n(x + k * c)}" y="${n(y + q * c)}" width="${n(c)}" height="${n(c)}" fill="${scale(v)}"/>`;
      }
    }
    return out;
  });
  return `<g shape-rendering="crispEdges">${rects.join('')}</g>`;
}

/** Each thumbnail's lines, `<g data-head>` per head (no `data-layer`: the grid's order gives it). */
function lineCells(picture: GridPicture, palette: string[]): string {
  const { layout, source } = picture;
  const T = source.tokens.length;
  const heads: HeadLines[] = layout.heads.map(({ layer, head }) => ({ head, colour: headColour(palette, head), pattern: source.attention(layer, head) }));
  if (lineCount(heads, T) > VECTOR_LIMIT) return rasterCells(picture);
  return heads
    .map((lines, i) => {
      const { x, y } = cellOrigin(layout, i);
      return linesSvg(thumbnailFrame(x, y, layout.size, T), [lines], T);
    })
    .join('');
}

function rasterCells({ layout, canvas }: GridPicture): string {
  return `<image x="0" y="0" width="${layout.width}" height="${layout.height}" preserveAspectRatio="none" href="${canvas.toDataURL('image/png')}"/>`;
}

function headMarks({ layout, colours, captions, borders, selected }: GridPicture, i: number): string {
  const { x, y } = cellOrigin(layout, i);
  const s = layout.size;
  const frame = (colour: string, width: number) =>
    `<rect x="${x - width / 2}" y="${y - width / 2}" width="${s + width}" height="${s + width}" fill="none" stroke="${escapeXml(colour)}" stroke-width="${width}"/>`;
  const border = borders[i] ? frame(borders[i], 3) : '';
  const outline = i === selected ? frame(colours.accent, 2) : '';
  const caption = captions[i] ? text({ text: captions[i], x, y: y + s, width: s, height: layout.caption, align: 'middle' }, colours.muted) : '';
  return border + outline + caption;
}

function text(label: LabelBox, colour: string): string {
  const x = label.align === 'start' ? label.x : label.align === 'middle' ? label.x + label.width / 2 : label.x + label.width;
  return `<text x="${x}" y="${label.y + label.height / 2}" text-anchor="${label.align}" dominant-baseline="central" font-size="11" fill="${escapeXml(colour)}">${escapeXml(label.text)}</text>`;
}
