// Page-wide settings of the library, set once before the first model loads.
import { XrayError } from './errors.js';

export interface Settings {
  /**
   * Folder (URL ending in `/`) holding onnxruntime-web's `.wasm`/`.mjs` files. The bundle sets it to
   * its own folder; left unset, onnxruntime-web finds its `.wasm` beside its own module (which a
   * bundler emits into the build), never on a CDN.
   */
  wasmPaths?: string;
  /** WASM threads; more than 1 needs a cross-origin-isolated page. Default: 1, or up to 4 when isolated. */
  numThreads?: number;
  /**
   * Run each model in a worker (default `true`). `false` runs it in the page, for pages whose
   * Content-Security-Policy forbids workers; a controller's own `worker` option wins.
   */
  worker?: boolean;
  /**
   * URL of the engine worker's script. The bundle sets it to `transformer-xray.worker.js` beside
   * itself; the ESM build finds `src/engine-worker.js` beside itself, which bundlers follow.
   */
  workerUrl?: string;
  /** Where Hub repo ids are fetched from, as transformers.js's `env.remoteHost`. Default `https://huggingface.co/`. */
  remoteHost?: string;
  /** The Hub's folder layout, as transformers.js's `env.remotePathTemplate`. Default `{model}/resolve/{revision}/`. */
  remotePathTemplate?: string;
}

const KNOWN: readonly (keyof Settings)[] = ['wasmPaths', 'numThreads', 'worker', 'workerUrl', 'remoteHost', 'remotePathTemplate'];
/** transformers.js's defaults, so a model id finds the same files there and here (a test checks them against it). */
const settings: Settings = { remoteHost: 'https://huggingface.co/', remotePathTemplate: '{model}/resolve/{revision}/' };

/**
 * Changes page-wide settings; unknown keys are rejected with the list of valid ones.
 * @example configure({ wasmPaths: 'https://example.org/transformer-xray/dist/' })
 */
export function configure(changes: Settings): void {
  for (const key of Object.keys(changes)) {
    if (!KNOWN.includes(key as keyof Settings)) throw new XrayError('bad-option', `Unknown setting "${key}": valid settings are ${KNOWN.join(', ')}.`);
  }
  applySettings(changes);
}

/** Takes settings into this realm (the page's, or a worker's given the page's); sessions read them as they start. */
export function applySettings(changes: Settings): void {
  Object.assign(settings, changes);
}

/** The current settings (read-only view). */
export function currentSettings(): Readonly<Settings> {
  return settings;
}
