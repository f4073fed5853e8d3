// Serves onnxruntime-web's runtime files at /ort/ untouched: the test server's import rewriting
// would otherwise try to resolve the Node-only `import("module")` inside them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const TYPES = { '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

export async function ortFiles(ctx, next) {
  const match = /^\/ort\/(ort-wasm[\w.-]*\.(mjs|wasm))$/.exec(ctx.path);
  if (!match) return next();
  const bytes = await readFile(join('node_modules/onnxruntime-web/dist', match[1])).catch(() => undefined);
  if (!bytes) return next();
  ctx.set('content-type', TYPES[`.${match[2]}`]);
  ctx.body = bytes;
}
