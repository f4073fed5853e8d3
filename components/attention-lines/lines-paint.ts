// Attention as lines, as BertViz draws it: query tokens in a left column, key tokens in a right one,
// a line from each query to each key with the weight as its opacity. Shared by <attention-lines> and
// <head-grid view="lines">: which lines there are, the head palette, the canvas painting, the SVG.
import { css } from 'lit';
import { escapeXml } from '../shared/export.js';

/** Alpha levels of a 2D canvas (8 bits). */
const LEVELS = 255;
/**
 * A weight below half a level is drawn at alpha 0 by the canvas, which is invisible: such lines are
 * left out everywhere (canvas, SVG, the drawn-lines list), so the export and the screen agree.
 */
export const MIN_WEIGHT = 0.5 / LEVELS;

/**
 * The head palette, one colour per head, cycled past the last (GPT-2 medium has 16 heads): d3's
 * category10 and two from category20b for light pages, brighter equivalents for dark ones, system
 * colours in forced-colours mode. `--xray-head-colours` (a list separated by spaces) overrides it.
 */
export const headColourStyles = css`
  :host {
    --_head-colours: var(--xray-head-colours, #1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf #393b79 #637939);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_head-colours: var(--xray-head-colours, #58a6ff #ffa657 #56d364 #ff7b72 #d2a8ff #e3b341 #f778ba #b1bac4 #d8d84a #39c5cf #a5a5ff #9ecb6f);
    }
  }
  @media (forced-colors: active) {
    :host {
      --_head-colours: CanvasText LinkText Highlight VisitedText;
    }
  }
`;

/** The head palette in effect on `host`, each colour resolved to rgb() (system colours included). */
export function headColours(host: HTMLElement): string[] {
  const list = getComputedStyle(host).getPropertyValue('--_head-colours').trim();
  const probe = document.createElement('span');
  (host.shadowRoot ?? host).append(probe);
  // Split at spaces outside parentheses, so `rgb(1 2 3)` stays one colour.
  const colours = (list.match(/[^\s(),]+(\([^)]*\))?/g) ?? []).map((colour) => {
    probe.style.color = '';
    probe.style.color = colour;
    return getComputedStyle(probe).color;
  });
  probe.remove();
  return colours.length ? colours : ['rgb(0, 0, 0)'];
}

/** Colour of head `head` (cycling through the palette). */
export const headColour = (palette: string[], head: number): string => palette[head % palette.length];

/** Keep only the lines of one token: its lines as a query (`query`) or its lines as a key (`key`). */
export interface LineFilter {
  side: 'query' | 'key';
  position: number;
}

/** One head's lines to draw. */
export interface HeadLines {
  head: number;
  colour: string;
  /** T×T, row = query. */
  pattern: Float32Array;
}

/** Where the lines go: query ends at `x0`, key ends at `x1`, token i's row centred at `top + (i + 0.5) * row`. */
export interface LineFrame {
  x0: number;
  x1: number;
  top: number;
  row: number;
  lineWidth: number;
}

/**
 * Cells `q * T + k` of a T×T pattern that get a line: weight at least `MIN_WEIGHT`, within `filter`.
 * The causal mask's weights are exactly 0, so no line ever goes to a later token.
 */
export function lineCells(pattern: Float32Array, T: number, filter?: LineFilter): Int32Array {
  const out: number[] = [];
  const take = (i: number) => pattern[i] >= MIN_WEIGHT && out.push(i);
  if (!filter) for (let i = 0; i < T * T; i++) take(i);
  else if (filter.side === 'query') for (let k = 0; k < T; k++) take(filter.position * T + k);
  else for (let q = 0; q < T; q++) take(q * T + filter.position);
  return Int32Array.from(out);
}

/** Each (query, key) cell's lines of some heads, stacked: premultiplied colour (0…255) and alpha, T×T. */
export interface LineStack {
  T: number;
  red: Float32Array;
  green: Float32Array;
  blue: Float32Array;
  alpha: Float32Array;
}

/** Rows of the lines' area, `from` to `to` in the frame's units: `strokeLines` draws only there. */
export interface LineBand {
  from: number;
  to: number;
}

/**
 * Paints the lines of `heads` into `context` (in its current transform). Every head's line from
 * query q to key k lies on the same path, so the heads' lines of one cell are composited first (in
 * head order, as source-over would stack them) and drawn as one line: twelve heads cost the pixels
 * of one, which is what the canvas spends its time on (60,000 lines of 12 heads at T = 100).
 */
export function paintLines(context: CanvasRenderingContext2D, frame: LineFrame, heads: HeadLines[], T: number, filter?: LineFilter): void {
  strokeLines(context, frame, stackLines(heads, T, filter));
}

/** The heads' lines of each cell (within `filter`) composited in head order, as `paintLines` draws them. */
export function stackLines(heads: HeadLines[], T: number, filter?: LineFilter): LineStack {
  const [red, green, blue, alpha] = Array.from({ length: 4 }, () => new Float32Array(T * T));
  // The cells `lineCells` would list, without building the list: `first`, then `step` apart.
  const [first, step, count] = !filter ? [0, 1, T * T] : filter.side === 'query' ? [filter.position * T, 1, T] : [filter.position, T, T];
  for (const { colour, pattern } of heads) {
    const [r, g, b] = rgbOf(colour);
    for (let n = 0, cell = first; n < count; n++, cell += step) {
      const weight = pattern[cell];
      if (!(weight >= MIN_WEIGHT)) continue;
      const a = Math.min(1, weight);
      red[cell] = r * a + red[cell] * (1 - a);
      green[cell] = g * a + green[cell] * (1 - a);
      blue[cell] = b * a + blue[cell] * (1 - a);
      alpha[cell] = a + alpha[cell] * (1 - a);
    }
  }
  return { T, red, green, blue, alpha };
}

/**
 * Strokes each cell's stacked line, in cell order. With `band`, only the part of each line within
 * those rows: painting an area in bands that tile it gives the same picture as painting it at once
 * (to within the antialiasing of the lines' cut ends). The lines are cut here, not by the canvas's
 * `clip()`, which doubles the time a software canvas spends on the pixels.
 */
export function strokeLines(context: CanvasRenderingContext2D, frame: LineFrame, { T, red, green, blue, alpha }: LineStack, band?: LineBand): void {
  const { x0, x1, top, row } = frame;
  context.lineWidth = frame.lineWidth;
  for (let cell = 0; cell < T * T; cell++) {
    const a = alpha[cell];
    if (a < MIN_WEIGHT) continue;
    const [y0, y1] = [top + (Math.floor(cell / T) + 0.5) * row, top + ((cell % T) + 0.5) * row];
    let [xa, ya, xb, yb] = [x0, y0, x1, y1];
    if (band) {
      const [lo, hi] = y0 < y1 ? [y0, y1] : [y1, y0];
      // Half-open rows, so that a level line on the edge between two bands is drawn once.
      if (lo === hi ? lo < band.from || lo >= band.to : hi <= band.from || lo >= band.to) continue;
      if (lo < band.from || hi > band.to) {
        // Cut where the line leaves the band (a line that does is not level).
        ya = Math.max(band.from, Math.min(band.to, y0));
        yb = Math.max(band.from, Math.min(band.to, y1));
        xa = x0 + ((x1 - x0) * (ya - y0)) / (y1 - y0);
        xb = x0 + ((x1 - x0) * (yb - y0)) / (y1 - y0);
      }
    }
    // The canvas keeps 8 bits a channel; `#rrggbb` is that, and is parsed faster than `rgb()` of fractions.
    context.strokeStyle = `#${hex(red[cell] / a)}${hex(green[cell] / a)}${hex(blue[cell] / a)}`;
    context.globalAlpha = a;
    context.beginPath();
    context.moveTo(xa, ya);
    context.lineTo(xb, yb);
    context.stroke();
  }
  context.globalAlpha = 1;
}

/** Two hex digits of each byte. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex = (channel: number) => HEX[Math.max(0, Math.min(255, Math.round(channel)))];

/** The channels of a resolved `rgb(r, g, b)` colour (what `headColours` gives). */
function rgbOf(colour: string): [number, number, number] {
  const [r = 0, g = 0, b = 0] = (colour.match(/[\d.]+/g) ?? []).map(Number);
  return [r, g, b];
}

/**
 * The same lines as SVG, one `<g>` per head (`data-head`) holding its `<line>`s in reading order
 * (query, then key), each with the weight itself as its `stroke-opacity`.
 */
export function linesSvg(frame: LineFrame, heads: HeadLines[], T: number, filter?: LineFilter): string {
  const { x0, x1, top, row } = frame;
  const n = (v: number) => +v.toFixed(2);
  return heads
    .map(({ head, colour, pattern }) => {
      const lines = Array.from(lineCells(pattern, T, filter), (cell) => {
        const [q, k] = [Math.floor(cell / T), cell % T];
        return `<line x1="${n(x0)}" y1="${n(top + (q + 0.5) * row)}" x2="${n(x1)}" y2="${n(top + (k + 0.5) * row)}" stroke-opacity="${+Math.min(1, pattern[cell]).toFixed(4)}"/>`;
      });
      return `<g data-head="${head}" stroke="${escapeXml(colour)}" stroke-width="${frame.lineWidth}" stroke-linecap="round">${lines.join('')}</g>`;
    })
    .join('');
}

/** How many lines `heads` have within `filter`: the SVG export embeds the canvas beyond a limit. */
export function lineCount(heads: HeadLines[], T: number, filter?: LineFilter): number {
  return heads.reduce((sum, { pattern }) => sum + lineCells(pattern, T, filter).length, 0);
}
