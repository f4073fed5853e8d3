// k-fold cross-validation splits. Examples of one group (the words of one sentence) stay in one
// fold, so a probe is never tested on a sentence it was trained on.
import { XrayError } from '../errors.js';
import { seededRandom, shuffle } from '../random.js';

/** The fold (0..k-1) of each example: groups are shuffled and dealt round-robin. */
export function assignFolds(groups: Int32Array, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new XrayError('bad-option', `folds="${k}" is not valid: use a whole number of at least 2.`);
  const ids = [...new Set(groups)];
  if (ids.length < k) throw new XrayError('bad-option', `${k}-fold cross-validation needs at least ${k} sentences; the data has ${ids.length}.`);
  const order = shuffle(Int32Array.from(ids), seededRandom(seed));
  const foldOfGroup = new Map<number, number>();
  order.forEach((group, i) => foldOfGroup.set(group, i % k));
  return groups.map((g) => foldOfGroup.get(g)!);
}

/** The training and test indices of one fold. */
export function foldSplit(folds: Int32Array, fold: number): { train: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const test: number[] = [];
  folds.forEach((f, i) => (f === fold ? test : train).push(i));
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
