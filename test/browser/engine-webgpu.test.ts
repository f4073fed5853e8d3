import { expect } from '@open-wc/testing';
import { Engine } from '../../src/engine.js';
import { currentSettings } from '../../src/settings.js';
import { forwardPassChecks } from './engine-checks.js';
import { fixture } from './support.js';

describe('forward pass on WebGPU, in the worker', () => forwardPassChecks('webgpu', 'tiny'));
describe('forward pass on WebGPU, in the page (worker: false)', () => forwardPassChecks('webgpu', 'tiny', { worker: false }));

describe('WebGPU failing during a run', () => {
  it('switches to WASM, says why, and still answers', async () => {
    const reasons: string[] = [];
    const engine = new Engine(
      { model: fixture('tiny'), baseUrl: new URL(fixture('tiny'), location.href).href, device: 'webgpu', debug: false, settings: currentSettings() },
      { progress: () => undefined, fallback: (reason) => reasons.push(reason) },
    );
    expect((await engine.load()).device).to.equal('webgpu');
    // What a lost device looks like to the engine: the session's run rejects.
    const session = (engine as unknown as { session: { run: () => Promise<never> } }).session;
    session.run = () => Promise.reject(new Error('GPU device lost'));
    const [run] = await engine.run(['The cat sat'], { prependBos: false, topK: 5 });
    expect(run.tokens.join('')).to.equal('The cat sat');
    expect(run.device).to.equal('wasm');
    expect(reasons).to.have.length(1);
    expect(reasons[0]).to.match(/GPU device lost/);
    await engine.dispose();
  });
});
