// Theme tokens shared by every figure. Pages restyle through these custom properties and `part`s;
// dark mode and forced colours are handled here once.
import { css } from 'lit';

export const figureStyles = css`
  :host {
    --_fg: var(--xray-fg, #1f2328);
    --_bg: var(--xray-bg, #ffffff);
    --_muted: var(--xray-muted, #656d76);
    --_accent: var(--xray-accent, #0969da);
    --_error: var(--xray-error, #cf222e);
    --_border: var(--xray-border, #d0d7de);
    --_scale-low: var(--xray-scale-low, #f7fbff);
    --_scale-high: var(--xray-scale-high, #08306b);
    --_scale-negative: var(--xray-scale-negative, #b2182b); /* below the reference of a diverging scale */
    --_masked: var(--xray-masked, #e4ddd0); /* warm grey: no value of the blue scale looks like it */
    display: block;
    position: relative;
    font: var(--xray-font-size, 13px) / 1.4 var(--xray-font, system-ui, sans-serif);
    color: var(--_fg);
    background: var(--_bg);
    container-type: inline-size;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_fg: var(--xray-fg, #e6edf3);
      --_bg: var(--xray-bg, #0d1117);
      --_muted: var(--xray-muted, #8d96a0);
      --_accent: var(--xray-accent, #4493f8);
      --_error: var(--xray-error, #f85149);
      --_border: var(--xray-border, #30363d);
      --_scale-low: var(--xray-scale-low, #0d1117);
      --_scale-high: var(--xray-scale-high, #ffd33d);
      --_scale-negative: var(--xray-scale-negative, #a371f7);
      --_masked: var(--xray-masked, #2d333b);
    }
  }
  :host([hidden]) {
    display: none;
  }
  .status {
    padding: 0.75em;
    border: 1px dashed var(--_border);
    border-radius: 6px;
    color: var(--_muted);
  }
  .status[role='alert'] {
    color: var(--_error);
    border-color: var(--_error);
  }
  progress {
    display: block;
    width: 100%;
    accent-color: var(--_accent);
  }
  .notice {
    color: var(--_muted);
    font-size: 0.9em;
  }
  /* A figure's title line: its caption, then its toolbar at the right. */
  .header {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: 1em;
  }
  .header > .caption {
    margin: 0;
    font-weight: 600;
  }
  .toolbar {
    display: flex;
    gap: 0.25em;
    justify-content: flex-end;
  }
  .toolbar button,
  .segmented button {
    font: inherit;
    font-size: 0.85em;
    color: var(--_fg);
    background: transparent;
    border: 1px solid var(--_border);
    padding: 0.1em 0.5em;
    cursor: pointer;
  }
  .toolbar button {
    border-radius: 4px;
  }
  .toolbar button:focus-visible,
  .segmented button:focus-visible,
  [tabindex]:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  /* A colour scale's legend: what it measures, the ramp with its ticks under it, and any swatches. */
  .scale-legend {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em 1.25em;
    margin: 0.25em 0 0.5em;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .scale-legend .ramp {
    display: inline-flex;
    flex-direction: column;
    width: 10em;
  }
  .scale-legend .ramp .swatch {
    height: 0.7em;
    border: 1px solid var(--_border);
    forced-color-adjust: none;
  }
  .scale-legend .ticks {
    display: flex;
    justify-content: space-between;
    font-variant-numeric: tabular-nums;
  }
  .scale-legend .masked .swatch {
    display: inline-block;
    width: 0.9em;
    height: 0.9em;
    vertical-align: middle;
    background: var(--_masked);
    border: 1px solid var(--_border);
    forced-color-adjust: none;
  }
  /* A segmented toggle: a row of buttons, the one with aria-pressed="true" filled with the accent. */
  .segmented {
    display: inline-flex;
    flex-wrap: wrap;
  }
  .segmented button + button {
    border-inline-start-width: 0;
  }
  .segmented button:first-child {
    border-start-start-radius: 4px;
    border-end-start-radius: 4px;
  }
  .segmented button:last-child {
    border-start-end-radius: 4px;
    border-end-end-radius: 4px;
  }
  .segmented button[aria-pressed='true'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_bg);
  }
  .segmented button[aria-disabled='true'] {
    color: var(--_muted);
    cursor: not-allowed;
  }
  .tooltip {
    position: absolute;
    pointer-events: none;
    z-index: 1;
    padding: 0.3em 0.5em;
    border-radius: 4px;
    background: var(--_fg);
    color: var(--_bg);
    white-space: pre;
    font-size: 0.9em;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (forced-colors: active) {
    :host {
      --_fg: CanvasText;
      --_bg: Canvas;
      --_muted: GrayText;
      --_accent: Highlight;
      --_error: CanvasText;
      --_border: CanvasText;
      --_scale-low: Canvas;
      --_scale-high: CanvasText;
      --_scale-negative: LinkText;
      --_masked: GrayText;
    }
    /* Forced colours keep a button's own background: the pressed one is outlined instead. */
    .segmented button[aria-pressed='true'] {
      outline: 2px solid Highlight;
    }
  }
`;
