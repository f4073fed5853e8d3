// <attention-heatmap> as a standalone SVG: one rect per cell for moderate sizes, and beyond that the
// painted canvas embedded as a PNG (SVG viewers crawl past some ten thousand rects); labels, caption
// and legend are always vector text.
import type { ScaleSequential } from 'd3-scale';
import { labelStep } from '../shared/axis-labels.js';
import { escapeXml, svgDocument } from '../shared/export.js';
import type { ThemeColours } from '../shared/theme.js';
import { formatWeight } from './attention-heatmap-draw.js';

const VECTOR_LIMIT = 128;
/** Room for the axis labels, left of and above the cells. */
const GUTTER = 90;
/** Room for the caption and the legend. */
const HEADER = 56;
const RAMP = 160;
const LABEL_CHARS = 14;

export interface HeatmapPicture {
  caption: string;
  tokens: string[];
  /** T×T, row = query. */
  pattern: Float32Array;
  scale: ScaleSequential<string>;
  colours: ThemeColours;
  /** The on-screen canvas, one pixel per cell. */
  canvas: HTMLCanvasElement;
  font: string;
}

export function heatmapSvg(picture: HeatmapPicture): string {
  const T = picture.tokens.length;
  const cell = Math.min(24, Math.max(1, 720 / T));
  const side = T * cell;
  const width = Math.max(GUTTER + side, GUTTER + RAMP + 200) + 8;
  const body = [caption(picture), legend(picture), labels(picture, cell), cells(picture, cell)].join('');
  return svgDocument(width, HEADER + GUTTER + side + 8, body, picture.colours.bg, picture.font);
}

function caption({ caption, colours }: HeatmapPicture): string {
  return `<text x="8" y="18" font-weight="bold" fill="${escapeXml(colours.fg)}">${escapeXml(caption)}</text>`;
}

function legend({ scale, colours }: HeatmapPicture): string {
  const max = scale.domain()[1];
  const stops = Array.from({ length: 11 }, (_, i) => `<stop offset="${i / 10}" stop-color="${escapeXml(scale((max * i) / 10))}"/>`).join('');
  const fg = escapeXml(colours.fg);
  const tick = (x: number, anchor: string, value: number) => `<text x="${x}" y="52" text-anchor="${anchor}" fill="${fg}">${formatWeight(value)}</text>`;
  return (
    `<defs><linearGradient id="xray-attention-scale">${stops}</linearGradient></defs>` +
    `<text x="8" y="37" fill="${fg}">weight</text>` +
    `<rect x="${GUTTER}" y="28" width="${RAMP}" height="10" fill="url(#xray-attention-scale)"/>` +
    tick(GUTTER, 'start', 0) +
    tick(GUTTER + RAMP / 2, 'middle', max / 2) +
    tick(GUTTER + RAMP, 'end', max) +
    `<rect x="${GUTTER + RAMP + 20}" y="28" width="10" height="10" fill="${escapeXml(colours.masked)}"/>` +
    `<text x="${GUTTER + RAMP + 34}" y="37" fill="${fg}">masked (later tokens)</text>`
  );
}

function labels({ tokens, colours }: HeatmapPicture, cell: number): string {
  const step = labelStep(cell, 12);
  const top = HEADER + GUTTER;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += step) {
    const text = escapeXml(shorten(tokens[i]));
    const centre = (i + 0.5) * cell;
    out.push(`<text transform="translate(${GUTTER + centre},${top - 4}) rotate(-90)" dominant-baseline="middle">${text}</text>`);
    out.push(`<text x="${GUTTER - 4}" y="${top + centre}" text-anchor="end" dominant-baseline="middle">${text}</text>`);
  }
  return `<g font-size="10" fill="${escapeXml(colours.fg)}" xml:space="preserve">${out.join('')}</g>`;
}

function cells({ tokens, pattern, scale, colours, canvas }: HeatmapPicture, cell: number): string {
  const T = tokens.length;
  const [x0, y0, side] = [GUTTER, HEADER + GUTTER, T * cell];
  if (T > VECTOR_LIMIT) {
    return `<image href="${canvas.toDataURL('image/png')}" x="${x0}" y="${y0}" width="${side}" height="${side}" preserveAspectRatio="none" style="image-rendering:pixelated"/>`;
  }
  const rects: string[] = [`<rect x="${x0}" y="${y0}" width="${side}" height="${side}" fill="${escapeXml(colours.masked)}"/>`];
  for (let q = 0; q < T; q++) {
    for (let k = 0; k <= q; k++) {
      rects.push(`<rect x="${round(x0 + k * cell)}" y="${round(y0 + q * cell)}" width="${round(cell)}" height="${round(cell)}" fill="${scale(pattern[q * T + k])}"/>`);
    }
  }
  return `<g shape-rendering="crispEdges">${rects.join('')}</g>`;
}

function shorten(token: string): string {
  return token.length > LABEL_CHARS ? `${token.slice(0, LABEL_CHARS - 1)}…` : token;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
