// One onnxruntime-web session for the instrumented graph, on WebGPU or WASM, with runs serialised
// (a session runs one request at a time) and outputs left on the GPU until read.
import * as ort from 'onnxruntime-web/webgpu';
import { XrayError } from './errors.js';
import { GraphOutput } from './gpt2-graph.js';
import type { ResolvedDevice } from './types.js';

export { ort };

/** A named byte buffer the graph's external initializers point into. */
export interface ExternalFile {
  path: string;
  data: Uint8Array;
}

/** Outputs small enough and needed often enough to copy to the CPU after every run. */
export const EAGER_OUTPUTS: readonly string[] = [GraphOutput.pattern, GraphOutput.residPre, GraphOutput.topProbs, GraphOutput.topIds];

/** Creates a session; throws `session-failed` with onnxruntime's reason. */
export async function createSession(model: Uint8Array, files: ExternalFile[], device: ResolvedDevice, numThreads: number, debug = false): Promise<ort.InferenceSession> {
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

/** Reads an output tensor into CPU memory (a GPU download on WebGPU) and frees its GPU buffer. */
export async function readTensor<T extends ort.Tensor.Type>(tensor: ort.Tensor): Promise<ort.Tensor.DataTypeMap[T]> {
  return (tensor.location === 'cpu' ? tensor.data : await tensor.getData(true)) as ort.Tensor.DataTypeMap[T];
}

export function int64Tensor(values: readonly number[], dims: readonly number[] = [values.length]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
