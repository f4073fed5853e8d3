// Unit tests of reading a tuned lens's translators: real torch.save files (written by PyTorch, in
// test/fixtures/tuned-lens), edited copies of them for the cases PyTorch
// writes elsewhere or a broken download, and the same tensors as safetensors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { XrayError, type XrayErrorCode } from '../../src/errors.js';
import { readTorch, type TorchTensor } from '../../src/tuned-lens/read-torch.js';
import { readTranslators, translate, type Translators } from '../../src/tuned-lens/translators.js';
import type { ModelConfig } from '../../src/types.js';
import { encodeFloats, writeSafetensors, type SafetensorsEntry } from '../fixtures/safetensors-writer.js';

const FIXTURES = new URL('../fixtures/tuned-lens/', import.meta.url);
const fixture = (file: string) => new Uint8Array(readFileSync(new URL(file, FIXTURES)));
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as Record<string, { layer: number; x: number[]; translated: number[] }[]>;

/** The model a lens fixture was made for, from its config.json (the rest does not matter to a lens). */
function configOf(name: string): ModelConfig {
  const json = JSON.parse(readFileSync(new URL(`${name}.config.json`, FIXTURES), 'utf8')) as { d_model: number; num_hidden_layers: number };
  return { nLayer: json.num_hidden_layers, dModel: json.d_model, nHead: 4, nCtx: 16, vocabSize: 50257, layerNormEps: 1e-5 };
}

function throwsCode(fn: () => unknown, code: XrayErrorCode, ...messages: RegExp[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof XrayError, `expected an XrayError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const message of messages) assert.match(error.message, message);
    return true;
  });
}

/** A copy of a torch file with its zip entries edited (written back STORED, as torch writes them). */
function rezip(file: Uint8Array, edit: (entries: Record<string, Uint8Array>) => void): Uint8Array {
  const entries = unzipSync(file);
  edit(entries);
  return zipSync(entries, { level: 0 });
}

const bytesOf = (text: string | number[]) => (typeof text === 'string' ? new TextEncoder().encode(text) : new Uint8Array(text));

/** Replaces the first (or every) occurrence of `from` in a byte string; fails the test if there is none. */
function replaceBytes(data: Uint8Array, from: string | number[], to: string | number[], every = false): Uint8Array {
  const [a, b] = [bytesOf(from), bytesOf(to)];
  const out: number[] = [];
  let replaced = 0;
  for (let i = 0; i < data.length;) {
    if ((every || replaced === 0) && a.every((byte, k) => data[i + k] === byte)) {
      out.push(...b);
      i += a.length;
      replaced++;
    } else out.push(data[i++]);
  }
  assert.ok(replaced > 0, `the pickle has no ${String(from)}`);
  return new Uint8Array(out);
}

/** d64-l2.pt with its pickle edited. */
function patched(from: string | number[], to: string | number[], every = false): Uint8Array {
  return rezip(fixture('d64-l2.pt'), (entries) => {
    entries['d64-l2/data.pkl'] = replaceBytes(entries['d64-l2/data.pkl'], from, to, every);
  });
}

const byName = (tensors: TorchTensor[]) => new Map(tensors.map((t) => [t.name, t]));
const original = byName(readTorch(fixture('d64-l2.pt'), 'd64-l2.pt'));
const K = 0x4b; // BININT1
const TUPLE2 = 0x86;

describe('readTorch', () => {
  it('reads a state dict written by torch.save: names in order, dims and float32 values', () => {
    const tensors = readTorch(fixture('d32-l3.pt'), 'd32-l3.pt');
    assert.deepEqual(
      tensors.map((t) => [t.name, t.dims]),
      [0, 1, 2].flatMap((l) => [
        [`${l}.weight`, [32, 32]],
        [`${l}.bias`, [32]],
      ]),
    );
    for (const t of tensors) {
      const count = t.dims.reduce((a, b) => a * b);
      assert.equal(t.data.length, count);
      assert.ok(t.data.every(Number.isFinite) && t.data.some((v) => v !== 0), `${t.name} holds its values`);
    }
    // An ArrayBuffer reads as its Uint8Array does.
    assert.deepEqual(readTorch(fixture('d64-l2.pt').slice().buffer, 'd64-l2.pt'), [...original.values()]);
  });

  it('honours strides: a transposed view is read in row-major order', () => {
    // 0.weight's strides (64, 1) become (1, 64): the same storage read as the transpose.
    const tensors = byName(readTorch(patched([K, 64, K, 1, TUPLE2], [K, 1, K, 64, TUPLE2]), 'transposed.pt'));
    const [w, t] = [original.get('0.weight')!.data, tensors.get('0.weight')!.data];
    for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) assert.equal(t[i * 64 + j], w[j * 64 + i]);
    assert.deepEqual(tensors.get('1.weight'), original.get('1.weight'));
  });

  it('honours the storage offset, and refuses a view that reaches past its storage', () => {
    // 0.weight as rows 1 to 63 of its storage: offset 64, sizes (63, 64).
    const offset = byName(readTorch(patched([0x51, K, 0, K, 64, K, 64], [0x51, K, 64, K, 63, K, 64]), 'offset.pt'));
    assert.deepEqual(offset.get('0.weight')!.dims, [63, 64]);
    assert.deepEqual([...offset.get('0.weight')!.data], [...original.get('0.weight')!.data.subarray(64)]);
    // 0.bias (64 values) starting at 1.
    throwsCode(() => readTorch(patched([0x51, K, 0, K, 64, 0x85], [0x51, K, 1, K, 64, 0x85]), 'past.pt'), 'bad-header', /"0\.bias"/, /reaches past its storage of 64 elements/);
  });

  it('reads the long encodings of integers and memo indices that larger files use', () => {
    // The weights' storage sizes as BININT (4 bytes), then the first as LONG1 (2 bytes); memo 0 as LONG_BINPUT / LONG_BINGET.
    let file = patched([0x4d, 0x00, 0x10], [0x4a, 0x00, 0x10, 0x00, 0x00], true);
    file = rezip(file, (entries) => {
      let pickle = entries['d64-l2/data.pkl'];
      pickle = replaceBytes(pickle, [0x4a, 0x00, 0x10, 0x00, 0x00], [0x8a, 0x02, 0x00, 0x10]);
      pickle = replaceBytes(pickle, [0x71, 0x00], [0x72, 0, 0, 0, 0]);
      entries['d64-l2/data.pkl'] = replaceBytes(pickle, [0x68, 0x00], [0x6a, 0, 0, 0, 0], true);
    });
    assert.deepEqual(readTorch(file, 'long.pt'), [...original.values()]);
  });

  for (const [dtype, storage, precision] of [
    ['F16', 'HalfStorage', 2 ** -11],
    ['BF16', 'BFloat16Storage', 2 ** -8],
  ] as const) {
    it(`converts ${storage} (${dtype}) to float32`, () => {
      let file = patched('torch\nFloatStorage\n', `torch\n${storage}\n`);
      file = rezip(file, (entries) => {
        [0, 1, 2, 3].forEach((k) => (entries[`d64-l2/data/${k}`] = encodeFloats(new Float32Array(entries[`d64-l2/data/${k}`].slice().buffer), dtype)));
      });
      for (const t of readTorch(file, 'half.pt')) {
        const want = original.get(t.name)!.data;
        assert.equal(t.data.length, want.length);
        t.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= Math.abs(want[i]) * precision + 1e-7, `${t.name}[${i}]: ${v} vs ${want[i]}`));
      }
    });
  }

  it('rejects other element types and big-endian files in words', () => {
    throwsCode(() => readTorch(patched('torch\nFloatStorage\n', 'torch\nDoubleStorage\n'), 'double.pt'), 'unsupported-dtype', /"0\.weight" of double\.pt is a torch\.DoubleStorage/, /only float32/);
    const bigEndian = rezip(fixture('d64-l2.pt'), (entries) => (entries['d64-l2/byteorder'] = bytesOf('big')));
    throwsCode(() => readTorch(bigEndian, 'big.pt'), 'unsupported-dtype', /big-endian/);
  });

  it('refuses a pickle that names anything but a state dict’s classes, and runs nothing', () => {
    throwsCode(() => readTorch(patched('collections\nOrderedDict\n', 'os\nsystem\n'), 'evil.pt'), 'bad-header', /evil\.pt names the Python object os\.system/);
    throwsCode(() => readTorch(patched([0x80, 0x02], [0x80, 0x02, 0x93]), 'proto4.pt'), 'bad-header', /opcode 0x93 at byte 2/);
  });

  it('rejects a truncated file, a short or missing storage and a cut pickle in words', () => {
    const file = fixture('d64-l2.pt');
    for (const length of [file.length - 1, file.length - 22, 20_000, 600, 10]) {
      throwsCode(() => readTorch(file.subarray(0, length), 'cut.pt'), 'truncated-file', new RegExp(`cut\\.pt is truncated.*\\(${length} bytes\\)`));
    }
    const short = rezip(file, (entries) => (entries['d64-l2/data/1'] = entries['d64-l2/data/1'].subarray(0, 128)));
    throwsCode(() => readTorch(short, 'short.pt'), 'truncated-file', /"0\.bias" needs 256 bytes, found 128/);
    const missing = rezip(file, (entries) => delete entries['d64-l2/data/3']);
    throwsCode(() => readTorch(missing, 'missing.pt'), 'bad-header', /no data\/3, the storage of tensor "1\.bias"/);
    const cut = rezip(file, (entries) => (entries['d64-l2/data.pkl'] = entries['d64-l2/data.pkl'].subarray(0, 100)));
    throwsCode(() => readTorch(cut, 'cut-pickle.pt'), 'bad-header', /data\.pkl that cannot be read/);
  });

  it('rejects files that are not torch.save state dicts in words, and leaves out what is not a tensor', () => {
    throwsCode(() => readTorch(fixture('d64-l2.config.json'), 'config.json'), 'bad-header', /config\.json is not a torch\.save file/);
    const otherZip = zipSync({ 'notes/readme.txt': bytesOf('hello') }, { level: 0 });
    throwsCode(() => readTorch(otherZip, 'notes.zip'), 'bad-header', /holds no <archive>\/data\.pkl/);
    // A pickle of an empty tuple: a torch.save file, but not of a state dict.
    const tuple = rezip(fixture('d64-l2.pt'), (entries) => (entries['d64-l2/data.pkl'] = new Uint8Array([0x80, 0x02, 0x29, 0x2e])));
    throwsCode(() => readTorch(tuple, 'tuple.pt'), 'bad-header', /tuple\.pt does not hold a state dict/);
    // {'step': 1}: a dict, but of no tensors; extras that are not tensors are left out.
    const extras = rezip(fixture('d64-l2.pt'), (entries) => (entries['d64-l2/data.pkl'] = new Uint8Array([0x80, 0x02, 0x7d, 0x58, 4, 0, 0, 0, ...bytesOf('step'), K, 1, 0x73, 0x2e])));
    assert.deepEqual(readTorch(extras, 'extras.pt'), []);
  });
});

/** The tensors of a torch file as safetensors entries, in `dtype`, without the names `drop` matches. */
function asSafetensors(tensors: TorchTensor[], dtype: 'F32' | 'F16' | 'BF16' = 'F32', drop = /^$/): Uint8Array {
  const entries: SafetensorsEntry[] = tensors.filter((t) => !drop.test(t.name)).map((t) => ({ name: t.name, dtype, shape: t.dims, data: encodeFloats(t.data, dtype) }));
  return writeSafetensors(entries);
}

const maxError = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('readTranslators and translate', () => {
  for (const name of ['d64-l2', 'd32-l3']) {
    it(`reads ${name}.pt and translates as nn.Linear does (h + h·Aᵀ + b), to expected.json's rounding`, () => {
      const config = configOf(name);
      const translators = readTranslators(fixture(`${name}.pt`), `${name}.pt`, config);
      assert.equal(translators.layers, config.nLayer);
      assert.equal(translators.dModel, config.dModel);
      assert.equal(translators.weight.length, config.nLayer * config.dModel ** 2);
      assert.equal(translators.bias.length, config.nLayer * config.dModel);
      assert.equal(expected[name].length, config.nLayer, 'one translator per layer');
      for (const { layer, x, translated } of expected[name]) {
        // x was rounded to 6 decimals from torch's values, so the answer carries ~1e-6 of that rounding.
        const error = maxError(translate(translators, layer, new Float32Array(x)), translated);
        assert.ok(error < 5e-6, `layer ${layer}: off by ${error}`);
      }
      // [T, D] rows translate one by one.
      const rows = expected[name].slice(0, 2).flatMap((c) => c.x);
      const both = translate(translators, 0, new Float32Array(rows));
      const d = config.dModel;
      assert.deepEqual([...both.subarray(0, d)], [...translate(translators, 0, new Float32Array(rows.slice(0, d)))]);
      assert.deepEqual([...both.subarray(d)], [...translate(translators, 0, new Float32Array(rows.slice(d)))]);
    });
  }

  it('rejects bad-shape.pt, naming the shapes', () => {
    throwsCode(() => readTranslators(fixture('bad-shape.pt'), 'bad-shape.pt', configOf('d64-l2')), 'shape-mismatch', /bad-shape\.pt has 0\.weight of shape \[64, 65\]/, /needs \[64, 64\]/);
  });

  it('rejects a lens made for another model: other layers or other width', () => {
    throwsCode(() => readTranslators(fixture('d32-l3.pt'), 'd32-l3.pt', { ...configOf('d32-l3'), nLayer: 2 }), 'shape-mismatch', /holds 3 translators \(0 to 2\), but this model has 2 layers/);
    throwsCode(() => readTranslators(fixture('d64-l2.pt'), 'd64-l2.pt', { ...configOf('d64-l2'), nLayer: 3 }), 'shape-mismatch', /holds 2 translators/);
    throwsCode(
      () => readTranslators(fixture('d32-l3.pt'), 'd32-l3.pt', { ...configOf('d32-l3'), dModel: 64 }),
      'shape-mismatch',
      /0\.weight of shape \[32, 32\]/,
      /\(d_model 64, 3 layers\) needs \[64, 64\]/,
    );
  });

  it('reads the same tensors as safetensors identically', () => {
    const config = configOf('d64-l2');
    const fromTorch = readTranslators(fixture('d64-l2.pt'), 'd64-l2.pt', config);
    const file = asSafetensors([...original.values()]);
    assert.deepEqual(readTranslators(file, 'lens.safetensors', config), fromTorch);
    assert.deepEqual(readTranslators(file.slice().buffer, 'lens.safetensors', config), fromTorch);
    const bf16 = readTranslators(asSafetensors([...original.values()], 'BF16'), 'lens.safetensors', config);
    assert.ok(maxError(bf16.weight, fromTorch.weight) < 2e-3 && maxError(bf16.bias, fromTorch.bias) < 2e-3);
  });

  it('takes a lens without bias as zero bias, but not one missing a single tensor', () => {
    const config = configOf('d64-l2');
    const noBias = readTranslators(asSafetensors([...original.values()], 'F32', /bias/), 'lens.safetensors', config);
    assert.deepEqual(noBias.weight, readTranslators(fixture('d64-l2.pt'), 'd64-l2.pt', config).weight);
    assert.ok(noBias.bias.every((v) => v === 0));
    throwsCode(
      () => readTranslators(asSafetensors([...original.values()], 'F32', /^1\.bias$/), 'lens.safetensors', config),
      'missing-tensor',
      /has no 1\.bias: a tuned lens for this model has \{l\}\.bias for l = 0 to 1/,
    );
    throwsCode(() => readTranslators(asSafetensors([...original.values()], 'F32', /^0\.weight$/), 'lens.safetensors', config), 'missing-tensor', /has no 0\.weight/);
  });

  it('rejects files that are not translators in words', () => {
    const config = configOf('d64-l2');
    const model = writeSafetensors([{ name: 'wte.weight', dtype: 'F32', shape: [2], data: encodeFloats(new Float32Array(2), 'F32') }]);
    throwsCode(() => readTranslators(model, 'model.safetensors', config), 'missing-tensor', /model\.safetensors holds no tuned-lens translators/, /it has wte\.weight/);
    throwsCode(() => readTranslators(fixture('d64-l2.config.json'), 'config.json', config), 'bad-header', /config\.json is neither a torch\.save file .* nor a safetensors file/);
    throwsCode(() => readTranslators(new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc]), 'old.pt', config), 'bad-header', /old\.pt is in torch's legacy format/);
    const file = fixture('d64-l2.pt');
    throwsCode(() => readTranslators(file.subarray(0, file.length / 2), 'params.pt', config), 'truncated-file', /params\.pt is truncated/);
    const safetensors = asSafetensors([...original.values()]);
    throwsCode(() => readTranslators(safetensors.subarray(0, safetensors.length - 4), 'lens.safetensors', config), 'truncated-file');
  });

  it('translate rejects a layer without a translator and vectors of another width', () => {
    const translators: Translators = readTranslators(fixture('d64-l2.pt'), 'd64-l2.pt', configOf('d64-l2'));
    throwsCode(() => translate(translators, 2, new Float32Array(64)), 'out-of-range', /layers 0 to 1, not 2; layer 2, the last block's output, is read without one/);
    throwsCode(() => translate(translators, -1, new Float32Array(64)), 'out-of-range');
    throwsCode(() => translate(translators, 0, new Float32Array(65)), 'shape-mismatch', /65 values, not a multiple of d_model 64/);
  });
});
