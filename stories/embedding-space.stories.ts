import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
// Registered here too until components/index.ts exports it; a second define is a no-op.
import '../components/embedding-space.js';
import type { EmbeddingSpaceData } from '../components/embedding-space/embedding-data.js';
import { DEMO_MODEL, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

const WORDS = 'king queen man woman prince princess cat dog Paris London';

/**
 * Made-up numbers shaped like GPT-2 small's W_E on a few words (illustrative, not computed by a
 * model): gender along one diagonal, royalty along the other, so man → king and woman → queen are
 * nearly parallel.
 */
const royals: EmbeddingSpaceData = {
  words: [' king', ' queen', ' man', ' woman', ' prince', ' princess', ' cat', ' dog'],
  points: [
    { x: 1.9, y: 1.2 },
    { x: 1.6, y: -0.9 },
    { x: -0.6, y: 1.1 },
    { x: -0.9, y: -1.0 },
    { x: 1.4, y: 1.6 },
    { x: 1.1, y: -1.3 },
    { x: -2.1, y: 0.2 },
    { x: -2.3, y: 0.5 },
  ],
  neighbours: {
    ' king': [
      { token: ' kings', id: 5336, similarity: 0.74 },
      { token: ' King', id: 2677, similarity: 0.61 },
      { token: ' queen', id: 16599, similarity: 0.55 },
      { token: ' prince', id: 19716, similarity: 0.51 },
    ],
    ' cat': [
      { token: ' cats', id: 11875, similarity: 0.77 },
      { token: ' dog', id: 3290, similarity: 0.58 },
      { token: ' kitten', id: 26639, similarity: 0.52 },
    ],
  },
  analogy: {
    a: ' king',
    b: ' man',
    c: ' woman',
    results: [
      { token: ' queen', id: 16599, similarity: 0.62 },
      { token: ' princess', id: 21752, similarity: 0.49 },
      { token: ' Queen', id: 7542, similarity: 0.45 },
    ],
  },
  explained: [0.081, 0.052],
};

const meta: Meta<Args> = {
  title: 'Elements/embedding-space',
  component: 'embedding-space',
  render: (args) => html`<embedding-space
    words=${ifDefined(args.words)}
    analogy=${ifDefined(args.analogy)}
    k=${ifDefined(args.k)}
    query=${ifDefined(args.query)}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    ?no-export=${args['no-export']}
    .data=${args.data}
    @run-complete=${args.onRunComplete}
    @error=${args.onError}
  ></embedding-space>`,
  args: { words: WORDS, model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Live on the demo model: its embeddings are made up for planted circuits, not trained, so the neighbours are arbitrary; the figure works the same on GPT-2. Hover or Tab to a word. */
export const Default: Story = {};

/** king − man + woman, its words added to the scatter (hollow points) and drawn as two arrows. */
export const Analogy: Story = { args: { analogy: 'king man woman', k: 5 } };

/** A typed token's nearest tokens, from the query attribute. */
export const Query: Story = { args: { query: 'dog' } };

/** A word that is two GPT-2 tokens: the note says which, the rest are drawn. */
export const WordNotOneToken: Story = { name: 'A word that is not one token', args: { words: `${WORDS} tiredness` } };

/** Made-up GPT-2-small-like numbers (data mode), with neighbours for king and cat and the analogy. */
export const DataMode: Story = { name: 'Data mode: royals', args: { model: undefined, words: undefined, data: royals } };

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** No words yet. */
export const Empty: Story = { args: { words: undefined } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { args: { model: undefined, words: undefined, data: royals }, globals: { theme: 'dark' } };
