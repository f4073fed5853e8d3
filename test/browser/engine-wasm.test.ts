import { expect } from '@open-wc/testing';
import { XrayError } from '../../src/errors.js';
import { buildGpt2Graph, GraphOutput } from '../../src/gpt2-graph.js';
import { graphFeeds } from '../../src/graph-feeds.js';
import { readSafetensorsHeader } from '../../src/safetensors.js';
import { createSession, readTensor } from '../../src/session.js';
import { SafetensorsSink } from '../../src/split-file.js';
import { allTensors, placeWeights } from '../../src/weight-files.js';
import { gpt2Weights } from '../../src/weights.js';
import { forwardPassChecks } from './engine-checks.js';
import { loadFixture, maxAbsDiff } from './support.js';

describe('forward pass on WASM (F32 checkpoint with transformer. prefix and extra buffers)', () => forwardPassChecks('wasm', 'tiny'));
describe('forward pass on WASM (F16 checkpoint)', () => forwardPassChecks('wasm', 'tiny-f16'));
describe('forward pass on WASM (BF16 checkpoint)', () => forwardPassChecks('wasm', 'tiny-bf16'));
describe('forward pass on WASM, in the page (worker: false)', () => forwardPassChecks('wasm', 'tiny', { worker: false }));

describe('the graph with a batch of two sequences', () => {
  it('computes each sequence as the reference does on its own', async () => {
    const model = await loadFixture('tiny');
    const config = model.config;
    const weights = gpt2Weights(readSafetensorsHeader(model.bytes), config);
    const placed = placeWeights(model.bytes, weights);
    const session = await createSession(buildGpt2Graph(config, weights, placed.locate, { instrumented: true }), placed.files, 'wasm', 1);
    const batch = [
      [464, 3797, 3332, 319],
      [40, 1842, 262, 13],
    ];
    const out = await session.run(graphFeeds(config, batch, { topK: 3 }));
    const pattern = await readTensor<'float32'>(out[GraphOutput.pattern]);
    const residual = await readTensor<'float32'>(out[GraphOutput.residPre]);
    const { nLayer: L, nHead: H, dModel: D } = config;
    batch.forEach((ids, b) => {
      const ref = model.reference(ids);
      const patternSize = L * H * 16;
      const residualSize = (L + 1) * 4 * D;
      expect(
        maxAbsDiff(
          pattern.subarray(b * patternSize, (b + 1) * patternSize),
          ref.pattern.flat().flatMap((a) => [...a]),
        ),
      ).to.be.below(1e-4);
      expect(
        maxAbsDiff(
          residual.subarray(b * residualSize, (b + 1) * residualSize),
          ref.residPre.flatMap((a) => [...a]),
        ),
      ).to.be.below(1e-4);
    });
  });
});

describe('a WASM session over a downloaded (split) weights file', () => {
  async function splitFixture(name: string) {
    const model = await loadFixture(name);
    const sink = new SafetensorsSink();
    for (let at = 0; at < model.bytes.length; at += 65536) sink.write(model.bytes.subarray(at, at + 65536));
    const file = sink.finish();
    const weights = gpt2Weights(readSafetensorsHeader(file), model.config);
    const placed = placeWeights(file, weights);
    const graph = buildGpt2Graph(model.config, weights, placed.locate, { instrumented: true });
    return { model, file, weights, placed, graph };
  }

  it('frees each tensor as it copies it in, and computes what the reference does', async () => {
    const { model, file, weights, placed, graph } = await splitFixture('tiny');
    const { nHead: H, vocabSize: V } = model.config;
    const views = allTensors(weights).map((t) => file.subarray(t.begin, t.end));
    const session = await createSession(graph, placed.files, 'wasm', 1, { freeFiles: true });
    expect(views.every((view) => view.buffer.byteLength === 0)).to.be.true;
    const ids = [464, 3797, 3332, 319];
    const out = await session.run(graphFeeds(model.config, [ids], { heads: [H + 1], resultHeads: [H + 1], topK: 3 })); // layer 1, head 1: W_O's per-head view of c_proj
    const ref = model.reference(ids);
    expect(
      maxAbsDiff(
        await readTensor<'float32'>(out[GraphOutput.residPre]),
        ref.residPre.flatMap((a) => [...a]),
      ),
    ).to.be.below(1e-4);
    expect(maxAbsDiff(await readTensor<'float32'>(out[GraphOutput.result]), ref.result[1][1])).to.be.below(1e-4);
    expect(maxAbsDiff(await readTensor<'float32'>(out[GraphOutput.logits]), ref.logits.subarray((ids.length - 1) * V, ids.length * V))).to.be.below(1e-3);
  });

  it('creates two sessions at once, each over its own weights (onnxruntime mounts files page-wide)', async () => {
    const models = await Promise.all(['tiny', 'tiny-bf16'].map(splitFixture));
    const sessions = await Promise.all(models.map(({ graph, placed }) => createSession(graph, placed.files, 'wasm', 1, { freeFiles: true })));
    const ids = [464, 3797, 3332, 319];
    for (const [i, session] of sessions.entries()) {
      const out = await session.run(graphFeeds(models[i].model.config, [ids], { topK: 3 }));
      const ref = models[i].model.reference(ids);
      expect(
        maxAbsDiff(
          await readTensor<'float32'>(out[GraphOutput.residPre]),
          ref.residPre.flatMap((a) => [...a]),
        ),
      ).to.be.below(1e-4);
    }
  });

  it('says so when onnxruntime reads a tensor again after its expected last read', async () => {
    const { placed, graph } = await splitFixture('tiny');
    // c_proj's bytes back two initializers (see gpt2-graph): expecting one read frees them too early.
    for (const reads of placed.files[0].reads.values()) expect(reads).to.be.within(1, 2);
    for (const offset of placed.files[0].reads.keys()) placed.files[0].reads.set(offset, 1);
    const error = await createSession(graph, placed.files, 'wasm', 1, { freeFiles: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(XrayError);
    expect((error as XrayError).code).to.equal('session-failed');
    expect((error as XrayError).message).to.match(/unexpected order.*already freed/);
  });
});
