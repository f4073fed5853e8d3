// Styles of <attention-lines>: the head toggles, the two token columns with the lines between them,
// and the hovered token.
import { css } from 'lit';

export const attentionLinesStyles = css`
  .header label {
    font-weight: 600;
  }
  select {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 4px;
  }
  .heads {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em;
    margin: 0.4em 0;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .heads button {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
    font: inherit;
    font-variant-numeric: tabular-nums;
    color: var(--_fg);
    background: transparent;
    border: 1px solid var(--_border);
    border-radius: 4px;
    padding: 0.05em 0.4em;
    cursor: pointer;
  }
  .heads button[aria-pressed='false'] {
    color: var(--_muted);
  }
  .heads .swatch {
    width: 0.8em;
    height: 0.8em;
    border-radius: 2px;
    background: var(--_head);
    border: 1px solid var(--_head);
  }
  .heads button[aria-pressed='false'] .swatch {
    background: transparent;
  }
  .heads button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
  }
  .readout {
    min-height: 1.4em;
    margin: 0 0 0.25em;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .viewport {
    overflow: auto;
    max-height: 80vh;
  }
  .plot {
    position: relative;
  }
  .plot canvas {
    position: absolute;
    top: 0;
    pointer-events: none;
  }
  .plot canvas.dimmed {
    visibility: hidden;
  }
  .tokens {
    position: relative;
  }
  .tokens:focus-visible {
    outline-offset: -2px;
  }
  .row {
    display: flex;
    justify-content: space-between;
    height: var(--_row);
    line-height: var(--_row);
  }
  .token {
    width: var(--_label);
    overflow: hidden;
    box-sizing: border-box;
    padding: 0 6px;
    white-space: pre;
    text-overflow: ellipsis;
    font-size: 12px;
    cursor: pointer;
    border-radius: 3px;
  }
  .token.query {
    text-align: right;
  }
  .token.on {
    color: var(--_accent);
    font-weight: 700;
  }
  .token.cursor {
    outline: 2px solid var(--_accent);
    outline-offset: -2px;
  }
  .token.locked {
    outline: 2px solid var(--_fg);
    outline-offset: -2px;
  }
`;
