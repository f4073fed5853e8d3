import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../components/head-ablation.js';
import type { AblationData } from '../components/head-ablation/head-ablation-data.js';
import { DEMO_MODEL, REPEATED_ANSWER, REPEATED_TEXT, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

/**
 * The course's indirect-object task on GPT-2 small (12 layers × 12 heads), with illustrative numbers,
 * not computed by a model: the name movers 9.6, 9.9 and 10.0 carry logit(" Mary") − logit(" John"),
 * the negative name movers 10.7 and 11.10 work against it, the other heads barely matter.
 */
function indirectObject(): AblationData {
  const clean = 3.2;
  const effects: Record<string, number> = { '9.6': -1.1, '9.9': -1.6, '10.0': -0.9, '10.7': 0.8, '11.10': 0.5, '7.3': -0.3, '8.6': -0.35, '5.5': -0.2, '6.9': -0.15 };
  // A small deterministic wobble for the other heads, so the map looks measured rather than drawn.
  const wobble = (l: number, h: number) => (((l * 7 + h * 13) % 11) - 5) / 200;
  const ablated = Array.from({ length: 12 }, (_, l) => Array.from({ length: 12 }, (_, h) => Math.round((clean + (effects[`${l}.${h}`] ?? wobble(l, h))) * 1000) / 1000));
  const next = (...entries: [string, number][]) => entries.map(([token, prob]) => ({ token, prob }));
  return {
    tokens: ['When', ' Mary', ' and', ' John', ' went', ' to', ' the', ' store', ',', ' John', ' gave', ' a', ' drink', ' to'],
    answer: ' Mary',
    wrong: ' John',
    clean,
    ablated,
    before: next([' Mary', 0.68], [' them', 0.09], [' John', 0.03], [' the', 0.03], [' her', 0.02]),
    after: {
      '9.9': next([' Mary', 0.41], [' John', 0.12], [' them', 0.1], [' the', 0.04], [' her', 0.03]),
      '9.6': next([' Mary', 0.49], [' them', 0.1], [' John', 0.09], [' the', 0.04], [' her', 0.02]),
      '10.7': next([' Mary', 0.8], [' them', 0.06], [' John', 0.02], [' the', 0.02], [' her', 0.01]),
      '9.6 9.9 10.0': next([' John', 0.31], [' Mary', 0.22], [' them', 0.11], [' the', 0.05], [' her', 0.03]),
    },
  };
}

const meta: Meta<Args> = {
  title: 'Elements/head-ablation',
  component: 'head-ablation',
  render: (args) => html`<head-ablation
    text=${ifDefined(args.text)}
    answer=${ifDefined(args.answer)}
    wrong=${ifDefined(args.wrong)}
    mode=${ifDefined(args.mode)}
    heads=${ifDefined(args.heads)}
    top-k=${ifDefined(args['top-k'])}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    group=${ifDefined(args.group)}
    ?prepend-bos=${args['prepend-bos']}
    ?no-export=${args['no-export']}
    .data=${args.data}
    @run-complete=${args.onRunComplete}
    @error=${args.onError}
    @head-select=${args.onHeadSelect}
  ></head-ablation>`,
  args: { text: REPEATED_TEXT, answer: REPEATED_ANSWER, model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Every head of the demo model ablated in turn: only the previous-token head L0H0 and the induction head L1H0 matter to the repeat. Click a head for its before/after. */
export const Default: Story = {};

/** The logit difference against a competing token, each head replaced by its mean over the positions. */
export const LogitDifferenceMean: Story = { name: 'Logit difference, mean ablation', args: { wrong: ' happy', mode: 'mean' } };

/** The textbook's step 2: ablate a chosen set of heads together and compare the next token before and after. */
export const HeadSet: Story = { name: 'A set of heads', args: { heads: '0.0 1.1', 'top-k': 5 } };

/** Click a head in the grid: the ablation shows what taking it out does; click a cell of the map and the grid selects it. */
export const LinkedWithHeadGrid: Story = {
  name: 'Linked with <head-grid>',
  render: () => html`<head-grid group="ablation-story" model=${DEMO_MODEL} text=${REPEATED_TEXT}></head-grid>
    <head-ablation group="ablation-story" model=${DEMO_MODEL} text=${REPEATED_TEXT} answer=${REPEATED_ANSWER}></head-ablation>`,
};

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** An answer that is not one token: the figure names its tokens. */
export const ErrorAnswerNotOneToken: Story = { name: 'Error: answer not one token', args: { answer: ' tiredness itself' } };

/** No answer yet: nothing to measure. */
export const Empty: Story = { args: { answer: undefined } };

/** Precomputed values from TransformerLens (illustrative numbers for GPT-2 small on the indirect-object prompt). */
export const DataMode: Story = { name: 'Data mode', args: { model: undefined, text: undefined, answer: undefined, data: indirectObject() } };

/** Data mode with a set of heads: the three name movers ablated together. */
export const DataModeHeadSet: Story = { name: 'Data mode: a set of heads', args: { model: undefined, text: undefined, answer: undefined, data: indirectObject(), heads: '9.6 9.9 10.0', 'top-k': 5 } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { args: { model: undefined, text: undefined, answer: undefined, data: indirectObject() }, globals: { theme: 'dark' } };
