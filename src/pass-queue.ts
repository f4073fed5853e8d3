// Session work waiting for its turn, one job at a time. A job whose every caller has aborted
// before its turn (a figure whose text changed again) is dropped, so typing runs the latest text,
// not every prefix.
import { XrayError } from './errors.js';

export class PassQueue<R> {
  /** Jobs dropped because nobody waited for them any more. */
  dropped = 0;
  private readonly waiting: QueuedJob<unknown, R>[] = [];
  private running = false;

  /** `ready` gives what jobs start with (the loaded engine); until it resolves, every job can still be dropped. */
  constructor(private readonly ready: () => Promise<R>) {}

  /** Queues `start`; it runs once the jobs before it have settled, unless dropped first. */
  add<T>(start: (ready: R) => Promise<T>): QueuedJob<T, R> {
    const job: QueuedJob<T, R> = new QueuedJob(start, () => this.drop(job as QueuedJob<unknown, R>));
    this.waiting.push(job as QueuedJob<unknown, R>);
    void this.next();
    return job;
  }

  /** Rejects every waiting job with `error` (the engine they were for is gone). */
  clear(error: XrayError): void {
    for (const job of this.waiting.splice(0)) job.fail(error);
  }

  private drop(job: QueuedJob<unknown, R>): void {
    const at = this.waiting.indexOf(job);
    if (at < 0) return;
    this.waiting.splice(at, 1);
    this.dropped++;
    job.fail(new XrayError('aborted', 'The run was aborted before it started.'));
  }

  private async next(): Promise<void> {
    if (this.running || this.waiting.length === 0) return;
    this.running = true;
    let ready: R;
    try {
      ready = await this.ready();
    } catch (error) {
      this.running = false;
      this.clear(error as XrayError);
      return;
    }
    await this.waiting.shift()?.begin(ready);
    this.running = false;
    void this.next();
  }
}

/** One queued job and the callers waiting for it. */
export class QueuedJob<T, R = unknown> {
  readonly promise: Promise<T>;
  /** Fires when the job is dropped or fails before starting. */
  onDropped: (() => void) | undefined;
  private started = false;
  private callers = 0;
  /** A caller without a signal can never leave, so the job is never dropped. */
  private pinned = false;
  private settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };

  constructor(
    private readonly start: (ready: R) => Promise<T>,
    private readonly dropMe: () => void,
  ) {
    this.promise = new Promise<T>((resolve, reject) => (this.settle = { resolve, reject }));
    this.promise.catch(() => undefined);
  }

  /** The job's result for one caller, who stops waiting when `signal` aborts. */
  join(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (!signal) {
      this.pinned = true;
      return this.promise;
    }
    this.callers++;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        reject(abortError());
        if (--this.callers === 0 && !this.pinned && !this.started) this.dropMe();
      };
      signal.addEventListener('abort', leave, { once: true });
      this.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
    });
  }

  begin(ready: R): Promise<unknown> {
    this.started = true;
    const done = this.start(ready);
    done.then(this.settle.resolve, this.settle.reject);
    return done.catch(() => undefined);
  }

  fail(error: unknown): void {
    this.onDropped?.();
    this.settle.reject(error);
  }
}

function abortError(): XrayError {
  return new XrayError('aborted', 'The run was aborted.');
}
