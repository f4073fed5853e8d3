// The engine worker's script: one model's Engine, reached from the page through Comlink. It holds a
// Web Lock for its whole life, so the page learns at once if it dies (terminated, crashed, out of memory).
import { expose, proxy } from 'comlink';
import { Engine, type EngineEvents, type EngineOptions } from './engine.js';
import { carryXrayErrors, ENGINE_METHODS, transferring, type EngineApi } from './worker-protocol.js';

/** What the page calls first: takes the lock, then makes the engine and hands back a proxy to it. */
export interface WorkerHost {
  start(options: EngineOptions, events: EngineEvents, lock: string): Promise<EngineApi>;
}

const host: WorkerHost = {
  async start(options, events, lock) {
    await holdLock(lock);
    const engine = new Engine(options, events);
    // The engine's methods only, each moving its result's typed arrays to the page instead of copying them.
    const call =
      (name: (typeof ENGINE_METHODS)[number]) =>
      async (...args: unknown[]) =>
        transferring(await (engine[name] as (...a: unknown[]) => unknown)(...args));
    return proxy(Object.fromEntries(ENGINE_METHODS.map((name) => [name, call(name)])) as EngineApi);
  },
};

/** Resolves once this worker holds `name`, which it keeps until it ends. */
function holdLock(name: string): Promise<void> {
  return new Promise((held) => {
    if (!navigator.locks) return held();
    void navigator.locks.request(name, () => {
      held();
      return new Promise<never>(() => undefined);
    });
  });
}

carryXrayErrors();
expose(host);
