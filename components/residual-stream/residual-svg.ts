// A <residual-stream> as a standalone SVG: the heatmap as one rect per cell with every token label
// that fits, or the PCA chart as drawn on screen; caption and legend as vector text.
import { labelStep } from '../shared/axis-labels.js';
import { childrenMarkup, dropFocusStops, escapeXml, svgDocument } from '../shared/export.js';
import type { ThemeColours } from '../shared/theme.js';
import { displayToken } from '../../src/analysis/logit-lens.js';
import { columnName, type Grid } from './residual-view.js';

const PAD = 8;
const GUTTER = 110;
const HEADER = 64;
const RAMP = 160;
const LABEL_PX = 14;

export interface GridPicture {
  caption: string;
  grid: Grid;
  nLayer: number;
  colours: ThemeColours;
  font: string;
}

export function gridSvg({ caption, grid, nLayer, colours, font }: GridPicture): string {
  const T = grid.tokens.length;
  // Every label up to 100 tokens; beyond, rows as thin as on screen, labels thinned.
  const row = T <= 100 ? LABEL_PX : Math.max(3, Math.floor(1400 / T));
  const cell = Math.max(24, Math.min(56, Math.floor(640 / grid.columns)));
  const fill = (colour: string) => `fill="${escapeXml(colour)}"`;
  const text = (x: number, y: number, value: string, attrs: string) => `<text x="${x}" y="${y}" ${attrs} xml:space="preserve">${escapeXml(value)}</text>`;
  const top = HEADER + 20;
  const parts = [text(PAD, 18, caption, `${fill(colours.fg)} font-size="13" font-weight="600"`)];
  // The legend: the ramp as eleven swatches, its ticks, and the masked colour where the view has one.
  const swatch = RAMP / grid.ramp.length;
  grid.ramp.forEach((colour, i) => parts.push(`<rect x="${+(PAD + i * swatch).toFixed(2)}" y="30" width="${+swatch.toFixed(2)}" height="10" ${fill(colour)}/>`));
  grid.ticks.forEach((tick) => parts.push(text(+(PAD + tick.at * RAMP).toFixed(2), 54, tick.text, `${fill(colours.muted)} text-anchor="middle" font-size="11"`)));
  if (grid.log) parts.push(text(PAD + RAMP + 12, 39, 'log scale', fill(colours.muted)));
  if (grid.values.some(Number.isNaN)) parts.push(`<rect x="${PAD + RAMP + 90}" y="30" width="10" height="10" ${fill(colours.masked)}/>`, text(PAD + RAMP + 104, 39, 'none', fill(colours.muted)));
  for (let c = 0; c < grid.columns; c++) {
    const label = columnName(grid.stat, c, nLayer)
      .replace(/ \(.*\)$/, '')
      .replace(/^(layer|block) /, '');
    parts.push(text(GUTTER + (c + 0.5) * cell, top - 6, label, `${fill(colours.muted)} text-anchor="middle" font-size="11"`));
  }
  const step = labelStep(row, LABEL_PX);
  for (let t = 0; t < T; t += step) parts.push(text(GUTTER - 6, top + (t + 0.5) * row + 4, displayToken(grid.tokens[t]), `${fill(colours.fg)} text-anchor="end" font-size="11"`));
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < grid.columns; c++) {
      parts.push(`<rect x="${GUTTER + c * cell}" y="${top + t * row}" width="${cell}" height="${row}" ${fill(grid.colour(grid.values[t * grid.columns + c]))}/>`);
    }
  }
  return svgDocument(GUTTER + grid.columns * cell + PAD, top + T * row + PAD, parts.join(''), colours.bg, font);
}

export interface PathsPicture {
  caption: string;
  /** The on-screen chart; its focus targets are left out of the file. */
  chart: SVGSVGElement;
  colours: ThemeColours;
  font: string;
}

export function pathsSvg({ caption, chart, colours, font }: PathsPicture): string {
  const copy = chart.cloneNode(true) as SVGSVGElement;
  dropFocusStops(copy);
  const body = childrenMarkup(copy);
  const [width, height] = [Number(chart.getAttribute('width')), Number(chart.getAttribute('height'))];
  const title = `<text x="${PAD}" y="18" fill="${escapeXml(colours.fg)}" font-size="13" font-weight="600" xml:space="preserve">${escapeXml(caption)}</text>`;
  return svgDocument(width, height + 28, `${title}<g transform="translate(0 28)">${body}</g>`, colours.bg, font);
}
