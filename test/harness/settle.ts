// How every harness waits for its figure: until no loading or progress part shows, re-rendered.
import type { LitElement } from 'lit';

/** Waits until `element`'s shadow root holds nothing that matches `busy`. */
export async function settle(element: LitElement, busy: string, timeout = 60_000): Promise<void> {
  await element.updateComplete;
  const start = performance.now();
  while (element.shadowRoot!.querySelector(busy)) {
    if (performance.now() - start > timeout) throw new Error(`<${element.localName}> is still busy after ${timeout / 1000} s.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await element.updateComplete;
  }
}
