// <head-ablation> as a standalone SVG: the map as one rect per head with its legend, and the
// before/after distributions as bars, all vector (a model has at most a few thousand heads).
import type { ScaleDiverging } from 'd3-scale';
import type { TokenRef } from '../../src/engine.js';
import type { HeadRef } from '../../src/selection.js';
import type { TopToken } from '../../src/types.js';
import { escapeXml, svgDocument } from '../shared/export.js';
import type { ThemeColours } from '../shared/theme.js';
import { findToken, formatProb, type Scan } from './head-ablation-data.js';

const MARGIN = 8;
const GUTTER = 36;
const LABEL = 20;
const RAMP = 200;
/** Where the map starts: below the caption and the legend. */
const MAP_TOP = 84;
const COLUMN = 230;
const ROW = 16;
const TOKEN_CHARS = 14;
const BAR = 80;

export interface MapPicture {
  scan: Scan;
  scale: ScaleDiverging<string>;
  /** What the colour shows, e.g. "P(“ silver”) with the head ablated". */
  legend: string;
  /** The legend's three ticks, as text: low end, clean, high end. */
  ticks: [string, string, string];
  selected?: HeadRef;
}

export interface ComparisonPicture {
  /** The heading and the lines of numbers under it. */
  lines: string[];
  before?: TopToken[];
  after?: TopToken[];
  answer?: TokenRef;
  wrong?: TokenRef;
}

export interface AblationPicture {
  caption: string;
  colours: ThemeColours;
  font: string;
  map?: MapPicture;
  comparison?: ComparisonPicture;
}

export function ablationSvg({ caption, colours, font, map, comparison }: AblationPicture): string {
  const fg = escapeXml(colours.fg);
  const parts = [`<text x="${MARGIN}" y="18" font-weight="bold" fill="${fg}">${escapeXml(caption)}</text>`];
  let right = MARGIN;
  let bottom = 24;
  if (map) {
    const drawn = mapSvg(map, colours);
    parts.push(drawn.svg);
    right = drawn.right + 24;
    bottom = drawn.bottom;
  }
  if (comparison) {
    const drawn = comparisonSvg(comparison, colours, right, map ? MAP_TOP : 38);
    parts.push(drawn.svg);
    right = drawn.right;
    bottom = Math.max(bottom, drawn.bottom);
  }
  return svgDocument(Math.ceil(Math.max(right, MARGIN + RAMP + 40)) + MARGIN, Math.ceil(bottom) + MARGIN, parts.join(''), colours.bg, font);
}

function mapSvg({ scan, scale, legend, ticks, selected }: MapPicture, colours: ThemeColours): { svg: string; right: number; bottom: number } {
  const { nLayer, nHead, values } = scan;
  const cell = Math.min(32, Math.max(10, Math.floor(480 / nHead)));
  const [fg, muted, border] = [escapeXml(colours.fg), escapeXml(colours.muted), escapeXml(colours.border)];
  const [low, high] = [scale.domain()[0], scale.domain()[2]];
  const stops = Array.from({ length: 11 }, (_, i) => `<stop offset="${i / 10}" stop-color="${escapeXml(scale(low + ((high - low) * i) / 10))}"/>`).join('');
  const tick = (x: number, anchor: string, text: string) => `<text x="${x}" y="70" text-anchor="${anchor}" fill="${muted}">${escapeXml(text)}</text>`;
  const out = [
    `<text x="${MARGIN}" y="38" fill="${muted}">${escapeXml(legend)}</text>`,
    `<defs><linearGradient id="xray-ablation-scale">${stops}</linearGradient></defs>`,
    `<rect x="${MARGIN}" y="46" width="${RAMP}" height="10" fill="url(#xray-ablation-scale)"/>`,
    tick(MARGIN, 'start', ticks[0]),
    tick(MARGIN + RAMP / 2, 'middle', ticks[1]),
    tick(MARGIN + RAMP, 'end', ticks[2]),
  ];
  const x0 = MARGIN + GUTTER;
  const y0 = MAP_TOP + LABEL;
  for (let h = 0; h < nHead; h++) out.push(`<text x="${x0 + (h + 0.5) * cell}" y="${y0 - 6}" text-anchor="middle" font-size="10" fill="${muted}">H${h}</text>`);
  for (let l = 0; l < nLayer; l++) {
    out.push(`<text x="${x0 - 6}" y="${y0 + (l + 0.5) * cell}" text-anchor="end" dominant-baseline="middle" font-size="10" fill="${muted}">L${l}</text>`);
    for (let h = 0; h < nHead; h++) {
      // A faint edge, so that heads at the clean value stay visible on a background of its colour.
      out.push(`<rect x="${x0 + h * cell}" y="${y0 + l * cell}" width="${cell}" height="${cell}" fill="${escapeXml(scale(values[l * nHead + h]))}" stroke="${border}" stroke-width="0.5"/>`);
    }
  }
  if (selected) out.push(`<rect x="${x0 + selected.head * cell + 1.5}" y="${y0 + selected.layer * cell + 1.5}" width="${cell - 3}" height="${cell - 3}" fill="none" stroke="${fg}" stroke-width="3"/>`);
  return { svg: `<g>${out.join('')}</g>`, right: Math.max(x0 + nHead * cell, MARGIN + RAMP), bottom: y0 + nLayer * cell };
}

function comparisonSvg({ lines, before, after, answer, wrong }: ComparisonPicture, colours: ThemeColours, x: number, top: number): { svg: string; right: number; bottom: number } {
  const fg = escapeXml(colours.fg);
  const out = lines.map((line, i) => `<text x="${x}" y="${top + 12 + i * ROW}" fill="${fg}">${escapeXml(line)}</text>`);
  const listTop = top + 12 + lines.length * ROW + 8;
  const shown = [before ?? [], after ?? []];
  const max = Math.max(1e-9, ...shown.flat().map((t) => t.prob));
  const isRef = (t: TopToken, ref: TokenRef | undefined) => ref !== undefined && findToken([t], ref) !== undefined;
  shown.forEach((list, column) => {
    const left = x + column * COLUMN;
    out.push(`<text x="${left}" y="${listTop}" font-weight="bold" fill="${fg}">${column ? 'After' : 'Before'}</text>`);
    list.forEach((t, i) => {
      const y = listTop + (i + 1) * ROW;
      const fill = isRef(t, answer) ? colours.accent : isRef(t, wrong) ? colours.muted : colours.border;
      out.push(
        `<text x="${left}" y="${y}" fill="${fg}" xml:space="preserve"${isRef(t, answer) ? ' font-weight="bold"' : ''}>${escapeXml(shorten(`“${t.token}”`))}</text>`,
        `<rect x="${left + 100}" y="${y - 9}" width="${Math.max(1, (BAR * t.prob) / max).toFixed(2)}" height="9" fill="${escapeXml(fill)}"/>`,
        `<text x="${left + 100 + BAR + 40}" y="${y}" text-anchor="end" fill="${fg}">${formatProb(t.prob)}</text>`,
      );
    });
  });
  const rows = Math.max(...shown.map((list) => list.length));
  const widest = Math.max(...lines.map((line) => line.length * 6.5));
  return { svg: `<g>${out.join('')}</g>`, right: x + Math.max(2 * COLUMN, widest), bottom: listTop + rows * ROW + 4 };
}

function shorten(text: string): string {
  return text.length > TOKEN_CHARS ? `${text.slice(0, TOKEN_CHARS - 1)}…` : text;
}
