import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { eiffelLens } from './support/data.js';
import { DEMO_MODEL, EIFFEL_PROMPT, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

const meta: Meta<Args> = {
  title: 'Elements/logit-lens-table',
  component: 'logit-lens-table',
  render: (args) => html`<logit-lens-table
    text=${ifDefined(args.text)}
    top-k=${ifDefined(args['top-k'])}
    target=${ifDefined(args.target)}
    positions=${ifDefined(args.positions)}
    max-positions=${ifDefined(args['max-positions'])}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    group=${ifDefined(args.group)}
    ?prepend-bos=${args['prepend-bos']}
    ?no-export=${args['no-export']}
    .data=${args.data}
    @run-complete=${args.onRunComplete}
    @error=${args.onError}
    @token-hover=${args.onTokenHover}
  ></logit-lens-table>`,
  args: { text: EIFFEL_PROMPT, model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Live on the demo model (its planted heads know no facts, so the guesses are noise; with GPT-2, " Paris" takes over in the late layers). */
export const Default: Story = {};

/** Only the last position, as for a long text. */
export const LastPosition: Story = { name: 'Last position only', args: { positions: 'last' } };

/** A target token's probability and rank in every cell. */
export const Target: Story = { args: { target: ' Paris' } };

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** Data that does not fit the schema: the figure says where. */
export const ErrorBadData: Story = { name: 'Error: malformed data', args: { model: undefined, text: undefined, data: { tokens: ['The', ' cat'], lens: [[[{ token: ' sat', prob: 0.2 }]]] } } };

/** No text yet. */
export const Empty: Story = { args: { text: '' } };

/** Precomputed values, `[layer][position][rank]` (illustrative numbers shaped like GPT-2 small's: " Paris" leads from layer 9). */
export const DataMode: Story = { name: 'Data mode', args: { model: undefined, text: undefined, data: eiffelLens, target: ' Paris' } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { globals: { theme: 'dark' } };
