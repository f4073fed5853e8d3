// Entry of dist/transformer-xray.bundle.js: the whole library, every element registered, and
// onnxruntime-web's runtime files and the engine worker looked up beside the bundle, so it works
// from any folder or CDN.
import { configure } from '../src/settings.js';

configure({ wasmPaths: new URL('./', import.meta.url).href, workerUrl: new URL('./transformer-xray.worker.js', import.meta.url).href });

export * from '../index.js';
