import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { catLayers, longLayer } from './support/data.js';
import { DEMO_MODEL, REPEATED_TEXT, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

const meta: Meta<Args> = {
  title: 'Elements/attention-lines',
  component: 'attention-lines',
  render: (args) => html`<attention-lines
    text=${ifDefined(args.text)}
    layer=${ifDefined(args.layer)}
    heads=${ifDefined(args.heads)}
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
    @head-select=${args.onHeadSelect}
  ></attention-lines>`,
  args: { text: REPEATED_TEXT, layer: 1, model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Live, on the generated demo model: layer 1, every head. Hover a token to keep its lines; double-click a head's toggle to show it alone (L1H0 is the induction head). */
export const Default: Story = {};

/** Only the induction head L1H0 and the inert L1H2, as `heads="0 2"`. */
export const SomeHeads: Story = { name: 'Some heads', args: { heads: '0 2' } };

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** The demo model has 2 layers; layer 7 is out of range. */
export const ErrorLayerOutOfRange: Story = { name: 'Error: layer out of range', args: { layer: 7 } };

/** No text yet. */
export const Empty: Story = { args: { text: '' } };

/** 12 heads over 100 tokens (data mode, synthetic heads): some 60,000 lines on one canvas. */
export const LongSequence: Story = { name: 'Long sequence (12 heads, T = 100)', args: { model: undefined, text: undefined, data: longLayer(100, 12), layer: 0 } };

/** Precomputed values, the same `[layers][heads][dest][src]` export as the heatmap's (illustrative numbers: layer 1 head 1 sends " it" to " cat"). */
export const DataMode: Story = { name: 'Data mode', args: { model: undefined, text: undefined, data: catLayers, layer: 1 } };

/** The Theme toolbar's dark mode: the head palette turns brighter. */
export const Dark: Story = { globals: { theme: 'dark' } };
