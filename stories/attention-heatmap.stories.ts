import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { catHead, longHead } from './support/data.js';
import { DEMO_MODEL, REPEATED_TEXT, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

const meta: Meta<Args> = {
  title: 'Elements/attention-heatmap',
  component: 'attention-heatmap',
  render: (args) => html`<attention-heatmap
    text=${ifDefined(args.text)}
    layer=${ifDefined(args.layer)}
    head=${ifDefined(args.head)}
    max=${ifDefined(args.max)}
    follow-selection=${args['follow-selection'] === false ? 'false' : nothing}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    group=${ifDefined(args.group)}
    ?prepend-bos=${args['prepend-bos']}
    ?no-export=${args['no-export']}
    .data=${args.data}
    @run-complete=${args.onRunComplete}
    @error=${args.onError}
    @token-hover=${args.onTokenHover}
    @cell-select=${args.onCellSelect}
  ></attention-heatmap>`,
  args: { text: REPEATED_TEXT, layer: 1, head: 0, model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Live, on the generated demo model: L1H0, its induction head, on text that repeats (each token of the repeat attends to the one after its first occurrence). Hover a cell, click to lock it, or use the arrow keys. */
export const Default: Story = {};

/** The model download has stalled at 40%: the figure says what it is waiting for. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** The demo model has 2 layers; layer 7 is out of range and the figure says so. */
export const ErrorLayerOutOfRange: Story = { name: 'Error: layer out of range', args: { layer: 7 } };

/** No text yet. */
export const Empty: Story = { args: { text: '' } };

/** 1,000 tokens (data mode, a synthetic local head): the cells stay on one canvas, labels thin out, the box scrolls. */
export const LongSequence: Story = { name: 'Long sequence (T = 1000)', args: { model: undefined, text: undefined, data: longHead(1000), layer: 0, head: 0, max: 0.3 } };

/** Precomputed values instead of a model: one head `[dest][src]` (illustrative numbers), as exported from Python. */
export const DataMode: Story = { name: 'Data mode', args: { model: undefined, text: undefined, data: catHead, layer: 0, head: 0 } };

/** The Theme toolbar's dark mode: the page sets the --xray-* colour tokens. */
export const Dark: Story = { globals: { theme: 'dark' } };
