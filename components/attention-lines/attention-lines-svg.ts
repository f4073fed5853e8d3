// <attention-lines> as a standalone SVG, as on show: the shown heads' lines (a hovered token's alone
// when one is hovered) between the two columns of tokens, a caption and the head legend. Beyond some
// twenty thousand lines the painted canvas goes in as a PNG instead (SVG viewers crawl).
import { escapeXml, svgDocument } from '../shared/export.js';
import type { ThemeColours } from '../shared/theme.js';
import { lineCount, linesSvg, type HeadLines, type LineFilter, type LineFrame } from './lines-paint.js';

export const VECTOR_LIMIT = 20_000;
/** Room for the caption and the head legend. */
const HEADER = 48;
const LABEL_CHARS = 20;
const SWATCH = 34;

export interface LinesPicture {
  caption: string;
  tokens: string[];
  heads: HeadLines[];
  filter?: LineFilter;
  /** The lines' frame, relative to the lines' area. */
  frame: LineFrame;
  /** Width of each token column; the lines' area lies between them. */
  label: number;
  area: number;
  colours: ThemeColours;
  /** The on-screen canvas of every shown line, embedded when they are too many for vector lines. */
  canvas: HTMLCanvasElement;
  font: string;
}

export function linesPictureSvg(picture: LinesPicture): string {
  const { tokens, frame, label, area, colours } = picture;
  const height = HEADER + tokens.length * frame.row + 8;
  const width = Math.max(2 * label + area, 8 + SWATCH * picture.heads.length) + 8;
  return svgDocument(width, height, [caption(picture), legend(picture), labels(picture), lines(picture)].join(''), colours.bg, picture.font);
}

function caption({ caption, colours }: LinesPicture): string {
  return `<text x="8" y="18" font-weight="bold" fill="${escapeXml(colours.fg)}">${escapeXml(caption)}</text>`;
}

function legend({ heads, colours }: LinesPicture): string {
  return heads
    .map(({ head, colour }, i) => {
      const x = 8 + i * SWATCH;
      return `<rect x="${x}" y="28" width="10" height="10" fill="${escapeXml(colour)}"/><text x="${x + 13}" y="37" fill="${escapeXml(colours.fg)}">${head}</text>`;
    })
    .join('');
}

function labels({ tokens, frame, label, area, filter, colours }: LinesPicture): string {
  const out: string[] = [];
  tokens.forEach((token, i) => {
    const y = HEADER + (i + 0.5) * frame.row;
    const text = escapeXml(shorten(token));
    const on = (side: LineFilter['side']) => (filter?.side === side && filter.position === i ? ` font-weight="bold" fill="${escapeXml(colours.accent)}"` : '');
    out.push(`<text x="${label - 6}" y="${y}" text-anchor="end" dominant-baseline="central"${on('query')}>${text}</text>`);
    out.push(`<text x="${label + area + 6}" y="${y}" dominant-baseline="central"${on('key')}>${text}</text>`);
  });
  return `<g font-size="12" fill="${escapeXml(colours.fg)}" xml:space="preserve">${out.join('')}</g>`;
}

function lines({ tokens, heads, filter, frame, label, area, canvas }: LinesPicture): string {
  const T = tokens.length;
  if (!filter && lineCount(heads, T) > VECTOR_LIMIT) {
    return `<image href="${canvas.toDataURL('image/png')}" x="${label}" y="${HEADER}" width="${area}" height="${T * frame.row}" preserveAspectRatio="none"/>`;
  }
  return `<g transform="translate(${label},${HEADER})">${linesSvg(frame, heads, T, filter)}</g>`;
}

function shorten(token: string): string {
  return token.length > LABEL_CHARS ? `${token.slice(0, LABEL_CHARS - 1)}…` : token;
}
