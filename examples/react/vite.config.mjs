// `npm run examples:build` (after `npm run build`): the React example into examples/react/dist/.
// The app imports `transformer-xray/react` as an app would from npm; here it resolves to this
// repository's dist/. Nothing else is configured: Vite emits the engine worker and onnxruntime-web's
// .wasm files into the build from their `new URL(…, import.meta.url)` references.
import { defineConfig } from 'vite';

const dist = (path) => new URL(`../../dist/${path}`, import.meta.url).pathname;

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  // Relative URLs, so dist/ works from any folder (npm start serves it at /examples/react/dist/).
  base: './',
  // JSX without a React plugin: esbuild's automatic runtime.
  esbuild: { jsx: 'automatic' },
  resolve: {
    alias: { 'transformer-xray/react': dist('react/index.js') },
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
});
