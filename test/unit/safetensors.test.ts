// Unit tests of the safetensors reader: layout, dtype conversion, and every way a file can be broken.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XrayError, type XrayErrorCode } from '../../src/errors.js';
import { MAX_HEADER_BYTES, readSafetensorsHeader, tensorAsFloat32, type TensorInfo } from '../../src/safetensors.js';
import { encodeFloats, writeSafetensors } from '../fixtures/safetensors-writer.js';

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const u16 = (values: number[]) => new Uint8Array(new Uint16Array(values).buffer);

/** A file whose header is exactly `header` (any text), followed by `dataLength` zero bytes. */
function rawFile(header: string, dataLength = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + json.length + dataLength);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  return bytes;
}

function throwsCode(fn: () => unknown, code: XrayErrorCode, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof XrayError, `expected an XrayError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** A one-tensor file of 16-bit words in `dtype`, read back as float32. */
function decode16(dtype: 'F16' | 'BF16', words: number[]): Float32Array {
  const bytes = writeSafetensors([{ name: 'x', dtype, shape: [words.length], data: u16(words) }]);
  return tensorAsFloat32(bytes, readSafetensorsHeader(bytes).tensors.get('x')!);
}

describe('readSafetensorsHeader', () => {
  const file = writeSafetensors(
    [
      { name: 'a', dtype: 'F32', shape: [2, 3], data: f32([1, 2, 3, 4, 5, 6]) },
      { name: 'mask', dtype: 'BOOL', shape: [2, 2], data: new Uint8Array([1, 0, 1, 1]) },
      { name: 'ids', dtype: 'I64', shape: [1], data: new Uint8Array(8) },
      { name: 'scalar', dtype: 'F32', shape: [], data: f32([-1e4]) },
    ],
    { format: 'pt', note: 'hello' },
  );

  it('lists every tensor with absolute offsets and reads the metadata', () => {
    const table = readSafetensorsHeader(file);
    assert.equal(table.headerLength % 8, 0);
    assert.equal(table.dataStart, 8 + table.headerLength);
    assert.deepEqual([...table.tensors.keys()].sort(), ['a', 'ids', 'mask', 'scalar']);
    assert.deepEqual(table.metadata, { format: 'pt', note: 'hello' });
    const a = table.tensors.get('a')!;
    assert.deepEqual({ dtype: a.dtype, shape: a.shape, length: a.end - a.begin }, { dtype: 'F32', shape: [2, 3], length: 24 });
    assert.ok(a.begin >= table.dataStart);
    const mask = table.tensors.get('mask')!;
    assert.deepEqual([...file.subarray(mask.begin, mask.end)], [1, 0, 1, 1]);
    assert.deepEqual(table.tensors.get('scalar')!.shape, []);
  });

  it('round-trips F32 values as a zero-copy view', () => {
    const table = readSafetensorsHeader(file);
    const a = tensorAsFloat32(file, table.tensors.get('a')!);
    assert.deepEqual([...a], [1, 2, 3, 4, 5, 6]);
    assert.equal(a.buffer, file.buffer);
    assert.deepEqual([...tensorAsFloat32(file, table.tensors.get('scalar')!)], [-1e4]);
  });

  it('copies F32 values that are not 4-byte aligned', () => {
    const shifted = new Uint8Array(file.length + 1).subarray(1);
    shifted.set(file);
    const a = tensorAsFloat32(shifted, readSafetensorsHeader(shifted).tensors.get('a')!);
    assert.deepEqual([...a], [1, 2, 3, 4, 5, 6]);
    assert.notEqual(a.buffer, shifted.buffer);
  });

  it('has empty metadata when the file has none', () => {
    assert.deepEqual(readSafetensorsHeader(writeSafetensors([])).metadata, {});
  });

  it('throws truncated-file wherever the file is cut', () => {
    const { dataStart } = readSafetensorsHeader(file);
    for (const cut of [0, 5, 7, 8, 20, dataStart - 1, dataStart, file.length - 1]) {
      throwsCode(() => readSafetensorsHeader(file.subarray(0, cut)), 'truncated-file', new RegExp(`found ${cut}\\b`));
    }
  });

  it('says how many bytes the tensors need', () => {
    throwsCode(() => readSafetensorsHeader(file.subarray(0, file.length - 1)), 'truncated-file', new RegExp(`need ${file.length} bytes`));
  });

  it('throws bad-header for an oversized header length', () => {
    const big = new Uint8Array(64);
    new DataView(big.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES + 1), true);
    throwsCode(() => readSafetensorsHeader(big), 'bad-header', /limit/);
    new DataView(big.buffer).setBigUint64(0, 2n ** 40n, true);
    throwsCode(() => readSafetensorsHeader(big), 'bad-header', /limit/);
  });

  it('throws bad-header for a header that is not JSON or not an object', () => {
    throwsCode(() => readSafetensorsHeader(rawFile('{"a": {"dtype": ')), 'bad-header', /JSON/);
    throwsCode(() => readSafetensorsHeader(rawFile('[1, 2]')), 'bad-header');
    throwsCode(() => readSafetensorsHeader(rawFile('')), 'bad-header');
  });

  it('throws bad-header for malformed entries', () => {
    const entry = (value: unknown) => rawFile(JSON.stringify({ x: value }), 16);
    throwsCode(() => readSafetensorsHeader(entry('F32')), 'bad-header', /"x"/);
    throwsCode(() => readSafetensorsHeader(entry({ shape: [2], data_offsets: [0, 8] })), 'bad-header', /dtype/);
    throwsCode(() => readSafetensorsHeader(entry({ dtype: 'F32', shape: [-2], data_offsets: [0, 8] })), 'bad-header', /shape/);
    throwsCode(() => readSafetensorsHeader(entry({ dtype: 'F32', shape: [2], data_offsets: [8, 0] })), 'bad-header', /data_offsets/);
    throwsCode(() => readSafetensorsHeader(entry({ dtype: 'F32', shape: [2], data_offsets: [0] })), 'bad-header', /data_offsets/);
    throwsCode(() => readSafetensorsHeader(entry({ dtype: 'F32', shape: [3], data_offsets: [0, 8] })), 'bad-header', /needs 12/);
    throwsCode(() => readSafetensorsHeader(rawFile(JSON.stringify({ __metadata__: { n: 1 } }))), 'bad-header', /__metadata__/);
  });

  it('lists dtypes it does not know without judging their size', () => {
    const table = readSafetensorsHeader(rawFile(JSON.stringify({ x: { dtype: 'C64', shape: [2], data_offsets: [0, 16] } }), 16));
    assert.equal(table.tensors.get('x')!.dtype, 'C64');
  });
});

describe('tensorAsFloat32', () => {
  it('converts F16, including subnormals, infinities, NaN and negative zero', () => {
    const cases: [number, number][] = [
      [0x0000, 0],
      [0x3c00, 1],
      [0xc000, -2],
      [0x3555, 0.333251953125],
      [0x7bff, 65504],
      [0x0400, 2 ** -14], // smallest normal
      [0x0001, 2 ** -24], // smallest subnormal
      [0x03ff, 1023 * 2 ** -24], // largest subnormal
      [0x8001, -(2 ** -24)],
      [0x7c00, Infinity],
      [0xfc00, -Infinity],
    ];
    const values = decode16(
      'F16',
      cases.map(([bits]) => bits),
    );
    cases.forEach(([bits, expected], i) => assert.equal(values[i], expected, `0x${bits.toString(16)}`));
    const [negativeZero, nan, negativeNan] = decode16('F16', [0x8000, 0x7e00, 0xfc01]);
    assert.ok(Object.is(negativeZero, -0));
    assert.ok(Number.isNaN(nan) && Number.isNaN(negativeNan));
  });

  it('decodes every F16 pattern so that encoding it again gives the same bits', () => {
    const all = Array.from({ length: 65536 }, (_, i) => i);
    const decoded = decode16('F16', all);
    const again = new Uint16Array(encodeFloats(decoded, 'F16').buffer);
    for (const bits of all) {
      const isNan = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (isNan) assert.ok(Number.isNaN(decoded[bits]));
      else assert.equal(again[bits], bits, `0x${bits.toString(16)}`);
    }
  });

  it('converts BF16', () => {
    const values = decode16('BF16', [0x3f80, 0xc040, 0x7f80, 0xff80, 0x0001, 0x4049]);
    assert.deepEqual([...values], [1, -3, Infinity, -Infinity, 2 ** -133, 3.140625]);
    const [negativeZero, nan] = decode16('BF16', [0x8000, 0x7fc0]);
    assert.ok(Object.is(negativeZero, -0));
    assert.ok(Number.isNaN(nan));
  });

  it('converts 16-bit tensors at odd offsets', () => {
    const bytes = writeSafetensors([{ name: 'x', dtype: 'F16', shape: [2], data: u16([0x3c00, 0xc000]) }]);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    assert.deepEqual([...tensorAsFloat32(shifted, readSafetensorsHeader(shifted).tensors.get('x')!)], [1, -2]);
  });

  it('throws unsupported-dtype for other dtypes', () => {
    const info: TensorInfo = { name: 'ids', dtype: 'I64', shape: [1], begin: 0, end: 8 };
    throwsCode(() => tensorAsFloat32(new Uint8Array(8), info), 'unsupported-dtype', /ids.*I64/);
  });
});
