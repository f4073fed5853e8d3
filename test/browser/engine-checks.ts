// The forward-pass checks run on each execution provider, in the worker and in the page: every hook
// against the float64 reference.
import { expect } from '@open-wc/testing';
import { principalComponents } from '../../src/analysis/pca.js';
import { ModelController } from '../../src/controller.js';
import { GraphOutput } from '../../src/gpt2-graph.js';
import type { XrayError } from '../../src/errors.js';
import type { ReferenceOptions } from '../reference/gpt2-reference.js';
import type { HookName, ResolvedDevice } from '../../src/types.js';
import { fixture, loadFixture, maxAbsDiff, rowOf, softmax, topIndices, type FixtureModel } from './support.js';

const TEXT = 'The cat sat on the mat because it was tired.';
const ATTENTION_TOLERANCE = 1e-4;
const LOGIT_TOLERANCE = 1e-3;

/** The checks on one device, with the model in its worker (the default) or in the page. */
export function forwardPassChecks(device: ResolvedDevice, fixtureName = 'tiny', { worker = true } = {}): void {
  let model: FixtureModel;
  let controller: ModelController;

  before(async () => {
    model = await loadFixture(fixtureName);
    controller = new ModelController({ model: fixture(fixtureName), device, worker });
    await controller.load();
    expect(controller.device, controller.fallbackReason).to.equal(device);
    expect(controller.where, controller.fallbackReason).to.equal(worker ? 'worker' : 'page');
  });

  it('returns every attention pattern and residual within 1e-4 of the reference', async () => {
    const run = await controller.run(TEXT);
    const ref = model.reference(run.ids);
    const { nLayer, nHead } = model.config;
    for (let l = 0; l < nLayer; l++) {
      for (let h = 0; h < nHead; h++) expect(maxAbsDiff(run.attention(l, h), ref.pattern[l][h]), `pattern ${l}.${h}`).to.be.below(ATTENTION_TOLERANCE);
    }
    for (let l = 0; l <= nLayer; l++) expect(maxAbsDiff(run.residual(l), ref.residPre[l]), `resid_pre ${l}`).to.be.below(ATTENTION_TOLERANCE);
  });

  it('has attention rows that sum to 1 and are exactly zero above the diagonal', async () => {
    const run = await controller.run(TEXT);
    const T = run.ids.length;
    for (let l = 0; l < model.config.nLayer; l++) {
      for (let h = 0; h < model.config.nHead; h++) {
        const a = run.attention(l, h);
        for (let q = 0; q < T; q++) {
          const row = rowOf(a, q, T);
          expect(Math.abs(row.reduce((s, x) => s + x, 0) - 1)).to.be.below(1e-5);
          expect(
            row.slice(q + 1).every((x) => x === 0),
            `row ${q} above diagonal`,
          ).to.be.true;
        }
      }
    }
  });

  it('returns the other hooks and the logits within tolerance', async () => {
    const run = await controller.run(TEXT);
    const ref = model.reference(run.ids);
    const T = run.ids.length;
    const { nLayer, dModel: D, vocabSize: V } = model.config;
    expect(maxAbsDiff((await run.hook(GraphOutput.embed)).data, ref.embed)).to.be.below(ATTENTION_TOLERANCE);
    expect(maxAbsDiff((await run.hook(GraphOutput.posEmbed)).data, ref.posEmbed)).to.be.below(ATTENTION_TOLERANCE);
    const attnOut = await run.hook(GraphOutput.attnOut);
    const mlpOut = await run.hook(GraphOutput.mlpOut);
    expect(attnOut.dims).to.deep.equal([nLayer, T, D]);
    for (let l = 0; l < nLayer; l++) {
      expect(maxAbsDiff(attnOut.data.subarray(l * T * D, (l + 1) * T * D), ref.attnOut[l]), `attn_out ${l}`).to.be.below(ATTENTION_TOLERANCE);
      expect(maxAbsDiff(mlpOut.data.subarray(l * T * D, (l + 1) * T * D), ref.mlpOut[l]), `mlp_out ${l}`).to.be.below(ATTENTION_TOLERANCE);
    }
    expect(maxAbsDiff((await run.hook(GraphOutput.lnFinalScale)).data, ref.lnFinalScale)).to.be.below(ATTENTION_TOLERANCE);
    const logits = await run.hook(GraphOutput.logits);
    expect(maxAbsDiff(logits.data, rowOf(ref.logits, T - 1, V)), 'logits').to.be.below(LOGIT_TOLERANCE);
    const next = run.nextToken(5);
    expect(next.map((t) => t.id)).to.deep.equal(topIndices(rowOf(ref.logits, T - 1, V), 5));
    expect(next.every((t, i) => i === 0 || t.prob <= next[i - 1].prob)).to.be.true;
  });

  it('computes hook_z and hook_result of a chosen head only when asked', async () => {
    const run = await controller.run(TEXT);
    const ref = model.reference(run.ids);
    const layer = model.config.nLayer - 1;
    const head = model.config.nHead - 1;
    const { z, result } = await run.headVectors(layer, head);
    expect(maxAbsDiff(z, ref.z[layer][head])).to.be.below(ATTENTION_TOLERANCE);
    expect(maxAbsDiff(result, ref.result[layer][head])).to.be.below(ATTENTION_TOLERANCE);
  });

  it('reads every activation by its TransformerLens name, stacked or one layer, as { dims, data }', async () => {
    const run = await controller.run(TEXT);
    const ref = model.reference(run.ids);
    const T = run.ids.length;
    const { nLayer: L, nHead: H, dModel: D } = model.config;
    const dh = D / H;
    const flat = (arrays: Float64Array[]) => Float64Array.from(arrays.flatMap((a) => [...a]));
    const expectHook = async (name: HookName, dims: number[], expected: Float64Array) => {
      const value = await run.hook(name);
      expect(value.dims, name).to.deep.equal(dims);
      expect(value.data.length, name).to.equal(expected.length);
      expect(maxAbsDiff(value.data, expected), name).to.be.below(ATTENTION_TOLERANCE);
    };
    await expectHook('blocks.*.hook_resid_pre', [L + 1, T, D], flat(ref.residPre));
    await expectHook('blocks.*.hook_resid_post', [L, T, D], flat(ref.residPre.slice(1)));
    await expectHook('blocks.*.attn.hook_pattern', [L, H, T, T], flat(ref.pattern.flat()));
    await expectHook('blocks.*.attn.hook_z', [L, H, T, dh], flat(ref.z.flat()));
    await expectHook('blocks.*.attn.hook_result', [L, H, T, D], flat(ref.result.flat()));
    await expectHook('blocks.*.hook_mlp_out', [L, T, D], flat(ref.mlpOut));
    await expectHook(`blocks.${L - 1}.hook_attn_out`, [T, D], ref.attnOut[L - 1]);
    await expectHook('blocks.0.attn.hook_pattern', [H, T, T], flat(ref.pattern[0]));
    await expectHook(`blocks.${L - 1}.attn.hook_z`, [H, T, dh], flat(ref.z[L - 1]));
    await expectHook('hook_embed', [T, D], ref.embed);
    await expectHook('ln_final.hook_scale', [T, 1], ref.lnFinalScale);
    for (const bad of ['blocks.*.hook_q', 'hook_nothing', `blocks.${L}.hook_mlp_out`]) {
      const error = await run.hook(bad as HookName).then(
        () => undefined,
        (e: XrayError) => e,
      );
      expect(error?.code, bad).to.equal(bad.startsWith(`blocks.${L}`) ? 'out-of-range' : 'bad-option');
    }
  });

  it('ablates heads by zero and by mean as the reference does, and an empty ablation changes nothing', async () => {
    const run = await controller.run(TEXT);
    const T = run.ids.length;
    const { nLayer: L, nHead: H, vocabSize: V } = model.config;
    const heads = [
      { layer: 0, head: H - 1 },
      { layer: L - 1, head: 0 },
    ];
    for (const mode of ['zero', 'mean'] as const) {
      const ablated = await run.ablate(heads, { mode });
      const ref = model.reference(run.ids, { ablate: heads, ablateMode: mode });
      for (let l = 0; l <= L; l++) expect(maxAbsDiff(ablated.residual(l), ref.residPre[l]), `${mode} resid_pre ${l}`).to.be.below(ATTENTION_TOLERANCE);
      expect(maxAbsDiff((await ablated.hook('blocks.*.attn.hook_z')).data, Float64Array.from(ref.z.flat().flatMap((z) => [...z]))), `${mode} z`).to.be.below(ATTENTION_TOLERANCE);
      expect(maxAbsDiff((await ablated.hook('logits')).data, rowOf(ref.logits, T - 1, V)), `${mode} logits`).to.be.below(LOGIT_TOLERANCE);
    }
    const none = await run.ablate([]);
    expect(maxAbsDiff(none.residual(L), run.residual(L))).to.equal(0);
    expect(none.nextToken(5)).to.deep.equal(run.nextToken(5));
  });

  it('scans every head ablated alone, in batches, with the metric of each single ablation', async () => {
    const run = await controller.run(TEXT);
    const { nLayer: L, nHead: H } = model.config;
    const [answer, wrong] = [run.nextToken(2)[0].id, run.nextToken(2)[1].id];
    const progress: number[] = [];
    const scan = await run.ablationScan({ answer, wrong, mode: 'mean', onProgress: (done, total) => progress.push(done / total) });
    expect(scan.dims).to.deep.equal([L, H]);
    expect(progress.at(-1)).to.equal(1);
    const plain = (await run.hook('logits')).data;
    expect(Math.abs(scan.clean - (plain[answer] - plain[wrong]))).to.be.below(LOGIT_TOLERANCE);
    for (let l = 0; l < L; l++) {
      for (let h = 0; h < H; h++) {
        const ref = model.reference(run.ids, { ablate: [{ layer: l, head: h }], ablateMode: 'mean' }).logits;
        const [T, V] = [run.ids.length, model.config.vocabSize];
        const expected = ref[(T - 1) * V + answer] - ref[(T - 1) * V + wrong];
        expect(Math.abs(scan.data[l * H + h] - expected), `L${l}H${h}`).to.be.below(LOGIT_TOLERANCE);
      }
    }
  });

  // Inside the text a pass of its own; at its last position the run's kept outputs.
  for (const back of [3, 1]) {
    it(`attributes the logit difference ${back === 1 ? 'at the last position' : 'inside the text'} to layers and heads as the reference decomposes it, summing to the total`, async () => {
      const run = await controller.run(TEXT);
      const { nLayer: L, nHead: H, dModel: D, vocabSize: V } = model.config;
      const position = run.ids.length - back;
      const ids = run.ids.slice(0, position + 1);
      const ref = model.reference(ids);
      const [answer, wrong] = [run.nextToken(2)[0].id, run.nextToken(2)[1].id];
      const t = ids.length - 1;
      // (c − mean c) / scale · γ ⊙ (W_U[answer] − W_U[wrong]), in float64 from the reference's hooks.
      const direction = Array.from({ length: D }, (_, d) => model.gamma[d] * (model.wte[answer * D + d] - model.wte[wrong * D + d]));
      const share = (c: ArrayLike<number>, row: number) => {
        const x = rowOf(c, row, D);
        const mean = x.reduce((a, b) => a + b, 0) / D;
        return x.reduce((sum, v, d) => sum + (v - mean) * direction[d], 0) / ref.lnFinalScale[t];
      };
      const byLayer = await run.logitAttribution({ answer, wrong, position, by: 'layer' });
      const expected = [share(ref.embed, t), share(ref.posEmbed, t), ...ref.attnOut.flatMap((a, l) => [a, ref.mlpOut[l]]).map((c) => share(c, t))];
      expected.push(Array.from({ length: D }, (_, d) => model.beta[d] * (model.wte[answer * D + d] - model.wte[wrong * D + d])).reduce((a, b) => a + b, 0));
      expect(byLayer.labels).to.deep.equal(['embed', 'pos_embed', ...Array.from({ length: L }, (_, l) => [`${l}_attn_out`, `${l}_mlp_out`]).flat(), 'ln_final_bias']);
      expect(maxAbsDiff(byLayer.values, expected)).to.be.below(LOGIT_TOLERANCE);
      const total = ref.logits[t * V + answer] - ref.logits[t * V + wrong];
      expect(Math.abs(byLayer.total - total)).to.be.below(LOGIT_TOLERANCE);
      expect(Math.abs(byLayer.values.reduce((a, b) => a + b, 0) - byLayer.total), 'the values sum to the total').to.be.below(LOGIT_TOLERANCE);

      const byHead = await run.logitAttribution({ answer, wrong, position, by: 'head' });
      expect(byHead.labels.slice(2, H + 4)).to.deep.equal([...Array.from({ length: H }, (_, h) => `L0H${h}`), '0_attn_bias', '0_mlp_out']);
      expect(Math.abs(byHead.values.reduce((a, b) => a + b, 0) - byHead.total)).to.be.below(LOGIT_TOLERANCE);
      for (let l = 0; l < L; l++) {
        const heads = Array.from({ length: H }, (_, h) => share(ref.result[l][h], t));
        const start = 2 + l * (H + 2);
        expect(maxAbsDiff(byHead.values.subarray(start, start + H), heads), `layer ${l} heads`).to.be.below(LOGIT_TOLERANCE);
        const layer = byHead.values.subarray(start, start + H + 1).reduce((a, b) => a + b, 0);
        expect(Math.abs(layer - byLayer.values[2 + 2 * l]), `layer ${l}: heads + bias = attn_out`).to.be.below(LOGIT_TOLERANCE);
      }
    });
  }

  it('patches resid_pre, attn_out, mlp_out and z from a clean prompt as the reference does', async () => {
    const [clean, corrupted] = ['The cat sat on the mat', 'The dog sat on the mat'];
    const cleanRun = await controller.run(clean);
    const corruptedRun = await controller.run(corrupted);
    const [answer, wrong] = [cleanRun.nextToken(2)[0].id, cleanRun.nextToken(2)[1].id];
    const { nLayer: L, nHead: H, vocabSize: V } = model.config;
    const T = cleanRun.ids.length;
    const from = model.reference(cleanRun.ids);
    const difference = (logits: Float64Array) => logits[(T - 1) * V + answer] - logits[(T - 1) * V + wrong];
    const [cleanDiff, corruptedDiff] = [difference(from.logits), difference(model.reference(corruptedRun.ids).logits)];
    const restored = (patch: NonNullable<ReferenceOptions['patch']>) => (difference(model.reference(corruptedRun.ids, { patch }).logits) - corruptedDiff) / (cleanDiff - corruptedDiff);
    for (const hook of ['resid_pre', 'attn_out', 'mlp_out'] as const) {
      const result = await controller.patch({ clean, corrupted, answer, wrong, hook });
      expect(result.dims, hook).to.deep.equal([L, T]);
      expect(result.cleanTokens).to.deep.equal(cleanRun.tokens);
      const expected = Array.from({ length: L * T }, (_, i) => restored({ hook, layer: Math.floor(i / T), position: i % T, from }));
      expect(maxAbsDiff(result.data, expected), hook).to.be.below(1e-3);
    }
    const heads = await controller.patch({ clean, corrupted, answer, wrong, hook: 'z' });
    expect(heads.dims).to.deep.equal([L, H]);
    expect(
      maxAbsDiff(
        heads.data,
        Array.from({ length: L * H }, (_, i) => restored({ hook: 'z', layer: Math.floor(i / H), head: i % H, from })),
      ),
    ).to.be.below(1e-3);
    const byPosition = await controller.patch({ clean, corrupted, answer, wrong, hook: 'z', byPosition: true });
    expect(byPosition.dims).to.deep.equal([L, T, H]);
    const cell = (i: number) => ({ hook: 'z' as const, layer: Math.floor(i / (T * H)), position: Math.floor(i / H) % T, head: i % H, from });
    expect(
      maxAbsDiff(
        byPosition.data,
        Array.from({ length: L * T * H }, (_, i) => restored(cell(i))),
      ),
      'z by position',
    ).to.be.below(1e-3);
  });

  it('generates greedily as the argmax chain of the reference, each cached step as the full pass', async () => {
    const prompt = 'The cat sat';
    const steps = [];
    for await (const step of controller.generate(prompt, { temperature: 0, maxNewTokens: 6, topTokens: 3 })) steps.push(step);
    expect(steps).to.have.length(6);
    const ids = (await controller.run(prompt)).ids.slice();
    const V = model.config.vocabSize;
    for (const step of steps) {
      const ref = model.reference(ids);
      const last = ref.logits.subarray((ids.length - 1) * V, ids.length * V);
      expect(step.id, `after ${ids.length} tokens`).to.equal(topIndices(last, 1)[0]);
      expect(step.prob).to.equal(1);
      // The step's top tokens are the cached pass's: the full pass's, within float rounding.
      const probs = softmax(Float64Array.from(last));
      expect(step.top.map((t) => t.id)).to.deep.equal(topIndices(probs, 3));
      expect(Math.abs(step.top[0].prob - probs[step.top[0].id])).to.be.below(1e-4);
      ids.push(step.id);
    }
    const full = await controller.run(steps.at(-1)!.text);
    expect(full.ids).to.deep.equal(ids);
  });

  it('samples with a seed that replays, under temperature, top-k and top-p, and stops when asked', async () => {
    const options = { temperature: 1.5, topK: 40, topP: 0.9, seed: 7, maxNewTokens: 5 };
    const draw = async () => {
      const steps = [];
      for await (const step of controller.generate('Once upon a time', options)) steps.push(step);
      return steps;
    };
    const [first, again] = [await draw(), await draw()];
    expect(first.map((s) => s.id)).to.deep.equal(again.map((s) => s.id));
    expect(first.every((s) => s.prob > 0 && s.prob <= 1)).to.be.true;
    const other = [];
    for await (const step of controller.generate('Once upon a time', { ...options, seed: 8 })) other.push(step.id);
    expect(other, 'another seed').to.not.deep.equal(first.map((s) => s.id));
    // Leaving the loop stops generation; an aborted signal rejects in words.
    const before = controller.sessionRuns;
    const generation = controller.generate('Once upon a time', { ...options, maxNewTokens: 20 });
    await generation.next();
    await generation.next();
    await generation.return();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(controller.sessionRuns - before, 'passes of a generation left after 2 of 20 steps').to.be.below(5);
    const stop = new AbortController();
    stop.abort();
    const error = await controller
      .generate('Once upon a time', { signal: stop.signal })
      .next()
      .catch((e: XrayError) => e);
    expect((error as XrayError).code).to.equal('aborted');
    const bad = await controller
      .generate('x', { temperature: -1 })
      .next()
      .catch((e: XrayError) => e);
    expect((bad as XrayError).code).to.equal('bad-option');
  });

  it('gives token log-probabilities as the reference', async () => {
    const run = await controller.run(TEXT);
    const ref = model.reference(run.ids);
    const V = model.config.vocabSize;
    const logProbs = await run.tokenLogProbs();
    expect(logProbs).to.have.length(run.ids.length - 1);
    const expected = run.ids.slice(1).map((next, t) => {
      const row = ref.logits.subarray(t * V, (t + 1) * V);
      let max = -Infinity;
      for (const x of row) max = Math.max(max, x);
      let sum = 0;
      for (const x of row) sum += Math.exp(x - max);
      return row[next] - max - Math.log(sum);
    });
    expect(maxAbsDiff(logProbs, expected)).to.be.below(LOGIT_TOLERANCE);
    expect(await (await controller.run('One')).tokenLogProbs()).to.have.length(0);
  });

  it('finds nearest tokens, analogies and a PCA projection as a brute force over wte', async () => {
    const { dModel: D, vocabSize: V } = model.config;
    const wte = model.wte;
    const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
    const row = (id: number) => wte.subarray(id * D, (id + 1) * D);
    const bruteForce = (query: Float64Array, excluded: number[], k: number) => {
      const q = norm(query);
      const scores = Array.from({ length: V }, (_, v) => {
        const r = row(v);
        let dot = 0;
        for (let d = 0; d < D; d++) dot += r[d] * query[d];
        return { id: v, similarity: excluded.includes(v) ? -Infinity : dot / (norm(r) * q) };
      });
      return scores.sort((a, b) => b.similarity - a.similarity || a.id - b.id).slice(0, k);
    };
    const [king, man, woman] = [' king', ' man', ' woman'].map((t) => model.tokenizer.encode(t)[0]);
    const near = await controller.embeddings.nearest(' king', 5);
    const expected = bruteForce(Float64Array.from(row(king)), [king], 5);
    expect(near.map((n) => n.id)).to.deep.equal(expected.map((n) => n.id));
    expect(
      maxAbsDiff(
        near.map((n) => n.similarity),
        expected.map((n) => n.similarity),
      ),
    ).to.be.below(1e-5);
    expect(near[0].token).to.equal(model.tokenizer.tokenText(near[0].id));
    const vector = Float32Array.from(row(man), (x, d) => x + row(woman)[d]);
    const byVector = await controller.embeddings.nearest(vector, 3);
    expect(byVector.map((n) => n.id)).to.deep.equal(bruteForce(Float64Array.from(vector), [], 3).map((n) => n.id));
    // gensim: the mean of the unit vectors (+a, −b, +c), by cosine, the three left out.
    const unit = (id: number) => Float64Array.from(row(id), (x) => x / norm(row(id)));
    const [a, b, c] = [unit(king), unit(man), unit(woman)];
    const analogy = await controller.embeddings.analogy(' king', ' man', ' woman', 4);
    const expectedAnalogy = bruteForce(
      Float64Array.from(a, (x, d) => x - b[d] + c[d]),
      [king, man, woman],
      4,
    );
    expect(analogy.map((n) => n.id)).to.deep.equal(expectedAnalogy.map((n) => n.id));
    expect(
      maxAbsDiff(
        analogy.map((n) => n.similarity),
        expectedAnalogy.map((n) => n.similarity),
      ),
    ).to.be.below(1e-5);
    // The PCA of the four rows as read from the file (the PCA itself is checked in test/unit/pca.test.ts), up to each axis's sign.
    const words = [' king', ' man', ' woman', ' queen'];
    const points = await controller.embeddings.project(words);
    const ids = words.map((w) => model.tokenizer.encode(w)[0]);
    const rows = new Float32Array(ids.flatMap((id) => [...row(id)]));
    const { projected } = principalComponents(rows, ids.length, D, 2);
    for (const axis of [0, 1] as const) {
      const ours = points.map((p) => (axis === 0 ? p.x : p.y));
      const theirs = ids.map((_, i) => projected[2 * i + axis]);
      const sign = Math.sign(ours[0] * theirs[0]) || 1;
      expect(
        maxAbsDiff(
          ours,
          theirs.map((x) => sign * x),
        ),
        `axis ${axis}`,
      ).to.be.below(1e-3);
    }
    const bad = await controller.embeddings.nearest(' not one token', 3).catch((e: XrayError) => e);
    expect((bad as XrayError).code).to.equal('bad-option');
  });

  it('reads the logit lens of every layer and position against the reference', async () => {
    const run = await controller.run(TEXT);
    const ref = model.reference(run.ids);
    const { nLayer, dModel: D } = model.config;
    const lens = await run.logitLens(3);
    expect(lens).to.have.length(nLayer + 1);
    for (let l = 0; l <= nLayer; l++) {
      expect(lens[l]).to.have.length(run.ids.length);
      for (const p of [0, run.ids.length - 1]) {
        const probs = model.lensProbs(rowOf(ref.residPre[l], p, D));
        expect(
          lens[l][p].map((t) => t.id),
          `layer ${l} position ${p}`,
        ).to.deep.equal(topIndices(probs, 3));
        expect(Math.abs(lens[l][p][0].prob - probs[lens[l][p][0].id])).to.be.below(1e-4);
      }
    }
  });
}
