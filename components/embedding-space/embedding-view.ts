// Where an <embedding-space> puts its points, the order the keyboard visits them in, and the words
// the figure says about tokens and similarities.
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { displayToken } from '../../src/analysis/logit-lens.js';
import type { EmbeddingScene } from './embedding-data.js';

export const HEIGHT = 360;
const MARGIN = { top: 16, right: 56, bottom: 36, left: 36 };

export interface ScatterLayout {
  width: number;
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  /** Word indices from left to right (then bottom to top): the keyboard's order. */
  order: number[];
  xLabel: string;
  yLabel: string;
}

export function scatterLayout(scene: EmbeddingScene, width: number): ScatterLayout {
  const extent = (values: number[]): [number, number] => {
    let [low, high] = [Math.min(...values), Math.max(...values)];
    if (low === high) [low, high] = [low - 1, high + 1];
    const pad = (high - low) * 0.06;
    return [low - pad, high + pad];
  };
  const x = scaleLinear()
    .domain(extent(scene.points.map((p) => p.x)))
    .range([MARGIN.left, width - MARGIN.right]);
  const y = scaleLinear()
    .domain(extent(scene.points.map((p) => p.y)))
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const order = scene.words.map((_, i) => i).sort((a, b) => scene.points[a].x - scene.points[b].x || scene.points[a].y - scene.points[b].y);
  const axis = (n: number) => `PC${n + 1}${scene.explained ? ` (${(scene.explained[n] * 100).toFixed(1)}% of the variance)` : ''}`;
  return { width, x, y, order, xLabel: axis(0), yLabel: axis(1) };
}

/** A token as the reader sees it, quoted so that its spaces show. */
export function quote(token: string): string {
  return `“${displayToken(token)}”`;
}

/** A similarity or a coordinate, three decimals, minus as U+2212. */
export function decimal(value: number): string {
  return `${value < 0 ? '−' : ''}${Math.abs(value).toFixed(3)}`;
}

/** "king − man + woman", the words as typed (their leading spaces dropped). */
export function analogyText({ a, b, c }: { a: string; b: string; c: string }): string {
  return `${a.trim()} − ${b.trim()} + ${c.trim()}`;
}
