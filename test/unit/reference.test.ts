// Sanity checks of the float64 reference forward pass on hand-sized models.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSafetensorsHeader, tensorAsFloat32 } from '../../src/safetensors.js';
import type { ModelConfig } from '../../src/types.js';
import { gpt2Weights } from '../../src/weights.js';
import { randomGpt2Tensors, type CheckpointStyle } from '../fixtures/random-gpt2.js';
import { writeSafetensors, type SafetensorsEntry } from '../fixtures/safetensors-writer.js';
import { gpt2Reference } from '../reference/gpt2-reference.js';

const config: ModelConfig = { nLayer: 2, nHead: 2, dModel: 8, nCtx: 8, vocabSize: 11, layerNormEps: 1e-5 };
const style: CheckpointStyle = { dtype: 'F32', prefix: true, extras: true, seed: 7 };
const ids = [3, 1, 4, 1, 5, 9];
const T = ids.length;
const D = config.dModel;

function run(tensors: SafetensorsEntry[], tokens = ids) {
  const bytes = writeSafetensors(tensors);
  const table = readSafetensorsHeader(bytes);
  return { bytes, table, out: gpt2Reference(bytes, table, config, tokens) };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** LayerNorm of one row, written out again here so the test does not trust the reference's. */
function layerNormRow(x: number[], weight: Float32Array, bias: Float32Array, eps: number): number[] {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * weight[i] + bias[i]);
}

describe('gpt2Reference on a random model', () => {
  const { bytes, table, out } = run(randomGpt2Tensors(config, style));
  const weights = gpt2Weights(table, config);

  it('returns every hook with its shape', () => {
    assert.equal(out.embed.length, T * D);
    assert.equal(out.posEmbed.length, T * D);
    assert.equal(out.residPre.length, config.nLayer + 1);
    assert.equal(out.pattern.length, config.nLayer);
    assert.equal(out.pattern[0].length, config.nHead);
    assert.equal(out.z[1][1].length, T * (D / config.nHead));
    assert.equal(out.result[1][1].length, T * D);
    assert.equal(out.mlpPost[0].length, T * 4 * D);
    assert.equal(out.lnFinalScale.length, T);
    assert.equal(out.logits.length, T * config.vocabSize);
  });

  it('embeds tokens and positions', () => {
    const wte = tensorAsFloat32(bytes, weights.wte);
    const wpe = tensorAsFloat32(bytes, weights.wpe);
    assertClose(out.embed.subarray(2 * D, 3 * D), wte.subarray(4 * D, 5 * D), 0, 'embed row 2');
    assertClose(out.posEmbed.subarray(2 * D, 3 * D), wpe.subarray(2 * D, 3 * D), 0, 'posEmbed row 2');
    assertClose(
      out.residPre[0],
      out.embed.map((v, i) => v + out.posEmbed[i]),
      0,
      'residPre[0]',
    );
  });

  it('has causal attention rows that sum to 1', () => {
    for (let l = 0; l < config.nLayer; l++) {
      for (let h = 0; h < config.nHead; h++) {
        const pattern = out.pattern[l][h];
        const scores = out.attnScores[l][h];
        for (let i = 0; i < T; i++) {
          let sum = 0;
          for (let j = 0; j < T; j++) {
            if (j > i) {
              assert.equal(pattern[i * T + j], 0);
              assert.equal(scores[i * T + j], -Infinity);
            } else {
              assert.ok(Number.isFinite(scores[i * T + j]));
              sum += pattern[i * T + j];
            }
          }
          assert.ok(Math.abs(sum - 1) < 1e-12, `layer ${l} head ${h} row ${i} sums to ${sum}`);
        }
      }
    }
  });

  it('has attention that is neither uniform nor one-hot', () => {
    const last = out.pattern[0][0].subarray((T - 1) * T, T * T);
    const max = Math.max(...last);
    assert.ok(max > 1.5 / T && max < 0.99, `max weight ${max}`);
  });

  it('adds attention and MLP outputs to the residual stream', () => {
    for (let l = 0; l < config.nLayer; l++) {
      assertClose(
        out.residMid[l],
        out.residPre[l].map((v, i) => v + out.attnOut[l][i]),
        1e-12,
        `residMid ${l}`,
      );
      assertClose(
        out.residPre[l + 1],
        out.residMid[l].map((v, i) => v + out.mlpOut[l][i]),
        1e-12,
        `residPre ${l + 1}`,
      );
    }
  });

  it('splits attnOut into per-head results plus the c_proj bias', () => {
    for (let l = 0; l < config.nLayer; l++) {
      const bias = tensorAsFloat32(bytes, weights.blocks[l].attnProj.bias);
      const sum = new Float64Array(T * D).map((_, i) => bias[i % D] + out.result[l].reduce((a, r) => a + r[i], 0));
      assertClose(out.attnOut[l], sum, 1e-12, `attnOut ${l}`);
    }
  });

  it('returns the final layer norm scale as sqrt(var + eps)', () => {
    const x = out.residPre[config.nLayer];
    for (let t = 0; t < T; t++) {
      const row = [...x.subarray(t * D, (t + 1) * D)];
      const mean = row.reduce((a, b) => a + b, 0) / D;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / D;
      assert.ok(Math.abs(out.lnFinalScale[t] - Math.sqrt(variance + config.layerNormEps)) < 1e-12);
    }
  });

  it('is causal: a later token does not change earlier positions', () => {
    const changed = run(randomGpt2Tensors(config, style), [...ids.slice(0, -1), 10]).out;
    const V = config.vocabSize;
    assertClose(changed.logits.subarray(0, (T - 1) * V), out.logits.subarray(0, (T - 1) * V), 0, 'logits');
    assert.notDeepEqual([...changed.logits.subarray((T - 1) * V)], [...out.logits.subarray((T - 1) * V)]);
  });

  it('gives the same result for F16 weights within half precision', () => {
    const half = run(randomGpt2Tensors(config, { ...style, dtype: 'F16' })).out;
    assertClose(half.logits, out.logits, 0.05, 'logits');
  });
});

describe('gpt2Reference with zero attention and MLP weights', () => {
  // Zeroing every attn./mlp. tensor makes each block add nothing, so logits = ln_f(wte[id] + wpe[pos]) @ wte^T.
  const tensors = randomGpt2Tensors(config, style).map((t) => (/\.(attn|mlp)\.c_/.test(t.name) ? { ...t, data: new Uint8Array(t.data.length) } : t));
  const { bytes, table, out } = run(tensors);
  const weights = gpt2Weights(table, config);

  it('leaves the residual stream unchanged', () => {
    for (let l = 1; l <= config.nLayer; l++) assertClose(out.residPre[l], out.residPre[0], 0, `residPre ${l}`);
  });

  it('attends uniformly to the past', () => {
    const pattern = out.pattern[1][0];
    for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) assert.ok(Math.abs(pattern[i * T + j] - 1 / (i + 1)) < 1e-15);
  });

  it('computes logits as ln_f(wte[id] + wpe[pos]) @ wte^T', () => {
    const wte = tensorAsFloat32(bytes, weights.wte);
    const wpe = tensorAsFloat32(bytes, weights.wpe);
    const lnW = tensorAsFloat32(bytes, weights.lnF.weight);
    const lnB = tensorAsFloat32(bytes, weights.lnF.bias);
    const V = config.vocabSize;
    const expected: number[] = [];
    ids.forEach((id, pos) => {
      const x = Array.from({ length: D }, (_, i) => wte[id * D + i] + wpe[pos * D + i]);
      const normed = layerNormRow(x, lnW, lnB, config.layerNormEps);
      for (let v = 0; v < V; v++) expected.push(normed.reduce((a, n, i) => a + n * wte[v * D + i], 0));
    });
    assertClose(out.logits, expected, 1e-12, 'logits');
  });
});
