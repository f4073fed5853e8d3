// The onnxruntime-web files loaded at run time (from `configure({ wasmPaths })`, or beside the bundle),
// which every build that ships the library copies: the WASM build's pair and the WebGPU build's pair.

export const ORT_DIST = new URL('../node_modules/onnxruntime-web/dist/', import.meta.url);

/** @type {readonly string[]} */
export const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];
