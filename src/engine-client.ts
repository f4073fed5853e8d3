// Starts a model's engine where it should run, a dedicated module worker or (`worker: false`) the
// page, and gives the controller one asynchronous API for both, plus a promise that rejects when
// the engine ends (released, or its worker died), so that no call waits forever.
import { proxy, wrap } from 'comlink';
import type { EngineEvents, EngineOptions } from './engine.js';
import type { WorkerHost } from './engine-worker.js';
import { errorText, XrayError } from './errors.js';
import { carryXrayErrors, ENGINE_METHODS, type EngineApi } from './worker-protocol.js';

export type { EngineApi };

export interface EngineHandle {
  api: EngineApi;
  /** `worker` or `page`: where the model runs. */
  where: 'worker' | 'page';
  /** Why the engine runs in the page although a worker was wanted. */
  fallbackReason?: string;
  /** Rejects when the engine ends: `session-failed` if its worker died, `aborted` once released. */
  ended: Promise<never>;
  /** Ends the engine (and its worker); every call still waiting rejects. */
  end(): Promise<void>;
  /** `fn` made callable from the engine's side (a Comlink proxy for a worker). */
  callback<F extends (...args: never[]) => unknown>(fn: F): F;
  /** For tests: stops the worker abruptly, as a crash would. */
  kill(): void;
}

/** How many engines are alive on this page (tests check that released controllers leave none behind). */
export let liveEngines = 0;
let lockCount = 0;

/** Starts an engine in a worker when `inWorker`; in the page when not, or when no worker can start. */
export async function startEngine(options: EngineOptions, events: EngineEvents, inWorker: boolean): Promise<EngineHandle> {
  if (inWorker) {
    try {
      return await startWorker(options, events);
    } catch (error) {
      return startInPage(
        options,
        events,
        `The model runs in the page, because its worker could not start: ${errorText(error)} (a Content-Security-Policy needs worker-src 'self'; or set worker: false).`,
      );
    }
  }
  return startInPage(options, events);
}

/** The end of an engine, told once: `finish` rejects `ended`, and every call made after it rejects at once. */
function lifetime() {
  let reject!: (error: XrayError) => void;
  const ended = new Promise<never>((_, fail) => (reject = fail));
  ended.catch(() => undefined);
  let over = false;
  return {
    ended,
    get over() {
      return over;
    },
    finish(error: XrayError): boolean {
      if (over) return false;
      over = true;
      liveEngines--;
      reject(error);
      return true;
    },
    /** Each method answers, or rejects when the engine ends first. */
    guard(call: (name: (typeof ENGINE_METHODS)[number], args: unknown[]) => Promise<unknown>): EngineApi {
      const guarded =
        (name: (typeof ENGINE_METHODS)[number]) =>
        (...args: unknown[]) =>
          over ? ended : Promise.race([Promise.resolve().then(() => call(name, args)), ended]);
      return Object.fromEntries(ENGINE_METHODS.map((name) => [name, guarded(name)])) as EngineApi;
    },
  };
}

const released = () => new XrayError('released', 'The model was released.');

async function startInPage(options: EngineOptions, events: EngineEvents, fallbackReason?: string): Promise<EngineHandle> {
  // Loaded only here, so a page whose models run in workers never parses onnxruntime itself (where its bundler splits code).
  const { Engine } = await import('./engine.js');
  const engine = new Engine(options, events);
  liveEngines++;
  const life = lifetime();
  return {
    api: life.guard((name, args) => (engine[name] as (...a: unknown[]) => Promise<unknown>)(...args)),
    where: 'page',
    fallbackReason,
    ended: life.ended,
    end: async () => {
      if (life.finish(released())) await engine.dispose();
    },
    callback: (fn) => fn,
    kill: () => undefined,
  };
}

async function startWorker(options: EngineOptions, events: EngineEvents): Promise<EngineHandle> {
  carryXrayErrors();
  const { workerUrl } = options.settings;
  const { worker, started } = createWorker(workerUrl);
  liveEngines++;
  const life = lifetime();
  let death: string | undefined;
  const stop = (error: XrayError) => {
    worker.terminate();
    return life.finish(error);
  };
  const die = (why: string) => stop(new XrayError('session-failed', `The model's worker stopped (${(death ??= why)}); the next run starts it again.`));
  worker.addEventListener('error', (event) => die(event.message ? `an error in the worker: ${event.message}` : `its script did not load from ${workerUrl ?? 'beside the library'}, or it crashed`));
  worker.addEventListener('messageerror', () => die('a message could not be read'));
  // Not crypto.randomUUID: it is missing outside secure contexts.
  const lock = `transformer-xray-engine-${++lockCount}-${Math.random().toString(36).slice(2)}`;
  // A CSP that blocks the worker only fires an error event at it; the page's violation report says why.
  let blocked: string | undefined;
  const onViolation = (event: SecurityPolicyViolationEvent) => /^(worker|script)-src/.test(event.effectiveDirective) && (blocked ??= event.effectiveDirective);
  globalThis.addEventListener?.('securitypolicyviolation', onViolation);
  let remote: EngineApi;
  try {
    remote = (await Promise.race([wrap<WorkerHost>(worker).start(options, proxy(events), lock), life.ended])) as EngineApi;
  } catch (error) {
    stop(new XrayError('session-failed', 'The worker did not start.'));
    throw new Error(blocked ? `the page's Content Security Policy blocked it (${blocked})` : (death ?? errorText(error)), { cause: error });
  } finally {
    started();
    globalThis.removeEventListener?.('securitypolicyviolation', onViolation);
  }
  // The worker holds the lock until it ends, so this request is granted exactly when it dies.
  // Where the Web Locks API is missing (insecure contexts), only the worker's error event tells.
  void navigator.locks?.request(lock, () => void die('it was terminated, crashed or ran out of memory'));
  return {
    api: life.guard((name, args) => (remote[name] as (...a: unknown[]) => Promise<unknown>)(...args)),
    where: 'worker',
    ended: life.ended,
    end: async () => {
      if (life.over) return;
      // The engine frees its GPU buffers itself; a worker that does not answer within a second is stopped anyway.
      await Promise.race([remote.dispose(), life.ended, new Promise((done) => setTimeout(done, 1000))]).catch(() => undefined);
      stop(released());
    },
    callback: (fn) => proxy(fn),
    kill: () => worker.terminate(),
  };
}

/**
 * The engine's worker, and what to call once it has started. The literal `new Worker(new URL(…,
 * import.meta.url))` is what Vite, webpack and Rollup follow to ship it. A script on another origin
 * (the bundle from a CDN) cannot be a worker itself, so a same-origin `blob:` module imports it.
 */
function createWorker(url: string | undefined): { worker: Worker; started: () => void } {
  const options: WorkerOptions = { type: 'module', name: 'transformer-xray' };
  const none = () => undefined;
  if (!url) return { worker: new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module', name: 'transformer-xray' }), started: none };
  if (new URL(url).origin === location.origin) return { worker: new Worker(url, options), started: none };
  const shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' }));
  try {
    return { worker: new Worker(shim, options), started: () => URL.revokeObjectURL(shim) };
  } catch (error) {
    URL.revokeObjectURL(shim);
    throw error;
  }
}
