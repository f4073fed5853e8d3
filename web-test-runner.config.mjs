// Browser tests: headless Chromium from the system, WASM and WebGPU (SwiftShader) in one browser,
// served from 127.0.0.1 so WebGPU has the secure context it needs; gc() and precise heap sizes for
// the lifetime tests.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROME_ARGS, findChrome } from './scripts/find-chrome.mjs';
import { faultyDownloads } from './test/server/faulty-downloads.mjs';
import { rawFiles } from './test/server/raw-files.mjs';
import { typescriptWorkers } from './test/server/typescript-workers.mjs';

export default {
  files: ['test/browser/**/*.test.ts'],
  rootDir: '.',
  hostname: '127.0.0.1',
  nodeResolve: { exportConditions: ['browser', 'production'] },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
  middleware: [rawFiles, faultyDownloads, typescriptWorkers],
  browsers: [chromeLauncher({ launchOptions: { executablePath: findChrome(), headless: true, args: [...CHROME_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'] } })],
  // One page at a time: two cores, and WebGPU on SwiftShader is CPU-bound.
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 1_800_000,
  testFramework: { config: { timeout: 180_000 } },
};
