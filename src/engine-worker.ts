// The engine worker's script: one model's Engine, reached from the page through Comlink. It holds a
// Web Lock for its whole life, so the page learns at once if it dies (terminated, crashed, out of memory).
import { expose, proxy } from 'comlink';
import { Engine, type EngineEvents, type EngineOptions } from './engine.js';
import { carryXrayErrors, transferring } from './worker-protocol.js';

/** What the page calls first: takes the lock, then makes the engine and hands back a proxy to it. */
export interface WorkerHost {
  start(options: EngineOptions, events: EngineEvents, lock: string): Promise<Engine>;
}

const host: WorkerHost = {
  async start(options, events, lock) {
    await holdLock(lock);
    const engine = new Engine(options, events);
    // Every result's typed arrays move to the page instead of being copied.
    const moving = new Proxy(engine, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? async (...args: unknown[]) => transferring(await value.apply(target, args)) : value;
      },
    });
    return proxy(moving);
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
