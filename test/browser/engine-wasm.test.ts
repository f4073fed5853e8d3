import { expect } from '@open-wc/testing';
import { buildGpt2Graph, GraphInput, GraphOutput } from '../../src/gpt2-graph.js';
import { readSafetensorsHeader } from '../../src/safetensors.js';
import { createSession, int64Tensor, readTensor } from '../../src/session.js';
import { placeWeights } from '../../src/weight-files.js';
import { gpt2Weights } from '../../src/weights.js';
import { forwardPassChecks } from './engine-checks.js';
import { loadFixture, maxAbsDiff } from './support.js';

describe('forward pass on WASM (F32 checkpoint with transformer. prefix and extra buffers)', () => forwardPassChecks('wasm', 'tiny'));
describe('forward pass on WASM (F16 checkpoint)', () => forwardPassChecks('wasm', 'tiny-f16'));
describe('forward pass on WASM (BF16 checkpoint)', () => forwardPassChecks('wasm', 'tiny-bf16'));

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
    const out = await session.run({
      [GraphInput.ids]: int64Tensor(batch.flat(), [2, 4]),
      [GraphInput.lensLayers]: int64Tensor([]),
      [GraphInput.lensPositions]: int64Tensor([]),
      [GraphInput.heads]: int64Tensor([]),
      [GraphInput.topK]: int64Tensor([3]),
    });
    const pattern = await readTensor<'float32'>(out[GraphOutput.pattern]);
    const residual = await readTensor<'float32'>(out[GraphOutput.residPre]);
    const { nLayer: L, nHead: H, dModel: D } = config;
    batch.forEach((ids, b) => {
      const ref = model.reference(ids);
      const patternSize = L * H * 16;
      const residualSize = (L + 1) * 4 * D;
      expect(maxAbsDiff(pattern.subarray(b * patternSize, (b + 1) * patternSize), ref.pattern.flat().flatMap((a) => [...a]))).to.be.below(1e-4);
      expect(maxAbsDiff(residual.subarray(b * residualSize, (b + 1) * residualSize), ref.residPre.flatMap((a) => [...a]))).to.be.below(1e-4);
    });
  });
});
