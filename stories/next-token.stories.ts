import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
// Registered here too until components/index.ts exports it; a second define is a no-op.
import '../components/next-token.js';
import type { NextTokenData } from '../components/next-token/next-token-data.js';
import { CAT_SENTENCE, DEMO_MODEL, MISSING_MODEL, REPEATED_TEXT, STALLED_MODEL, stallDownloads } from './support/models.js';

/**
 * Made-up numbers shaped like GPT-2 small's after "The cat sat on the" (illustrative, not computed by
 * a model): the top 12 logits with their ids and text, and the prompt's own log probabilities.
 */
const CAT_ON_THE: NextTokenData = {
  tokens: ['The', ' cat', ' sat', ' on', ' the'],
  logits: [-71.2, -72.4, -72.9, -73.1, -73.3, -73.4, -73.8, -74.0, -74.1, -74.3, -74.6, -74.9],
  ids: [2603, 4314, 18316, 3996, 5118, 9578, 8165, 3084, 9813, 3091, 2239, 1097],
  vocab: [' mat', ' floor', ' sofa', ' bed', ' chair', ' rug', ' roof', ' table', ' grass', ' box', ' step', ' car'],
  tokenLogProbs: [-9.06, -5.31, -1.22, -0.41],
};

const meta: Meta<Args> = {
  title: 'Elements/next-token',
  component: 'next-token',
  render: (args) => html`<next-token
    text=${ifDefined(args.text)}
    k=${ifDefined(args.k)}
    temperature=${ifDefined(args.temperature)}
    top-k=${ifDefined(args['top-k'])}
    top-p=${ifDefined(args['top-p'])}
    steps=${ifDefined(args.steps)}
    seed=${ifDefined(args.seed)}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    group=${ifDefined(args.group)}
    ?prepend-bos=${args['prepend-bos']}
    ?no-export=${args['no-export']}
    .data=${args.data}
    @text-change=${args.onTextChange}
    @run-complete=${args.onRunComplete}
    @token-hover=${args.onTokenHover}
    @error=${args.onError}
  ></next-token>`,
  args: { text: REPEATED_TEXT, model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Live on the demo model: its induction head predicts " silver" after the repeated words. Move the temperature, Sample or Generate, then click a generated token to see its step. */
export const Default: Story = {};

/** A low temperature and top-k 3: everything past the third token is greyed, and the note says why. */
export const Filtered: Story = { name: 'Temperature 0.5, top-k 3', args: { temperature: 0.5, 'top-k': 3 } };

/** The nucleus: the smallest top set whose probability reaches 0.9. */
export const Nucleus: Story = { name: 'Top-p 0.9', args: { 'top-p': 0.9 } };

/** A fixed seed: Generate draws the same tokens on every load, and Replay draws them again. */
export const Seeded: Story = { name: 'Seed 7', args: { seed: 7, steps: 5, text: CAT_SENTENCE } };

/** Made-up GPT-2-small-shaped logits (data mode, a top-12 subset with ids): the bars and the strip, without a model. */
export const DataMode: Story = { name: 'Data mode', args: { model: undefined, text: undefined, data: CAT_ON_THE } };

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** Data whose vocabulary does not match its logits: the figure says where. */
export const ErrorBadData: Story = { name: 'Error: malformed data', args: { model: undefined, text: undefined, data: { ...CAT_ON_THE, vocab: [' mat'] } } };

/** No text yet. */
export const Empty: Story = { args: { text: '' } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { args: { model: undefined, text: undefined, data: CAT_ON_THE, 'top-k': 5 }, globals: { theme: 'dark' } };
