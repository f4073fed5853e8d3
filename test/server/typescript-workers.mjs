// The source's `new Worker(new URL('./engine-worker.js', import.meta.url))` names the .js file that
// the build writes; the test and bench servers serve the TypeScript source, so they answer with the .ts.
import { access } from 'node:fs/promises';

export async function typescriptWorkers(ctx, next) {
  if (/^\/src\/[\w/-]+\.js$/.test(ctx.path)) {
    const source = `.${ctx.path.slice(0, -3)}.ts`;
    const exists = await access(source).then(
      () => true,
      () => false,
    );
    if (exists) ctx.path = `${ctx.path.slice(0, -3)}.ts`;
  }
  return next();
}
