// What a <token-view> shows of a tokenization, however it came (the model's tokenizer or data
// mode): each token as a chip in its word, its bytes and what a screen reader says of it, and each
// merge step's parts with what the merge joined. Data mode is checked here, with errors that say
// where it does not fit.
import { XrayError } from '../../src/errors.js';
import type { TokenizationData } from '../../src/types.js';

/** GPT-2's merges list has 50,000 lines; a rank is a line of it, from 0. */
export const GPT2_MERGES = 50_000;

export interface Chip {
  token: string;
  id: number;
  /** The token as the chip shows it: `·` for a space, `↵` for a newline, `→` for a tab. */
  shown: string;
  /** Its length in bytes (what GPT-2's BPE counts); undefined for a special token, which is no bytes of the text. */
  bytes?: number;
  /** It holds part of a character, whose bytes it shows as `\xHH`. */
  partial: boolean;
  /** Its word's index in `words`. */
  word: number;
}

export interface TokenLayout {
  chips: Chip[];
  /** Each word with the range of its chips, `[start, end)`. */
  words: { word: string; start: number; end: number; special: boolean }[];
  text: string;
}

/** What a layout needs of a tokenization (a `Tokenization` has it). */
export interface TokenSource {
  ids: number[];
  words: string[];
  merges(word: string): string[][];
}

/** One step of a word's merges: its parts, which of them the merge just made, and the pairs it joined. */
export interface MergeStep {
  parts: string[];
  merged: boolean[];
  pairs: [string, string][];
  /** The merge's rank (undefined for the word's first step, before any merge). */
  rank?: number;
}

const PARTIAL = /\\x[0-9A-F]{2}/;
const BYTE_RUN = /((?:\\x[0-9A-F]{2})+)/;
const VISIBLE: Record<string, string> = { ' ': '·', '\n': '↵', '\r': '␍', '\t': '→', '\u00a0': '⍽' };
const SPOKEN: Record<string, string> = { ' ': 'space', '\n': 'newline', '\r': 'carriage return', '\t': 'tab', '\u00a0': 'no-break space' };
const encoder = new TextEncoder();

/** The chips and the words they belong to: the words' last merge steps, in order, are the tokens. */
export function tokenLayout(source: TokenSource): TokenLayout {
  const chips: Chip[] = [];
  const stepsOf = new Map<string, string[][]>();
  const words = source.words.map((word, index) => {
    const start = chips.length;
    if (!stepsOf.has(word)) stepsOf.set(word, source.merges(word));
    const steps = stepsOf.get(word)!;
    const special = isSpecial(steps);
    for (const token of steps.at(-1)!) {
      const i = chips.length;
      chips.push({ token, id: source.ids[i], shown: visible(token), bytes: special ? undefined : displayBytes(token).length, partial: !special && PARTIAL.test(token), word: index });
    }
    return { word, start, end: chips.length, special };
  });
  return { chips, words, text: source.words.join('') };
}

/** Each step of a word's merges, with what each merge joined. */
export function mergeSteps(steps: string[][], ranks: number[]): MergeStep[] {
  return steps.map((parts, i) => {
    if (i === 0) return { parts, merged: parts.map(() => false), pairs: [] };
    const { merged, pairs } = alignMerge(steps[i - 1], parts)!;
    return { parts, merged, pairs, rank: ranks[i - 1] };
  });
}

/** The token as a chip shows it, its whitespace made visible. */
export function visible(token: string): string {
  return token.replace(/[ \n\r\t\u00a0]/g, (c) => VISIBLE[c]);
}

/** The token in words: `space cat`, `newline newline`, `bytes F0 9F 98`. */
export function spoken(token: string): string {
  const pieces = token.split(BYTE_RUN).flatMap((piece, i) => {
    if (i % 2) return [`${piece.length === 4 ? 'byte' : 'bytes'} ${piece.split('\\x').filter(Boolean).join(' ')}`];
    return piece.split(/([ \n\r\t\u00a0])/).flatMap((run) => (SPOKEN[run] ? [SPOKEN[run]] : run ? [run] : []));
  });
  return pieces.join(' ');
}

/** What a screen reader says of a chip: the token, its id and its size. */
export function chipLabel(chip: Chip): string {
  const size = chip.bytes === undefined ? 'special token' : `${chip.bytes} ${chip.bytes === 1 ? 'byte' : 'bytes'}${chip.partial ? ', part of a character' : ''}`;
  return `${spoken(chip.token)}: id ${chip.id}, ${size}`;
}

/** "1,234" as in English, whatever the page's locale, so that the figure reads the same everywhere. */
export const count = (n: number) => n.toLocaleString('en-US');

/** "3 tokens", "1 token". */
export const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;

/** The bytes a part in display text stands for: `\xHH` is one byte, the rest is UTF-8. */
function displayBytes(part: string): Uint8Array {
  const bytes = part.split(BYTE_RUN).flatMap((piece, i) =>
    i % 2
      ? piece
          .split('\\x')
          .filter(Boolean)
          .map((h) => parseInt(h, 16))
      : [...encoder.encode(piece)],
  );
  return Uint8Array.from(bytes);
}

/** Two parts make a third: as strings, or as bytes (`\xE4\xB8` and `\xAD` make `中`). */
function joins(first: string, second: string, whole: string): boolean {
  return first + second === whole || joinsAll([first, second], whole);
}

/** Which parts of `next` join two neighbouring parts of `previous`; undefined when `next` is not such a merge of it. */
function alignMerge(previous: string[], next: string[]): { merged: boolean[]; pairs: [string, string][] } | undefined {
  const merged: boolean[] = [];
  const pairs: [string, string][] = [];
  let j = 0;
  for (const part of next) {
    if (previous[j] === part) {
      merged.push(false);
      j += 1;
    } else if (j + 1 < previous.length && joins(previous[j], previous[j + 1], part)) {
      merged.push(true);
      if (!pairs.some(([a, b]) => a === previous[j] && b === previous[j + 1])) pairs.push([previous[j], previous[j + 1]]);
      j += 2;
    } else return undefined;
  }
  return j === previous.length && pairs.length > 0 ? { merged, pairs } : undefined;
}

/** An added token (`<|endoftext|>`) starts as itself, one part that is no single byte. */
function isSpecial(steps: string[][]): boolean {
  const [first] = steps[0];
  return steps[0].length === 1 && [...first].length > 1 && !/^\\x[0-9A-F]{2}$/.test(first);
}

/** Data mode: a `TokenizationData` as JSON (from Python, say), checked so that the figure can trust it. */
export function tokenizationFromData(data: TokenizationData): TokenizationData {
  const { ids, tokens, words, merges } = data ?? ({} as TokenizationData);
  if (!isStrings(tokens)) throw bad('data.tokens must be a list of strings, the display text of each token.');
  if (!Array.isArray(ids) || ids.length !== tokens.length || ids.some((id) => !Number.isInteger(id) || id < 0)) {
    throw bad(`data.ids must have one token id (a whole number) per token: it has ${Array.isArray(ids) ? ids.length : 'no'} ids for ${tokens.length} tokens.`);
  }
  if (!isStrings(words)) throw bad("data.words must be a list of strings: the pre-tokenizer's words, which add up to the text.");
  if (typeof merges !== 'object' || merges === null) throw bad('data.merges must be an object with each word’s { steps, ranks }.');
  let at = 0;
  for (const word of new Set(words)) checkMerges(word, Object.hasOwn(merges, word) ? merges[word] : undefined);
  for (const word of words) {
    const last = merges[word].steps.at(-1)!;
    const here = tokens.slice(at, at + last.length);
    if (here.length !== last.length || here.some((token, i) => token !== last[i])) {
      throw bad(`data.merges[${JSON.stringify(word)}] ends at ${list(last)}, but data.tokens has ${here.length ? list(here) : 'nothing'} there.`);
    }
    at += last.length;
  }
  if (at !== tokens.length) throw bad(`data.tokens has ${plural(tokens.length - at, 'token')} after the last word's.`);
  return { ids, tokens, words, merges };
}

function checkMerges(word: string, entry: { steps?: unknown; ranks?: unknown } | undefined): void {
  const name = `data.merges[${JSON.stringify(word)}]`;
  if (!entry) throw bad(`data.merges has no entry for the word ${JSON.stringify(word)}.`);
  const { steps, ranks } = entry;
  if (!Array.isArray(steps) || steps.length === 0 || !steps.every((parts) => isStrings(parts) && parts.length > 0)) throw bad(`${name}.steps must be a non-empty list of lists of parts (strings).`);
  if (!Array.isArray(ranks) || ranks.length !== steps.length - 1 || ranks.some((rank) => !Number.isInteger(rank) || rank < 0)) {
    throw bad(`${name}.ranks must have one rank (a whole number) per merge: ${steps.length - 1} for its ${steps.length} steps.`);
  }
  const [first] = steps as string[][];
  if (!joinsAll(first, word) && first.join('') !== word) throw bad(`${name}.steps[0] must be the word's parts before any merge: ${list(first)} do not make ${JSON.stringify(word)}.`);
  for (let i = 1; i < steps.length; i++) {
    if (!alignMerge(steps[i - 1], steps[i])) throw bad(`${name}.steps[${i}] is not steps[${i - 1}] with neighbouring parts merged.`);
  }
}

/** The parts' bytes, one after the other, are the word's. */
function joinsAll(parts: string[], word: string): boolean {
  const bytes = parts.flatMap((part) => [...displayBytes(part)]);
  const whole = displayBytes(word);
  return bytes.length === whole.length && bytes.every((byte, i) => byte === whole[i]);
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const list = (parts: string[]) => parts.map((p) => JSON.stringify(p)).join(', ');
const bad = (message: string) => new XrayError('bad-option', message);
