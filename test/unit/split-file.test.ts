// Unit tests of SplitFile, a safetensors download laid out as one buffer per tensor: the layout
// whatever the chunking, reads across parts, freeing, and the file's own errors as it arrives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XrayError } from '../../src/errors.js';
import { readSafetensorsHeader, tensorAsFloat32 } from '../../src/safetensors.js';
import { SafetensorsSink, SplitFile } from '../../src/split-file.js';
import { writeSafetensors } from '../fixtures/safetensors-writer.js';

const floats = (n: number, seed: number) => new Uint8Array(Float32Array.from({ length: n }, (_, i) => seed + i / 8).buffer);
const TENSORS = [
  { name: 'h.0.w', dtype: 'F32', shape: [5, 3], data: floats(15, 1) },
  { name: 'wte.weight', dtype: 'F32', shape: [7, 3], data: floats(21, 2) },
  { name: 'empty', dtype: 'F32', shape: [0], data: new Uint8Array(0) },
  { name: 'h.1.w', dtype: 'F32', shape: [4], data: floats(4, 3) },
];
const FILE = writeSafetensors(TENSORS);

function feed(file: Uint8Array, chunkSize: number): SplitFile {
  const sink = new SafetensorsSink();
  for (let at = 0; at < file.length; at += chunkSize) sink.write(file.slice(at, at + chunkSize));
  return sink.finish();
}

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof XrayError, String(error));
    return error.code;
  }
  return 'no error';
}

describe('SafetensorsSink', () => {
  for (const chunkSize of [1, 3, 7, 64, FILE.length]) {
    it(`lays the file out byte for byte, in chunks of ${chunkSize} bytes`, () => {
      const file = feed(FILE, chunkSize);
      assert.equal(file.length, FILE.length);
      assert.deepEqual(file.subarray(0, FILE.length), FILE);
      const table = readSafetensorsHeader(file);
      for (const t of TENSORS) {
        const info = table.tensors.get(t.name)!;
        assert.deepEqual(file.subarray(info.begin, info.end), t.data, t.name);
        assert.deepEqual(tensorAsFloat32(file, info), new Float32Array(t.data.buffer), t.name);
      }
    });
  }

  it('keeps each tensor in a buffer of its own, so a read of one tensor is a view, not a copy', () => {
    const file = feed(FILE, 10);
    const table = readSafetensorsHeader(file);
    const wte = table.tensors.get('wte.weight')!;
    const h1 = table.tensors.get('h.1.w')!;
    assert.equal(file.subarray(wte.begin, wte.end).buffer.byteLength, wte.end - wte.begin);
    assert.notEqual(file.subarray(wte.begin, wte.end).buffer, file.subarray(h1.begin, h1.end).buffer);
  });

  it('drops bytes past the last tensor', () => {
    const padded = new Uint8Array(FILE.length + 10);
    padded.set(FILE);
    const file = feed(padded, 16);
    assert.throws(() => file.subarray(FILE.length, FILE.length + 1), /were not kept/);
  });

  it('says the file is truncated when it ends inside the data or inside the header', () => {
    assert.equal(
      errorCode(() => feed(FILE.subarray(0, FILE.length - 1), 5)),
      'truncated-file',
    );
    assert.equal(
      errorCode(() => feed(FILE.subarray(0, 20), 5)),
      'truncated-file',
    );
    assert.equal(
      errorCode(() => feed(FILE.subarray(0, 5), 5)),
      'truncated-file',
    );
  });

  it('refuses an oversized header as soon as its length arrives', () => {
    const head = new Uint8Array(8);
    new DataView(head.buffer).setBigUint64(0, 2n ** 40n, true);
    assert.equal(
      errorCode(() => new SafetensorsSink().write(head)),
      'bad-header',
    );
  });
});

describe('SplitFile', () => {
  // Node 20 has no ArrayBuffer.transfer: the browser tests check that freeing detaches the buffer.
  it('frees one part at a time, and a later read of a freed part says so', () => {
    const file = feed(FILE, 64);
    const wte = readSafetensorsHeader(file).tensors.get('wte.weight')!;
    file.free(wte.begin + 4);
    assert.throws(() => file.subarray(wte.begin, wte.end), /already freed/);
    const h0 = readSafetensorsHeader(file).tensors.get('h.0.w')!;
    assert.deepEqual(file.subarray(h0.begin, h0.end), TENSORS[0].data, 'the other parts stay');
    file.freeAll();
    assert.throws(() => file.subarray(h0.begin, h0.end), /already freed/);
  });

  it('leaves buffers it does not own attached when it frees them', () => {
    const shared = new Uint8Array(8).fill(7);
    const file = new SplitFile(
      8,
      [
        { begin: 0, bytes: shared.subarray(0, 4) },
        { begin: 4, bytes: shared.subarray(4) },
      ],
      false,
    );
    file.freeAll();
    assert.equal(shared.buffer.byteLength, 8);
    assert.throws(() => file.subarray(0, 4), /already freed/);
  });
});
