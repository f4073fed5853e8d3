import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
// Registered here too until components/index.ts exports it; a second define is a no-op.
import '../components/logit-attribution.js';
import type { LogitAttributionData } from '../components/logit-attribution/attribution-data.js';
import { DEMO_MODEL, REPEATED_ANSWER, REPEATED_TEXT, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

/** The course sentence without its last word, so the model predicts it. */

const IOI_TOKENS = ['When', ' Mary', ' and', ' John', ' went', ' to', ' the', ' store', ',', ' John', ' gave', ' a', ' drink', ' to'];

/**
 * Made-up numbers shaped like GPT-2 small's on the IOI prompt (illustrative, not computed by a model):
 * name mover heads L9H6, L9H9 and L10H0 raise logit[" Mary"] − logit[" John"], negative name movers
 * L10H7 and L11H10 lower it, every other head adds a little noise.
 */
function ioiByHead(): LogitAttributionData {
  const strong: Record<string, number> = { L9H6: 1.42, L9H9: 2.61, L10H0: 1.05, L10H7: -1.38, L11H10: -0.91, L10H10: 0.44, L10H6: 0.37 };
  let seed = 7;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.12;
  const labels = ['embed', 'pos_embed'];
  for (let l = 0; l < 12; l++) labels.push(...Array.from({ length: 12 }, (_, h) => `L${l}H${h}`), `${l}_attn_bias`, `${l}_mlp_out`);
  labels.push('ln_final_bias');
  const values = labels.map((label) => +(strong[label] ?? noise()).toFixed(4));
  return { labels, values, total: +values.reduce((a, b) => a + b, 0).toFixed(4), tokens: IOI_TOKENS, answer: ' Mary', wrong: ' John' };
}

/** The same made-up attribution summed by layer, as decompose_resid gives it. */
function ioiByLayer(): LogitAttributionData {
  const byHead = ioiByHead();
  const labels = ['embed', 'pos_embed'];
  const values = byHead.values.slice(0, 2);
  for (let l = 0; l < 12; l++) {
    const start = 2 + l * 14;
    labels.push(`${l}_attn_out`, `${l}_mlp_out`);
    values.push(
      +byHead.values
        .slice(start, start + 13)
        .reduce((a, b) => a + b, 0)
        .toFixed(4),
      byHead.values[start + 13],
    );
  }
  labels.push('ln_final_bias');
  values.push(byHead.values[byHead.values.length - 1]);
  return { ...byHead, labels, values };
}

const meta: Meta<Args> = {
  title: 'Elements/logit-attribution',
  component: 'logit-attribution',
  render: (args) => html`<logit-attribution
    text=${ifDefined(args.text)}
    answer=${ifDefined(args.answer)}
    wrong=${ifDefined(args.wrong)}
    by=${ifDefined(args.by)}
    position=${ifDefined(args.position)}
    order=${ifDefined(args.order)}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    group=${ifDefined(args.group)}
    ?prepend-bos=${args['prepend-bos']}
    ?no-export=${args['no-export']}
    .data=${args.data}
    @run-complete=${args.onRunComplete}
    @error=${args.onError}
    @head-select=${args.onHeadSelect}
  ></logit-attribution>`,
  args: { text: REPEATED_TEXT, answer: REPEATED_ANSWER, wrong: ' river', model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** Live on the demo model, by layer: the repeat's logit comes from layer 1's attention (its induction head); the check adds the bars up to the logit difference. */
export const Default: Story = {};

/** One bar per head, with each layer's attention bias and MLP, largest first: the induction head L1H0 leads. Click a head row to select it. */
export const ByHead: Story = { name: 'By head', args: { by: 'head', order: 'sorted' } };

/** Without a wrong token: the bars explain the answer's own logit. */
export const AnswerOnly: Story = { name: 'Answer logit only', args: { wrong: undefined } };

/** GPT-2 small's 171 rows by head (made-up IOI numbers, data mode), largest first: the name movers lead. */
export const DataModeByHead: Story = { name: 'Data mode: IOI by head (171 rows)', args: { model: undefined, text: undefined, data: ioiByHead(), order: 'sorted' } };

/** The same made-up IOI numbers by layer, in model order. */
export const DataModeByLayer: Story = { name: 'Data mode: IOI by layer', args: { model: undefined, text: undefined, data: ioiByLayer() } };

/** A total the bars miss 0.37 of (as when an export leaves out a bias row): the check says they do not add up, and by how much. */
export const DataModeMismatch: Story = {
  name: 'Data mode: bars that do not add up',
  args: { model: undefined, text: undefined, data: { ...ioiByLayer(), total: +(ioiByLayer().total + 0.37).toFixed(4) } },
};

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** An answer that is two tokens: the figure says which, and asks for one. */
export const ErrorTwoTokens: Story = { name: 'Error: answer is not one token', args: { answer: ' tiredness' } };

/** No answer yet. */
export const Empty: Story = { args: { answer: undefined } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { args: { data: ioiByHead(), model: undefined, text: undefined, order: 'sorted' }, globals: { theme: 'dark' } };
