// Starts a model's engine where it should run, a dedicated module worker or (`worker: false`) the
// page, and gives the controller one asynchronous API for both, plus a promise that settles if the
// worker dies.
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import { Engine, type EngineEvents, type EngineOptions } from './engine.js';
import type { WorkerHost } from './engine-worker.js';
import { XrayError } from './errors.js';
import { errorText } from './session.js';
import { carryXrayErrors } from './worker-protocol.js';

/** The engine's methods, each answering with a promise, wherever it runs. */
export type EngineApi = {
  [K in 'load' | 'run' | 'lens' | 'headVectors' | 'hook' | 'release' | 'probe' | 'cancel' | 'dispose']: Engine[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

export interface EngineHandle {
  api: EngineApi;
  /** `worker` or `page`: where the model runs. */
  where: 'worker' | 'page';
  /** Why the engine runs in the page although a worker was wanted. */
  fallbackReason?: string;
  /** Rejects with `session-failed` if the worker dies; never settles otherwise. */
  died: Promise<never>;
  /** Ends the engine (and its worker). */
  end(): Promise<void>;
  /** `fn` made callable from the engine's side (a Comlink proxy for a worker). */
  callback<F extends (...args: never[]) => unknown>(fn: F): F;
  /** For tests: stops the worker abruptly, as a crash would. */
  kill(): void;
}

/** How many engines are alive on this page (tests check that released controllers leave none behind). */
export let liveEngines = 0;

/** Starts an engine in a worker when `inWorker`; in the page when not, or when no worker can start. */
export async function startEngine(options: EngineOptions, events: EngineEvents, inWorker: boolean): Promise<EngineHandle> {
  if (inWorker) {
    try {
      return await startWorker(options, events);
    } catch (error) {
      return startInPage(options, events, `The model runs in the page, because its worker could not start: ${errorText(error)} (a Content-Security-Policy needs worker-src 'self'; or set worker: false).`);
    }
  }
  return startInPage(options, events);
}

function startInPage(options: EngineOptions, events: EngineEvents, fallbackReason?: string): EngineHandle {
  const engine = new Engine(options, events);
  liveEngines++;
  const api = Object.fromEntries(METHODS.map((name) => [name, async (...args: unknown[]) => (engine[name] as (...a: unknown[]) => unknown)(...args)])) as EngineApi;
  let ended = false;
  return {
    api,
    where: 'page',
    fallbackReason,
    died: new Promise<never>(() => undefined),
    end: async () => {
      if (ended) return;
      ended = true;
      liveEngines--;
      await engine.dispose();
    },
    callback: (fn) => fn,
    kill: () => undefined,
  };
}

const METHODS = ['load', 'run', 'lens', 'headVectors', 'hook', 'release', 'probe', 'cancel', 'dispose'] as const;

async function startWorker(options: EngineOptions, events: EngineEvents): Promise<EngineHandle> {
  carryXrayErrors();
  const { workerUrl } = options.settings;
  // The literal `new Worker(new URL(…, import.meta.url))` is what Vite, webpack and Rollup follow to ship the worker.
  const worker = workerUrl ? new Worker(workerUrl, { type: 'module', name: 'transformer-xray' }) : new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module', name: 'transformer-xray' });
  let ending = false;
  let onDeath: (error: XrayError) => void = () => undefined;
  const died = new Promise<never>((_, reject) => (onDeath = reject));
  died.catch(() => undefined);
  const die = (why: string) => {
    if (ending) return;
    ending = true;
    worker.terminate();
    liveEngines--;
    onDeath(new XrayError('session-failed', `The model's worker stopped (${why}); the next run starts it again.`));
  };
  liveEngines++;
  worker.addEventListener('error', (event) => die(event.message ? `an error in the worker: ${event.message}` : 'its script failed to load or it crashed'));
  worker.addEventListener('messageerror', () => die('a message could not be read'));
  const host = wrap<WorkerHost>(worker);
  const lock = `transformer-xray-engine-${crypto.randomUUID()}`;
  let remote: Remote<Engine>;
  try {
    remote = (await Promise.race([host.start(options, proxy(events), lock), died])) as unknown as Remote<Engine>;
  } catch (error) {
    die('it failed to start');
    throw error;
  }
  // The worker holds the lock until it ends, so this request is granted exactly when it dies.
  void navigator.locks?.request(lock, () => die('it was terminated, crashed or ran out of memory'));
  const api = Object.fromEntries(METHODS.map((name) => [name, (...args: unknown[]) => Promise.race([(remote[name] as (...a: unknown[]) => Promise<unknown>)(...args), died])])) as EngineApi;
  return {
    api,
    where: 'worker',
    died,
    end: async () => {
      if (ending) return;
      await Promise.race([remote.dispose(), died, new Promise((done) => setTimeout(done, 1000))]).catch(() => undefined);
      remote[releaseProxy]();
      ending = true;
      worker.terminate();
      liveEngines--;
    },
    callback: (fn) => proxy(fn),
    kill: () => worker.terminate(),
  };
}
