// Reads the tensor table of a `.safetensors` file and turns one tensor's bytes into floats.
// Format: 8-byte little-endian header length, a JSON header, then the raw tensor bytes.
import { XrayError } from './errors.js';

/** One tensor of the file. `begin`/`end` are absolute byte offsets into the whole file. */
export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** What reading a file needs: its length and views of its byte ranges. A Uint8Array is one. */
export interface ByteSource {
  readonly length: number;
  subarray(begin: number, end: number): Uint8Array;
}

/** The parsed header of a safetensors file. */
export interface SafetensorsTable {
  /** Length of the JSON header in bytes (the file's first 8 bytes). */
  headerLength: number;
  /** Offset of the first tensor byte: `8 + headerLength`. */
  dataStart: number;
  /** Offset just past the last tensor byte: the file's length, unless it has trailing bytes. */
  dataEnd: number;
  tensors: Map<string, TensorInfo>;
  /** The optional `__metadata__` string map. */
  metadata: Record<string, string>;
}

/** Headers larger than this are refused: a real header is kilobytes, a bigger one is a broken or hostile file. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** Bytes per element of the dtypes the format defines; used to check each entry's byte range. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/**
 * Parses the header of a safetensors file: `bytes` holds the file's start, at least its header,
 * and the file is `fileLength` bytes long (all of `bytes` by default).
 * Throws `truncated-file` when the file ends before the header or a tensor does,
 * and `bad-header` for an oversized, non-JSON or malformed header.
 */
export function readSafetensorsHeader(bytes: ByteSource, fileLength = bytes.length): SafetensorsTable {
  const headerLength = safetensorsHeaderLength(bytes);
  const dataStart = 8 + headerLength;
  if (bytes.length < dataStart) {
    throw new XrayError('truncated-file', `The safetensors file is truncated: its header needs ${dataStart} bytes, found ${bytes.length}.`);
  }

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (cause) {
    throw new XrayError('bad-header', `The safetensors header is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new XrayError('bad-header', 'The safetensors header is not a JSON object.');
  }

  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  let dataEnd = 0;
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(entry);
      continue;
    }
    const info = parseEntry(name, entry, dataStart);
    dataEnd = Math.max(dataEnd, info.end);
    tensors.set(name, info);
  }
  if (fileLength < dataEnd) {
    throw new XrayError('truncated-file', `The safetensors file is truncated: its tensors need ${dataEnd} bytes, found ${fileLength}.`);
  }
  return { headerLength, dataStart, dataEnd: Math.max(dataEnd, dataStart), tensors, metadata };
}

/** The header's length from the file's first 8 bytes. Throws as `readSafetensorsHeader` does. */
export function safetensorsHeaderLength(bytes: ByteSource): number {
  if (bytes.length < 8) {
    throw new XrayError('truncated-file', `The safetensors file is truncated: expected at least 8 bytes, found ${bytes.length}.`);
  }
  const first = bytes.subarray(0, 8);
  const view = new DataView(first.buffer, first.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  // Any non-zero high word is > 4 GiB, far past the limit; this also keeps the length exact in a double.
  if (high !== 0 || low > MAX_HEADER_BYTES) {
    const length = high * 2 ** 32 + low;
    throw new XrayError('bad-header', `The safetensors header claims ${length} bytes, more than the ${MAX_HEADER_BYTES}-byte limit.`);
  }
  return low;
}

function parseMetadata(entry: unknown): Record<string, string> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new XrayError('bad-header', 'The safetensors __metadata__ is not a JSON object.');
  }
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') {
      throw new XrayError('bad-header', `The safetensors __metadata__ value of "${key}" is not a string.`);
    }
  }
  return { ...(entry as Record<string, string>) };
}

function parseEntry(name: string, entry: unknown, dataStart: number): TensorInfo {
  const bad = (why: string) => new XrayError('bad-header', `The safetensors header entry "${name}" ${why}.`);
  if (typeof entry !== 'object' || entry === null) throw bad('is not an object');
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string') throw bad('has no dtype');
  if (!Array.isArray(shape) || !shape.every(isSize)) throw bad('has no valid shape');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize) || offsets[0] > offsets[1]) {
    throw bad('has no valid data_offsets');
  }
  const size = DTYPE_BYTES[dtype];
  const byteLength = offsets[1] - offsets[0];
  // Unknown dtypes are listed without a size check; the reader refuses them only if someone needs them.
  if (size !== undefined) {
    const expected = shape.reduce((a: number, b: number) => a * b, 1) * size;
    if (expected !== byteLength) throw bad(`spans ${byteLength} bytes, but ${dtype} [${shape.join(', ')}] needs ${expected}`);
  }
  return { name, dtype, shape: [...shape], begin: dataStart + offsets[0], end: dataStart + offsets[1] };
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Returns a tensor's values as float32. F32 is a zero-copy view into `bytes` when its offset is
 * 4-byte aligned (otherwise a copy); F16 and BF16 are converted. Other dtypes throw `unsupported-dtype`.
 * The file is little-endian, as is every platform that runs this code.
 */
export function tensorAsFloat32(bytes: ByteSource, info: TensorInfo): Float32Array {
  const own = bytes.subarray(info.begin, info.end);
  switch (info.dtype) {
    case 'F32':
      return own.byteOffset % 4 === 0 ? new Float32Array(own.buffer, own.byteOffset, own.length / 4) : new Float32Array(own.slice().buffer);
    case 'F16': {
      const halves = uint16s(own);
      const table = halfTable();
      const out = new Float32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]];
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32, so shifting its bits up is exact.
      const halves = uint16s(own);
      const out = new Float32Array(halves.length);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
      return out;
    }
    default:
      throw new XrayError('unsupported-dtype', `Tensor "${info.name}" has dtype ${info.dtype}; only F32, F16 and BF16 can be read.`);
  }
}

/** A tensor's bytes as 16-bit words, viewed in place when aligned, else copied. */
function uint16s(own: Uint8Array): Uint16Array {
  return own.byteOffset % 2 === 0 ? new Uint16Array(own.buffer, own.byteOffset, own.length / 2) : new Uint16Array(own.slice().buffer);
}

let HALF_TABLE: Float32Array | undefined;

/** float32 value of every IEEE half bit pattern; 256 KiB, built on first use so a table lookup replaces bit twiddling. */
function halfTable(): Float32Array {
  if (!HALF_TABLE) {
    HALF_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) HALF_TABLE[h] = halfToFloat(h);
  }
  return HALF_TABLE;
}

/** Decodes one IEEE 754 half (as its 16 bits): subnormals, ±0, ±Infinity and NaN included. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
