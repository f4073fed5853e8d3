// The controller's contract: progress, caching, shared and aborted runs, truncation, and every bad
// input getting its own error.
import { expect } from '@open-wc/testing';
import { ModelController } from '../../src/controller.js';
import { ModelRun } from '../../src/model-run.js';
import { XrayError, type XrayErrorCode } from '../../src/errors.js';
import { CACHE_NAME } from '../../src/model-files.js';
import type { ProgressDetail } from '../../src/types.js';
import { fixture } from './support.js';

const TEXT = 'The cat sat on the mat because it was tired';
const wasm = (name: string) => new ModelController({ model: fixture(name), device: 'wasm' });
/** In the page: the tests that stub the page's fetch or Cache API need the downloads to happen here. */
const inPage = (name: string) => new ModelController({ model: fixture(name), device: 'wasm', worker: false });

async function expectError(promise: Promise<unknown>, code: XrayErrorCode, pattern?: RegExp): Promise<XrayError> {
  try {
    await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(XrayError);
    expect((error as XrayError).code, (error as XrayError).message).to.equal(code);
    if (pattern) expect((error as XrayError).message).to.match(pattern);
    return error as XrayError;
  }
  throw new Error(`expected an XrayError "${code}", but it succeeded`);
}

/** Counts the fetches the page makes while `body` runs. */
async function countFetches(body: () => Promise<void>): Promise<string[]> {
  const urls: string[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return original(input, init);
  };
  try {
    await body();
  } finally {
    globalThis.fetch = original;
  }
  return urls;
}

describe('ModelController', () => {
  it('shares one controller per model and device', () => {
    expect(ModelController.shared({ model: fixture('tiny') })).to.equal(ModelController.shared({ model: fixture('tiny'), device: 'auto' }));
    expect(ModelController.shared({ model: fixture('tiny'), device: 'wasm' })).not.to.equal(ModelController.shared({ model: fixture('tiny') }));
  });

  it('reports download progress, then loads a second time from the Cache API without any request', async () => {
    await caches.delete(CACHE_NAME);
    const first = inPage('tiny');
    const events: ProgressDetail[] = [];
    first.addEventListener('progress', (e) => events.push((e as CustomEvent<ProgressDetail>).detail));
    const firstFetches = await countFetches(() => first.load());
    expect(firstFetches.some((u) => u.endsWith('model.safetensors'))).to.be.true;
    const weights = events.filter((e) => e.file === 'model.safetensors');
    expect(weights.length).to.be.greaterThan(1);
    const last = weights[weights.length - 1];
    expect(last.total).to.be.greaterThan(1_000_000);
    expect(last.loaded).to.equal(last.total);
    expect(weights.every((e, i) => i === 0 || e.loaded >= weights[i - 1].loaded)).to.be.true;
    expect(first.status).to.equal('ready');

    const second = inPage('tiny');
    const secondFetches = await countFetches(() => second.load());
    expect(
      secondFetches.filter((u) => u.includes('/fixtures/')),
      secondFetches.join(', '),
    ).to.deep.equal([]);
    expect((await second.run(TEXT)).tokens).to.deep.equal((await first.run(TEXT)).tokens);
  });

  it('loads when the Cache API refuses the weights (full disk), at the cost of a second download', async () => {
    await caches.delete(CACHE_NAME);
    const put = Cache.prototype.put;
    Cache.prototype.put = async function (request: RequestInfo | URL, response: Response) {
      if (!String(request).endsWith('model.safetensors')) return put.call(this, request, response);
      await response.body?.cancel();
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      const controller = inPage('tiny');
      const fetches = await countFetches(() => controller.load());
      expect(fetches.filter((u) => u.endsWith('model.safetensors'))).to.have.length(2);
      expect((await controller.run(TEXT)).tokens.join('')).to.equal(TEXT);
    } finally {
      Cache.prototype.put = put;
    }
  });

  it('runs four concurrent identical requests as one forward pass, and memoises', async () => {
    const controller = wasm('tiny');
    await controller.load();
    const before = controller.sessionRuns;
    const runs = await Promise.all([1, 2, 3, 4].map(() => controller.run(TEXT)));
    expect(controller.sessionRuns - before).to.equal(1);
    expect(new Set(runs).size).to.equal(1);
    await controller.run(TEXT);
    expect(controller.sessionRuns - before).to.equal(1);
    await controller.run(TEXT, { prependBos: true });
    expect(controller.sessionRuns - before).to.equal(2);
  });

  it('puts <|endoftext|> first with prependBos', async () => {
    const controller = wasm('tiny');
    const run = await controller.run('Hello', { prependBos: true });
    expect(run.ids[0]).to.equal(50256);
    expect(run.tokens[0]).to.equal('<|endoftext|>');
  });

  it('aborts a caller without cancelling the shared pass for the others', async () => {
    const controller = wasm('tiny');
    await controller.load();
    const aborted = new AbortController();
    aborted.abort();
    await expectError(controller.run(TEXT, { signal: aborted.signal }), 'aborted');
    const later = new AbortController();
    const cancelled = controller.run('An aborted text', { signal: later.signal });
    const kept = controller.run('An aborted text');
    later.abort();
    await expectError(cancelled, 'aborted');
    expect((await kept).tokens.join('')).to.equal('An aborted text');
  });

  it('keeps 50 next tokens by default and as many as topK asks, saying so when a figure asks for more', async () => {
    const controller = wasm('tiny');
    const run = await controller.run(TEXT);
    expect(run).to.be.instanceOf(ModelRun);
    expect(run.nextToken(50)).to.have.length(50);
    expect(() => run.nextToken(51)).to.throw(XrayError, /pass \{ topK: 51 \} to run\(\)/);
    const wider = await controller.run(TEXT, { topK: 200 });
    expect(wider).not.to.equal(run);
    expect(wider.nextToken(200).slice(0, 50)).to.deep.equal(run.nextToken(50));
    await expectError(controller.run(TEXT, { topK: 0 }), 'bad-option', /topK/);
  });

  it('has read-only status, device, config, error and fallbackReason', async () => {
    const controller = wasm('tiny');
    await controller.load();
    for (const name of ['status', 'device', 'config', 'error', 'fallbackReason', 'where'] as const) {
      expect(() => Object.assign(controller, { [name]: 'changed' }), name).to.throw(TypeError);
    }
    expect(controller.status).to.equal('ready');
  });

  it('cuts text longer than the context to n_positions tokens and says so', async () => {
    const controller = wasm('tiny-bf16'); // n_positions = 32
    const run = await controller.run('word '.repeat(100));
    expect(run.ids).to.have.length(32);
    expect(run.truncated).to.be.true;
    expect((await controller.run('short text')).truncated).to.be.false;
  });

  it('reads the logit lens in several passes when one would hold too much, with the same result', async () => {
    const whole = await (await wasm('tiny').run(TEXT)).logitLens(3);
    const controller = wasm('tiny');
    const run = await controller.run(TEXT);
    const budget = ModelRun.lensPassBytes;
    ModelRun.lensPassBytes = 4 * 50257 * 3 * 4; // four positions of the three residual layers per pass
    try {
      const before = controller.sessionRuns;
      expect(await run.logitLens(3)).to.deep.equal(whole);
      expect(controller.sessionRuns - before).to.equal(Math.ceil(run.ids.length / 4));
    } finally {
      ModelRun.lensPassBytes = budget;
    }
  });

  it('tries a failed load again on the next call', async () => {
    await caches.delete(CACHE_NAME);
    const controller = inPage('tiny-bf16');
    const original = globalThis.fetch;
    globalThis.fetch = () => Promise.reject(new TypeError('offline'));
    try {
      await expectError(controller.load(), 'download-failed');
    } finally {
      globalThis.fetch = original;
    }
    await controller.load();
    expect(controller.status).to.equal('ready');
    expect(controller.error).to.be.undefined;
  });

  describe('errors', () => {
    it('empty text', () => expectError(wasm('tiny').run(''), 'empty-text'));
    it('layer and head out of range', async () => {
      const run = await wasm('tiny').run(TEXT);
      expect(() => run.attention(2, 0)).to.throw(XrayError, /layer 2 is out of range.*0 to 1/);
      expect(() => run.attention(0, 4)).to.throw(XrayError, /head 4 is out of range/);
      expect(() => run.residual(3)).to.throw(XrayError, /layer 3/);
    });
    it('an unknown model folder, named by its config.json', () => expectError(wasm('does-not-exist').load(), 'unknown-model', /does-not-exist.*config\.json was not found/));
    it('a Hub id that is not well formed', () => expectError(new ModelController({ model: 'not a repo id!' }).load(), 'bad-option'));
    it('an unknown device', () => expectError(new ModelController({ model: fixture('tiny'), device: 'cuda' as never }).load(), 'bad-option', /auto, webgpu, wasm/));
    it('a folder without model.safetensors', () => expectError(wasm('broken-no-weights').load(), 'no-safetensors', /model\.safetensors/));
    it('a config that is not GPT-2', () => expectError(wasm('broken-not-gpt2').load(), 'not-gpt2', /llama/));
    it('a tensor whose shape disagrees with config.json', () => expectError(wasm('broken-shape').load(), 'shape-mismatch', /wpe/));
    it('a download cut short', async () => {
      await caches.delete(CACHE_NAME);
      await expectError(new ModelController({ model: '/faulty/cut-short/tiny-bf16/', device: 'wasm' }).load(), 'download-failed', /cut short/);
    });
    it('a safetensors file that ends early', async () => {
      await caches.delete(CACHE_NAME);
      await expectError(new ModelController({ model: '/faulty/truncated/tiny-bf16/', device: 'wasm' }).load(), 'truncated-file');
    });
    it('keeps the error on the controller and in its status', async () => {
      const controller = wasm('broken-not-gpt2');
      await controller.load().catch(() => undefined);
      expect(controller.status).to.equal('error');
      expect(controller.error?.code).to.equal('not-gpt2');
      await expectError(controller.run(TEXT), 'not-gpt2');
    });
  });
});
