// Styles of <next-token>: the controls, the bars (greyed when they cannot be drawn), the generation
// row with its token chips, and the strip of the text by surprisal.
import { css } from 'lit';

export const nextTokenStyles = css`
  .title {
    margin: 0 0 0.25em;
    font-weight: 600;
  }
  .token {
    white-space: pre;
  }
  .controls,
  .generation {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4em 1.25em;
    margin: 0.25em 0 0.5em;
  }
  .controls label,
  .generation label {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    color: var(--_muted);
  }
  input {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    accent-color: var(--_accent);
  }
  input[type='number'] {
    width: 5em;
    border: 1px solid var(--_border);
    border-radius: 4px;
    padding: 0.05em 0.3em;
  }
  input[aria-invalid='true'] {
    border-color: var(--_error);
  }
  output {
    min-width: 2.5em;
    color: var(--_fg);
    font-variant-numeric: tabular-nums;
  }
  .hint {
    margin: 0 0 0.4em;
    color: var(--_error);
    font-size: 0.9em;
  }
  button {
    font: inherit;
    color: var(--_fg);
    background: transparent;
    border: 1px solid var(--_border);
    border-radius: 4px;
    padding: 0.1em 0.6em;
    cursor: pointer;
  }
  button:disabled {
    color: var(--_muted);
    cursor: default;
    opacity: 0.6;
  }
  button:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .chart[aria-busy='true'] {
    opacity: 0.6;
  }
  .axis,
  .row {
    display: grid;
    grid-template-columns: minmax(5em, max-content) minmax(8em, 1fr) 7.5em;
    column-gap: 0.5em;
  }
  .axis {
    height: 1.3em;
    color: var(--_muted);
    font-size: 0.8em;
  }
  .tick {
    position: absolute;
    bottom: 0.1em;
    transform: translateX(-50%);
  }
  .tick:first-child {
    transform: none;
  }
  .tick:last-child {
    transform: translateX(-100%);
  }
  .bars {
    margin: 0;
    padding: 0;
    list-style: none;
    font-variant-numeric: tabular-nums;
  }
  .row {
    line-height: 1.4em;
  }
  .label {
    text-align: end;
    white-space: pre;
    max-width: 14em;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .track {
    position: relative;
    border-left: 1px solid var(--_border);
  }
  .bar {
    position: absolute;
    left: 0;
    top: 0.2em;
    bottom: 0.2em;
    background: var(--_scale-high);
    forced-color-adjust: none;
  }
  .row.excluded {
    color: var(--_muted);
  }
  .row.excluded .label {
    text-decoration: line-through;
  }
  .row.excluded .value {
    font-style: italic;
  }
  .row.drawn {
    box-shadow: inset 3px 0 var(--_accent);
    background: color-mix(in srgb, var(--_accent) 10%, transparent);
    font-weight: 600;
  }
  .note,
  .drawn-line {
    margin: 0.4em 0;
    color: var(--_muted);
  }
  .generated {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.2em 0;
    margin: 0.25em 0 0.5em;
    line-height: 1.8;
  }
  .prompt {
    white-space: pre-wrap;
  }
  .chip {
    white-space: pre;
    padding: 0 0.1em;
    border-bottom: 2px solid var(--_accent);
    cursor: pointer;
  }
  .chip:hover {
    background: color-mix(in srgb, var(--_accent) 10%, transparent);
  }
  .chip[aria-selected='true'] {
    background: var(--_accent);
    color: var(--_bg);
  }
  .strip-title {
    margin: 0.5em 0 0.25em;
    color: var(--_muted);
  }
  .strip {
    display: flex;
    flex-wrap: wrap;
    gap: 2px;
  }
  .strip[aria-busy='true'] {
    opacity: 0.6;
  }
  .cell {
    white-space: pre;
    padding: 0.05em 0.15em;
    border-radius: 2px;
    forced-color-adjust: none;
  }
  .cell.first {
    border: 1px dashed var(--_border);
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4em;
    margin: 0.4em 0 0;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .ramp {
    display: inline-block;
    width: 10em;
    height: 0.7em;
    border: 1px solid var(--_border);
    background: linear-gradient(to right, var(--_scale-low), var(--_scale-high));
    forced-color-adjust: none;
  }
`;
