import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { posProbes } from './support/data.js';
import { DEMO_MODEL, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

const meta: Meta<Args> = {
  title: 'Elements/probe-chart',
  component: 'probe-chart',
  render: (args) => html`<probe-chart
    task=${ifDefined(args.task)}
    src=${ifDefined(args.src)}
    probe=${ifDefined(args.probe)}
    folds=${ifDefined(args.folds)}
    max-sentences=${ifDefined(args['max-sentences'])}
    epochs=${ifDefined(args.epochs)}
    seed=${ifDefined(args.seed)}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    group=${ifDefined(args.group)}
    ?prepend-bos=${args['prepend-bos']}
    ?no-export=${args['no-export']}
    .data=${args.data}
    .sentences=${args.sentences}
    @run-complete=${args.onRunComplete}
    @error=${args.onError}
    @train-progress=${args.onTrainProgress}
  ></probe-chart>`,
  args: { task: 'pos', model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Part-of-speech probes trained on the demo model's 3 residual layers (its residual stream holds token identities, not grammar: expect little above the control). */
export const Default: Story = {};

/** Labelled sentences of the page's own, given as a property (or a JSON child, or `src`). */
export const OwnData: Story = {
  name: 'Own labelled sentences',
  args: {
    task: undefined,
    folds: 2,
    sentences: {
      task: 'animacy',
      sentences: [
        { words: ['The', 'cat', 'sat', 'on', 'the', 'mat'], labels: ['O', 'ANIMATE', 'O', 'O', 'O', 'THING'] },
        { words: ['A', 'dog', 'chased', 'the', 'ball'], labels: ['O', 'ANIMATE', 'O', 'O', 'THING'] },
        { words: ['My', 'friend', 'reads', 'many', 'books'], labels: ['O', 'ANIMATE', 'O', 'O', 'THING'] },
        { words: ['The', 'bird', 'flew', 'over', 'trees'], labels: ['O', 'ANIMATE', 'O', 'O', 'THING'] },
      ],
    },
  },
};

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** A task the element does not have. */
export const ErrorUnknownTask: Story = { name: 'Error: unknown task', args: { task: 'sentiment' } };

/** Precomputed results for 13 layers, a linear and an MLP probe (illustrative numbers shaped like the course's expected output). */
export const DataMode: Story = { name: 'Data mode', args: { model: undefined, task: undefined, data: posProbes } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { args: { model: undefined, task: undefined, data: posProbes }, globals: { theme: 'dark' } };
