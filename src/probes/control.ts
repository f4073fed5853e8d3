// The control task of Hewitt & Liang (2019): every word type gets a random label, drawn from the
// task's own label distribution. A probe that scores well on it is memorising word identity, so
// accuracy minus control accuracy (selectivity) is what the representation itself tells.
import { seededRandom } from '../random.js';

/** A label per example: the random label of its word type (same type, same label). */
export function controlLabels(types: readonly string[], labels: Int32Array, nClasses: number, seed: number): Int32Array {
  const cumulative = new Float64Array(nClasses);
  for (const label of labels) cumulative[label]++;
  for (let c = 1; c < nClasses; c++) cumulative[c] += cumulative[c - 1];
  const random = seededRandom(seed);
  const draw = () => {
    const u = random() * labels.length;
    const c = cumulative.findIndex((edge) => u < edge);
    return c < 0 ? nClasses - 1 : c;
  };
  const labelOfType = new Map<string, number>();
  return Int32Array.from(types, (type) => {
    let label = labelOfType.get(type);
    if (label === undefined) labelOfType.set(type, (label = draw()));
    return label;
  });
}
