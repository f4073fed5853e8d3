// Unit tests of mapping a safetensors table onto GPT-2's parameters, and of config.json parsing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGpt2Config } from '../../src/config.js';
import { XrayError, type XrayErrorCode } from '../../src/errors.js';
import { readSafetensorsHeader } from '../../src/safetensors.js';
import { gpt2Weights } from '../../src/weights.js';
import { randomGpt2Tensors, type CheckpointStyle } from '../fixtures/random-gpt2.js';
import { writeSafetensors, type SafetensorsEntry } from '../fixtures/safetensors-writer.js';

const configJson = { model_type: 'gpt2', n_layer: 2, n_head: 2, n_embd: 8, n_positions: 8, vocab_size: 11, activation_function: 'gelu_new' };
const config = parseGpt2Config(configJson);
const prefixed: CheckpointStyle = { dtype: 'F32', prefix: true, extras: true, seed: 1 };
const bare: CheckpointStyle = { dtype: 'F16', prefix: false, extras: false, seed: 1 };

/** The table of a random checkpoint, after `edit` has changed its tensor list. */
function table(style: CheckpointStyle, edit: (tensors: SafetensorsEntry[]) => SafetensorsEntry[] = (t) => t) {
  return readSafetensorsHeader(writeSafetensors(edit(randomGpt2Tensors(config, style))));
}

function throwsCode(fn: () => unknown, code: XrayErrorCode, ...messages: RegExp[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof XrayError, `expected an XrayError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const message of messages) assert.match(error.message, message);
    return true;
  });
}

describe('gpt2Weights', () => {
  it('finds names with the transformer. prefix and ignores BOOL buffers and lm_head', () => {
    const t = table(prefixed);
    assert.equal(t.tensors.get('transformer.h.0.attn.bias')!.dtype, 'BOOL');
    assert.ok(t.tensors.has('lm_head.weight'));
    const w = gpt2Weights(t, config);
    assert.equal(w.wte.name, 'transformer.wte.weight');
    assert.deepEqual(w.wte.shape, [11, 8]);
    assert.deepEqual(w.wpe.shape, [8, 8]);
    assert.equal(w.blocks.length, 2);
    assert.equal(w.blocks[1].attn.weight.name, 'transformer.h.1.attn.c_attn.weight');
    assert.deepEqual(w.blocks[1].attn.weight.shape, [8, 24]);
    assert.deepEqual(w.blocks[1].fc.weight.shape, [8, 32]);
    assert.deepEqual(w.blocks[1].mlpProj.weight.shape, [32, 8]);
    assert.equal(w.lnF.bias.name, 'transformer.ln_f.bias');
  });

  it('finds names without the prefix', () => {
    const w = gpt2Weights(table(bare), config);
    assert.equal(w.wte.name, 'wte.weight');
    assert.equal(w.wte.dtype, 'F16');
    assert.equal(w.blocks[0].ln1.weight.name, 'h.0.ln_1.weight');
    assert.equal(w.blocks[0].attnProj.bias.name, 'h.0.attn.c_proj.bias');
    assert.equal(w.blocks[0].ln2.bias.name, 'h.0.ln_2.bias');
  });

  it('throws missing-tensor naming the tensor and the file', () => {
    const t = table(bare, (tensors) => tensors.filter((x) => x.name !== 'h.1.mlp.c_fc.bias'));
    throwsCode(() => gpt2Weights(t, config), 'missing-tensor', /"h\.1\.mlp\.c_fc\.bias"/, /model\.safetensors/);
    throwsCode(() => gpt2Weights(t, config, 'https://example.com/m.safetensors'), 'missing-tensor', /example\.com\/m\.safetensors/);
  });

  it('throws missing-tensor when the config has more layers than the file', () => {
    throwsCode(() => gpt2Weights(table(bare), { ...config, nLayer: 3 }), 'missing-tensor', /h\.2\./);
  });

  it('throws shape-mismatch with expected and found shapes and the config field', () => {
    const t = table(prefixed, (tensors) => tensors.map((x) => (x.name === 'transformer.wpe.weight' ? { ...x, shape: [9, 8], data: new Uint8Array(9 * 8 * 4) } : x)));
    throwsCode(() => gpt2Weights(t, config), 'shape-mismatch', /transformer\.wpe\.weight/, /\[9, 8\]/, /\[8, 8\]/, /n_positions/);
    throwsCode(() => gpt2Weights(table(bare), { ...config, vocabSize: 12 }), 'shape-mismatch', /wte\.weight/, /vocab_size = 12/);
    throwsCode(() => gpt2Weights(table(bare), { ...config, dModel: 16, nHead: 2 }), 'shape-mismatch', /n_embd/);
  });

  it('throws shape-mismatch when the rank differs', () => {
    const t = table(bare, (tensors) => tensors.map((x) => (x.name === 'ln_f.bias' ? { ...x, shape: [1, 8] } : x)));
    throwsCode(() => gpt2Weights(t, config), 'shape-mismatch', /ln_f\.bias/, /\[1, 8\]/);
  });

  it('throws unsupported-dtype for a needed tensor stored as integers', () => {
    const t = table(bare, (tensors) => tensors.map((x) => (x.name === 'h.0.ln_1.bias' ? { ...x, dtype: 'I32', data: new Uint8Array(32) } : x)));
    throwsCode(() => gpt2Weights(t, config), 'unsupported-dtype', /h\.0\.ln_1\.bias/, /I32/);
  });
});

describe('parseGpt2Config', () => {
  it('reads the GPT-2 fields', () => {
    assert.deepEqual({ ...config }, { nLayer: 2, nHead: 2, dModel: 8, nCtx: 8, vocabSize: 11, layerNormEps: 1e-5 });
  });

  it('throws not-gpt2 for another architecture or bad fields', () => {
    throwsCode(() => parseGpt2Config({ ...configJson, model_type: 'llama' }), 'not-gpt2', /llama/);
    throwsCode(() => parseGpt2Config({ ...configJson, n_head: 3 }), 'not-gpt2', /multiple/);
    throwsCode(() => parseGpt2Config({ ...configJson, n_layer: undefined }), 'not-gpt2', /n_layer/);
    throwsCode(() => parseGpt2Config({ ...configJson, activation_function: 'relu' }), 'not-gpt2', /relu/);
    throwsCode(() => parseGpt2Config('gpt2'), 'not-gpt2');
  });
});
