// Storybook for the elements: stories in stories/, run on the generated demo model (fixtures/tiny,
// made by `npm run fixtures`), so `npm run storybook` and `npm run build-storybook` never need a network.
import { readFileSync } from 'node:fs';
import type { StorybookConfig } from '@storybook/web-components-vite';
import type { Plugin } from 'vite';

/** onnxruntime-web loads these at run time (the WASM build's pair, the WebGPU build's pair) from `configure({ wasmPaths })`; preview.ts points it at /ort/. */
const ORT_RUNTIME = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];
const ortFile = (file: string) => new URL(`../node_modules/onnxruntime-web/dist/${file}`, import.meta.url);

/**
 * Serves onnxruntime's runtime files at /ort/ (dev server) and copies them into the static build;
 * staticDirs could only copy the whole of onnxruntime-web's dist folder (136 MB).
 */
function ortRuntime(): Plugin {
  return {
    name: 'transformer-xray:ort-runtime',
    configureServer(server) {
      server.middlewares.use('/ort', (request, response, next) => {
        const file = ORT_RUNTIME.find((name) => request.url === `/${name}`);
        if (!file) return next();
        response.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        response.end(readFileSync(ortFile(file)));
      });
    },
    generateBundle() {
      for (const file of ORT_RUNTIME) this.emitFile({ type: 'asset', fileName: `ort/${file}`, source: readFileSync(ortFile(file)) });
    },
  };
}

const config: StorybookConfig = {
  framework: '@storybook/web-components-vite',
  stories: ['../stories/**/*.stories.ts'],
  // Only the small demo model: fixtures/ may also hold a 500 MB benchmark model.
  staticDirs: [{ from: '../fixtures/tiny', to: '/fixtures/tiny' }],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(viteConfig) {
    const { defaultClientConditions, mergeConfig } = await import('vite');
    return mergeConfig(viteConfig, {
      plugins: [ortRuntime()],
      // onnxruntime-web's extern-wasm build loads its runtime from wasmPaths alone; its default build
      // also points at the .wasm through import.meta.url, and Vite would ship a second 27 MB copy.
      resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
      build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
    });
  },
};

export default config;
