// GPT-2 tokenization through tokenizers.js (transformers.js's own tokenizer package, with no
// dependencies of its own), plus the display text of every token id and, for <token-view>, the
// pre-tokenizer's words and each word's BPE merges step by step.
import { Tokenizer, type PreTokenizer } from '@huggingface/tokenizers';
import { displayText, tokenBytes } from './token-text.js';
import type { TokenizationData } from './types.js';

export interface Gpt2Tokenizer {
  /** Ids exactly as Hugging Face's `tokenizer(text)` gives them: no token added. */
  encode(text: string): number[];
  /** Display text of a token id, e.g. `' cat'`. */
  tokenText(id: number): string;
  /** Text of a sequence of ids, decoded as one byte string (a character split over tokens comes out whole). */
  decode(ids: number[]): string;
  /** The text's ids and tokens, the pre-tokenizer's words, and each word's BPE merges in the order GPT-2 applies them. */
  tokenize(text: string): TokenizationData;
  /** `<|endoftext|>`, GPT-2's BOS and EOS. */
  readonly bosId: number;
}

/** A special token as tokenizer_config.json names it: its text, or an object holding it. */
type TokenName = string | { content?: string } | null | undefined;

/** tokenizer.json's merges: `"Ġ t"` in older files, `["Ġ", "t"]` in newer ones. */
type Merges = (string | [string, string])[];

/** A word's parts before any merge and after each one, with each merge's rank (byte-level text, not display text). */
interface MergeSteps {
  steps: string[][];
  ranks: number[];
}

/** Builds the tokenizer from the two files of a model folder. */
export function createTokenizer(tokenizerJson: unknown, tokenizerConfig: unknown): Gpt2Tokenizer {
  const tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig as object);
  const added = [...tokenizer.get_added_tokens_decoder()];
  const specials = new Set(added.filter(([, token]) => token.special).map(([id]) => id));
  const textOf: string[] = [];
  for (const [token, id] of tokenizer.get_vocab(true)) textOf[id] = specials.has(id) ? token : displayText(tokenBytes(token));
  const { bos_token, eos_token } = tokenizerConfig as { bos_token?: TokenName; eos_token?: TokenName };
  const idOf = (name: TokenName) => {
    const text = typeof name === 'string' ? name : name?.content;
    return text === undefined ? undefined : tokenizer.token_to_id(text);
  };
  const bosId = idOf(bos_token) ?? idOf(eos_token);
  if (typeof bosId !== 'number') throw new Error('tokenizer_config.json names no bos_token or eos_token');
  const encode = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids;
  const tokenText = (id: number) => textOf[id] ?? `<${id}>`;
  const splitAdded = addedTokenSplitter(added.map(([, token]) => token.content));
  // Most pages never ask for the merges: the 50,000 ranks are read on the first tokenize.
  let rankOf: ((first: string, second: string) => number | undefined) | undefined;

  function tokenize(text: string): TokenizationData {
    const preTokenizer = tokenizer.pre_tokenizer;
    if (!preTokenizer) throw new Error('tokenizer.json has no pre_tokenizer: GPT-2 splits text into words with its ByteLevel pre-tokenizer.');
    rankOf ??= mergeRanks((tokenizerJson as { model?: { merges?: Merges } }).model?.merges ?? []);
    const words: string[] = [];
    const merges: TokenizationData['merges'] = {};
    for (const section of splitAdded(text)) {
      // An added token (`<|endoftext|>`) is a word of its own that no merge touches, as in encode.
      const pieces = section.added ? [{ shown: section.text, steps: { steps: [[section.text]], ranks: [] } }] : wordsOf(preTokenizer, section.text, rankOf);
      for (const { shown, steps } of pieces) {
        words.push(shown);
        merges[shown] ??= steps;
      }
    }
    const ids = encode(text);
    return { ids, tokens: ids.map(tokenText), words, merges };
  }

  const decode = (ids: number[]) => tokenizer.decode(ids, { skip_special_tokens: false });
  return { encode, tokenText, decode, tokenize, bosId };
}

/** The pre-tokenizer's words of a text without added tokens, each with its merges, in display text. */
function wordsOf(preTokenizer: PreTokenizer, text: string, rankOf: (first: string, second: string) => number | undefined): { shown: string; steps: MergeSteps }[] {
  return preTokenizer.pre_tokenize(text).map((word) => {
    const { steps, ranks } = bpeSteps(word, rankOf);
    return { shown: shownPart(word), steps: { steps: steps.map((parts) => parts.map(shownPart)), ranks } };
  });
}

const shownPart = (part: string) => displayText(tokenBytes(part));

/**
 * Byte-level BPE as GPT-2's encoder.py applies it: one part per byte, then again and again the pair
 * of neighbouring parts with the lowest rank is merged, at every place it occurs (left to right, not
 * overlapping), until no neighbouring pair is in the merges list. Each merge is one step.
 */
function bpeSteps(word: string, rankOf: (first: string, second: string) => number | undefined): MergeSteps {
  let parts = [...word];
  const steps = [parts];
  const ranks: number[] = [];
  for (;;) {
    let best: { rank: number; first: string; second: string } | undefined;
    for (let i = 0; i + 1 < parts.length; i++) {
      const rank = rankOf(parts[i], parts[i + 1]);
      if (rank !== undefined && (!best || rank < best.rank)) best = { rank, first: parts[i], second: parts[i + 1] };
    }
    if (!best) return { steps, ranks };
    const next: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] === best.first && parts[i + 1] === best.second) next.push(parts[i] + parts[++i]);
      else next.push(parts[i]);
    }
    parts = next;
    steps.push(parts);
    ranks.push(best.rank);
  }
}

/** Each merge's rank: its line in the merges list, from 0. */
function mergeRanks(merges: Merges): (first: string, second: string) => number | undefined {
  // Byte-level parts never hold a space (a space byte is `Ġ`), so "first second" is a key no two pairs share.
  const ranks = new Map(merges.map((merge, rank) => [typeof merge === 'string' ? merge : merge.join(' '), rank]));
  return (first, second) => ranks.get(`${first} ${second}`);
}

/** Splits text at its added tokens, the longest first where two start at the same place, as tokenizers.js does before pre-tokenizing. */
function addedTokenSplitter(contents: string[]): (text: string) => { text: string; added: boolean }[] {
  const escape = (token: string) => token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = contents.length
    ? new RegExp(
        `(${[...contents]
          .sort((a, b) => b.length - a.length)
          .map(escape)
          .join('|')})`,
        'u',
      )
    : undefined;
  return (text) =>
    (pattern ? text.split(pattern) : [text])
      // split puts the captured tokens at the odd places.
      .map((piece, i) => ({ text: piece, added: i % 2 === 1 }))
      .filter((piece) => piece.text.length > 0);
}
