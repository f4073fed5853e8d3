// The SVG export of a <next-token>: the title and settings, every bar (greyed ones in words), the
// note, the generated text and the strip of surprisal, all as vector shapes and escaped text.
import { displayToken } from '../../src/analysis/logit-lens.js';
import { escapeXml, svgDocument } from '../shared/export.js';
import { barText, tokenLabel, type Bar } from './next-token-view.js';

/** A token of the surprisal strip, with its colours as drawn. */
export interface StripCell {
  token: string;
  /** undefined for the first token, which nothing predicts. */
  background?: string;
  colour: string;
}

export interface NextTokenPicture {
  title: string;
  settings: string;
  bars: Bar[];
  /** Lines under the bars: what the filters rule out, which token a step drew, the generated text. */
  lines: string[];
  strip?: { cells: StripCell[]; legend: string };
  width: number;
  font: string;
  colours: { fg: string; bg: string; muted: string; border: string; bar: string };
}

const PAD = 8;
const LABEL = 120;
const VALUE = 104;
const ROW = 18;
const BAR = 12;
/** A token's width in the strip, per character, at font size 12. */
const CHAR = 7;

export function nextTokenSvg({ title, settings, bars, lines, strip, width, font, colours }: NextTokenPicture): string {
  const track = { left: PAD + LABEL, width: width - 2 * PAD - LABEL - VALUE };
  const text = (x: number, y: number, value: string, attrs: string) => `<text x="${x}" y="${y}" ${attrs} xml:space="preserve">${escapeXml(value)}</text>`;
  const fill = (colour: string) => `fill="${escapeXml(colour)}"`;
  const axisY = 56;
  const top = axisY + 6;
  const parts = [
    text(PAD, 18, title, `${fill(colours.fg)} font-size="13" font-weight="600"`),
    text(PAD, 36, settings, fill(colours.muted)),
    ...[0, 0.25, 0.5, 0.75, 1].map((t) => text(+(track.left + t * track.width).toFixed(2), axisY - 4, `${t * 100}%`, `${fill(colours.muted)} text-anchor="middle" font-size="11"`)),
    `<line x1="${track.left}" x2="${track.left}" y1="${axisY}" y2="${top + bars.length * ROW}" stroke="${escapeXml(colours.border)}"/>`,
    ...bars.map((bar, i) => {
      const y = top + i * ROW;
      const colour = bar.drawable ? colours.fg : colours.muted;
      const weight = bar.drawn ? ' font-weight="600"' : '';
      return (
        text(track.left - 6, y + 13, tokenLabel(bar), `${fill(colour)} text-anchor="end"${weight}${bar.drawable ? '' : ' text-decoration="line-through"'}`) +
        (bar.drawable ? `<rect x="${track.left}" y="${y + (ROW - BAR) / 2}" width="${+(bar.prob * track.width).toFixed(2)}" height="${BAR}" ${fill(colours.bar)}/>` : '') +
        text(width - PAD, y + 13, barText(bar) + (bar.drawn ? ' (drawn)' : ''), `${fill(colour)} text-anchor="end"${weight}`)
      );
    }),
  ];
  let y = top + bars.length * ROW + 20;
  for (const line of lines) {
    parts.push(text(PAD, y, line, fill(colours.muted)));
    y += ROW;
  }
  if (strip) {
    parts.push(text(PAD, y + 4, strip.legend, fill(colours.muted)));
    y += 12;
    let x = PAD;
    for (const cell of strip.cells) {
      const shown = displayToken(cell.token);
      const w = shown.length * CHAR + 6;
      if (x + w > width - PAD && x > PAD) [x, y] = [PAD, y + ROW + 2];
      parts.push(
        cell.background === undefined
          ? `<rect x="${x}" y="${y}" width="${w}" height="${ROW}" fill="none" stroke="${escapeXml(colours.border)}" stroke-dasharray="2 2"/>`
          : `<rect x="${x}" y="${y}" width="${w}" height="${ROW}" ${fill(cell.background)}/>`,
        text(x + 3, y + 13, shown, fill(cell.colour)),
      );
      x += w + 2;
    }
    y += ROW + 4;
  }
  return svgDocument(width, y + 8, parts.join(''), colours.bg, font);
}
