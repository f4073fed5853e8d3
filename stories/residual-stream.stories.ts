import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
// Registered here too until components/index.ts exports it; a second define is a no-op.
import '../components/residual-stream.js';
import type { ResidualStreamData } from '../components/residual-stream/residual-data.js';
import { CAT_SENTENCE, DEMO_MODEL, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

/**
 * Made-up residual streams shaped like GPT-2's (illustrative, not computed by a model): each token
 * drifts from its embedding along its own direction, its norm grows with depth, and the first token's
 * grows to many times the others', as GPT-2's does.
 */
function madeUp(tokens: string[], nLayer: number, D = 48): ResidualStreamData {
  let seed = 11;
  const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const start = tokens.map(() => Array.from({ length: D }, next));
  const drift = tokens.map(() => Array.from({ length: D }, next));
  const round = (v: number) => +v.toFixed(3);
  const residual = Array.from({ length: nLayer + 1 }, (_, l) => tokens.map((_, t) => start[t].map((v, i) => round((v + (drift[t][i] * l) / nLayer) * (1 + l / 3) * (t === 0 && l > 0 ? 20 : 1)))));
  const writes = (share: number) => Array.from({ length: nLayer }, (_, l) => tokens.map((_, t) => residual[l + 1][t].map((v, i) => round(share * (v - residual[l][t][i]) + 0.05 * next()))));
  return { tokens, residual, attnOut: writes(0.4), mlpOut: writes(0.6) };
}

const CAT_TOKENS = ['The', ' cat', ' sat', ' on', ' the', ' mat', ' because', ' it', ' was', ' tired'];
const LONG_TOKENS = Array.from({ length: 100 }, (_, t) => CAT_TOKENS[t % CAT_TOKENS.length]);

const meta: Meta<Args> = {
  title: 'Elements/residual-stream',
  component: 'residual-stream',
  render: (args) => html`<residual-stream
    text=${ifDefined(args.text)}
    stat=${ifDefined(args.stat)}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    group=${ifDefined(args.group)}
    ?prepend-bos=${args['prepend-bos']}
    ?no-export=${args['no-export']}
    .data=${args.data}
    @run-complete=${args.onRunComplete}
    @error=${args.onError}
    @token-hover=${args.onTokenHover}
  ></residual-stream>`,
  args: { text: CAT_SENTENCE, model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Live on the demo model: each token's residual norm per layer. Hover a cell, or Tab in and use the arrow keys. */
export const Default: Story = {};

/** How far each block turns each token: the cosine to the layer before. */
export const CosinePrevious: Story = { name: 'Cosine to the layer before', args: { stat: 'cosine-previous' } };

/** How soon each token points where it ends: the cosine to its final layer. */
export const CosineFinal: Story = { name: 'Cosine to the final layer', args: { stat: 'cosine-final' } };

/** What each block's MLP wrote into the stream. */
export const MlpWrites: Story = { name: 'MLP writes', args: { stat: 'mlp' } };

/** Each token's path through the layers on the first two principal components. */
export const Paths: Story = { name: 'PCA paths', args: { stat: 'paths' } };

/** A figure and its paths linked by group: hover a row on the left to light up its path on the right. */
export const Linked: Story = {
  render: (args) => html`<div style="display: grid; grid-template-columns: 1fr 1fr; gap: 1em">
    <residual-stream group="linked-story" model=${args.model} text=${args.text}></residual-stream>
    <residual-stream group="linked-story" model=${args.model} text=${args.text} stat="paths"></residual-stream>
  </div>`,
};

/** GPT-2 small's 12 layers over 100 made-up tokens (data mode): the first token's norm dwarfs the rest, so the norms are on a log scale. */
export const DataModeLong: Story = { name: 'Data mode: 100 tokens, 12 layers', args: { model: undefined, text: undefined, data: madeUp(LONG_TOKENS, 12) } };

/** The same as paths: 1,300 points, labelled where labels fit. */
export const DataModeLongPaths: Story = { name: 'Data mode: 100 paths', args: { model: undefined, text: undefined, data: madeUp(LONG_TOKENS, 12), stat: 'paths' } };

/** Data without attnOut and mlpOut: their views are off, and say why. */
export const DataModeNoWrites: Story = {
  name: 'Data mode: residual only',
  args: { model: undefined, text: undefined, data: { ...madeUp(CAT_TOKENS, 12), attnOut: undefined, mlpOut: undefined }, stat: 'attention' },
};

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** No text yet. */
export const Empty: Story = { args: { text: undefined } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { args: { data: madeUp(CAT_TOKENS, 12), model: undefined, text: undefined, stat: 'paths' }, globals: { theme: 'dark' } };
