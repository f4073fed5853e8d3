// The inside of an <activation-patching> chart as SVG: labels, the grid of focusable cells, the marks
// over it and the legend. Colours are attributes, not CSS, so the export is this same drawing.
import type { ScaleDiverging } from 'd3-scale';
import { nothing, svg, type SVGTemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import type { ThemeColours } from '../shared/theme.js';
import { cellOrigin, LEGEND_HEIGHT, LINE, MARK, MAX_LABEL, type PatchLayout } from './patching-layout.js';
import { describeCell, isMarked, title, type PatchCell, type PatchView } from './patching-view.js';

const RAMP = 180;
/** The weight of a marked column's label (measure it in this weight too). */
export const MARKED_WEIGHT = '600';
const DIFFERS_KEY = 'where the prompts differ (label: clean→corrupted)';
const LEGEND_TITLE = 'restored fraction of the logit difference';

export interface ChartPicture {
  view: PatchView;
  layout: PatchLayout;
  /** Per column, shortened to fit. */
  labels: string[];
  colours: ThemeColours;
  scale: ScaleDiverging<string>;
  /** Per cell, `[layer * columns + column]`. */
  fills: string[];
  /** The keyboard's cell, which holds the tab stop. */
  cursor: number;
  /** The cell whose tooltip shows. */
  active: number | undefined;
  /** The column of the token hovered in a linked figure. */
  linkedColumn: number | null;
  /** The head selected in this or a linked figure (`z` only). */
  selected: PatchCell | undefined;
}

/** Width the legend needs, given a text measure in the chart's font. */
export function legendWidth(view: PatchView, measure: (text: string) => number): number {
  return Math.max(measure(LEGEND_TITLE), RAMP + (view.hook === 'z' ? 0 : 42 + measure(DIFFERS_KEY)));
}

/** A label cut with an ellipsis to `MAX_LABEL` pixels; the cells always name the token in full. */
export function fitLabel(label: string, measure: (text: string) => number): string {
  if (measure(label) <= MAX_LABEL) return label;
  const chars = [...label];
  while (chars.length > 1 && measure(chars.join('') + '…') > MAX_LABEL) chars.pop();
  return chars.join('') + '…';
}

export function chartContent(picture: ChartPicture): SVGTemplateResult {
  const { view, fills, cursor, selected } = picture;
  // Hovering moves only the marks: the cells' own template is made again when what they show changes.
  const cells = guard([view, fills, cursor, selected?.layer, selected?.column], () => grid(picture));
  return svg`${columnLabels(picture)} ${rowLabels(picture)} ${cells} ${marks(picture)} ${legend(picture)}`;
}

function columnLabels({ view, layout, labels, colours }: ChartPicture): SVGTemplateResult {
  const { cell, top, left, rotated } = layout;
  const baseline = top - MARK - 4;
  return svg`<g class="column-labels" aria-hidden="true" font-size="11">${labels.map((label, column) => {
    const differs = isMarked(view, column);
    const x = left + (column + 0.5) * cell;
    const fill = differs ? colours.accent : colours.fg;
    const weight = differs ? MARKED_WEIGHT : '400';
    return rotated
      ? svg`<text class="label column-label" data-column=${column} ?data-differs=${differs} transform="translate(${x} ${baseline}) rotate(-90)" dominant-baseline="middle" fill=${fill} font-weight=${weight}>${label}</text>`
      : svg`<text class="label column-label" data-column=${column} x=${x} y=${baseline} text-anchor="middle" fill=${fill}>${label}</text>`;
  })}
    ${view.hook === 'z' ? nothing : view.differs.map((column) => svg`<rect class="differs-mark" data-column=${column} x=${left + column * cell} y=${top - MARK - 1} width=${cell - 1} height=${MARK} fill=${colours.accent}></rect>`)}
  </g>`;
}

function rowLabels({ layout, colours }: ChartPicture): SVGTemplateResult {
  const { rows, cell, top, left } = layout;
  return svg`<g class="row-labels" aria-hidden="true" font-size="11" fill=${colours.muted}>${Array.from(
    { length: rows },
    (_, layer) => svg`<text class="row-label" x=${left - 6} y=${top + (layer + 0.5) * cell} text-anchor="end" dominant-baseline="middle">L${layer}</text>`,
  )}</g>`;
}

function grid(picture: ChartPicture): SVGTemplateResult {
  const { view, layout, fills, cursor, selected } = picture;
  const { rows, columns, cell } = layout;
  const isSelected = (layer: number, column: number) => selected?.layer === layer && selected.column === column;
  return svg`<g role="grid" aria-label=${`${title(view.hook)}: ${rows} layers × ${columns} ${view.hook === 'z' ? 'heads' : 'positions'}`}>${Array.from(
    { length: rows },
    (_, layer) =>
      svg`<g role="row">${Array.from({ length: columns }, (_, column) => {
        const index = layer * columns + column;
        const { x, y } = cellOrigin(layout, layer, column);
        return svg`<rect class="cell" role="gridcell" data-index=${index} data-layer=${layer} data-column=${column} x=${x} y=${y} width=${cell - 1} height=${cell - 1} fill=${fills[index]}
        tabindex=${index === cursor ? 0 : -1} aria-label=${describeCell(view, { layer, column }, ': ')} aria-selected=${view.hook === 'z' ? String(isSelected(layer, column)) : nothing}></rect>`;
      })}</g>`,
  )}</g>`;
}

/** The linked token's column, the selected head and the cell whose tooltip shows. */
function marks({ view, layout, colours, active, linkedColumn, selected }: ChartPicture): SVGTemplateResult {
  const { rows, columns, cell, left, top } = layout;
  const outline = (kind: string, x: number, y: number, height: number, stroke: string, strokeWidth: number, dash = '') =>
    svg`<rect class=${kind} x=${x - 1} y=${y - 1} width=${cell} height=${height + 1} fill="none" stroke=${stroke} stroke-width=${strokeWidth} stroke-dasharray=${dash} pointer-events="none"></rect>`;
  const around = (kind: string, { x, y }: { x: number; y: number }, stroke: string, strokeWidth: number) => outline(kind, x, y, cell - 1, stroke, strokeWidth);
  return svg`
    ${linkedColumn === null || view.hook === 'z' ? nothing : outline('linked', left + linkedColumn * cell, top, rows * cell - 1, colours.fg, 1, '3 2')}
    ${selected ? around('selected', cellOrigin(layout, selected.layer, selected.column), colours.accent, 2) : nothing}
    ${active === undefined ? nothing : around('active', cellOrigin(layout, Math.floor(active / columns), active % columns), colours.fg, 1.5)}`;
}

function legend({ view, layout, colours, scale }: ChartPicture): SVGTemplateResult {
  const [low, , high] = scale.domain();
  const stops = Array.from({ length: 11 }, (_, i) => svg`<stop offset=${i / 10} stop-color=${scale(low + ((high - low) * i) / 10)}></stop>`);
  const tick = (x: number, anchor: string, text: string) => svg`<text x=${x} y=${LEGEND_HEIGHT - 4} text-anchor=${anchor}>${text}</text>`;
  return svg`<g class="legend" aria-hidden="true" transform="translate(${layout.left} ${layout.legendTop})" font-size="11" fill=${colours.muted}>
    <defs><linearGradient id="patching-ramp">${stops}</linearGradient></defs>
    <text x="0" y="10">${LEGEND_TITLE}</text>
    <rect x="0" y="16" width=${RAMP} height="10" fill="url(#patching-ramp)" stroke=${colours.border}></rect>
    ${tick(0, 'start', '−1')} ${tick(RAMP / 2, 'middle', '0 corrupted')} ${tick(RAMP, 'end', '1 clean')}
    ${view.hook === 'z' ? nothing : svg`<rect x=${RAMP + 24} y="19" width="12" height=${MARK} fill=${colours.accent}></rect><text x=${RAMP + 42} y=${16 + LINE / 2 + 4}>${DIFFERS_KEY}</text>`}
  </g>`;
}
