// Every event a figure fires goes through here: it bubbles and crosses shadow boundaries.
import type { HeadRef } from '../../src/selection.js';

/** Event names and their `detail`, for typed listeners. */
export interface XrayEventMap {
  'run-complete': { tokens: string[] };
  error: { code: string; message: string };
  'head-select': HeadRef;
  'token-hover': { position: number | null; token: string | null };
  'cell-select': { layer: number; head: number; query: number; key: number; value: number } | null;
  'train-progress': { layer: number; of: number };
}

export function emit<K extends keyof XrayEventMap>(target: EventTarget, name: K, detail: XrayEventMap[K]): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
