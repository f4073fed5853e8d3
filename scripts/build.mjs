// npm run build: custom-elements.json (the analyzer), dist/ as ESM + .d.ts (tsc), and
// dist/transformer-xray.bundle.js, one module with lit, transformers.js and onnxruntime-web inside,
// with its engine worker (dist/transformer-xray.worker.js) and onnxruntime's runtime files beside it;
// and the `transformer-xray` command, dist/cli/transformer-xray.js.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { ORT_DIST, ORT_RUNTIME_FILES } from './ort-runtime.mjs';

rmSync('dist', { recursive: true, force: true });
// The manifest first: package.json's "customElements" names it, and Storybook and the docs read it.
execFileSync(process.execPath, ['node_modules/@custom-elements-manifest/analyzer/cem.js', 'analyze', '--quiet'], { stdio: 'inherit' });
execFileSync(process.execPath, ['node_modules/typescript-7/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

// The page's bundle and its engine worker, each one self-contained module.
await build({
  entryPoints: { 'transformer-xray.bundle': 'components/bundle.ts', 'transformer-xray.worker': 'src/engine-worker.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  conditions: ['browser', 'production'],
  // onnxruntime-web's Node branch imports these; the browser never reaches it.
  external: ['module', 'worker_threads', 'node:*'],
  legalComments: 'linked',
  logLevel: 'warning',
});

// onnxruntime's runtime files, beside the bundle, which tells onnxruntime to look there.
for (const file of ORT_RUNTIME_FILES) copyFileSync(new URL(file, ORT_DIST), `dist/${file}`);

// The command, one file with the few src modules it reuses inside (its entry keeps its #! line), so it
// runs with `npx` whatever the layout of dist/.
await build({
  entryPoints: { 'cli/transformer-xray': 'cli/transformer-xray.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
chmodSync('dist/cli/transformer-xray.js', 0o755);
console.log('built dist/, dist/transformer-xray.bundle.js and dist/cli/transformer-xray.js');
