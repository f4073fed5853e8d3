// Reads the tensors of a `torch.save` file in the browser, without Python. The file is a zip holding
// `<archive>/data.pkl`, a pickle that rebuilds each tensor from a storage id, and `<archive>/data/<id>`,
// each storage's raw little-endian bytes. The pickle is interpreted, never executed: only the few
// Python names a saved state dict uses are understood (as torch.load(weights_only=True) does), so a
// hostile file cannot run anything.
import { FlateErrorCode, unzipSync } from 'fflate';
import { XrayError } from '../errors.js';
import { tensorAsFloat32 } from '../safetensors.js';

/** One tensor of the file, as float32, in row-major order. */
export interface TorchTensor {
  name: string;
  dims: number[];
  /** May share its buffer with other tensors that view the same storage. */
  data: Float32Array;
}

/** The storage classes that can be read, by the safetensors dtype they hold. */
const STORAGE_DTYPES: Record<string, 'F32' | 'F16' | 'BF16'> = { FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16' };
const DTYPE_BYTES = { F32: 4, F16: 2, BF16: 2 } as const;
const decoder = new TextDecoder();

/** True when `bytes` start as a zip does (a local file header, "PK\x03\x04"), as every torch.save file since torch 1.6. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Reads every tensor of a `torch.save` file whose top object is a dict of tensors (a state dict), in
 * the dict's order. float32 is read as it is; float16 and bfloat16 are converted; a tensor's storage
 * offset, sizes and strides are honoured (a strided view is copied out in row-major order).
 * Throws `XrayError`: `truncated-file` when the file or a storage is cut short, `unsupported-dtype`
 * for another element type or a big-endian file, `bad-header` for anything else a state dict does not hold.
 * `fileName` names the file in messages.
 * @example
 * const tensors = readTorch(await (await fetch('params.pt')).arrayBuffer(), 'params.pt');
 * tensors[0]; // { name: '0.weight', dims: [768, 768], data: Float32Array(589824) }
 */
export function readTorch(bytes: ArrayBuffer | Uint8Array, fileName: string): TorchTensor[] {
  const file = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (!isZip(file)) throw new XrayError('bad-header', `${fileName} is not a torch.save file: it does not start as a zip does ("PK").`);
  const entries = unzip(file, fileName);
  const pickleName = Object.keys(entries).find((name) => /^[^/]*\/data\.pkl$/.test(name));
  if (!pickleName) throw new XrayError('bad-header', `${fileName} is a zip, but not a torch.save file: it holds no <archive>/data.pkl.`);
  const archive = pickleName.slice(0, -'data.pkl'.length);
  const byteorder = entries[`${archive}byteorder`];
  if (byteorder && decoder.decode(byteorder).trim() !== 'little') {
    throw new XrayError('unsupported-dtype', `${fileName} was saved on a big-endian machine; only little-endian torch files can be read.`);
  }

  const top = unpickle(entries[pickleName], fileName);
  if (!(top instanceof Map)) throw new XrayError('bad-header', `${fileName} does not hold a state dict (a dict of tensors); torch.save(module.state_dict(), …) writes one.`);
  const storages = new Map<string, Float32Array>();
  const tensors: TorchTensor[] = [];
  for (const [name, value] of top) {
    if (!(value instanceof TensorRef)) continue; // a state dict may carry non-tensor extras; only tensors are read
    const storage = storages.get(value.storage.key) ?? readStorage(entries, archive, String(name), value.storage, fileName);
    storages.set(value.storage.key, storage);
    tensors.push({ name: String(name), dims: value.size, data: tensorValues(storage, value, String(name), fileName) });
  }
  return tensors;
}

function unzip(file: Uint8Array, fileName: string): Record<string, Uint8Array> {
  try {
    return unzipSync(file);
  } catch (cause) {
    // The file starts as a zip; a zip with no end record has lost its tail.
    if ((cause as { code?: number }).code === FlateErrorCode.InvalidZipData) {
      throw new XrayError('truncated-file', `${fileName} is truncated: it starts as a torch.save zip but ends before the zip's directory (${file.length} bytes).`, { cause });
    }
    throw new XrayError('bad-header', `${fileName} is not a readable zip: ${(cause as Error).message}.`, { cause });
  }
}

/** A storage the pickle refers to by its persistent id `('storage', torch.FloatStorage, key, location, numel)`. */
class StorageRef {
  constructor(
    readonly type: string,
    readonly key: string,
    readonly numel: number,
  ) {}
}

/** What `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)` would build. */
class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}
}

/** A Python global the pickle names: only those a state dict needs get past `GLOBAL`. */
class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}

type Value = unknown;

/**
 * Interprets the opcodes `torch.save` writes (pickle protocol 2) for a state dict. `OrderedDict()` is a
 * Map, `_rebuild_tensor_v2` a TensorRef; `BUILD` only sets attributes (an OrderedDict's `_metadata`),
 * which the tensors do not need, so it is skipped.
 */
function unpickle(pickle: Uint8Array, fileName: string): Value {
  const bad = (why: string) => new XrayError('bad-header', `${fileName} has a data.pkl that cannot be read: ${why}.`);
  const view = new DataView(pickle.buffer, pickle.byteOffset, pickle.byteLength);
  let at = 0;
  const take = (n: number) => {
    if (at + n > pickle.length) throw bad(`it ends at byte ${pickle.length}, inside an opcode`);
    at += n;
    return at - n;
  };
  const line = () => {
    const end = pickle.indexOf(0x0a, at);
    if (end < 0) throw bad('it ends inside a name');
    const text = decoder.decode(pickle.subarray(at, end));
    at = end + 1;
    return text;
  };
  const utf8 = (n: number) => decoder.decode(pickle.subarray(take(n), at));

  let stack: Value[] = [];
  const marks: Value[][] = [];
  const memo = new Map<number, Value>();
  const pop = () => {
    if (stack.length === 0) throw bad(`opcode at byte ${at - 1} pops an empty stack`);
    return stack.pop();
  };
  const popMark = () => {
    const items = stack;
    const outer = marks.pop();
    if (!outer) throw bad(`opcode at byte ${at - 1} has no mark`);
    stack = outer;
    return items;
  };
  const top = () => stack[stack.length - 1];
  const setItems = (dict: Value, items: Value[]) => {
    if (!(dict instanceof Map)) throw bad(`opcode at byte ${at - 1} sets items of something that is not a dict`);
    for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
  };

  for (;;) {
    const op = pickle[take(1)];
    switch (op) {
      case 0x80: // PROTO
        take(1);
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(knownGlobal(module, line(), fileName));
        break;
      }
      case 0x71: // BINPUT
        memo.set(pickle[take(1)], top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(view.getUint32(take(4), true), top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const index = op === 0x68 ? pickle[take(1)] : view.getUint32(take(4), true);
        if (!memo.has(index)) throw bad(`it refers to memo ${index}, which it never stored`);
        stack.push(memo.get(index));
        break;
      }
      case 0x4b: // BININT1
        stack.push(pickle[take(1)]);
        break;
      case 0x4d: // BININT2
        stack.push(view.getUint16(take(2), true));
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(take(4), true));
        break;
      case 0x8a: // LONG1: sizes and offsets past 2^31 elements
        stack.push(long1(pickle.subarray(take(pickle[take(1)]), at)));
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
        stack.push(op === 0x88);
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8(view.getUint32(take(4), true)));
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const n = op - 0x84;
        if (stack.length < n) throw bad(`opcode at byte ${at - 1} pops an empty stack`);
        stack.push(stack.splice(stack.length - n, n));
        break;
      }
      case 0x74: {
        // TUPLE (popMark first: it replaces `stack`)
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(storageRef(pop(), fileName));
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args, bad));
        break;
      }
      case 0x62: // BUILD
        pop();
        break;
      default:
        throw bad(`opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at - 1} is not one torch.save writes for a state dict`);
    }
  }
}

/** The names a state dict's pickle uses; any other (a function that would run code) is refused. */
function knownGlobal(module: string, name: string, fileName: string): PyGlobal {
  const known = (module === 'collections' && name === 'OrderedDict') || (module === 'torch._utils' && name === '_rebuild_tensor_v2') || (module === 'torch' && /^\w+Storage$/.test(name));
  if (!known) {
    throw new XrayError('bad-header', `${fileName} names the Python object ${module}.${name}, which a file of tensors does not need; it is not read (only state dicts of tensors are).`);
  }
  return new PyGlobal(module, name);
}

function call(fn: Value, args: Value, bad: (why: string) => XrayError): Value {
  if (!(fn instanceof PyGlobal) || !Array.isArray(args)) throw bad('it calls something that is not a function');
  if (fn.name === 'OrderedDict') return new Map();
  if (fn.name === '_rebuild_tensor_v2') {
    const [storage, offset, size, stride] = args as Value[];
    if (!(storage instanceof StorageRef) || !isIndex(offset) || !isIndexList(size) || !isIndexList(stride) || size.length !== stride.length) {
      throw bad('it rebuilds a tensor from arguments that are not (storage, offset, sizes, strides)');
    }
    return new TensorRef(storage, offset, size, stride);
  }
  throw bad(`it calls torch.${fn.name}, which is a storage class, not a function`);
}

function storageRef(pid: Value, fileName: string): StorageRef {
  if (Array.isArray(pid) && pid.length === 5) {
    const [kind, type, key, , numel] = pid as Value[];
    if (kind === 'storage' && type instanceof PyGlobal && type.module === 'torch' && typeof key === 'string' && isIndex(numel)) return new StorageRef(type.name, key, numel);
  }
  throw new XrayError('bad-header', `${fileName} has a data.pkl that refers to something other than a storage ('storage', type, key, location, size).`);
}

/** A LONG1 integer (little-endian two's complement); exact up to 2^53. */
function long1(digits: Uint8Array): number {
  let value = 0;
  for (let i = digits.length - 1; i >= 0; i--) value = value * 256 + digits[i];
  return digits.length > 0 && digits[digits.length - 1] & 0x80 ? value - 256 ** digits.length : value;
}

function isIndex(value: Value): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isIndexList(value: Value): value is number[] {
  return Array.isArray(value) && value.every(isIndex);
}

/** A storage's values as float32, from `<archive>/data/<key>`. */
function readStorage(entries: Record<string, Uint8Array>, archive: string, tensor: string, storage: StorageRef, fileName: string): Float32Array {
  const dtype = STORAGE_DTYPES[storage.type];
  if (!dtype) {
    throw new XrayError(
      'unsupported-dtype',
      `Tensor "${tensor}" of ${fileName} is a torch.${storage.type}; only float32 (FloatStorage), float16 (HalfStorage) and bfloat16 (BFloat16Storage) can be read.`,
    );
  }
  const bytes = entries[`${archive}data/${storage.key}`];
  if (!bytes) throw new XrayError('bad-header', `${fileName} has no data/${storage.key}, the storage of tensor "${tensor}".`);
  const byteLength = storage.numel * DTYPE_BYTES[dtype];
  if (bytes.length < byteLength) {
    throw new XrayError('truncated-file', `${fileName} is truncated: the storage of tensor "${tensor}" needs ${byteLength} bytes, found ${bytes.length}.`);
  }
  return tensorAsFloat32(bytes, { name: tensor, dtype, shape: [storage.numel], begin: 0, end: byteLength });
}

/** The tensor's elements in row-major order: a view when they lie in order in the storage, else a copy. */
function tensorValues(storage: Float32Array, tensor: TensorRef, name: string, fileName: string): Float32Array {
  const { offset, size, stride } = tensor;
  const count = size.reduce((a, b) => a * b, 1);
  if (count === 0) return new Float32Array(0);
  const last = offset + size.reduce((sum, n, d) => sum + (n - 1) * stride[d], 0);
  if (last >= storage.length) {
    throw new XrayError(
      'bad-header',
      `Tensor "${name}" of ${fileName} (offset ${offset}, sizes [${size.join(', ')}], strides [${stride.join(', ')}]) reaches past its storage of ${storage.length} elements.`,
    );
  }
  if (isContiguous(size, stride)) return storage.subarray(offset, offset + count);
  // A transposed or sliced view (saved as it is, e.g. `weight.t()`): walk its indices like an odometer.
  const out = new Float32Array(count);
  const index = new Array<number>(size.length).fill(0);
  let at = offset;
  for (let i = 0; i < count; i++) {
    out[i] = storage[at];
    for (let d = size.length - 1; d >= 0; d--) {
      at += stride[d];
      if (++index[d] < size[d]) break;
      at -= stride[d] * size[d];
      index[d] = 0;
    }
  }
  return out;
}

/** Row-major strides; a dimension of size 1 may have any stride, as in torch. */
function isContiguous(size: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expected) return false;
    expected *= size[d];
  }
  return true;
}
