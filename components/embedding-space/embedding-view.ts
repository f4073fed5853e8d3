// Where an <embedding-space> puts its points, the order the keyboard visits them in, and the analogy
// as the figure writes it.
import { scaleLinear, type ScaleLinear } from 'd3-scale';
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

/** "king − man + woman", the words as typed (their leading spaces dropped). */
export function analogyText({ a, b, c }: { a: string; b: string; c: string }): string {
  return `${a.trim()} − ${b.trim()} + ${c.trim()}`;
}
