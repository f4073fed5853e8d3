// Runs generator-shaped work in short slices with a macrotask between them, so a page keeps
// painting, scrolling and answering input while probes train on the main thread.
import { XrayError } from '../errors.js';

export interface SliceOptions<P> {
  signal?: AbortSignal;
  /** How long one slice may run before the page gets the thread back. */
  sliceMs?: number;
  /** Called with the latest yielded value after every slice. */
  onSlice?: (progress: P) => void;
}

/** Drives `work` to the end, ~`sliceMs` at a time; rejects with `aborted` when `signal` fires. */
export async function runSliced<P, R>(work: Generator<P, R>, { signal, sliceMs = 8, onSlice }: SliceOptions<P> = {}): Promise<R> {
  for (;;) {
    if (signal?.aborted) throw new XrayError('aborted', 'Training stopped because the figure changed.');
    const start = performance.now();
    let step = work.next();
    while (!step.done && performance.now() - start < sliceMs) step = work.next();
    if (step.done) return step.value;
    onSlice?.(step.value);
    await nextMacrotask();
  }
}

/**
 * A fresh macrotask. Not setTimeout (clamped to 4 ms once nested), nor scheduler.yield, whose
 * continuations run ahead of the page's own timers and could starve them.
 */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
