// Storybook for the elements: stories in stories/, run on the generated demo model (fixtures/planted,
// made by `npm run fixtures`), so `npm run storybook` and `npm run build-storybook` never need a network.
import { readFileSync } from 'node:fs';
import type { StorybookConfig } from '@storybook/web-components-vite';
import type { Plugin } from 'vite';
import { ORT_DIST, ORT_RUNTIME_FILES } from '../scripts/ort-runtime.mjs';

/** preview.ts points `configure({ wasmPaths })` at /ort/. */
const ortFile = (file: string) => new URL(file, ORT_DIST);

/**
 * Serves onnxruntime's runtime files at /ort/ (dev server) and copies them into the static build;
 * staticDirs could only copy the whole of onnxruntime-web's dist folder (136 MB).
 */
function ortRuntime(): Plugin {
  return {
    name: 'transformer-xray:ort-runtime',
    configureServer(server) {
      server.middlewares.use('/ort', (request, response, next) => {
        const file = ORT_RUNTIME_FILES.find((name) => request.url === `/${name}`);
        if (!file) return next();
        response.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        response.end(readFileSync(ortFile(file)));
      });
    },
    generateBundle() {
      for (const file of ORT_RUNTIME_FILES) this.emitFile({ type: 'asset', fileName: `ort/${file}`, source: readFileSync(ortFile(file)) });
    },
  };
}

const config: StorybookConfig = {
  framework: '@storybook/web-components-vite',
  stories: ['../stories/**/*.stories.ts'],
  // Only the small demo model: fixtures/ may also hold a 500 MB benchmark model.
  staticDirs: [{ from: '../fixtures/planted', to: '/fixtures/planted' }],
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
