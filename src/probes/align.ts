// From dataset words to model tokens. A sentence's words are joined into text the way English is
// written (no space before punctuation or a clitic like "'s"), the text is run through GPT-2, and
// each word is represented by its LAST token: the first position whose residual has seen the
// whole word under causal attention. Matching is done on UTF-8 bytes, so it is exact whatever the
// tokens' boundaries.
import { XrayError } from '../errors.js';

/** A sentence as text, with each word's UTF-8 byte span in it. */
export interface SentenceText {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
}

const encoder = new TextEncoder();
const ATTACHES_LEFT = /^([.,!?;:%)\]}…]+|'[a-z]*|n't)$/i;
const ATTACHES_RIGHT = /^[([{$]$/;

/**
 * Writes words as running text.
 * @example sentenceText(['The', 'cat', "'s", 'bowl', '.']).text // "The cat's bowl."
 */
export function sentenceText(words: readonly string[]): SentenceText {
  let text = '';
  const starts = new Int32Array(words.length);
  const ends = new Int32Array(words.length);
  let bytes = 0;
  words.forEach((word, i) => {
    const space = i > 0 && !ATTACHES_LEFT.test(word) && !ATTACHES_RIGHT.test(words[i - 1]) ? ' ' : '';
    text += space + word;
    starts[i] = bytes + space.length;
    bytes = ends[i] = starts[i] + encoder.encode(word).length;
  });
  return { text, starts, ends };
}

/**
 * The token position of each word's last token, or -1 for a word with no token of its own: cut
 * off by the context, or sharing its last token with the next word (e.g. `")."`).
 * `offset` is how many tokens precede the text (1 with a prepended `<|endoftext|>`).
 */
export function alignWords(sentence: SentenceText, tokens: readonly string[], offset: number, truncated = false): Int32Array {
  const tokenEnds = new Int32Array(tokens.length - offset);
  let bytes = 0;
  for (let t = offset; t < tokens.length; t++) tokenEnds[t - offset] = bytes += tokenByteLength(tokens[t]);
  const textBytes = encoder.encode(sentence.text).length;
  if (truncated ? bytes > textBytes : bytes !== textBytes) {
    throw new XrayError('bad-option', `The tokens of "${sentence.text}" do not spell the sentence, so its words cannot be matched to tokens.`);
  }
  const { starts, ends } = sentence;
  let t = 0;
  return Int32Array.from(ends, (end, w) => {
    while (t < tokenEnds.length && tokenEnds[t] < end) t++;
    if (t === tokenEnds.length) return -1;
    const sharedWithNext = w + 1 < starts.length && tokenEnds[t] > starts[w + 1];
    return sharedWithNext ? -1 : t + offset;
  });
}

/** Bytes a token's display text stands for: `\xHH` (part of a split character) is one byte. */
function tokenByteLength(token: string): number {
  let escapes = 0;
  const rest = token.replace(/\\x[0-9A-F]{2}/g, () => (escapes++, ''));
  return escapes + encoder.encode(rest).length;
}
