import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { encodeFloats, writeSafetensors } from '../test/fixtures/safetensors-writer.js';
import { eiffelLens } from './support/data.js';
import { DEMO_MODEL, EIFFEL_PROMPT, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

/**
 * Translators for a tuned lens of `layers` × d_model `d`, random and seeded (mulberry32), as the
 * tuned-lens project names them (`0.weight` [d, d], `0.bias` [d], …), in a safetensors file behind a
 * blob URL: the stories stay offline, and the demo model (d 256, 2 layers) has no trained lens.
 */
function randomTranslators(layers: number, d: number): string {
  let seed = 12;
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const tensor = (name: string, shape: number[], scale: number) => {
    const values = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => next() * scale);
    return { name, dtype: 'F32', shape, data: encodeFloats(values, 'F32') };
  };
  const tensors = Array.from({ length: layers }, (_, l) => [tensor(`${l}.weight`, [d, d], 4 / Math.sqrt(d)), tensor(`${l}.bias`, [d], 0.5)]).flat();
  return URL.createObjectURL(new Blob([writeSafetensors(tensors) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
}

/** The illustrative lens read through a tuned lens: each layer already shows what the logit lens shows three layers up. */
const eiffelTuned = eiffelLens.lens.map((_, layer, lens) => lens[Math.min(layer + 3, lens.length - 1)]);

const meta: Meta<Args> = {
  title: 'Elements/logit-lens-table',
  component: 'logit-lens-table',
  render: (args, { loaded }) => html`<logit-lens-table
    text=${ifDefined(args.text)}
    top-k=${ifDefined(args['top-k'])}
    target=${ifDefined(args.target)}
    positions=${ifDefined(args.positions)}
    max-positions=${ifDefined(args['max-positions'])}
    lens=${ifDefined(args.lens)}
    translators=${ifDefined((loaded.translators as string | undefined) ?? args.translators)}
    ?trajectory=${args.trajectory}
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
  argTypes: { lens: { control: 'inline-radio', options: ['logit', 'tuned', 'both'] } },
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

/** The prediction trajectory of a position under the logit lens: click a cell, or move with the keyboard, to choose it. */
export const Trajectory: Story = { name: 'Prediction trajectory', args: { trajectory: true } };

/**
 * The logit and the tuned lens on one text, with a toggle and the trajectories of both. The demo model has no
 * trained lens, so these translators are random (made in the page); with GPT-2, `lens="tuned"` alone
 * loads the tuned-lens project's lens from the Hub.
 */
export const TunedLens: Story = {
  name: 'Tuned lens: toggle and trajectory',
  args: { lens: 'both', trajectory: true },
  loaders: [async () => ({ translators: randomTranslators(2, 256) })],
};

/** A tuned lens in data mode: `tuned` beside `lens` (illustrative numbers: the tuned lens finds each final guess three layers earlier). */
export const TunedLensData: Story = { name: 'Tuned lens: data mode', args: { model: undefined, text: undefined, lens: 'both', data: { ...eiffelLens, tuned: eiffelTuned }, target: ' Paris' } };

/** `lens="tuned"` on a model the tuned-lens project has no lens for, and no `translators`: the figure says which attribute to set. */
export const TunedLensNone: Story = { name: 'Error: no tuned lens for the model', args: { lens: 'tuned' } };

/** Translators made for another model (d_model 64): the figure names the shapes. */
export const TunedLensMismatch: Story = {
  name: 'Error: translators that do not fit',
  args: { lens: 'tuned' },
  loaders: [async () => ({ translators: randomTranslators(2, 64) })],
};
