// Entry of dist/transformer-xray.bundle.js: the whole library, every element registered, and
// onnxruntime-web's runtime files looked up beside the bundle, so it works from any folder or CDN.
import { configure } from '../src/settings.js';

configure({ wasmPaths: new URL('./', import.meta.url).href });

export * from '../index.js';
