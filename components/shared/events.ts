// Every event a figure fires goes through here: it bubbles and crosses shadow boundaries, except
// `error`, which stays on the element like a native <img>'s, so it never reaches window.onerror.
import type { HeadRef } from '../../src/selection.js';

/** Event names and their `detail`, for typed listeners. */
export interface XrayEventMap {
  'run-complete': { tokens: string[] };
  error: { code: string; message: string };
  'head-select': HeadRef | null;
  'token-hover': { position: number | null; token: string | null };
  'cell-select': { layer: number; head: number; query: number; key: number; value: number } | null;
  'train-progress': { layer: number; of: number };
}

export function emit<K extends keyof XrayEventMap>(target: EventTarget, name: K, detail: XrayEventMap[K]): void {
  const travels = name !== 'error';
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: travels, composed: travels }));
}
