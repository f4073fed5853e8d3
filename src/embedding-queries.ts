// Cosine queries over the token embedding wte, computed from what the session returns: every row
// dotted with the queries, and the rows' norms (read once). No copy of wte leaves the session.
import { XrayError } from './errors.js';
import type { Neighbour } from './types.js';

/** The session's side: each query · wte ([q, V], row-major), and the norms of every row ([V]). */
export interface EmbeddingSource {
  vocabSize: number;
  dots(ids: number[], vectors?: Float32Array): Promise<Float32Array>;
  norms(): Promise<Float32Array>;
  tokenText(id: number): string;
}

/** The k tokens most similar by cosine to `query` (a token id, or a vector), leaving `query` itself out. */
export async function nearestTokens(source: EmbeddingSource, query: number | Float32Array, k: number): Promise<Neighbour[]> {
  checkK(k, source.vocabSize);
  const norms = await source.norms();
  if (typeof query === 'number') return ranked(source, await source.dots([query]), norms[query], norms, k, [query]);
  let length = 0;
  for (const x of query) length += x * x;
  return ranked(source, await source.dots([], query), Math.sqrt(length), norms, k, []);
}

/**
 * gensim's most_similar(positive=[a, c], negative=[b]): the unit vectors â − b̂ + ĉ, by cosine, the
 * three left out. By linearity its dot with each row is the sum of the three rows' dots, scaled.
 */
export async function analogyTokens(source: EmbeddingSource, [a, b, c]: [number, number, number], k: number): Promise<Neighbour[]> {
  checkK(k, source.vocabSize);
  const norms = await source.norms();
  const ids = [a, b, c];
  const weights = [1 / norms[a], -1 / norms[b], 1 / norms[c]].map((w) => (Number.isFinite(w) ? w : 0));
  const dots = await source.dots(ids);
  const V = source.vocabSize;
  const combined = new Float32Array(V);
  for (let v = 0; v < V; v++) combined[v] = weights[0] * dots[v] + weights[1] * dots[V + v] + weights[2] * dots[2 * V + v];
  // |â − b̂ + ĉ|² from the three rows' dots with each other.
  let length = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) length += weights[i] * weights[j] * dots[i * V + ids[j]];
  return ranked(source, combined, Math.sqrt(Math.max(length, 0)), norms, k, ids);
}

/** The k best cosines `dots[v] / (norms[v] · length)`, without the `excluded` ids; a zero row scores 0. */
function ranked(source: EmbeddingSource, dots: Float32Array, length: number, norms: Float32Array, k: number, excluded: number[]): Neighbour[] {
  const V = source.vocabSize;
  const similarity = new Float32Array(V);
  for (let v = 0; v < V; v++) similarity[v] = norms[v] > 0 && length > 0 ? dots[v] / (norms[v] * length) : 0;
  for (const id of excluded) similarity[id] = -Infinity;
  // Largest first, ties by id: a stable sort of the candidates above the k-th best value.
  const threshold = similarity.slice().sort()[V - k];
  const ids: number[] = [];
  for (let v = 0; v < V; v++) if (similarity[v] >= threshold) ids.push(v);
  ids.sort((x, y) => similarity[y] - similarity[x] || x - y);
  return ids.slice(0, k).map((id) => ({ id, token: source.tokenText(id), similarity: similarity[id] }));
}

function checkK(k: number, vocabSize: number): void {
  if (!Number.isInteger(k) || k < 1 || k >= vocabSize) throw new XrayError('bad-option', `k must be a whole number from 1 to ${vocabSize - 1}, not ${k}.`);
}
