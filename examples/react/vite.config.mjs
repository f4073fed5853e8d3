// `npm run examples:build` (after `npm run build`): the React example into examples/react/dist/.
// The app imports `transformer-xray/react` and `transformer-xray/core` as an app would from npm; here
// they resolve to this repository's dist/.
import { readFileSync } from 'node:fs';
import { defaultClientConditions, defineConfig } from 'vite';
import { ORT_DIST, ORT_RUNTIME_FILES } from '../../scripts/ort-runtime.mjs';

const dist = (path) => new URL(`../../dist/${path}`, import.meta.url).pathname;

/** onnxruntime-web loads these at run time from `configure({ wasmPaths })`: ship them in dist/ort/. */
function ortRuntime() {
  return {
    name: 'ort-runtime',
    generateBundle() {
      for (const file of ORT_RUNTIME_FILES) this.emitFile({ type: 'asset', fileName: `ort/${file}`, source: readFileSync(new URL(file, ORT_DIST)) });
    },
  };
}

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  // Relative URLs, so dist/ works from any folder (npm start serves it at /examples/react/dist/).
  base: './',
  // JSX without a React plugin: esbuild's automatic runtime.
  esbuild: { jsx: 'automatic' },
  resolve: {
    alias: { 'transformer-xray/react': dist('react/index.js'), 'transformer-xray/core': dist('src/index.js') },
    // onnxruntime-web's extern-wasm build finds its files through wasmPaths alone (no second copy of the .wasm).
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  plugins: [ortRuntime()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
});
