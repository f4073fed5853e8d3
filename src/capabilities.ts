// What this browser can do, detected once per page and frozen.

export interface Capabilities {
  /** A WebGPU adapter exists. */
  readonly webgpu: boolean;
  /** Why there is no WebGPU, in words, when there is none. */
  readonly webgpuMissing?: string;
  /** The page is cross-origin isolated, so WASM can run on several threads. */
  readonly threads: number;
  readonly cacheApi: boolean;
}

let detected: Promise<Capabilities> | undefined;

/** Detects the capabilities on first call; later calls share the answer. */
export function capabilities(): Promise<Capabilities> {
  detected ??= detect().then((found) => Object.freeze(found));
  return detected;
}

async function detect(): Promise<Capabilities> {
  const isolated = globalThis.crossOriginIsolated === true;
  const threads = isolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  const cacheApi = 'caches' in globalThis;
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return { webgpu: false, webgpuMissing: 'this browser has no WebGPU (navigator.gpu is missing; it needs a secure context)', threads, cacheApi };
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter) return { webgpu: true, threads, cacheApi };
    return { webgpu: false, webgpuMissing: 'the browser found no WebGPU adapter', threads, cacheApi };
  } catch (error) {
    return { webgpu: false, webgpuMissing: `requesting a WebGPU adapter failed: ${String(error)}`, threads, cacheApi };
  }
}
