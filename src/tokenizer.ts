// GPT-2 tokenization through tokenizers.js (transformers.js's own tokenizer package, with no
// dependencies of its own), plus the display text of every token id.
import { Tokenizer } from '@huggingface/tokenizers';
import { displayText, tokenBytes } from './token-text.js';

export interface Gpt2Tokenizer {
  /** Ids exactly as Hugging Face's `tokenizer(text)` gives them: no token added. */
  encode(text: string): number[];
  /** Display text of a token id, e.g. `' cat'`. */
  tokenText(id: number): string;
  /** `<|endoftext|>`, GPT-2's BOS and EOS. */
  readonly bosId: number;
}

/** A special token as tokenizer_config.json names it: its text, or an object holding it. */
type TokenName = string | { content?: string } | null | undefined;

/** Builds the tokenizer from the two files of a model folder. */
export function createTokenizer(tokenizerJson: unknown, tokenizerConfig: unknown): Gpt2Tokenizer {
  const tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig as object);
  const specials = new Set([...tokenizer.get_added_tokens_decoder()].filter(([, token]) => token.special).map(([id]) => id));
  const textOf: string[] = [];
  for (const [token, id] of tokenizer.get_vocab(true)) textOf[id] = specials.has(id) ? token : displayText(tokenBytes(token));
  const { bos_token, eos_token } = tokenizerConfig as { bos_token?: TokenName; eos_token?: TokenName };
  const idOf = (name: TokenName) => {
    const text = typeof name === 'string' ? name : name?.content;
    return text === undefined ? undefined : tokenizer.token_to_id(text);
  };
  const bosId = idOf(bos_token) ?? idOf(eos_token);
  if (typeof bosId !== 'number') throw new Error('tokenizer_config.json names no bos_token or eos_token');
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    tokenText: (id) => textOf[id] ?? `<${id}>`,
    bosId,
  };
}
