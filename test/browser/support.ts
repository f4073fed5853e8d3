// Shared helpers of the browser tests: fixture URLs, the reference pass over a fixture, comparisons.
import { parseGpt2Config } from '../../src/config.js';
import { readSafetensorsHeader, tensorAsFloat32 } from '../../src/safetensors.js';
import { configure } from '../../src/settings.js';
import { createTokenizer, type Gpt2Tokenizer } from '../../src/tokenizer.js';
import type { ModelConfig } from '../../src/types.js';
import { gpt2Weights } from '../../src/weights.js';
import { gpt2Reference, type ReferenceOptions, type ReferenceOutputs } from '../reference/gpt2-reference.js';

// Tests never reach a CDN: onnxruntime-web's files come from the test server.
configure({ wasmPaths: '/ort/' });

/** URL of a generated model folder (see test/fixtures/make-fixtures.ts). */
export const fixture = (name: string): string => `/fixtures/${name}/`;

export interface FixtureModel {
  bytes: Uint8Array;
  config: ModelConfig;
  reference(ids: number[], options?: ReferenceOptions): ReferenceOutputs;
  /** The fixture's own tokenizer (GPT-2's). */
  tokenizer: Gpt2Tokenizer;
  /** The tied embedding/unembedding [V, D] and ln_final's γ and β, as stored. */
  wte: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  /** Reference logit lens: softmax(ln_f(residual) @ wte^T) of one residual row. */
  lensProbs(residualRow: ArrayLike<number>): Float64Array;
}

export async function loadFixture(name: string): Promise<FixtureModel> {
  const json = (file: string) => fetch(fixture(name) + file).then((r) => r.json());
  const [bytes, configJson, tokenizerJson, tokenizerConfig] = await Promise.all([
    fetch(fixture(name) + 'model.safetensors')
      .then((r) => r.arrayBuffer())
      .then((b) => new Uint8Array(b)),
    json('config.json'),
    json('tokenizer.json'),
    json('tokenizer_config.json'),
  ]);
  const config = parseGpt2Config(configJson);
  const table = readSafetensorsHeader(bytes);
  const weights = gpt2Weights(table, config);
  const wte = tensorAsFloat32(bytes, weights.wte);
  const gamma = tensorAsFloat32(bytes, weights.lnF.weight);
  const beta = tensorAsFloat32(bytes, weights.lnF.bias);
  const { dModel: D, vocabSize: V, layerNormEps } = config;
  return {
    bytes,
    config,
    tokenizer: createTokenizer(tokenizerJson, tokenizerConfig),
    wte,
    gamma,
    beta,
    reference: (ids, options) => gpt2Reference(bytes, table, config, ids, options),
    lensProbs(row) {
      let mean = 0;
      for (let i = 0; i < D; i++) mean += row[i] / D;
      let variance = 0;
      for (let i = 0; i < D; i++) variance += (row[i] - mean) ** 2 / D;
      const normed = Array.from({ length: D }, (_, i) => ((row[i] - mean) / Math.sqrt(variance + layerNormEps)) * gamma[i] + beta[i]);
      const logits = new Float64Array(V);
      for (let v = 0; v < V; v++) for (let i = 0; i < D; i++) logits[v] += normed[i] * wte[v * D + i];
      return softmax(logits);
    },
  };
}

export function softmax(logits: Float64Array): Float64Array {
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Largest absolute difference between two equally long arrays (Infinity when lengths differ). */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
  return max;
}

/** Row `row` (length `width`) of a flat array. */
export const rowOf = (data: ArrayLike<number>, row: number, width: number): number[] => Array.from({ length: width }, (_, i) => data[row * width + i]);

/** Indices of the k largest values, largest first. */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  return Array.from(values, (v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, k)
    .map(([, i]) => i);
}
