// Serves files untouched, past the test server's import rewriting (which would try to resolve the
// Node-only `import("module")` inside onnxruntime's code): onnxruntime-web's runtime files at /ort/,
// and the built bundle with its runtime files at /dist/.
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';

const TYPES = { js: 'text/javascript', mjs: 'text/javascript', wasm: 'application/wasm', map: 'application/json' };

export async function rawFiles(ctx, next) {
  const match = /^\/(ort|dist)\/([\w.-]+\.(js|mjs|wasm|map))$/.exec(ctx.path);
  if (!match) return next();
  const [, root, file, ext] = match;
  const folder = root === 'ort' ? 'node_modules/onnxruntime-web/dist' : 'dist';
  const bytes = await readFile(normalize(join(folder, file))).catch(() => undefined);
  if (!bytes) return next();
  ctx.set('content-type', TYPES[ext]);
  // As a CDN does: the bundle's worker is imported from other origins too (the cross-origin worker test).
  ctx.set('access-control-allow-origin', '*');
  ctx.body = bytes;
}
