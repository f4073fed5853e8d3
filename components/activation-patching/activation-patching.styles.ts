// Styles of <activation-patching>, over the shared figure styles: the chart, and the progress with
// its Cancel button.
import { css } from 'lit';

export const patchingStyles = css`
  .summary {
    margin: 0.2em 0;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .scroll {
    max-width: 100%;
    overflow-x: auto;
  }
  svg {
    display: block;
    overflow: visible;
    font-size: 11px;
    forced-color-adjust: none;
  }
  .label {
    white-space: pre;
  }
  .cell {
    cursor: default;
  }
  .cell:focus-visible {
    outline: none;
    stroke: var(--_accent);
    stroke-width: 3px;
  }
  .running {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em 1em;
  }
  .running progress {
    flex: 1 1 12em;
  }
  .running button,
  .stopped button {
    font: inherit;
    color: var(--_fg);
    background: transparent;
    border: 1px solid var(--_border);
    border-radius: 4px;
    padding: 0.1em 0.6em;
    cursor: pointer;
  }
  .running button:focus-visible,
  .stopped button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
`;
