import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../components/activation-patching.js';
import type { PatchingData } from '../components/activation-patching/patching-view.js';
import { DEMO_MODEL, MISSING_MODEL, REPEATED_ANSWER, REPEATED_TEXT, STALLED_MODEL, stallDownloads } from './support/models.js';

/** The repeated text with its first ' silver' made ' bridge': the demo model's induction head now predicts ' bridge'. */
const CORRUPTED_TEXT = REPEATED_TEXT.replace(REPEATED_ANSWER, ' bridge');

const IOI_CLEAN = ['When', ' Mary', ' and', ' John', ' went', ' to', ' the', ' store', ',', ' John', ' gave', ' a', ' drink', ' to'];
/** The second " John" (the subject) becomes " Mary". */
const IOI_CORRUPTED = IOI_CLEAN.map((token, i) => (i === 9 ? ' Mary' : token));

/**
 * The course's indirect-object task on GPT-2 small (12 layers), with illustrative numbers shaped like
 * TransformerLens's demo, not computed by a model: the clean answer lives at the subject's position
 * until the middle layers, then moves to the last position; the other positions do nothing.
 */
function indirectObjectResidual(): PatchingData {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const values = Array.from({ length: 12 }, (_, l) =>
    IOI_CLEAN.map((_, t) => {
      if (t === 9) return round(Math.max(0, Math.min(1, (9 - l) / 3)));
      if (t === IOI_CLEAN.length - 1) return round(Math.max(0, Math.min(1, (l - 6) / 3)));
      return round((((l * 5 + t * 3) % 7) - 3) / 300);
    }),
  );
  return { hook: 'resid_pre', cleanTokens: IOI_CLEAN, corruptedTokens: IOI_CORRUPTED, values, answer: ' Mary', wrong: ' John', clean: 3.55, corrupted: -3.27 };
}

/** The same task by head (hook z), illustrative: name movers 9.6, 9.9, 10.0 restore it, negative name movers 10.7 and 11.10 push back, S-inhibition heads 7.3, 7.9, 8.6, 8.10 help. */
function indirectObjectHeads(): PatchingData {
  const effects: Record<string, number> = { '9.6': 0.22, '9.9': 0.41, '10.0': 0.17, '10.7': -0.31, '11.10': -0.18, '7.3': 0.12, '7.9': 0.16, '8.6': 0.24, '8.10': 0.19, '3.0': 0.06, '5.5': 0.08 };
  const values = Array.from({ length: 12 }, (_, l) => Array.from({ length: 12 }, (_, h) => effects[`${l}.${h}`] ?? (((l * 7 + h * 13) % 11) - 5) / 400));
  return { hook: 'z', cleanTokens: IOI_CLEAN, corruptedTokens: IOI_CORRUPTED, values, answer: ' Mary', wrong: ' John', clean: 3.55, corrupted: -3.27 };
}

const meta: Meta<Args> = {
  title: 'Elements/activation-patching',
  component: 'activation-patching',
  render: (args) => html`<activation-patching
    clean=${ifDefined(args.clean)}
    corrupted=${ifDefined(args.corrupted)}
    answer=${ifDefined(args.answer)}
    wrong=${ifDefined(args.wrong)}
    hook=${ifDefined(args.hook)}
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
  ></activation-patching>`,
  args: { clean: REPEATED_TEXT, corrupted: CORRUPTED_TEXT, answer: REPEATED_ANSWER, wrong: ' bridge', model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** The residual stream patched on the demo model: the answer comes back only through the position where the prompts differ. */
export const Default: Story = {};

/** Each head's output patched (hook z): the demo model's induction head L1H0 carries the answer. Click a head to select it. */
export const Heads: Story = { name: 'Heads (hook z)', args: { hook: 'z' } };

/** Each layer's attention output patched. */
export const AttentionOutputs: Story = { name: 'Attention outputs (attn_out)', args: { hook: 'attn_out' } };

/** The model download has stalled at 40%. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** The prompts must have the same number of tokens; the error shows both tokenisations. */
export const ErrorLengths: Story = { name: 'Error: prompts of different lengths', args: { corrupted: 'A shorter prompt' } };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** No prompts yet. */
export const Empty: Story = { args: { clean: '', corrupted: '' } };

/** Precomputed resid_pre patching on the indirect-object task (illustrative numbers, GPT-2 small's 12 layers). */
export const DataMode: Story = { name: 'Data mode', args: { model: undefined, clean: undefined, corrupted: undefined, data: indirectObjectResidual() } };

/** Precomputed head patching (hook z) on the indirect-object task, with negative values (illustrative numbers). */
export const DataModeHeads: Story = { name: 'Data mode: heads', args: { model: undefined, clean: undefined, corrupted: undefined, data: indirectObjectHeads() } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { args: { model: undefined, data: indirectObjectResidual() }, globals: { theme: 'dark' } };
