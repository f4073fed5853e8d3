// Writes data/pos-sentences.json, the built-in part-of-speech task as JSON for other tools (a
// Python export, or a page's `src`). The sentences were LABELLED BY HAND with Universal POS tags
// (no tagger); their source is src/probes/pos-task.ts. CLI: `npx tsx scripts/make-pos-dataset.ts`.
import { writeFileSync } from 'node:fs';
import { parseDataset } from '../src/probes/dataset.js';
import { posDataset } from '../src/probes/pos-task.js';

const dataset = parseDataset(posDataset(), 'src/probes/pos-task.ts');
const lines = dataset.sentences.map((s) => '    ' + JSON.stringify(s));
writeFileSync(
  new URL('../data/pos-sentences.json', import.meta.url),
  `{\n  "task": ${JSON.stringify(dataset.task)},\n  "labels": ${JSON.stringify(dataset.labels)},\n  "sentences": [\n${lines.join(',\n')}\n  ]\n}\n`,
);
console.log(`wrote data/pos-sentences.json: ${dataset.sentences.length} sentences`);
