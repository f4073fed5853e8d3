// The SVG export of a <token-view>: every chip with its id under it (there is no hover on paper),
// the words' brackets, and the merge step on show, all as vector shapes and escaped text.
import { escapeXml, svgDocument } from '../shared/export.js';
import type { MergeStep, TokenLayout } from './token-data.js';
import { visible } from './token-data.js';

export interface TokenPicture {
  layout: TokenLayout;
  title: string;
  summary: string;
  /** The chosen word's index in the layout's words, and the step of its merges on show. */
  chosen?: { words: number[]; title: string; position: string; step: MergeStep; sentence: string };
  width: number;
  font: string;
  /** Width of a text in the figure's font, in SVG units. */
  measure: (text: string) => number;
  colours: { fg: string; bg: string; muted: string; accent: string; border: string };
}

const PAD = 8;
const CHIP = 20;
/** A row of chips: the chip, its id, its word's bracket. */
const ROW = 44;
const GAP = 2;
const WORD_GAP = 6;

export function tokenSvg({ layout, title, summary, chosen, width, font, measure, colours }: TokenPicture): string {
  const chipWidth = (text: string) => Math.ceil(measure(text)) + 10;
  const text = (x: number, y: number, value: string, attrs: string) => `<text x="${x}" y="${y}" ${attrs} xml:space="preserve">${escapeXml(value)}</text>`;
  const colour = (name: string, value: string) => `${name}="${escapeXml(value)}"`;
  const chip = (x: number, y: number, w: number, label: string, { dashed = false, filled = false, stroke = colours.border } = {}) =>
    `<rect x="${x}" y="${y}" width="${w}" height="${CHIP}" rx="4" ${colour('fill', filled ? colours.accent : colours.bg)} ${colour('stroke', filled ? colours.accent : stroke)}${dashed ? ' stroke-dasharray="3 2"' : ''}/>` +
    text(x + w / 2, y + 14, label, `${colour('fill', filled ? colours.bg : colours.fg)} text-anchor="middle"`);
  const parts = [text(PAD, 18, title, `${colour('fill', colours.fg)} font-size="13" font-weight="600"`), text(PAD, 36, summary, colour('fill', colours.muted))];

  let [x, y] = [PAD, 48];
  for (const [index, word] of layout.words.entries()) {
    const chips = layout.chips.slice(word.start, word.end);
    const widths = chips.map((c) => chipWidth(c.shown));
    const span = widths.reduce((a, b) => a + b, 0) + GAP * (chips.length - 1);
    if (x > PAD && x + span > width - PAD) [x, y] = [PAD, y + ROW];
    const picked = chosen?.words.includes(index) ?? false;
    let at = x;
    chips.forEach((c, i) => {
      parts.push(chip(at, y, widths[i], c.shown, { dashed: c.partial, stroke: picked ? colours.accent : colours.border }));
      parts.push(text(at + widths[i] / 2, y + CHIP + 11, String(c.id), `${colour('fill', colours.muted)} text-anchor="middle" font-size="9"`));
      at += widths[i] + GAP;
    });
    const bracket = y + CHIP + 15;
    parts.push(`<path d="M${x} ${bracket}v4H${x + span}v-4" fill="none" ${colour('stroke', picked ? colours.accent : colours.muted)} stroke-width="${picked ? 2 : 1}"/>`);
    x += span + WORD_GAP;
  }
  let bottom = y + ROW;

  if (chosen) {
    parts.push(`<line x1="${PAD}" x2="${width - PAD}" y1="${bottom}" y2="${bottom}" ${colour('stroke', colours.border)}/>`);
    parts.push(text(PAD, bottom + 18, `${chosen.title}: ${chosen.position}`, `${colour('fill', colours.fg)} font-weight="600"`));
    let px = PAD;
    let py = bottom + 28;
    chosen.step.parts.forEach((part, i) => {
      const w = chipWidth(visible(part));
      if (px > PAD && px + w > width - PAD) [px, py] = [PAD, py + CHIP + 4];
      parts.push(chip(px, py, w, visible(part), { filled: chosen.step.merged[i] }));
      px += w + GAP;
    });
    parts.push(text(PAD, py + CHIP + 18, chosen.sentence, colour('fill', colours.fg)));
    bottom = py + CHIP + 28;
  }
  return svgDocument(width, bottom + PAD, parts.join(''), colours.bg, font);
}
