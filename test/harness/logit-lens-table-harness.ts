// Reader actions on a <logit-lens-table>, so tests say what a reader does, not where the DOM puts it.
import type { LogitLensTable } from '../../components/logit-lens-table.js';
import { settle } from './settle.js';

export class LogitLensTableHarness {
  constructor(readonly element: LogitLensTable) {}

  private get root(): ShadowRoot {
    return this.element.shadowRoot!;
  }

  private cell(layer: number, position: number): HTMLTableCellElement {
    const cell = this.root.querySelector<HTMLTableCellElement>(`td[data-layer="${layer}"][data-position="${position}"]`);
    if (!cell) throw new Error(`No cell at layer ${layer}, position ${position}.`);
    return cell;
  }

  /** Waits until the table (or an error or empty message) shows. */
  settled(): Promise<void> {
    return settle(this.element, '[part="loading"]');
  }

  /** The layer labels, top to bottom. */
  rowLabels(): string[] {
    return [...this.root.querySelectorAll('tbody th[scope="row"]')].map((th) => th.textContent!.trim());
  }

  /** The token headers, left to right. */
  columnTokens(): string[] {
    return [...this.root.querySelectorAll('thead th[part="token-header"]')].map((th) => th.textContent!);
  }

  /** The token positions the columns show, left to right. */
  columnPositions(): number[] {
    return [...this.root.querySelectorAll<HTMLElement>('thead th[part="token-header"]')].map((th) => Number(th.dataset.position));
  }

  /** The top-1 token a cell shows. */
  cellText(layer: number, position: number): string {
    return this.cell(layer, position).querySelector('.token')!.textContent!;
  }

  /** A cell's computed background colour, e.g. `rgb(8, 48, 107)`. */
  cellColour(layer: number, position: number): string {
    return getComputedStyle(this.cell(layer, position)).backgroundColor;
  }

  /** A cell's computed text colour. */
  cellTextColour(layer: number, position: number): string {
    return getComputedStyle(this.cell(layer, position)).color;
  }

  /** The target line of a cell, or null when it has none. */
  targetText(layer: number, position: number): string | null {
    return this.cell(layer, position).querySelector('.target')?.textContent ?? null;
  }

  /** The layer marked as the first where the column's final prediction is top-1, or null. */
  markedLayer(position: number): number | null {
    const marked = this.root.querySelectorAll<HTMLElement>(`td.first[data-position="${position}"]`);
    if (marked.length > 1) throw new Error(`Position ${position} has ${marked.length} marked cells.`);
    return marked.length ? Number(marked[0].dataset.layer) : null;
  }

  async hoverCell(layer: number, position: number): Promise<void> {
    this.cell(layer, position).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await this.element.updateComplete;
  }

  /** Moves the pointer off the table. */
  async leaveTable(): Promise<void> {
    this.root.querySelector('table')!.dispatchEvent(new PointerEvent('pointerleave'));
    await this.element.updateComplete;
  }

  async clickCell(layer: number, position: number): Promise<void> {
    this.cell(layer, position).focus();
    this.cell(layer, position).click();
    await this.element.updateComplete;
  }

  /** Tabs into the table: focuses the cell that holds the tab stop. */
  async focusTable(): Promise<void> {
    this.tabStops()[0].focus();
    await this.element.updateComplete;
  }

  /** The cells reachable with Tab (a roving tabindex keeps exactly one). */
  tabStops(): HTMLElement[] {
    return [...this.root.querySelectorAll<HTMLElement>('td[tabindex="0"]')];
  }

  /** Layer and position of the focused cell, or null. */
  focusedCell(): { layer: number; position: number } | null {
    const active = this.root.activeElement as HTMLElement | null;
    return active?.matches('td') ? { layer: Number(active.dataset.layer), position: Number(active.dataset.position) } : null;
  }

  /** Presses a key (with modifiers, e.g. `{ ctrlKey: true }`) on the focused cell and waits for the table to follow. */
  async press(key: string, options: KeyboardEventInit = {}): Promise<void> {
    const target = (this.root.activeElement as HTMLElement | null) ?? this.tabStops()[0];
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...options }));
    await this.element.updateComplete;
    await this.element.updateComplete;
  }

  /** The tooltip's text, or '' when no tooltip shows. */
  tooltipText(): string {
    return this.root.querySelector('[part="tooltip"]')?.textContent ?? '';
  }

  /** What the live region last announced. */
  announced(): string {
    return this.root.querySelector('[aria-live]')?.textContent?.trim() ?? '';
  }

  /** Positions of the columns highlighted by a linked figure's hover. */
  linkedPositions(): number[] {
    return [...this.root.querySelectorAll<HTMLElement>('thead th.linked')].map((th) => Number(th.dataset.position));
  }

  notices(): string[] {
    return [...this.root.querySelectorAll('[part="notice"]')].map((p) => p.textContent!.trim());
  }

  legendText(): string {
    return this.root.querySelector('[part="legend"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  }

  /** The error message the figure shows, or null. */
  errorText(): string | null {
    return this.root.querySelector('[part="error"]')?.textContent?.trim() ?? null;
  }

  /** The empty-state message, or null. */
  emptyText(): string | null {
    return this.root.querySelector('[part="empty"]')?.textContent?.trim() ?? null;
  }

  hasTable(): boolean {
    return this.root.querySelector('table[part="table"]') !== null;
  }

  /** The table's caption, which names the lens. */
  caption(): string {
    return this.root.querySelector('table[part="table"] caption')?.textContent?.trim() ?? '';
  }

  /** The lens the toggle shows (`lens="both"`), or null when there is no toggle. */
  toggledLens(): string | null {
    if (!this.root.querySelector('[part="lens-toggle"]')) return null;
    return this.root.querySelector<HTMLElement>('[part="lens-button"][aria-pressed="true"]')?.dataset.lens ?? null;
  }

  /** Clicks the toggle's button for `lens` (`logit` or `tuned`). */
  async toggleLens(lens: string): Promise<void> {
    const button = this.root.querySelector<HTMLButtonElement>(`[part="lens-button"][data-lens="${lens}"]`);
    if (!button) throw new Error(`No ${lens} lens button.`);
    button.click();
    await this.element.updateComplete;
  }

  /** What the loading state says, or null when the figure is not loading. */
  loadingText(): string | null {
    return this.root.querySelector('[part="loading"]')?.textContent?.trim() ?? null;
  }

  /** Whether the prediction trajectory's charts show. */
  hasTrajectory(): boolean {
    return this.root.querySelector('[part="trajectory"]') !== null;
  }

  /** The trajectory's heading line (position, the token followed). */
  trajectoryTitle(): string {
    return this.root.querySelector('.trajectory-title')?.textContent?.trim() ?? '';
  }

  /** The measures charted, in order (`entropy`, `forwardKl`, `targetRank`, `targetLogProb`). */
  trajectoryMeasures(): string[] {
    return [...this.root.querySelectorAll<SVGElement>('svg[part="trajectory-chart"]')].map((chart) => chart.dataset.measure!);
  }

  /** The lenses a chart draws a line for. */
  trajectoryLenses(measure: string): string[] {
    return [...this.chart(measure).querySelectorAll<SVGElement>('.lens-line')].map((g) => g.dataset.lens!);
  }

  /** The points of one lens's line in one chart, by layer: the value each stands for and its height on screen (SVG y, down). */
  trajectoryPoints(measure: string, lens: string): { layer: number; value: number; y: number }[] {
    return [...this.chart(measure).querySelectorAll<SVGCircleElement>(`circle.point[data-lens="${lens}"]`)].map((c) => ({
      layer: Number(c.dataset.layer),
      value: Number(c.dataset.value),
      y: Number(c.getAttribute('cy')),
    }));
  }

  /** The y-axis labels of a chart, bottom to top. */
  trajectoryTicks(measure: string): string[] {
    return [...this.chart(measure).querySelectorAll('.y-tick')].map((t) => t.textContent!);
  }

  /** A chart's summary in words (its accessible name). */
  trajectorySummary(measure: string): string {
    return this.chart(measure).getAttribute('aria-label') ?? '';
  }

  /** The rows of the trajectory's hidden table: layer label, then each lens's values. */
  trajectoryTable(): string[][] {
    return [...this.root.querySelectorAll('[part="trajectory-table"] tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent!.trim()));
  }

  private chart(measure: string): SVGElement {
    const chart = this.root.querySelector<SVGElement>(`svg[part="trajectory-chart"][data-measure="${measure}"]`);
    if (!chart) throw new Error(`No ${measure} chart.`);
    return chart;
  }
}
