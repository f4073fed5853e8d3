// Test-server routes that break a model download on purpose:
//   /faulty/cut-short/<fixture>/<file>  promises the whole file, sends half, then drops the connection
//   /faulty/truncated/<fixture>/<file>  serves only the first half of the file, honestly sized
//   /faulty/stalled/<fixture>/<file>    sends half of the file, then nothing more (a download that hangs)
// Any other file of the folder is served as it is, so the folder still loads up to that point.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function faultyDownloads(ctx, next) {
  const match = /^\/faulty\/(cut-short|truncated|stalled)\/([\w-]+)\/([\w.]+)$/.exec(ctx.path);
  if (!match) return next();
  const [, mode, fixture, file] = match;
  const bytes = await readFile(join('fixtures', fixture, file)).catch(() => undefined);
  if (!bytes) return next();
  if (file !== 'model.safetensors') {
    ctx.body = bytes;
    return;
  }
  const half = bytes.subarray(0, bytes.length >> 1);
  if (mode === 'truncated') {
    ctx.set('content-type', 'application/octet-stream');
    ctx.body = half;
    return;
  }
  ctx.respond = false;
  ctx.res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
  ctx.res.write(half, () => mode === 'cut-short' && ctx.res.destroy());
}
