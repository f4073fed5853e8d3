// The tuned lens and prediction trajectories on each device, against the float64 reference, with
// translators PyTorch wrote (test/fixtures/tuned-lens/d64-l2.pt fits the tiny fixture: d 64, 2 layers).
import { expect } from '@open-wc/testing';
import { ModelController } from '../../src/controller.js';
import type { XrayError } from '../../src/errors.js';
import { buildGpt2Graph, GraphOutput } from '../../src/gpt2-graph.js';
import { graphFeeds } from '../../src/graph-feeds.js';
import { readSafetensorsHeader } from '../../src/safetensors.js';
import { createSession, readTensor } from '../../src/session.js';
import { readTranslators, type Translators } from '../../src/tuned-lens/translators.js';
import type { LensTrajectory } from '../../src/types.js';
import { placeWeights } from '../../src/weight-files.js';
import { gpt2Weights } from '../../src/weights.js';
import { fixture, loadFixture, maxAbsDiff, rowOf, topIndices, type FixtureModel } from './support.js';

const LENSES = '/test/fixtures/tuned-lens/';
const TRANSLATORS = LENSES + 'd64-l2.pt';
const TEXT = 'The cat sat on the mat because it was tired.';

for (const device of ['wasm', 'webgpu'] as const) {
  describe(`the tuned lens on ${device}`, () => {
    let model: FixtureModel;
    let controller: ModelController;
    let translators: Translators;

    before(async () => {
      model = await loadFixture('tiny');
      controller = new ModelController({ model: fixture('tiny'), device });
      await controller.load();
      expect(controller.device, controller.fallbackReason).to.equal(device);
      translators = readTranslators(await (await fetch(TRANSLATORS)).arrayBuffer(), 'd64-l2.pt', model.config);
    });
    after(() => controller.dispose());

    /** h + A·h + b in float64: nn.Linear's weight is [out, in]. */
    const translated = (layer: number, h: number[]) => {
      const D = model.config.dModel;
      return h.map((x, o) => x + translators.bias[layer * D + o] + h.reduce((s, v, i) => s + translators.weight[(layer * D + o) * D + i] * v, 0));
    };
    /** ln_f and the unembedding of one residual row, in float64. */
    const logitsOf = (row: ArrayLike<number>) => {
      const { dModel: D, vocabSize: V, layerNormEps } = model.config;
      const mean = Array.from(row).reduce((s, x) => s + x, 0) / D;
      const variance = Array.from(row).reduce((s, x) => s + (x - mean) ** 2, 0) / D;
      const normed = Array.from(row, (x, i) => ((x - mean) / Math.sqrt(variance + layerNormEps)) * model.gamma[i] + model.beta[i]);
      const logits = new Float64Array(V);
      for (let v = 0; v < V; v++) for (let i = 0; i < D; i++) logits[v] += normed[i] * model.wte[v * D + i];
      return logits;
    };
    const logSoftmax = (logits: Float64Array) => {
      const max = logits.reduce((m, x) => Math.max(m, x), -Infinity);
      const sum = logits.reduce((s, x) => s + Math.exp(x - max), 0);
      return logits.map((x) => x - max - Math.log(sum));
    };

    it('reads each layer through its translator as the reference does, and the last layer as the model', async () => {
      const run = await controller.run(TEXT);
      const ref = model.reference(run.ids);
      const { nLayer: L, dModel: D } = model.config;
      const tuned = await run.logitLens(3, undefined, { translators: TRANSLATORS });
      const plain = await run.logitLens(3);
      expect(tuned).to.have.length(L + 1);
      for (let l = 0; l < L; l++) {
        for (const p of [0, run.length - 1]) {
          const probs = Float64Array.from(logSoftmax(logitsOf(translated(l, rowOf(ref.residPre[l], p, D)))), Math.exp);
          expect(
            tuned[l][p].map((t) => t.id),
            `layer ${l} position ${p}`,
          ).to.deep.equal(topIndices(probs, 3));
          expect(Math.abs(tuned[l][p][0].prob - probs[tuned[l][p][0].id])).to.be.below(1e-4);
        }
        // The translators change what the lens reads (they are random, not zero).
        expect(
          tuned[l].some((row, p) => Math.abs(row[0].prob - plain[l][p][0].prob) > 1e-3),
          `layer ${l} differs`,
        ).to.be.true;
      }
      expect(tuned[L]).to.deep.equal(plain[L]);
    });

    it('equals the logit lens with zero translators', async () => {
      const { config } = model;
      const weights = gpt2Weights(readSafetensorsHeader(model.bytes), config);
      const placed = placeWeights(model.bytes, weights);
      const session = await createSession(buildGpt2Graph(config, weights, placed.locate, { instrumented: true }), placed.files, device, 1);
      const ids = [464, 3797, 3332, 319];
      const { nLayer: L, dModel: D } = config;
      const layers = Array.from({ length: L }, (_, l) => l);
      const lensPositions = [0, 3];
      const zero = { layers, translators: new Float32Array(L * D * D), bias: new Float32Array(L * D) };
      const top = async (work: Parameters<typeof graphFeeds>[2]) => readTensor<'float32'>((await session.run(graphFeeds(config, [ids], { ...work, lensPositions, topK: 5 })))[GraphOutput.topProbs]);
      expect(maxAbsDiff(await top({ tuned: zero }), await top({ lensLayers: layers }))).to.equal(0);
      await session.release();
    });

    it('measures the prediction trajectories of both lenses as the reference', async () => {
      const run = await controller.run(TEXT);
      const ref = model.reference(run.ids);
      const { nLayer: L, dModel: D } = model.config;
      const position = 3;
      const result = await run.predictionTrajectory(position, { translators: TRANSLATORS });
      expect(result.target).to.deep.equal({ id: run.ids[position + 1], token: run.tokens[position + 1] });
      const final = logSoftmax(logitsOf(rowOf(ref.residPre[L], position, D)));
      const expected = (rows: Float64Array[]) => ({
        entropy: rows.map((lp) => -lp.reduce((s, x) => s + Math.exp(x) * x, 0)),
        forwardKl: rows.map((lp) => final.reduce((s, x, v) => s + Math.exp(x) * (x - lp[v]), 0)),
        targetRank: rows.map((lp) => lp.filter((x) => x > lp[result.target.id]).length),
        targetLogProb: rows.map((lp) => lp[result.target.id]),
      });
      const residual = (l: number) => rowOf(ref.residPre[l], position, D);
      const logit = expected(Array.from({ length: L + 1 }, (_, l) => logSoftmax(logitsOf(residual(l)))));
      const tuned = expected([...Array.from({ length: L }, (_, l) => logSoftmax(logitsOf(translated(l, residual(l))))), final]);
      const check = (ours: LensTrajectory | undefined, theirs: typeof logit, lens: string) => {
        for (const key of ['entropy', 'forwardKl', 'targetLogProb'] as const) expect(maxAbsDiff(ours![key], theirs[key]), `${lens} ${key}`).to.be.below(1e-3);
        expect(Array.from(ours!.targetRank), `${lens} rank`).to.deep.equal(theirs.targetRank);
      };
      check(result.logit, logit, 'logit lens');
      check(result.tuned, tuned, 'tuned lens');
      expect(result.logit.forwardKl[L]).to.be.below(1e-5);
      // At the last position the target is the model's own top prediction, whose final rank is 0.
      const last = await run.predictionTrajectory();
      expect(last.target.id).to.equal(run.nextToken(1)[0].id);
      expect(last.logit.targetRank[L]).to.equal(0);
      expect(last.tuned).to.equal(undefined);
    });

    it('rejects translators that do not fit the model, in words', async () => {
      const run = await controller.run(TEXT);
      const bad = await run.logitLens(3, undefined, { translators: LENSES + 'bad-shape.pt' }).catch((e: XrayError) => e);
      expect((bad as XrayError).code).to.equal('shape-mismatch');
      expect((bad as XrayError).message).to.contain('[64, 65]');
      const other = await run.logitLens(3, undefined, { translators: LENSES + 'd32-l3.pt' }).catch((e: XrayError) => e);
      expect((other as XrayError).message).to.match(/3 translators|layers|32/);
      const missing = await run.logitLens(3, undefined, { translators: LENSES + 'none.pt' }).catch((e: XrayError) => e);
      expect((missing as XrayError).code).to.equal('download-failed');
    });
  });
}
