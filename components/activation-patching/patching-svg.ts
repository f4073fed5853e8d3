// <activation-patching> as a standalone SVG: the caption lines over the chart as drawn, without what
// only the page needs (focus stops, roles, the hover outline and the linked column).
import { childrenMarkup, escapeXml, svgDocument } from '../shared/export.js';
import type { ThemeColours } from '../shared/theme.js';

const LINE = 18;
const PAD = 8;

export interface PatchingPicture {
  /** The on-screen chart. */
  chart: SVGSVGElement;
  width: number;
  height: number;
  title: string;
  /** The summary lines under the title. */
  lines: string[];
  colours: ThemeColours;
  font: string;
  /** Text width in the export's font, to size the document. */
  measure(text: string, bold?: boolean): number;
}

export function patchingSvg({ chart, width, height, title, lines, colours, font, measure }: PatchingPicture): string {
  const copy = chart.cloneNode(true) as SVGSVGElement;
  copy.querySelectorAll('.active, .linked').forEach((node) => node.remove());
  const walker = document.createTreeWalker(copy, NodeFilter.SHOW_COMMENT);
  const markers: ChildNode[] = []; // Lit's template markers
  while (walker.nextNode()) markers.push(walker.currentNode as ChildNode);
  markers.forEach((marker) => marker.remove());
  for (const node of [copy, ...copy.querySelectorAll('*')]) {
    for (const name of node.getAttributeNames()) if (name === 'tabindex' || name === 'role' || name.startsWith('aria-')) node.removeAttribute(name);
  }
  const body = childrenMarkup(copy);
  const header = [
    `<text x="${PAD}" y="${LINE}" font-weight="bold" font-size="13" fill="${escapeXml(colours.fg)}">${escapeXml(title)}</text>`,
    ...lines.map((line, i) => `<text x="${PAD}" y="${LINE * (i + 2)}" font-size="11" fill="${escapeXml(colours.muted)}">${escapeXml(line)}</text>`),
  ].join('');
  const top = LINE * (lines.length + 1) + PAD;
  const documentWidth = Math.ceil(Math.max(width, PAD * 2 + measure(title, true), ...lines.map((line) => PAD * 2 + measure(line))));
  return svgDocument(documentWidth, top + height, `${header}<g transform="translate(0 ${top})" xml:space="preserve">${body}</g>`, colours.bg, font);
}
