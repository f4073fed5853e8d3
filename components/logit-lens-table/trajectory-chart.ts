// The prediction trajectories under <logit-lens-table>: one small line chart per measure across the
// residual layers, the logit lens and (with translators) the tuned lens, as tuned-lens plots them.
import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import type { LensTrajectory, PredictionTrajectories } from '../../src/types.js';
import { quote } from '../shared/format.js';
import type { ThemeColours } from '../shared/theme.js';

export type Measure = keyof LensTrajectory;
export type LensKind = 'logit' | 'tuned';

interface MeasureInfo {
  key: Measure;
  title: string;
  /** What a value reads as, for the axis, the summary and the table. */
  format(value: number): string;
}

/** The charts, in order. The rank is 0-based in the core (tokens above the target); the charts say #1 for the top. */
export const MEASURES: readonly MeasureInfo[] = [
  { key: 'entropy', title: 'Entropy (nats)', format: (v) => v.toFixed(2) },
  { key: 'forwardKl', title: 'KL from the final distribution (nats)', format: (v) => v.toFixed(2) },
  { key: 'targetRank', title: 'Rank of the target (log scale)', format: (v) => `#${v + 1}` },
  { key: 'targetLogProb', title: 'Log-probability of the target (nats)', format: (v) => v.toFixed(2) },
];

export const LENS_NAMES: Record<LensKind, string> = { logit: 'logit lens', tuned: 'tuned lens' };

export const CHART_WIDTH = 236;
export const CHART_HEIGHT = 150;
const MARGIN = { top: 22, right: 10, bottom: 30, left: 44 };

/** Layer 0 reads the embeddings; the last row is the model's own output. */
export function layerName(layer: number, last: number): string {
  if (layer === 0) return 'embed';
  return layer === last ? `layer ${layer} (final)` : `layer ${layer}`;
}

/** The lenses a trajectory holds, logit first. */
export function lensesOf(trajectories: PredictionTrajectories): [LensKind, LensTrajectory][] {
  return trajectories.tuned
    ? [
        ['logit', trajectories.logit],
        ['tuned', trajectories.tuned],
      ]
    : [['logit', trajectories.logit]];
}

/** One chart in words: where each lens starts and ends, and its extreme, for screen readers. */
export function summarise(trajectories: PredictionTrajectories, measure: MeasureInfo): string {
  const last = trajectories.logit.entropy.length - 1;
  const lenses = lensesOf(trajectories).map(([kind, t]) => {
    const values = Array.from(t[measure.key]);
    const low = values.indexOf(Math.min(...values));
    const high = values.indexOf(Math.max(...values));
    return `${LENS_NAMES[kind]} from ${measure.format(values[0])} at embed to ${measure.format(values[last])} at ${layerName(last, last)}, lowest ${measure.format(values[low])} at ${layerName(low, last)}, highest ${measure.format(values[high])} at ${layerName(high, last)}`;
  });
  return `${measure.title} across layers at position ${trajectories.position}: ${lenses.join('; ')}.`;
}

/** Which token the charts follow, in words; `target` is its text when it is the figure's target. */
export function targetLabel(trajectories: PredictionTrajectories, target: string | undefined, length: number): string {
  if (target !== undefined) return `${quote(target)} (the target)`;
  const name = quote(trajectories.target.token);
  return trajectories.position < length - 1 ? `${name} (the next token of the text)` : `${name} (the model's own prediction)`;
}

/** The y scale of a measure: linear over its values (0 included for entropy and KL), log over rank + 1. */
function yScale(measure: Measure, values: number[]): ScaleContinuousNumeric<number, number> {
  const range = [CHART_HEIGHT - MARGIN.bottom, MARGIN.top];
  if (measure === 'targetRank') {
    return scaleLog()
      .domain([1, Math.max(10, ...values.map((v) => v + 1))])
      .range(range)
      .nice();
  }
  const low = Math.min(...values);
  const high = Math.max(...values);
  const domain = measure === 'targetLogProb' ? [low, Math.max(high, 0)] : [Math.min(low, 0), high];
  // A flat line (a 1-layer lens, or a constant) still gets an axis.
  if (domain[0] === domain[1]) domain[1] = domain[0] + 1;
  return scaleLinear().domain(domain).range(range).nice();
}

/** What a chart plots: rank as rank + 1, so the top token (0 above it) sits at 1 on the log axis. */
const plotted = (measure: Measure, value: number) => (measure === 'targetRank' ? value + 1 : value);

/** One measure's chart: axes, a line and points per lens. Points carry `data-lens`, `data-layer` and `data-value` (the core's value). */
export function renderChart(trajectories: PredictionTrajectories, measure: MeasureInfo, colours: ThemeColours): TemplateResult {
  const lenses = lensesOf(trajectories);
  const layers = trajectories.logit.entropy.length;
  const x = scaleLinear()
    .domain([0, Math.max(layers - 1, 1)])
    .range([MARGIN.left, CHART_WIDTH - MARGIN.right]);
  const y = yScale(
    measure.key,
    lenses.flatMap(([, t]) => Array.from(t[measure.key])),
  );
  const ticks = measure.key === 'targetRank' ? y.ticks().filter((t) => Number.isInteger(Math.log10(t))) : y.ticks(4);
  const xTicks = layers <= 7 ? x.ticks(layers - 1) : x.ticks(6).filter(Number.isInteger);
  const [bottom, top] = y.range();
  const tickLabel = (t: number) => (measure.key === 'targetRank' ? `#${t}` : String(t));
  return html`<svg
    class="trajectory-chart"
    part="trajectory-chart"
    data-measure=${measure.key}
    width=${CHART_WIDTH}
    height=${CHART_HEIGHT}
    viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}"
    role="img"
    aria-label=${summarise(trajectories, measure)}
  >
    <text x=${MARGIN.left} y="12" font-size="11" font-weight="600" fill=${colours.fg}>${measure.title}</text>
    ${ticks.map(
      (t) =>
        svg`<line x1=${MARGIN.left} x2=${CHART_WIDTH - MARGIN.right} y1=${y(t)} y2=${y(t)} stroke=${colours.border} stroke-width="0.5"></line><text class="y-tick" x=${MARGIN.left - 4} y=${y(t) + 3} text-anchor="end" font-size="10" fill=${colours.muted}>${tickLabel(t)}</text>`,
    )}
    ${xTicks.map((t) => svg`<text class="x-tick" x=${x(t)} y=${bottom + 12} text-anchor="middle" font-size="10" fill=${colours.muted}>${t}</text>`)}
    <text x=${(MARGIN.left + CHART_WIDTH - MARGIN.right) / 2} y=${CHART_HEIGHT - 4} text-anchor="middle" font-size="10" fill=${colours.muted}>layer (0 = embed)</text>
    <line x1=${MARGIN.left} x2=${MARGIN.left} y1=${top} y2=${bottom} stroke=${colours.border}></line>
    ${lenses.map(([kind, t]) => renderLine(kind, Array.from(t[measure.key]), measure.key, x, y, colours))}
  </svg>`;
}

function renderLine(kind: LensKind, values: number[], measure: Measure, x: (v: number) => number, y: (v: number) => number, colours: ThemeColours): SVGTemplateResult {
  const { colour, dash } = lineStyle(kind, colours);
  const d = values.map((v, l) => `${l ? 'L' : 'M'}${x(l).toFixed(2)},${y(plotted(measure, v)).toFixed(2)}`).join('');
  return svg`<g class="lens-line" data-lens=${kind}>
    <path d=${d} fill="none" stroke=${colour} stroke-width="1.75" stroke-dasharray=${dash}></path>
    ${values.map((v, l) => svg`<circle class="point" data-lens=${kind} data-layer=${l} data-value=${v} cx=${x(l).toFixed(2)} cy=${y(plotted(measure, v)).toFixed(2)} r="2.5" fill=${colour}></circle>`)}
  </g>`;
}

/** The logit lens in the accent colour, solid; the tuned lens in the text colour, dashed (apart without colour too). */
export function lineStyle(kind: LensKind, colours: ThemeColours): { colour: string; dash: string } {
  return kind === 'logit' ? { colour: colours.accent, dash: '' } : { colour: colours.fg, dash: '5 3' };
}

/** Every value of every chart, for screen readers: a row per layer, a column per lens and measure. */
export function renderTable(trajectories: PredictionTrajectories): TemplateResult {
  const lenses = lensesOf(trajectories);
  const layers = trajectories.logit.entropy.length;
  return html`<table class="visually-hidden" part="trajectory-table">
    <caption>
      Prediction trajectory at position ${trajectories.position}, by layer: entropy, KL from the final distribution, the target's rank and log-probability.
    </caption>
    <thead>
      <tr>
        <th scope="col">layer</th>
        ${lenses.map(([kind]) => MEASURES.map((m) => html`<th scope="col">${LENS_NAMES[kind]}: ${m.title}</th>`))}
      </tr>
    </thead>
    <tbody>
      ${Array.from(
        { length: layers },
        (_, l) => html`<tr data-layer=${l}>
          <th scope="row">${layerName(l, layers - 1)}</th>
          ${lenses.map(([, t]) => MEASURES.map((m) => html`<td>${m.format(t[m.key][l])}</td>`))}
        </tr>`,
      )}
    </tbody>
  </table>`;
}
