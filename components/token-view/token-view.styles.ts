// Styles of <token-view>: the chips in their words, the id shown on hover or focus, and the merge
// step-through with its buttons.
import { css } from 'lit';

export const tokenViewStyles = css`
  .summary {
    margin: 0.1em 0 0.5em;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .tokens {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    gap: 0.6em 0.3em;
    padding-bottom: 1.4em;
  }
  .word {
    display: inline-flex;
    flex-direction: column;
    gap: 0.15em;
    cursor: pointer;
  }
  .chips {
    display: inline-flex;
    gap: 2px;
  }
  /* The word's extent: a bracket under its chips. */
  .bracket {
    height: 0.3em;
    border: 1px solid var(--_muted);
    border-top: none;
  }
  .word.chosen .bracket {
    border-color: var(--_accent);
    border-width: 2px;
  }
  .chip {
    position: relative;
    padding: 0.05em 0.3em;
    border: 1px solid var(--_border);
    border-radius: 4px;
    white-space: pre;
    font-variant-numeric: tabular-nums;
  }
  .chip.partial {
    border-style: dashed;
    border-color: var(--_muted);
    font-size: 0.9em;
  }
  .chip.special {
    font-style: italic;
    color: var(--_muted);
  }
  .chip:hover,
  .chip.linked {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_bg);
    forced-color-adjust: none;
  }
  .chip:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .id {
    display: none;
    position: absolute;
    top: calc(100% + 0.45em);
    left: 50%;
    transform: translateX(-50%);
    z-index: 1;
    padding: 0.05em 0.35em;
    border-radius: 4px;
    background: var(--_fg);
    color: var(--_bg);
    font-size: 0.8em;
    font-style: normal;
    pointer-events: none;
    forced-color-adjust: none;
  }
  .chip:hover .id,
  .chip:focus .id,
  .chip.linked .id {
    display: block;
  }
  .merges {
    margin-top: 0.5em;
    padding-top: 0.5em;
    border-top: 1px solid var(--_border);
  }
  .merges-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: 0.25em 1em;
  }
  .merges-title {
    margin: 0;
    font-weight: 600;
  }
  .token {
    white-space: pre;
  }
  .steps {
    display: inline-flex;
    align-items: baseline;
    gap: 0.25em;
    font-variant-numeric: tabular-nums;
  }
  .steps button {
    font: inherit;
    font-size: 0.85em;
    color: var(--_fg);
    background: transparent;
    border: 1px solid var(--_border);
    border-radius: 4px;
    padding: 0.1em 0.45em;
    cursor: pointer;
  }
  .steps button[aria-disabled='true'] {
    color: var(--_muted);
    cursor: default;
  }
  .steps button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .position {
    min-width: 7em;
    text-align: center;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .parts {
    display: flex;
    flex-wrap: wrap;
    gap: 2px;
    margin: 0.5em 0 0.3em;
  }
  .part {
    padding: 0.05em 0.3em;
    border: 1px solid var(--_border);
    border-radius: 4px;
    white-space: pre;
  }
  .part.merged {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_bg);
    forced-color-adjust: none;
  }
  .merge {
    margin: 0;
  }
  .hint {
    margin: 0.5em 0 0;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .merges [part='error'] {
    margin-top: 0.5em;
  }
`;
