// GPT-2 tokenization through transformers.js, plus the display text of every token id.
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { displayText, tokenBytes } from './token-text.js';

export interface Gpt2Tokenizer {
  /** Ids exactly as Hugging Face's `tokenizer(text)` gives them: no token added. */
  encode(text: string): number[];
  /** Display text of a token id, e.g. `' cat'`. */
  tokenText(id: number): string;
  /** `<|endoftext|>`, GPT-2's BOS and EOS. */
  readonly bosId: number;
}

/** Builds the tokenizer from the two files of a model folder. */
export function createTokenizer(tokenizerJson: unknown, tokenizerConfig: unknown): Gpt2Tokenizer {
  const tokenizer = new PreTrainedTokenizer(tokenizerJson as object, tokenizerConfig as object);
  const vocab = tokenizer.get_vocab() as Map<string, number> | Record<string, number>;
  const entries = vocab instanceof Map ? [...vocab] : Object.entries(vocab);
  const textOf: string[] = [];
  const specials = new Set(tokenizer.all_special_ids);
  for (const [token, id] of entries) textOf[id] = specials.has(id) ? token : displayText(tokenBytes(token));
  const bosId = tokenizer.bos_token_id ?? tokenizer.eos_token_id;
  if (typeof bosId !== 'number') throw new Error('tokenizer_config.json names no bos_token or eos_token');
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    tokenText: (id) => textOf[id] ?? `<${id}>`,
    bosId,
  };
}
