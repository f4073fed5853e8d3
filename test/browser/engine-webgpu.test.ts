import { forwardPassChecks } from './engine-checks.js';

describe('forward pass on WebGPU', () => forwardPassChecks('webgpu', 'tiny'));
