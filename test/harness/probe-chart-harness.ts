// Reader actions on a <probe-chart>, so tests say what a reader does, not where the DOM puts it.
import type { ProbeChart } from '../../components/probe-chart.js';
import { settle } from './settle.js';

type Metric = 'accuracy' | 'control' | 'selectivity';

export class ProbeChartHarness {
  constructor(readonly element: ProbeChart) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  private point(layer: number): SVGElement {
    const point = this.root.querySelector<SVGElement>(`.hit[data-layer="${layer}"]`);
    if (!point) throw new Error(`No point for layer ${layer}.`);
    return point;
  }

  /** Waits until the chart (or an error or empty message) shows, training included. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"], [part="progress"]');
  }

  /** The layers that have a focusable point, left to right. */
  layers(): number[] {
    return [...this.root.querySelectorAll<SVGElement>('.hit')].map((p) => Number(p.dataset.layer));
  }

  /**
   * The value a drawn point stands for, read back from its height against the y axis's ticks,
   * so it checks the drawing rather than the data.
   */
  plottedValue(metric: Metric, layer: number, series = 0): number {
    const circle = this.root.querySelector<SVGCircleElement>(`.series[data-series="${series}"] circle[data-metric="${metric}"][data-layer="${layer}"]`);
    if (!circle) throw new Error(`No ${metric} point at layer ${layer} in series ${series}.`);
    const ticks = [...this.root.querySelectorAll<SVGGElement>('.y-tick')].map((g) => ({ value: Number(g.dataset.value), y: Number(g.querySelector('line')!.getAttribute('y1')) }));
    const [a, b] = [ticks[0], ticks[ticks.length - 1]];
    return a.value + ((Number(circle.getAttribute('cy')) - a.y) / (b.y - a.y)) * (b.value - a.value);
  }

  /** The x position of a layer's point, in SVG units. */
  pointX(layer: number): number {
    const rect = this.point(layer);
    return Number(rect.getAttribute('x')) + Number(rect.getAttribute('width')) / 2;
  }

  /** The stroke colour of a metric's line. */
  lineColour(metric: Metric, series = 0): string {
    return this.root.querySelector(`.series[data-series="${series}"] path.line[data-metric="${metric}"]`)!.getAttribute('stroke')!;
  }

  /** Whether a metric has a spread band drawn. */
  hasBand(metric: 'accuracy' | 'control', series = 0): boolean {
    return this.root.querySelector(`.series[data-series="${series}"] path.band[data-metric="${metric}"]`) !== null;
  }

  /** How many probe series are drawn. */
  seriesCount(): number {
    return this.root.querySelectorAll('.series').length;
  }

  /** The legend's entries. */
  legend(): string[] {
    return [...this.root.querySelectorAll('.legend-item text')].map((t) => t.textContent!);
  }

  /** The chart's title, as drawn. */
  title(): string {
    return this.root.querySelector('svg[part="chart"] > text')!.textContent!;
  }

  /** The data table as rows of cell texts, header row first. */
  table(): string[][] {
    return [...this.root.querySelectorAll('table[part="data-table"] tr')].map((tr) => [...tr.children].map((c) => c.textContent!.trim()));
  }

  /** The accessible name of a layer's point. */
  pointLabel(layer: number): string {
    return this.point(layer).getAttribute('aria-label')!;
  }

  hover(layer: number): void {
    this.point(layer).dispatchEvent(new PointerEvent('pointerenter'));
  }

  focus(layer: number): void {
    this.point(layer).focus();
  }

  /** Presses a key on the focused point. */
  press(key: string): void {
    const target = (this.root.activeElement ?? this.root.querySelector('.hit[tabindex="0"]')) as SVGElement;
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
  }

  /** The layer whose point has keyboard focus. */
  focusedLayer(): number | null {
    const active = this.root.activeElement as SVGElement | null;
    return active?.dataset.layer === undefined ? null : Number(active.dataset.layer);
  }

  tooltip(): string | null {
    return this.root.querySelector('[part="tooltip"]')?.textContent ?? null;
  }

  announcement(): string {
    return this.root.querySelector('[aria-live]')!.textContent!.trim();
  }

  /** The layer marked because a linked figure selected a head in it, if any. */
  linkedLayer(): number | null {
    const mark = this.root.querySelector<SVGElement>('.linked');
    return mark ? Number(mark.dataset.layer) : null;
  }

  /** The loading line and how far its bar is (0..1, null while unknown), e.g. a `src` download's. */
  loading(): { label: string; done: number | null } | null {
    const status = this.root.querySelector('[part="loading"]');
    const bar = status?.querySelector('progress');
    if (!status || !bar) return null;
    return { label: status.textContent!.trim(), done: bar.position < 0 ? null : bar.position };
  }

  /** The progress line while training, e.g. "Training layer 1 (2 of 3), fold 1 of 2". */
  progress(): string | null {
    return this.root.querySelector('[part="progress"]')?.textContent?.trim() ?? null;
  }

  /** The summary of how the numbers were made. */
  summary(): string | null {
    return this.root.querySelector('[part="summary"]')?.textContent ?? null;
  }

  notices(): string[] {
    return [...this.root.querySelectorAll('[part="notice"]')].map((n) => n.textContent!.trim());
  }

  /** The error or empty message, if one shows. */
  message(): string | null {
    return this.root.querySelector('[part="error"], [part="empty"]')?.textContent?.trim() ?? null;
  }

  isEmptyState(): boolean {
    return this.root.querySelector('[part="empty"]') !== null;
  }
}
