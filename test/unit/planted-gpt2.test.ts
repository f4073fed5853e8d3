// The planted model on the float64 reference: it predicts the second half of a repeated random text,
// the head scores rank the heads we planted first, and ablations break exactly what they should.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bosScore, inductionScore, previousTokenScore, rankHeads } from '../../src/analysis/head-scores.js';
import type { AttentionSource } from '../../src/data.js';
import { seededRandom } from '../../src/random.js';
import { readSafetensorsHeader } from '../../src/safetensors.js';
import { plantedGpt2, type HeadRef } from '../fixtures/planted-gpt2.js';
import { writeSafetensors } from '../fixtures/safetensors-writer.js';
import { gpt2Reference, type ReferenceOutputs } from '../reference/gpt2-reference.js';

const END_OF_TEXT = 50256;
/** Random tokens per half: short, because the reference's unembedding costs T × 50257 × 256 per pass. */
const HALF = 8;

const model = plantedGpt2();
const { config, heads } = model;
const bytes = writeSafetensors(model.tensors);
const table = readSafetensorsHeader(bytes);
const run = (ids: number[], ablate?: HeadRef[]) => gpt2Reference(bytes, table, config, ids, { ablate });

/** `HALF` distinct random tokens (no `<|endoftext|>`) twice, after an optional `<|endoftext|>`. */
function repeatedText(seed: number, bos: boolean): number[] {
  const random = seededRandom(seed);
  const half: number[] = [];
  while (half.length < HALF) {
    const id = Math.floor(random() * END_OF_TEXT);
    if (!half.includes(id)) half.push(id);
  }
  return [...(bos ? [END_OF_TEXT] : []), ...half, ...half];
}

/** Over the second half's positions that have a next token: how often the argmax is that token. */
function repeatAccuracy(ids: number[], out: ReferenceOutputs): { hits: number; total: number } {
  const V = config.vocabSize;
  let hits = 0;
  let total = 0;
  for (let q = ids.length - HALF; q < ids.length - 1; q++) {
    const row = out.logits.subarray(q * V, (q + 1) * V);
    let best = 0;
    for (let v = 1; v < V; v++) if (row[v] > row[best]) best = v;
    total++;
    if (best === ids[q + 1]) hits++;
  }
  return { hits, total };
}

/** The reference's patterns as the figures read them; tokens are ids, since the scores only compare them. */
function attention(ids: number[], out: ReferenceOutputs): AttentionSource {
  return { tokens: ids.map(String), nLayer: config.nLayer, nHead: config.nHead, attention: (l, h) => Float32Array.from(out.pattern[l][h]) };
}

const texts = [1, 2].flatMap((seed) => [false, true].map((bos) => repeatedText(seed, bos)));
const runs = texts.map((ids) => ({ ids, out: run(ids) }));

describe('the planted GPT-2', () => {
  it('predicts the repeat in the second half', (t) => {
    let hits = 0;
    let total = 0;
    for (const { ids, out } of runs) {
      const score = repeatAccuracy(ids, out);
      hits += score.hits;
      total += score.total;
    }
    t.diagnostic(`repeat accuracy ${hits}/${total}`);
    assert.ok(hits / total >= 0.9, `${hits}/${total} positions predict the repeat`);
  });

  const scores = [
    ['previous-token', previousTokenScore, heads.previousToken],
    ['first-token', bosScore, heads.firstToken],
    ['induction', inductionScore, heads.induction],
  ] as const;
  for (const [name, score, planted] of scores) {
    it(`ranks the planted ${name} head first, by a clear margin`, (t) => {
      const margins = runs.map(({ ids, out }) => {
        const [first, second] = rankHeads(score(attention(ids, out)), 2, config.nHead);
        assert.deepEqual({ layer: first.layer, head: first.head }, planted, `${name}: L${first.layer}H${first.head} ranked first`);
        assert.ok(first.score > 0.9, `${name}: the planted head scores ${first.score}`);
        return first.score - second.score;
      });
      t.diagnostic(`${name}: smallest margin over the runner-up ${Math.min(...margins).toFixed(3)}`);
      assert.ok(Math.min(...margins) > 0.5);
    });
  }

  describe('ablation (hook_z zeroed)', () => {
    const { ids, out } = runs[1];

    for (const [name, head] of [
      ['previous-token', heads.previousToken],
      ['induction', heads.induction],
    ] as const) {
      it(`of the ${name} head destroys the repeat prediction`, (t) => {
        const { hits, total } = repeatAccuracy(ids, run(ids, [head]));
        t.diagnostic(`repeat accuracy with the ${name} head ablated ${hits}/${total}`);
        assert.ok(hits / total <= 0.1, `${hits}/${total} still predict the repeat`);
      });
    }

    it('of every inert head changes no logit', () => {
      const ablated = run(ids, heads.inert);
      let worst = 0;
      for (let i = 0; i < out.logits.length; i++) worst = Math.max(worst, Math.abs(ablated.logits[i] - out.logits[i]));
      assert.ok(worst < 1e-6, `a logit moved by ${worst}`);
    });
  });
});
