// Every event a figure fires goes through here: it bubbles and crosses shadow boundaries, except
// `error`, which stays on the element like a native <img>'s, so it never reaches window.onerror.
import type { XrayEventMap } from '../../src/types.js';

export type { XrayEventMap };

export function emit<K extends keyof XrayEventMap>(target: EventTarget, name: K, detail: XrayEventMap[K]): void {
  const travels = name !== 'error';
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: travels, composed: travels }));
}
