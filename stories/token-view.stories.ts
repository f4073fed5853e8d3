import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
// Registered here too until components/index.ts exports it; a second define is a no-op.
import '../components/token-view.js';
import type { TokenizationData } from '../src/types.js';
import { CAT_SENTENCE, DEMO_MODEL, MISSING_MODEL, STALLED_MODEL, stallDownloads } from './support/models.js';

/** GPT-2's tokenization of "The cat sat", as `tokenizer.tokenize` gives it (the ranks are GPT-2's merges). */
const CAT_SAT: TokenizationData = {
  ids: [464, 3797, 3332],
  tokens: ['The', ' cat', ' sat'],
  words: ['The', ' cat', ' sat'],
  merges: {
    The: { steps: [['T', 'h', 'e'], ['T', 'he'], ['The']], ranks: [2, 208] },
    ' cat': { steps: [[' ', 'c', 'a', 't'], [' ', 'c', 'at'], [' c', 'at'], [' cat']], ranks: [9, 13, 3541] },
    ' sat': { steps: [[' ', 's', 'a', 't'], [' s', 'a', 't'], [' s', 'at'], [' sat']], ranks: [8, 9, 3076] },
  },
};

const meta: Meta<Args> = {
  title: 'Elements/token-view',
  component: 'token-view',
  render: (args) => html`<token-view
    text=${ifDefined(args.text)}
    word=${ifDefined(args.word)}
    model=${ifDefined(args.model)}
    device=${ifDefined(args.device)}
    group=${ifDefined(args.group)}
    ?no-export=${args['no-export']}
    .data=${args.data}
    @run-complete=${args.onRunComplete}
    @error=${args.onError}
    @token-hover=${args.onTokenHover}
  ></token-view>`,
  args: { text: CAT_SENTENCE, model: DEMO_MODEL },
};
export default meta;
type Story = StoryObj<Args>;

/** The course sentence as GPT-2's tokens, on the demo model (GPT-2's real tokenizer). Click a word to step through its merges. */
export const Default: Story = {};

/** A long word made of two tokens, its merges on show: twelve bytes, ten merges. */
export const Merges: Story = { name: 'A word’s merges', args: { text: 'Subword tokenization splits rare words', word: ' tokenization' } };

/** Whitespace made visible: spaces, a tab, newlines, and runs of spaces that are tokens of their own. */
export const Whitespace: Story = { args: { text: 'def f(x):\n\treturn x  *  2\n\n' } };

/** An emoji, Chinese and accented Latin: tokens that hold part of a character show its bytes as \xHH, on dashed chips. */
export const Unicode: Story = { name: 'Characters over several tokens', args: { text: 'Hi 😀 中文 café naïve', word: ' 中文' } };

/** `<|endoftext|>` in the text is one special token, with no merge. */
export const EndOfText: Story = { name: '<|endoftext|> in the text', args: { text: 'The end.<|endoftext|>A new start' } };

/** Two linked figures (one group): hover a token in one and it lights up in the other. */
export const Linked: Story = {
  render: (args) => html`<token-view group="story-tokens" model=${DEMO_MODEL} text=${CAT_SENTENCE} @token-hover=${args.onTokenHover}></token-view>
    <token-view group="story-tokens" model=${DEMO_MODEL} text="The cat sat on the mat, and the dog sat too"></token-view>`,
};

/** Data mode: GPT-2's tokenization of "The cat sat", with no model. */
export const DataMode: Story = { name: 'Data mode', args: { model: undefined, text: undefined, data: CAT_SAT, word: ' cat' } };

/** The model download has stalled at 40%: the tokenizer comes with the model, so the figure waits. */
export const Loading: Story = { args: { model: STALLED_MODEL }, beforeEach: stallDownloads };

/** A model folder that does not exist. */
export const ErrorMissingModel: Story = { name: 'Error: missing model', args: { model: MISSING_MODEL } };

/** A word the text does not have: the tokens show, the merges say so. */
export const ErrorUnknownWord: Story = { name: 'Error: unknown word', args: { word: ' dog' } };

/** No text yet. */
export const Empty: Story = { args: { text: undefined } };

/** The Theme toolbar's dark mode. */
export const Dark: Story = { args: { text: 'Hi 😀 tokenization', word: ' tokenization' }, globals: { theme: 'dark' } };
