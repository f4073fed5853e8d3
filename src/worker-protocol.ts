// What both sides of the engine worker agree on: the engine's methods, XrayErrors that cross the
// boundary with their code (Comlink alone would turn them into plain Errors), and results that
// transfer their typed arrays.
import { transfer, transferHandlers, type TransferHandler } from 'comlink';
import type { Engine } from './engine.js';
import { XrayError, type XrayErrorCode } from './errors.js';

/** The engine's methods the page may call. */
export const ENGINE_METHODS = [
  'load',
  'run',
  'ablated',
  'ablationScan',
  'attribution',
  'metric',
  'patchScan',
  'lens',
  'headVectors',
  'hook',
  'release',
  'probe',
  'cancel',
  'dispose',
  'tokenize',
  'generate',
  'lensTargets',
  'nearest',
  'analogy',
  'project',
  'trajectory',
] as const;

/** Those methods, each answering with a promise, wherever the engine runs. */
export type EngineApi = {
  [K in (typeof ENGINE_METHODS)[number]]: Engine[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

type Thrown = { value: unknown };
let installed = false;

/** Makes Comlink carry XrayErrors with their code; both the page and the worker call it before talking. */
export function carryXrayErrors(): void {
  if (installed) return;
  installed = true;
  const thrown = transferHandlers.get('throw') as TransferHandler<Thrown, unknown>;
  transferHandlers.set('throw', {
    canHandle: thrown.canHandle,
    serialize: (wrapped: Thrown) => {
      const { value } = wrapped;
      if (value instanceof XrayError) return [{ xray: { code: value.code, message: value.message } }, []];
      return thrown.serialize(wrapped);
    },
    deserialize: (serialized: unknown) => {
      const xray = (serialized as { xray?: { code: XrayErrorCode; message: string } }).xray;
      if (xray) throw new XrayError(xray.code, xray.message);
      return thrown.deserialize(serialized);
    },
  } as TransferHandler<unknown, unknown>);
}

/** `value` marked so that Comlink moves every typed array's buffer in it instead of copying it. */
export function transferring<T>(value: T): T {
  if (!value || typeof value !== 'object') return value;
  const buffers = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number): void => {
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
    } else if (depth < 3 && v && typeof v === 'object') {
      for (const item of Array.isArray(v) ? v : Object.values(v)) visit(item, depth + 1);
    }
  };
  visit(value, 0);
  return transfer(value, [...buffers]);
}
