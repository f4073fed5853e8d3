// The text as GPT-2's tokenizer sees it: its tokens, the words GPT-2's pre-tokenizer splits it
// into, and the byte-pair merges that turn each word's bytes into its tokens, one step at a time.
import { XrayError } from './errors.js';
import type { TokenizationData } from './types.js';

/** How many of the text's words an error names. */
const LISTED = 8;

export class Tokenization {
  /** Token ids, exactly as Hugging Face's `tokenizer(text)` gives them. */
  readonly ids: number[];
  /** Display text of each token, e.g. `' cat'`; a token that holds part of a character writes its bytes as `\xHH`. */
  readonly tokens: string[];
  /** The pre-tokenizer's split of the text (`' cat'`); they add up to the text. */
  readonly words: string[];
  private readonly steps: TokenizationData['merges'];

  /** @internal Made by `ModelController.tokenize`. */
  constructor(data: TokenizationData) {
    this.ids = data.ids;
    this.tokens = data.tokens;
    this.words = data.words;
    this.steps = data.merges;
  }

  /**
   * A word's parts before any merge (one per byte) and after each merge, ending at the word's tokens.
   * @example tokenization.merges(' cat') // [[' ', 'c', 'a', 't'], [' ', 'c', 'at'], [' c', 'at'], [' cat']]
   */
  merges(word: string): string[][] {
    return this.of(word).steps.map((parts) => [...parts]);
  }

  /** The rank of each merge of `word` in GPT-2's merges list (its line, from 0): one fewer than `merges(word)` has steps. */
  mergeRanks(word: string): number[] {
    return [...this.of(word).ranks];
  }

  private of(word: string): TokenizationData['merges'][string] {
    if (!Object.hasOwn(this.steps, word)) {
      const shown = this.words.slice(0, LISTED).map((w) => JSON.stringify(w));
      const more = this.words.length > LISTED ? ` and ${this.words.length - LISTED} more` : '';
      const words = this.words.length ? `its words are ${shown.join(', ')}${more}` : 'the text is empty';
      throw new XrayError('bad-option', `${JSON.stringify(word)} is not a word of this text: ${words}.`);
    }
    return this.steps[word];
  }
}
