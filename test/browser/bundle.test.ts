// The built bundle (npm run build) on its own: loaded as a plain module from /dist/, it finds its
// engine worker and onnxruntime's runtime files beside itself with no configuration, and runs a model.
import { expect } from '@open-wc/testing';
import { fixture } from './support.js';

describe('dist/transformer-xray.bundle.js', () => {
  it('runs a model on WASM with its runtime files from its own folder', async () => {
    const bundle = await import(/* @vite-ignore */ new URL('/dist/transformer-xray.bundle.js', location.href).href);
    const fetched: string[] = [];
    new PerformanceObserver((list) => fetched.push(...list.getEntries().map((e) => e.name))).observe({ type: 'resource', buffered: true });
    // In the page, whose requests this page sees; the worker's are its own.
    const controller = new bundle.ModelController({ model: fixture('tiny-bf16'), device: 'wasm', worker: false });
    const run = await controller.run('Hello from the bundle');
    expect(run.tokens.join('')).to.equal('Hello from the bundle');
    expect(customElements.get('xray-model')).to.equal(bundle.XrayModel);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const runtime = fetched.filter((url) => /ort-wasm/.test(url));
    expect(runtime.length, fetched.join('\n')).to.be.greaterThan(0);
    expect(runtime.every((url) => new URL(url).pathname.startsWith('/dist/'))).to.be.true;
    // WASM runs on the WASM-only build; the WebGPU build's larger asyncify pair is never fetched.
    expect(runtime.map((url) => new URL(url).pathname).sort()).to.deep.equal(['/dist/ort-wasm-simd-threaded.mjs', '/dist/ort-wasm-simd-threaded.wasm']);
  });

  it('runs the model in its worker, dist/transformer-xray.worker.js', async () => {
    const bundle = await import(/* @vite-ignore */ new URL('/dist/transformer-xray.bundle.js', location.href).href);
    const controller = new bundle.ModelController({ model: fixture('tiny-bf16'), device: 'wasm' });
    const run = await controller.run('Hello from the worker');
    expect(run.tokens.join('')).to.equal('Hello from the worker');
    expect(controller.where, controller.fallbackReason).to.equal('worker');
    const worker = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
    expect(worker).to.include('/dist/transformer-xray.worker.js');
    controller.dispose();
  });
});
