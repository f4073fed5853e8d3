// A page whose Content-Security-Policy forbids workers (this file runs in a page of its own): the
// model runs in the page instead, and the controller says why.
import { expect } from '@open-wc/testing';
import { ModelController } from '../../src/controller.js';
import { fixture } from './support.js';

const policy = document.createElement('meta');
policy.httpEquiv = 'Content-Security-Policy';
policy.content = "worker-src 'none'";
document.head.append(policy);

describe('a CSP without worker-src', () => {
  it('runs the model in the page and says why', async () => {
    const controller = new ModelController({ model: fixture('tiny'), device: 'wasm' });
    const run = await controller.run('Still works without a worker');
    expect(run.tokens.join('')).to.equal('Still works without a worker');
    expect(controller.where).to.equal('page');
    expect(controller.fallbackReason).to.match(/worker could not start: .*Content Security Policy.*worker-src 'self'/);
  });
});
