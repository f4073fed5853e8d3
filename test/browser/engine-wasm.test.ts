import { forwardPassChecks } from './engine-checks.js';

describe('forward pass on WASM (F32 checkpoint with transformer. prefix and extra buffers)', () => forwardPassChecks('wasm', 'tiny'));
describe('forward pass on WASM (F16 checkpoint)', () => forwardPassChecks('wasm', 'tiny-f16'));
