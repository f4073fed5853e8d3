// The SVG export of a <logit-attribution>: every row (not only those scrolled into view), the total,
// the axis, the legend and the sum check, all as vector shapes and escaped text.
import { escapeXml, svgDocument } from '../shared/export.js';
import { signed, type AttributionView } from './attribution-view.js';

export interface AttributionPicture {
  view: AttributionView;
  title: string;
  /** What a positive and a negative bar do, in words. */
  legend: [string, string];
  check: string;
  width: number;
  font: string;
  colours: { fg: string; bg: string; muted: string; border: string; positive: string; negative: string; total: string };
}

const PAD = 8;
const LABEL = 104;
const VALUE = 64;
const ROW = 18;
const BAR = 12;

export function attributionSvg({ view, title, legend, check, width, font, colours }: AttributionPicture): string {
  const track = { left: PAD + LABEL, width: width - 2 * PAD - LABEL - VALUE };
  const at = (value: number) => +(track.left + view.x(value) * track.width).toFixed(2);
  const text = (x: number, y: number, value: string, attrs: string) => `<text x="${x}" y="${y}" ${attrs} xml:space="preserve">${escapeXml(value)}</text>`;
  const fill = (colour: string) => `fill="${escapeXml(colour)}"`;
  const axisY = 64;
  const top = axisY + 8;
  const totalY = top + view.rows.length * ROW + 6;
  const bottom = totalY + ROW;
  const bar = (value: number, y: number, colour: string) => {
    const [x0, x1] = [at(Math.min(0, value)), at(Math.max(0, value))];
    return `<rect x="${x0}" y="${y + (ROW - BAR) / 2}" width="${+(x1 - x0).toFixed(2)}" height="${BAR}" ${fill(colour)}/>`;
  };
  const row = (label: string, value: number, y: number, colour: string, weight = '') =>
    text(PAD + LABEL - 6, y + 13, label, `${fill(colours.fg)} text-anchor="end"${weight}`) +
    bar(value, y, colour) +
    text(width - PAD, y + 13, signed(value), `${fill(colours.fg)} text-anchor="end"${weight}`);
  const swatch = (x: number, colour: string, label: string) => `<rect x="${x}" y="30" width="10" height="10" ${fill(colour)}/>` + text(x + 14, 39, label, fill(colours.muted));
  const parts = [
    text(PAD, 18, title, `${fill(colours.fg)} font-size="13" font-weight="600"`),
    swatch(PAD, colours.positive, legend[0]),
    swatch(PAD + Math.max(180, legend[0].length * 6.5 + 28), colours.negative, legend[1]),
    ...view.ticks.map((t) => text(at(t.value), axisY - 4, t.text, `${fill(colours.muted)} text-anchor="middle" font-size="11"`)),
    `<line x1="${at(0)}" x2="${at(0)}" y1="${axisY}" y2="${bottom}" stroke="${escapeXml(colours.border)}"/>`,
    ...view.rows.map((r, i) => row(r.label, r.value, top + i * ROW, r.value < 0 ? colours.negative : colours.positive)),
    `<line x1="${PAD}" x2="${width - PAD}" y1="${totalY - 3}" y2="${totalY - 3}" stroke="${escapeXml(colours.border)}"/>`,
    row('total', view.total, totalY, colours.total, ' font-weight="600"'),
    text(PAD, bottom + 20, check, fill(colours.fg)),
  ];
  return svgDocument(width, bottom + 30, parts.join(''), colours.bg, font);
}
