import { expect } from '@open-wc/testing';
import { ModelController } from '../../src/controller.js';
import { forwardPassChecks } from './engine-checks.js';
import { fixture } from './support.js';

describe('forward pass on WebGPU', () => forwardPassChecks('webgpu', 'tiny'));

describe('WebGPU failing during a run', () => {
  it('switches to WASM, says why, and still answers', async () => {
    const controller = new ModelController({ model: fixture('tiny'), device: 'webgpu' });
    await controller.load();
    expect(controller.device).to.equal('webgpu');
    // What a lost device looks like to the controller: the session's run rejects.
    const session = (controller as unknown as { session: { run: () => Promise<never> } }).session;
    session.run = () => Promise.reject(new Error('GPU device lost'));
    const run = await controller.run('The cat sat');
    expect(run.tokens.join('')).to.equal('The cat sat');
    expect(controller.device).to.equal('wasm');
    expect(controller.fallbackReason).to.match(/GPU device lost/);
  });
});
