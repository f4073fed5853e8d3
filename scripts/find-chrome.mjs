// Finds a local Chrome or Chromium for the tests and the benchmark; never downloads one.
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The browser's path: $CHROME_PATH, else the first of the usual install paths that exists. */
export function findChrome() {
  const path = process.env.CHROME_PATH || CANDIDATES.find((p) => existsSync(p));
  if (path) return path;
  throw new Error('No Chrome or Chromium found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: install Google Chrome) ' + 'or point CHROME_PATH at its executable.');
}

/** Headless flags that keep Chromium from calling Google's services. */
export const HEADLESS_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Plus WebGPU on the CPU through SwiftShader (which also routes canvas drawing through it, slowly). */
export const CHROME_ARGS = [...HEADLESS_ARGS, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader'];
