// A browser without WebGPU: asking for it falls back to WASM and says why. This file runs in a page
// of its own, so hiding navigator.gpu affects nothing else; its models run in the page (worker:
// false), where navigator.gpu is hidden: the engine's fallback is the same code in a worker.
import { expect } from '@open-wc/testing';
import { ModelController } from '../../src/controller.js';
import { fixture } from './support.js';

Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });

describe('without WebGPU', () => {
  it('falls back to WASM, records the reason and fires fallback', async () => {
    const controller = new ModelController({ model: fixture('tiny'), device: 'webgpu', worker: false });
    let reason = '';
    controller.addEventListener('fallback', (e) => (reason = (e as CustomEvent<{ reason: string }>).detail.reason));
    await controller.load();
    expect(controller.device).to.equal('wasm');
    expect(reason).to.match(/WebGPU/);
    expect(controller.fallbackReason).to.equal(reason);
    expect((await controller.run('still works')).tokens.join('')).to.equal('still works');
  });

  it('picks WASM silently for device auto', async () => {
    const controller = new ModelController({ model: fixture('tiny'), device: 'auto', worker: false });
    await controller.load();
    expect(controller.device).to.equal('wasm');
    expect(controller.fallbackReason).to.be.undefined;
  });
});
