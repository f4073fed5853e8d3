// Styles of <head-ablation>: the map of heads, its diverging legend's width, and the before/after bars.
import { css } from 'lit';

export const headAblationStyles = css`
  .scale-legend .ramp {
    width: 14em;
  }
  .layout {
    display: flex;
    flex-wrap: wrap;
    gap: 16px;
    align-items: flex-start;
  }
  .map-box {
    position: relative;
    flex: none;
  }
  .map {
    display: flex;
    flex-direction: column;
    gap: 1px;
    cursor: crosshair;
  }
  .row {
    display: flex;
    gap: 1px;
  }
  .label {
    flex: none;
    display: flex;
    align-items: center;
    justify-content: center;
    font-size: 11px;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .cell {
    flex: none;
    /* a faint edge, so cells at the clean value stay visible on a background of the same colour */
    box-shadow: inset 0 0 0 1px color-mix(in srgb, var(--_fg) 12%, transparent);
  }
  .cell.active {
    box-shadow: inset 0 0 0 2px var(--_fg);
  }
  .cell[aria-selected='true'] {
    outline: 3px solid var(--_fg);
    outline-offset: -3px;
  }
  .cell:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
    position: relative;
  }
  .comparison {
    flex: 1 1 340px;
    min-width: 240px;
    max-width: 640px;
  }
  .comparison p {
    margin: 0 0 0.4em;
  }
  .columns {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em 1em;
  }
  .distribution {
    flex: 1 1 150px;
    margin: 0;
  }
  .distribution figcaption {
    font-weight: 600;
    margin-bottom: 0.2em;
  }
  .distribution ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .distribution li {
    display: grid;
    /* fixed columns, so that every row's bar has the same track and the lengths compare */
    grid-template-columns: minmax(0, 6em) minmax(1.5em, 1fr) 3.6em;
    gap: 0.5em;
    align-items: center;
    line-height: 1.6;
  }
  .token {
    white-space: pre;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .bar {
    display: block;
    height: 0.7em;
    min-width: 1px;
    background: var(--_border);
  }
  li.answer .token {
    font-weight: 700;
  }
  li.answer .bar {
    background: var(--_accent);
  }
  li.wrong .bar {
    background: var(--_muted);
  }
  .prob,
  .metric,
  .ranks {
    font-variant-numeric: tabular-nums;
  }
  .prob {
    text-align: right;
    white-space: nowrap;
  }
  .muted {
    color: var(--_muted);
  }
  .status button {
    font: inherit;
    margin-left: 0.5em;
  }
  @media (forced-colors: active) {
    /* The map's colours are its data: the scale's stops are already the forced palette's. */
    .cell {
      forced-color-adjust: none;
    }
    .cell[aria-selected='true'] {
      outline-color: Highlight;
    }
    .bar {
      forced-color-adjust: none;
      background: CanvasText;
    }
    li.answer .bar {
      background: Highlight;
    }
  }
`;
