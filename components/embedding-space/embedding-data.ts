// What an <embedding-space> shows, however it came (the model's embeddings or data mode), the
// attributes' word lists read into GPT-2 token texts, and data mode checked with errors in words.
import { XrayError } from '../../src/errors.js';
import type { Neighbour } from '../../src/types.js';

export type { Neighbour };

export interface Point {
  x: number;
  y: number;
}

/** a − b + c and the tokens nearest it: b is to a as c is to the first result. */
export interface AnalogyData {
  a: string;
  b: string;
  c: string;
  results: Neighbour[];
}

/**
 * Data mode of `<embedding-space>`: token texts (`" king"`, with GPT-2's leading space) and their
 * places on the first two principal components of `W_E`'s rows, in the same order.
 */
export interface EmbeddingSpaceData {
  words: string[];
  points: Point[];
  /** Each word's nearest tokens by cosine, most similar first, shown when its point is hovered or focused. */
  neighbours?: Record<string, Neighbour[]>;
  analogy?: AnalogyData;
  /** The two components' shares of the variance (0..1), for the axes. */
  explained?: [number, number];
}

/** What the figure draws: words in view, where, and the analogy; `added` marks words the analogy brought in. */
export interface EmbeddingScene {
  words: string[];
  points: Point[];
  added: boolean[];
  neighbours?: Record<string, Neighbour[]>;
  analogy?: AnalogyData;
  explained?: [number, number];
  /** What was left out of the list, in words (not one token, listed twice). */
  notes: string[];
}

/**
 * Reads a word list (`words`, `analogy`, a typed query) into token texts: words are separated by
 * spaces or commas, and each gets GPT-2's leading space (`king` is `" king"`, the token inside a
 * sentence) unless it is in double quotes, which keep it exactly as written (`"king"` is the token at
 * the start of a text, `" 1990"` keeps its space).
 * @example parseWords('king queen, "Paris"') // [' king', ' queen', 'Paris']
 */
export function parseWords(value: string): string[] {
  const words: string[] = [];
  for (const match of value.matchAll(/"([^"]*)"|[^\s,"]+/g)) {
    if (match[1] !== undefined) {
      if (match[1] !== '') words.push(match[1]);
    } else words.push(` ${match[0]}`);
  }
  return words;
}

/** The three words of an `analogy` attribute ("king man woman": king − man + woman). */
export function parseAnalogy(value: string): [string, string, string] {
  const words = parseWords(value);
  if (words.length !== 3) throw bad(`analogy="${value}" needs three words, a b c for a − b + c (e.g. analogy="king man woman"); it has ${words.length}.`);
  return words as [string, string, string];
}

export function sceneFromData(data: EmbeddingSpaceData): EmbeddingScene {
  const { words, points, neighbours, analogy, explained } = data ?? {};
  if (!Array.isArray(words) || words.length === 0 || words.some((w) => typeof w !== 'string')) throw bad('data.words must be a non-empty list of token texts, e.g. [" king", " queen"].');
  if (!Array.isArray(points) || points.length !== words.length)
    throw bad(`data.points must have one {x, y} per word: it has ${Array.isArray(points) ? points.length : 'no'} points for ${words.length} words.`);
  const at = points.findIndex((p) => !finite(p?.x) || !finite(p?.y));
  if (at >= 0) throw bad(`data.points[${at}] (${JSON.stringify(words[at])}) must be {x, y} with finite numbers.`);
  if (neighbours !== undefined) {
    if (typeof neighbours !== 'object' || neighbours === null || Array.isArray(neighbours)) throw bad('data.neighbours must map each word to its list of {token, id, similarity}.');
    for (const [word, list] of Object.entries(neighbours)) checkNeighbours(`data.neighbours[${JSON.stringify(word)}]`, list);
  }
  if (analogy !== undefined) {
    if (['a', 'b', 'c'].some((key) => typeof analogy?.[key as 'a'] !== 'string')) throw bad('data.analogy must be {a, b, c, results} with a, b and c token texts (a − b + c).');
    checkNeighbours('data.analogy.results', analogy.results);
  }
  if (explained !== undefined && !(Array.isArray(explained) && explained.length === 2 && explained.every((e) => finite(e) && e >= 0 && e <= 1))) {
    throw bad('data.explained must be the two components’ shares of the variance, two numbers from 0 to 1.');
  }
  return { words, points, added: words.map(() => false), neighbours, analogy, explained, notes: [] };
}

function checkNeighbours(name: string, list: unknown): asserts list is Neighbour[] {
  if (!Array.isArray(list)) throw bad(`${name} must be a list of {token, id, similarity}.`);
  const at = list.findIndex((n: Partial<Neighbour>) => typeof n?.token !== 'string' || !finite(n.similarity) || (n.id !== undefined && !Number.isInteger(n.id)));
  if (at >= 0) throw bad(`${name}[${at}] must be {token, id, similarity}: a token text, its id and a finite similarity.`);
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const bad = (message: string) => new XrayError('bad-option', message);
