// Probes on data whose answer is known: a label that is a linear function of the features, an
// XOR that only the MLP can learn, random per-type control labels, and the bookkeeping around them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignWords, sentenceText } from '../../src/probes/align.js';
import { controlLabels } from '../../src/probes/control.js';
import { parseDataset } from '../../src/probes/dataset.js';
import { assignFolds, foldSplit } from '../../src/probes/folds.js';
import { accuracy, fitProbe, type Matrix, type ProbeKind } from '../../src/probes/probe.js';
import { gaussian, seededRandom } from '../../src/random.js';
import { parseProbeResults } from '../../src/probes/results.js';
import { runSliced } from '../../src/probes/schedule.js';
import { trainProbes, type ProbeProblem } from '../../src/probes/train.js';
import { XrayError } from '../../src/errors.js';
import { posDataset, UPOS_TAGS } from '../../src/probes/pos-task.js';
import { readFileSync } from 'node:fs';

const random = seededRandom(7);

/** `n` Gaussian points in `d` dimensions labelled argmax(W·x) for a random 3 × d matrix W (unit rows: balanced classes). */
function linearData(n: number, d: number): { x: Matrix; labels: Int32Array } {
  const w = [0, 1, 2].flatMap(() => {
    const row = Array.from({ length: d }, () => gaussian(random));
    const norm = Math.hypot(...row);
    return row.map((v) => v / norm);
  });
  const data = Float32Array.from({ length: n * d }, () => gaussian(random));
  const labels = Int32Array.from({ length: n }, (_, i) => {
    const scores = [0, 1, 2].map((c) => w.slice(c * d, (c + 1) * d).reduce((s, wj, j) => s + wj * data[i * d + j], 0));
    return scores.indexOf(Math.max(...scores));
  });
  return { x: { data, rows: n, cols: d }, labels };
}

/** Two signal dimensions in [-1, 1] labelled by the sign of their product, plus noise dimensions. */
function xorData(n: number, d: number): { x: Matrix; labels: Int32Array } {
  const data = Float32Array.from({ length: n * d }, () => 2 * random() - 1);
  const labels = Int32Array.from({ length: n }, (_, i) => Number(data[i * d] * data[i * d + 1] > 0));
  return { x: { data, rows: n, cols: d }, labels };
}

function problem(x: Matrix, labels: Int32Array, nClasses: number, control = labels, k = 5): ProbeProblem {
  const groups = Int32Array.from({ length: x.rows }, (_, i) => i);
  return { layers: [x], labels, control, nClasses, folds: assignFolds(groups, k, 1), k };
}

async function crossValidated(p: ProbeProblem, kind: ProbeKind, epochs: number, seed = 3) {
  const [result] = await runSliced(trainProbes(p, { kinds: [kind], epochs, seed }));
  return result.layers[0];
}

describe('probes', () => {
  it('a linear probe recovers a linear labelling (≥ 0.95 cross-validated) and its control stays at chance', async () => {
    const { x, labels } = linearData(600, 16);
    const types = Array.from({ length: 600 }, () => `type${Math.floor(random() * 30)}`);
    const control = controlLabels(types, labels, 3, 1);
    const layer = await crossValidated(problem(x, labels, 3, control), 'linear', 30);
    assert.ok(layer.accuracy >= 0.95, `accuracy ${layer.accuracy}`);
    assert.ok(layer.control <= 1 / 3 + 0.15, `control accuracy ${layer.control}`);
    // With 30 types the control labels' shares vary; the probe must not beat its most common label.
    const majority = Math.max(...[0, 1, 2].map((c) => control.filter((v) => v === c).length)) / control.length;
    assert.ok(layer.control <= majority + 0.03, `control accuracy ${layer.control}, majority share ${majority}`);
    assert.ok(Math.abs(layer.selectivity - (layer.accuracy - layer.control)) < 1e-12);
    assert.ok(layer.accuracyStd >= 0 && layer.accuracyStd < 0.05, `std ${layer.accuracyStd}`);
  });

  it('an MLP probe learns XOR, which a linear probe cannot', async () => {
    const { x, labels } = xorData(600, 4);
    const mlp = await crossValidated(problem(x, labels, 2), 'mlp', 60);
    const linear = await crossValidated(problem(x, labels, 2), 'linear', 60);
    assert.ok(mlp.accuracy >= 0.9, `MLP accuracy ${mlp.accuracy}`);
    assert.ok(linear.accuracy <= 0.65, `linear accuracy ${linear.accuracy}`);
  });

  it('is deterministic for a seed and differs for another', async () => {
    const { x, labels } = linearData(200, 8);
    const p = problem(x, labels, 3);
    const runs = [await crossValidated(p, 'mlp', 3, 1), await crossValidated(p, 'mlp', 3, 1), await crossValidated(p, 'mlp', 3, 2)];
    assert.deepEqual(runs[0], runs[1]);
    assert.notDeepEqual(runs[0], runs[2]);
    const fit = (seed: number) => {
      const steps = fitProbe(
        'linear',
        x,
        labels,
        3,
        Int32Array.from({ length: 200 }, (_, i) => i),
        { epochs: 2, seed },
      );
      let step = steps.next();
      while (!step.done) step = steps.next();
      return Array.from({ length: 200 }, (_, row) => step.value.predict(x, row));
    };
    assert.deepEqual(fit(5), fit(5));
  });

  it('scores a classifier on exactly the test rows', () => {
    const x: Matrix = { data: Float32Array.of(0, 1, 2), rows: 3, cols: 1 };
    const classifier = { predict: (m: Matrix, row: number) => Number(m.data[row] > 0.5) };
    assert.equal(accuracy(classifier, x, Int32Array.of(0, 1, 0), Int32Array.of(0, 1, 2)), 2 / 3);
    assert.equal(accuracy(classifier, x, Int32Array.of(0, 1, 0), Int32Array.of(1)), 1);
  });
});

describe('folds', () => {
  it('are disjoint, cover every example, keep groups whole and follow the seed', () => {
    const groups = Int32Array.from({ length: 103 }, (_, i) => Math.floor(i / 4));
    const folds = assignFolds(groups, 5, 9);
    const seen = new Int32Array(groups.length);
    for (let f = 0; f < 5; f++) {
      const { train, test } = foldSplit(folds, f);
      assert.equal(train.length + test.length, groups.length);
      assert.ok(test.length > 0);
      const inTest = new Set(test);
      assert.ok(train.every((i) => !inTest.has(i)));
      test.forEach((i) => seen[i]++);
    }
    assert.ok(
      seen.every((count) => count === 1),
      'each example is tested exactly once',
    );
    groups.forEach((g, i) => assert.equal(folds[i], folds[groups.indexOf(g)], `group ${g} split across folds`));
    assert.deepEqual(assignFolds(groups, 5, 9), folds);
    assert.notDeepEqual(assignFolds(groups, 5, 10), folds);
  });

  it('refuse fewer groups than folds, and fewer than two folds', () => {
    assert.throws(() => assignFolds(Int32Array.of(0, 0, 1), 3, 1), /needs at least 3 sentences; the data has 2/);
    assert.throws(() => assignFolds(Int32Array.of(0, 1, 2), 1, 1), /folds="1" is not valid/);
  });
});

describe('control task', () => {
  it('gives every word type one label, drawn from the label distribution, fixed by the seed', () => {
    const labels = Int32Array.from({ length: 4000 }, (_, i) => (i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2));
    const types = Array.from({ length: 4000 }, (_, i) => `w${i % 2000}`);
    const control = controlLabels(types, labels, 3, 4);
    types.forEach((t, i) => assert.equal(control[i], control[types.indexOf(t)]));
    const share = (c: number) => control.filter((v) => v === c).length / control.length;
    assert.ok(Math.abs(share(0) - 0.7) < 0.05 && Math.abs(share(1) - 0.2) < 0.05 && Math.abs(share(2) - 0.1) < 0.05, `shares ${[0, 1, 2].map(share)}`);
    assert.deepEqual(controlLabels(types, labels, 3, 4), control);
    assert.notDeepEqual(controlLabels(types, labels, 3, 5), control);
  });
});

describe('runSliced', () => {
  it('returns to the event loop between slices and reports progress', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    function* work() {
      for (let i = 0; i < 20; i++) {
        const until = performance.now() + 5;
        while (performance.now() < until);
        yield i;
      }
      return 'done';
    }
    const seen: number[] = [];
    const result = await runSliced(work(), { sliceMs: 8, onSlice: (i) => seen.push(i) });
    clearInterval(timer);
    assert.equal(result, 'done');
    assert.ok(seen.length >= 5, `${seen.length} slices`);
    assert.ok(ticks >= 2, `${ticks} timer ticks ran during the work`);
  });

  it('stops with an aborted error when its signal fires', async () => {
    const controller = new AbortController();
    function* forever() {
      for (;;) yield 0;
    }
    const running = runSliced(forever(), { signal: controller.signal, sliceMs: 1 });
    controller.abort();
    await assert.rejects(running, (e: unknown) => e instanceof XrayError && e.code === 'aborted');
  });
});

describe('alignment of words to tokens', () => {
  it('joins words as written English and records their byte spans', () => {
    const s = sentenceText(['The', 'cat', "'s", 'bowl', '(', 'blue', ')', 'is', 'café', '.']);
    assert.equal(s.text, "The cat's bowl (blue) is café.");
    assert.deepEqual([...s.starts], [0, 4, 7, 10, 15, 16, 20, 22, 25, 30]);
    assert.deepEqual([...s.ends], [3, 7, 9, 14, 16, 20, 21, 24, 30, 31]);
  });

  it('picks each word’s last token, skips a bos token and shared or cut-off tokens', () => {
    const s = sentenceText(['Unbelievable', 'news', '(', 'really', ').']);
    // "Unbelievable news (really)." as GPT-2 might split it
    assert.deepEqual([...alignWords(s, ['Un', 'bel', 'ievable', ' news', ' (', 'really', ').'], 0)], [2, 3, 4, 5, 6]);
    assert.deepEqual([...alignWords(s, ['<|endoftext|>', 'Un', 'bel', 'ievable', ' news', ' (', 'really', ').'], 1)], [3, 4, 5, 6, 7]);
    const t = sentenceText(['end', ')', '.']);
    assert.deepEqual([...alignWords(t, ['end', ').'], 0)], [0, -1, 1], 'a token shared by two words labels only the later one');
    assert.deepEqual([...alignWords(t, ['end'], 0, true)], [0, -1, -1], 'words cut off by the context have no token');
  });

  it('matches split characters by their bytes', () => {
    const s = sentenceText(['naïve', 'café']);
    assert.deepEqual([...alignWords(s, ['na', '\\xC3', '\\xAFve', ' caf', 'é'], 0)], [2, 4]);
  });

  it('refuses tokens that do not spell the sentence', () => {
    assert.throws(() => alignWords(sentenceText(['a', 'cat']), ['a', ' doggy'], 0), /do not spell the sentence/);
  });
});

describe('labelled data', () => {
  const good = { task: 'animacy', sentences: [{ words: ['The', 'cat'], labels: ['X', 'ANIMATE'] }] };

  it('accepts the documented shape and derives the label list', () => {
    const data = parseDataset(good);
    assert.equal(data.task, 'animacy');
    assert.deepEqual(data.labels, ['ANIMATE', 'X']);
    assert.equal(parseDataset({ ...good, task: undefined }).task, 'custom');
  });

  it('says where the data is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [[], /must be a JSON object/],
      [{ sentences: [] }, /"sentences" must be a non-empty list/],
      [{ sentences: [{ words: ['a'], labels: ['X', 'Y'] }] }, /sentences\[0\]\.labels must hold one label for each of its 1 words/],
      [{ sentences: [{ words: [], labels: [] }] }, /sentences\[0\]\.words must be a non-empty list/],
      [{ labels: ['X', 'Y'], sentences: [{ words: ['a', 'b'], labels: ['X', 'Z'] }] }, /sentences\[0\]\.labels\[1\] is "Z", which is not one of the labels: X, Y/],
      [{ sentences: [{ words: ['a', 'b'], labels: ['X', 'X'] }] }, /at least two labels/],
      [{ task: 3, sentences: [] }, /"task" must be a non-empty string/],
    ];
    for (const [json, message] of cases)
      assert.throws(
        () => parseDataset(json, 'data.json'),
        (e: unknown) => e instanceof XrayError && /^data\.json: /.test(e.message) && message.test(e.message),
      );
  });
});

describe('the built-in part-of-speech task', () => {
  it('has at least 200 valid sentences with Universal POS tags, and data/pos-sentences.json is the same data', () => {
    const data = parseDataset(posDataset(), 'pos');
    assert.ok(data.sentences.length >= 200, `${data.sentences.length} sentences`);
    assert.deepEqual(data.labels, UPOS_TAGS);
    for (const tag of ['NOUN', 'VERB', 'ADJ', 'ADV', 'PRON', 'DET', 'ADP', 'NUM', 'CCONJ', 'PART', 'PUNCT']) {
      assert.ok(
        data.sentences.some((s) => s.labels.includes(tag)),
        `no word is tagged ${tag}`,
      );
    }
    const json = JSON.parse(readFileSync(new URL('../../data/pos-sentences.json', import.meta.url), 'utf8'));
    assert.deepEqual(json, data, 'run `npx tsx scripts/make-pos-dataset.ts` after editing src/probes/pos-task.ts');
  });
});

describe('probe results (data mode)', () => {
  const layer = (l: number) => ({ layer: l, accuracy: 0.9, accuracyStd: 0.01, control: 0.5, selectivity: 0.4 });

  it('accepts one probe or several and sorts layers', () => {
    const [one] = parseProbeResults({ task: 'pos', layers: [layer(1), layer(0)] });
    assert.deepEqual(
      one.layers.map((l) => l.layer),
      [0, 1],
    );
    assert.equal(
      parseProbeResults([
        { probe: 'linear', layers: [layer(0)] },
        { probe: 'mlp', layers: [layer(0)] },
      ]).length,
      2,
    );
  });

  it('names the bad value', () => {
    assert.throws(() => parseProbeResults({ layers: [{ ...layer(0), accuracy: 1.5 }] }), /data\.layers\[0\]\.accuracy must be a number from 0 to 1; it is 1\.5/);
    assert.throws(() => parseProbeResults({ layers: [layer(2), layer(2)] }), /layer 2 twice/);
    assert.throws(() => parseProbeResults([{ layers: [] }]), /data\[0\] must be/);
    assert.throws(() => parseProbeResults({ layers: [{ ...layer(0), control: undefined }] }), /control must be a number from 0 to 1; it is missing/);
  });
});
