// Unit tests of PassQueue: one job at a time, in order; a job every caller left before its turn is
// dropped; a job someone still waits for (or that started) is not; a failed start fails the waiting jobs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XrayError } from '../../src/errors.js';
import { PassQueue } from '../../src/pass-queue.js';

/** A job the test finishes by hand. */
function manual() {
  let finish!: (value: string) => void;
  const done = new Promise<string>((resolve) => (finish = resolve));
  return { done, finish };
}

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (e: unknown) => (e instanceof XrayError ? e.code : String(e)),
  );
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PassQueue', () => {
  it('runs one job at a time, in order', async () => {
    const queue = new PassQueue(async () => 'engine');
    const started: string[] = [];
    const first = manual();
    const a = queue.add(async (engine) => (started.push(`a on ${engine}`), first.done));
    const b = queue.add(async () => (started.push('b'), 'b'));
    await tick();
    assert.deepEqual(started, ['a on engine']);
    first.finish('a');
    assert.deepEqual(await Promise.all([a.join(), b.join()]), ['a', 'b']);
    assert.deepEqual(started, ['a on engine', 'b']);
  });

  it('drops a waiting job once every caller has aborted, and only then', async () => {
    const queue = new PassQueue(async () => undefined);
    const busy = manual();
    queue.add(() => busy.done).join();
    let ran = 0;
    const job = queue.add(async () => ran++);
    const [one, two] = [new AbortController(), new AbortController()];
    const [first, second] = [job.join(one.signal), job.join(two.signal)];
    one.abort();
    assert.equal(await code(first), 'aborted');
    assert.equal(queue.dropped, 0, 'one caller still waits');
    two.abort();
    assert.equal(await code(second), 'aborted');
    assert.equal(queue.dropped, 1);
    assert.equal(await code(job.promise), 'aborted');
    busy.finish('done');
    await tick();
    assert.equal(ran, 0);
  });

  it('never drops a job a caller without a signal waits for, nor one that started', async () => {
    const queue = new PassQueue(async () => undefined);
    const running = manual();
    const started = queue.add(() => running.done);
    const leaving = new AbortController();
    const left = started.join(leaving.signal);
    const pinned = queue.add(async () => 'pinned');
    pinned.join();
    const alsoLeaving = new AbortController();
    const gone = pinned.join(alsoLeaving.signal);
    await tick();
    leaving.abort();
    alsoLeaving.abort();
    assert.equal(await code(left), 'aborted');
    assert.equal(await code(gone), 'aborted');
    running.finish('ran anyway');
    assert.equal(await started.promise, 'ran anyway');
    assert.equal(await pinned.promise, 'pinned');
    assert.equal(queue.dropped, 0);
  });

  it('fails every waiting job when what they start with cannot be had, and tries again for the next', async () => {
    let attempts = 0;
    const queue = new PassQueue(async () => {
      if (++attempts === 1) throw new XrayError('download-failed', 'offline');
      return 'engine';
    });
    const [a, b] = [queue.add(async () => 'a'), queue.add(async () => 'b')];
    assert.equal(await code(a.join()), 'download-failed');
    assert.equal(await code(b.join()), 'download-failed');
    assert.equal(await queue.add(async (engine) => engine).join(), 'engine');
  });
});
