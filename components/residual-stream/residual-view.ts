// What a <residual-stream> shows of each statistic: its grid of values (tokens as rows, layers as
// columns), its colour scale, its words; and where the PCA paths go. No DOM.
import { interpolateRgb, piecewise } from 'd3-interpolate';
import { scaleDiverging, scaleLinear, scaleSequential, scaleSequentialLog, type ScaleLinear } from 'd3-scale';
import { displayToken } from '../../src/analysis/logit-lens.js';
import type { ResidualPaths, ResidualStats } from '../../src/analysis/residual-stats.js';
import { decimal } from '../shared/format.js';
import type { ThemeColours } from '../shared/theme.js';
import type { Stat } from './residual-data.js';

export type GridStat = Exclude<Stat, 'paths'>;

interface StatInfo {
  /** The toggle's label. */
  button: string;
  caption: string;
  /** The value's name in a tooltip: "‖resid‖ 12.3". */
  name: string;
  /** Columns are the residual stream's layers 0…L, or the blocks 0…L−1. */
  columns: 'layers' | 'blocks';
  kind: 'norm' | 'cosine';
}

export const STAT_INFO: Record<Stat, StatInfo> = {
  norm: { button: 'norm', caption: 'Norm of each token’s residual stream, layer by layer', name: '‖resid‖', columns: 'layers', kind: 'norm' },
  'cosine-previous': { button: 'cos to previous', caption: 'Cosine of each token’s residual stream to the layer before', name: 'cos to the layer before', columns: 'layers', kind: 'cosine' },
  'cosine-final': { button: 'cos to final', caption: 'Cosine of each token’s residual stream to its final layer', name: 'cos to the final layer', columns: 'layers', kind: 'cosine' },
  attention: { button: 'attention writes', caption: 'Norm of what each block’s attention wrote into the stream (hook_attn_out)', name: '‖attn_out‖', columns: 'blocks', kind: 'norm' },
  mlp: { button: 'MLP writes', caption: 'Norm of what each block’s MLP wrote into the stream (hook_mlp_out)', name: '‖mlp_out‖', columns: 'blocks', kind: 'norm' },
  paths: { button: 'PCA paths', caption: 'Each token’s path through the layers, on the first two principal components of all its states', name: '', columns: 'layers', kind: 'norm' },
};

/** One statistic on show: `values[t * columns + c]`, tokens as rows. */
export interface Grid {
  stat: GridStat;
  tokens: string[];
  columns: number;
  values: Float32Array;
  /** Colour of a value; NaN takes the masked colour. */
  colour: (value: number) => string;
  /** The legend's ramp from its low to its high end, and the tick values. */
  ramp: string[];
  ticks: { at: number; text: string }[];
  /** The scale is logarithmic (the norms: the first token's is often a hundred times the rest). */
  log: boolean;
}

/** A statistic's values turned to tokens-as-rows, with a scale that fits them; undefined when the stats lack it. */
export function gridOf(stats: ResidualStats, tokens: string[], stat: GridStat, colours: ThemeColours): Grid | undefined {
  const byLayer = { norm: stats.norm, 'cosine-previous': stats.cosinePrevious, 'cosine-final': stats.cosineFinal, attention: stats.attentionNorm, mlp: stats.mlpNorm }[stat];
  if (!byLayer) return undefined;
  const T = tokens.length;
  const columns = byLayer.length / T;
  const values = new Float32Array(byLayer.length);
  for (let c = 0; c < columns; c++) for (let t = 0; t < T; t++) values[t * columns + c] = byLayer[c * T + t];
  const grid = { stat, tokens, columns, values };
  return STAT_INFO[stat].kind === 'cosine' ? { ...grid, ...cosineScale(colours) } : { ...grid, ...normScale(values, colours) };
}

/** Cosines on a diverging scale fixed at −1…1, neutral at 0 (the same in every figure and token). */
function cosineScale(colours: ThemeColours): Pick<Grid, 'colour' | 'ramp' | 'ticks' | 'log'> {
  const scale = scaleDiverging(piecewise(interpolateRgb, [colours.negative, colours.low, colours.high]) as (t: number) => string)
    .domain([-1, 0, 1])
    .clamp(true);
  return {
    colour: (v) => (Number.isNaN(v) ? colours.masked : scale(v)),
    ramp: Array.from({ length: 11 }, (_, i) => scale(-1 + i / 5)),
    ticks: [-1, 0, 1].map((at) => ({ at: (at + 1) / 2, text: formatValue('cosine', at) })),
    log: false,
  };
}

/** Norms on a sequential scale from the smallest positive to the largest, logarithmic once they span ten times or more. */
function normScale(values: Float32Array, colours: ThemeColours): Pick<Grid, 'colour' | 'ramp' | 'ticks' | 'log'> {
  let [low, high] = [Infinity, 0];
  for (const v of values) {
    if (v > 0 && v < low) low = v;
    if (v > high) high = v;
  }
  if (!(high > 0)) [low, high] = [0, 1];
  const log = low > 0 && high / low >= 10;
  const interpolate = interpolateRgb(colours.low, colours.high);
  const scale = log ? scaleSequentialLog(interpolate).domain([low, high]).clamp(true) : scaleSequential(interpolate).domain([0, high]).clamp(true);
  const at = (fraction: number) => (log ? low * (high / low) ** fraction : high * fraction);
  return {
    // A zero norm is below any log scale: the low end.
    colour: (v) => (v > 0 ? scale(v) : colours.low),
    ramp: Array.from({ length: 11 }, (_, i) => scale(at(i / 10))),
    ticks: [0, 0.5, 1].map((f) => ({ at: f, text: formatValue('norm', at(f)) })),
    log,
  };
}

/** A value as text: cosines with three decimals, norms with three significant digits (whole numbers from 1,000). */
export function formatValue(kind: StatInfo['kind'], value: number): string {
  if (kind === 'cosine') return decimal(value);
  const minus = value < 0 ? '−' : '';
  const size = Math.abs(value);
  return `${minus}${size >= 1000 ? size.toFixed(0) : size === 0 ? '0' : size.toPrecision(3)}`;
}

/** A cell's value in words, NaN said as why there is none. */
export function valueText(stat: GridStat, value: number, column: number): string {
  if (!Number.isNaN(value)) return formatValue(STAT_INFO[stat].kind, value);
  return stat === 'cosine-previous' && column === 0 ? 'none: no layer before the embeddings' : 'none: a zero vector has no direction';
}

/** What column `c` of a statistic is: "layer 3", "layer 0 (embeddings)", "block 2". */
export function columnName(stat: Stat, c: number, nLayer: number): string {
  if (STAT_INFO[stat].columns === 'blocks') return `block ${c}`;
  return c === 0 ? 'layer 0 (embeddings)' : c === nLayer ? `layer ${c} (after the last block)` : `layer ${c}`;
}

/** The PCA view's geometry: where each (layer, token) point goes and which labels fit. */
export interface PathsLayout {
  width: number;
  height: number;
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  /** Pixel position of point (l, t) at `[(l * T + t) * 2]`. */
  pixels: Float32Array;
  /** Tokens whose label at their last point does not cover an earlier one. */
  labelled: Set<number>;
  xLabel: string;
  yLabel: string;
}

export const PATHS_HEIGHT = 400;
const MARGIN = { top: 16, right: 72, bottom: 36, left: 36 };
/** Label boxes, for the overlap test: 11px text is about 6.2px a character. */
const CHAR_PX = 6.2;
const LABEL_PX = 13;

export function pathsLayout(paths: ResidualPaths, tokens: string[], width: number): PathsLayout {
  const T = tokens.length;
  const n = paths.coordinates.length / 2;
  const extent = (offset: number): [number, number] => {
    let [low, high] = [Infinity, -Infinity];
    for (let i = 0; i < n; i++) [low, high] = [Math.min(low, paths.coordinates[2 * i + offset]), Math.max(high, paths.coordinates[2 * i + offset])];
    if (low === high) [low, high] = [low - 1, high + 1];
    const pad = (high - low) * 0.04;
    return [low - pad, high + pad];
  };
  const x = scaleLinear()
    .domain(extent(0))
    .range([MARGIN.left, width - MARGIN.right]);
  const y = scaleLinear()
    .domain(extent(1))
    .range([PATHS_HEIGHT - MARGIN.bottom, MARGIN.top]);
  const pixels = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) [pixels[2 * i], pixels[2 * i + 1]] = [x(paths.coordinates[2 * i]), y(paths.coordinates[2 * i + 1])];
  // Greedy, in token order: a label that would cover one already placed is left out (the tooltip has it).
  const last = n / T - 1;
  const boxes: [number, number, number, number][] = [];
  const labelled = new Set<number>();
  for (let t = 0; t < T; t++) {
    const [px, py] = [pixels[2 * (last * T + t)] + 5, pixels[2 * (last * T + t) + 1] - LABEL_PX / 2];
    const box: [number, number, number, number] = [px, py, px + displayToken(tokens[t]).length * CHAR_PX, py + LABEL_PX];
    if (boxes.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
    boxes.push(box);
    labelled.add(t);
  }
  const axis = (i: number) => `PC${i + 1} (${(paths.explained[i] * 100).toFixed(1)}% of the variance)`;
  return { width, height: PATHS_HEIGHT, x, y, pixels, labelled, xLabel: axis(0), yLabel: axis(1) };
}

/** The point nearest (px, py) within `radius` pixels, as a cell index `t * layers + l`; undefined when none is. */
export function nearestPoint(layout: PathsLayout, T: number, px: number, py: number, radius = 12): number | undefined {
  const layers = layout.pixels.length / 2 / T;
  let [best, distance] = [undefined as number | undefined, radius * radius];
  for (let i = 0; i < layers * T; i++) {
    const d = (layout.pixels[2 * i] - px) ** 2 + (layout.pixels[2 * i + 1] - py) ** 2;
    if (d <= distance) [best, distance] = [i, d];
  }
  return best === undefined ? undefined : (best % T) * layers + Math.floor(best / T);
}
