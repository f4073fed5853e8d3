// One onnxruntime-web session for the instrumented graph, on WebGPU or WASM, with runs serialised
// (a session runs one request at a time) and outputs left on the GPU until read.
import * as ortWasm from 'onnxruntime-web/wasm';
import * as ortWebGpu from 'onnxruntime-web/webgpu';
import { XrayError } from './errors.js';
import { GraphOutput } from './gpt2-graph.js';
import { DataType, GraphBuilder } from './onnx/graph-builder.js';
import type { ResolvedDevice } from './types.js';

export type { ortWebGpu as ort };

/**
 * onnxruntime-web for a device. WASM sessions use the WASM-only build: the WebGPU build's
 * asyncify variant took twice as long to create the same GPT-2-small WASM session (4.4 s against
 * 2.2 s, one after the other in headless Chromium). Each build loads its .wasm on its first
 * session, so a page fetches only the one it uses.
 */
export const runtimes: Record<ResolvedDevice, typeof ortWebGpu> = { wasm: ortWasm, webgpu: ortWebGpu };

/** A named byte buffer the graph's external initializers point into. */
export interface ExternalFile {
  path: string;
  data: Uint8Array;
}

/** Outputs small enough and needed often enough to copy to the CPU after every run. */
export const EAGER_OUTPUTS: readonly string[] = [GraphOutput.pattern, GraphOutput.residPre, GraphOutput.topProbs, GraphOutput.topIds];

/** Creates a session; throws `session-failed` with onnxruntime's reason. */
export async function createSession(model: Uint8Array, files: ExternalFile[], device: ResolvedDevice, numThreads: number, debug = false): Promise<ortWebGpu.InferenceSession> {
  const ort = runtimes[device];
  if (device === 'wasm') ort.env.wasm.numThreads = numThreads;
  if (debug) ort.env.logLevel = 'verbose';
  try {
    return await ort.InferenceSession.create(model, {
      executionProviders: [device],
      // On WASM, 'basic' creates a GPT-2-small session about a second sooner than 'all' and runs as
      // fast (npm run bench); WebGPU keeps the fusions of 'all'.
      graphOptimizationLevel: device === 'wasm' ? 'basic' : 'all',
      externalData: files,
      // On WebGPU, every output stays in a GPU buffer until a figure reads it.
      preferredOutputLocation: device === 'webgpu' ? 'gpu-buffer' : 'cpu',
      // Verbose logging lists every node onnxruntime placed on the CPU instead of the GPU. Otherwise
      // errors only: its warning that shape arithmetic runs on the CPU is expected (see the tests).
      logSeverityLevel: debug ? 0 : 3,
      logVerbosityLevel: 0,
    });
  } catch (cause) {
    throw new XrayError('session-failed', `onnxruntime-web could not create the ${device} session: ${errorText(cause)}`, { cause });
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
  const session = await createSession(g.encode('start'), [], device, numThreads, debug);
  await session.release();
}

/** Reads an output tensor into CPU memory (a GPU download on WebGPU) and frees its GPU buffer. */
export async function readTensor<T extends ortWebGpu.Tensor.Type>(tensor: ortWebGpu.Tensor): Promise<ortWebGpu.Tensor.DataTypeMap[T]> {
  return (tensor.location === 'cpu' ? tensor.data : await tensor.getData(true)) as ortWebGpu.Tensor.DataTypeMap[T];
}

/** A CPU tensor; either build's sessions take it (they read a tensor's fields, not its class). */
export function int64Tensor(values: readonly number[], dims: readonly number[] = [values.length]): ortWebGpu.Tensor {
  return new ortWasm.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
