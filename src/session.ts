// One onnxruntime-web session for the instrumented graph, on WebGPU or WASM, with runs serialised
// (a session runs one request at a time) and outputs left on the GPU until read.
import * as ortWasm from 'onnxruntime-web/wasm';
import * as ortWebGpu from 'onnxruntime-web/webgpu';
import { errorText, XrayError } from './errors.js';
import { GraphOutput } from './gpt2-graph.js';
import { DataType, GraphBuilder } from './onnx/graph-builder.js';
import type { ByteSource } from './safetensors.js';
import { currentSettings } from './settings.js';
import { SplitFile } from './split-file.js';
import type { ResolvedDevice } from './types.js';

export type { ortWebGpu as ort };

/**
 * onnxruntime-web for a device. WASM sessions use the WASM-only build: the WebGPU build's
 * asyncify variant took twice as long to create the same GPT-2-small WASM session (4.4 s against
 * 2.2 s, one after the other in headless Chromium). Each build loads its .wasm on its first
 * session, so a page fetches only the one it uses.
 */
export const runtimes: Record<ResolvedDevice, typeof ortWebGpu> = { wasm: ortWasm, webgpu: ortWebGpu };

/** A named file the graph's external initializers point into. */
export interface ExternalFile {
  path: string;
  data: ByteSource;
  /** How many initializers begin at each offset of `data`; onnxruntime reads each once. */
  reads: Map<number, number>;
}

export interface SessionOptions {
  debug?: boolean;
  /**
   * Free each SplitFile's parts as the session copies them in; the files are spent after. WASM only,
   * whose session holds its own copy once created: a WebGPU session reads its files after creation.
   */
  freeFiles?: boolean;
}

/** Outputs small enough and needed often enough to copy to the CPU after every run. */
export const EAGER_OUTPUTS: readonly string[] = [GraphOutput.pattern, GraphOutput.residPre, GraphOutput.topProbs, GraphOutput.topIds];

/**
 * onnxruntime-web keeps the external files of a session being created in one page-wide table, which
 * it empties when a creation ends: two creations at once would read each other's files. So, one at a time.
 */
let creating: Promise<unknown> = Promise.resolve();

/** Creates a session, after any other being created; throws `session-failed` with onnxruntime's reason. */
export function createSession(model: Uint8Array, files: ExternalFile[], device: ResolvedDevice, numThreads: number, options: SessionOptions = {}): Promise<ortWebGpu.InferenceSession> {
  const created = creating.then(() => createNow(model, files, device, numThreads, options));
  creating = created.catch(() => undefined);
  return created;
}

async function createNow(model: Uint8Array, files: ExternalFile[], device: ResolvedDevice, numThreads: number, options: SessionOptions): Promise<ortWebGpu.InferenceSession> {
  const { debug = false } = options;
  const freeing = options.freeFiles === true && device === 'wasm';
  const ort = runtimes[device];
  const { wasmPaths } = currentSettings();
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  if (device === 'wasm') ort.env.wasm.numThreads = numThreads;
  if (debug) ort.env.logLevel = 'verbose';
  const views = files.map((file) => (file.data instanceof SplitFile ? new SplitFileView(file.data, freeing ? file.reads : undefined) : undefined));
  try {
    return await ort.InferenceSession.create(model, {
      executionProviders: [device],
      // On WASM, 'basic' creates a GPT-2-small session about a second sooner than 'all' and runs as
      // fast (npm run bench); WebGPU keeps the fusions of 'all'.
      graphOptimizationLevel: device === 'wasm' ? 'basic' : 'all',
      externalData: files.map((file, i) => ({ path: file.path, data: views[i] ?? (file.data as Uint8Array) })),
      // On WebGPU, every output stays in a GPU buffer until a figure reads it.
      preferredOutputLocation: device === 'webgpu' ? 'gpu-buffer' : 'cpu',
      // Verbose logging lists every node onnxruntime placed on the CPU instead of the GPU. Otherwise
      // errors only: its warning that shape arithmetic runs on the CPU is expected (see the tests).
      logSeverityLevel: debug ? 0 : 3,
      logVerbosityLevel: 0,
    });
  } catch (cause) {
    const misread = views.find((view) => view?.misread)?.misread;
    const reason = misread ? `it read the weights in an unexpected order (${misread})` : errorText(cause);
    throw new XrayError('session-failed', `onnxruntime-web could not create the ${device} session: ${reason}`, { cause });
  } finally {
    if (freeing) for (const file of files) if (file.data instanceof SplitFile) file.data.freeAll();
  }
}

/**
 * What onnxruntime-web is given for a SplitFile. It takes external data as a Uint8Array, but reads it
 * only through `byteLength` and `subarray(begin, end)`, one initializer at a time, copying each into
 * the WASM heap before it asks for the next (onnxruntime-web 1.31; the engine tests fail if that
 * changes). So this stand-in answers those reads from the file's parts and, given the expected
 * `reads`, frees each part after its last one: the weights move into the heap instead of being held
 * twice. For GPT-2 small the peak while loading from the cache fell from 2.8x to 2.1-2.2x the file
 * (npm run bench --only=cached).
 */
class SplitFileView extends Uint8Array {
  /** What went wrong, for the error message: onnxruntime's own only says a copy failed. */
  misread: string | undefined;
  /** The offset of a part whose last read onnxruntime is copying now: freed at the next read. */
  private copying: number | undefined;
  private readonly left: Map<number, number> | undefined;

  constructor(
    private readonly file: SplitFile,
    reads: Map<number, number> | undefined,
  ) {
    super(0);
    this.left = reads && new Map(reads);
    Object.defineProperties(this, { byteLength: { get: () => file.length }, length: { get: () => file.length } });
  }

  override subarray(begin = 0, end = this.file.length): Uint8Array<ArrayBuffer> {
    if (this.copying !== undefined) this.file.free(this.copying);
    this.copying = undefined;
    try {
      const bytes = this.file.subarray(begin, end) as Uint8Array<ArrayBuffer>;
      const left = this.left && (this.left.get(begin) ?? 0) - 1;
      if (left !== undefined) this.left!.set(begin, left);
      if (left === 0) this.copying = begin;
      return bytes;
    } catch (error) {
      this.misread ??= errorText(error);
      throw error;
    }
  }
}

/**
 * Starts a device's runtime with a one-node session, so that fetching and compiling its .wasm (about
 * a second) overlaps the weights' download instead of following it.
 */
export async function startRuntime(device: ResolvedDevice, numThreads: number, debug = false): Promise<void> {
  const g = new GraphBuilder();
  const value = { type: DataType.FLOAT, dims: [1] };
  g.output(g.input({ name: 'x', ...value }), { name: 'y', ...value });
  const session = await createSession(g.encode('start'), [], device, numThreads, { debug });
  await session.release();
}

/** Reads an output tensor into CPU memory (a GPU download on WebGPU) and frees its GPU buffer. */
export async function readTensor<T extends ortWebGpu.Tensor.Type>(tensor: ortWebGpu.Tensor): Promise<ortWebGpu.Tensor.DataTypeMap[T]> {
  return (tensor.location === 'cpu' ? tensor.data : await tensor.getData(true)) as ortWebGpu.Tensor.DataTypeMap[T];
}

/** A CPU float tensor, as `int64Tensor`. */
export function float32Tensor(values: Float32Array, dims: readonly number[] = [values.length]): ortWebGpu.Tensor {
  return new ortWasm.Tensor('float32', values, dims);
}

/** A CPU tensor; either build's sessions take it (they read a tensor's fields, not its class). */
export function int64Tensor(values: readonly number[], dims: readonly number[] = [values.length]): ortWebGpu.Tensor {
  return new ortWasm.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
}
