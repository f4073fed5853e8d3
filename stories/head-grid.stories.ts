import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { catLayers, longLayer } from './support/data.js';
import { DEMO_MODEL, REPEATED_TEXT, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

const meta: Meta<Args> = {
  title: 'Elements/head-grid',
  component: 'head-grid',
  render: (args) => html`<head-grid
    text=${ifDefined(args.text)}
    layer=${ifDefined(args.layer)}
    columns=${ifDefined(args.columns)}
    from-token=${ifDefined(args['from-token'])}
    to-token=${ifDefined(args['to-token'])}
    score=${ifDefined(args.score)}
    view=${ifDefined(args.view)}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    group=${ifDefined(args.group)}
    ?prepend-bos=${args['prepend-bos']}
    ?no-export=${args['no-export']}
    .data=${args.data}
    @run-complete=${args.onRunComplete}
    @error=${args.onError}
    @head-select=${args.onHeadSelect}
    @token-hover=${args.onTokenHover}
  ></head-grid>`,
  args: { text: REPEATED_TEXT, model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Every head of the demo model (2 layers × 4 heads): the previous-token head L0H0, the first-token sink L0H1, the induction head L1H0 and five inert heads. Hover a head for its detail; click or Enter selects it. */
export const Default: Story = {};

/** One layer as a near-square grid, like the course's 3 × 4 grid of GPT-2's layer 0 (the demo model has 4 heads: 2 × 2). */
export const OneLayer: Story = { name: 'One layer', args: { layer: 0 } };

/** The course exercise: rank every head by the attention from " it" to " cat". */
export const ItToCat: Story = { name: 'Head search: it → cat', args: { 'from-token': 'it', 'to-token': 'cat' } };

/** Rank the heads by a built-in score. */
export const PreviousTokenScore: Story = { name: 'Ranked by previous-token score', args: { score: 'previous-token' } };

/** BertViz's model view: every head as lines (`view="lines"`), each in its head's colour. Hover a head to see the hovered query's lines in the panel. */
export const Lines: Story = { name: 'Lines (model view)', args: { view: 'lines' } };

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** The demo model has 2 layers; layer 5 is out of range. */
export const ErrorLayerOutOfRange: Story = { name: 'Error: layer out of range', args: { layer: 5 } };

/** No text yet. */
export const Empty: Story = { args: { text: '' } };

/** 12 heads over 256 tokens (data mode, synthetic previous-token, first-token, local and broad heads). */
export const LongSequence: Story = { name: 'Long sequence (T = 256)', args: { model: undefined, text: undefined, data: longLayer(256, 12), layer: 0 } };

/** Precomputed values, `[layers][heads][dest][src]` (illustrative numbers: layer 1 head 1 sends " it" to " cat"). */
export const DataMode: Story = { name: 'Data mode', args: { model: undefined, text: undefined, data: catLayers, 'from-token': 'it', 'to-token': 'cat' } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { globals: { theme: 'dark' } };
