import { expect } from '@open-wc/testing';
import { ModelController } from '../../src/controller.js';
import { fixture } from './support.js';

// onnxruntime's WASM module binds the console when it first starts, so the log is captured before
// any session exists (this file runs in a page of its own). The model runs in the page (worker:
// false), whose console this is.
const lines: string[] = [];
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (line.includes(':onnxruntime:')) lines.push(line);
    else original(...args);
  };
}

describe('WebGPU node placement', () => {
  // onnxruntime puts shape arithmetic (int64 positions, the mask's comparison) on the CPU on purpose;
  // every float op must stay on the GPU.
  const SHAPE_OPS = new Set(['Shape', 'Gather', 'Sub', 'Squeeze', 'Unsqueeze', 'Range', 'Greater', 'Concat', 'Slice']);

  it('runs every float op on the WebGPU provider, as the debug log shows', async () => {
    await new ModelController({ model: fixture('tiny'), device: 'webgpu', debug: true, worker: false }).load();
    const header = lines.findIndex((l) => l.includes('Node(s) placed on [CPUExecutionProvider]'));
    const cpuOps =
      header < 0
        ? []
        : lines
            .slice(header + 1)
            .map((l) => /\]\s+(\w+) \(/.exec(l)?.[1])
            .filter((op): op is string => !!op)
            .slice(0, Number(/Number of nodes: (\d+)/.exec(lines[header])![1]));
    expect(lines.some((l) => l.includes('placed on [WebGpuExecutionProvider]'))).to.be.true;
    expect(
      cpuOps.filter((op) => !SHAPE_OPS.has(op)),
      `CPU ops: ${cpuOps.join(', ')}`,
    ).to.deep.equal([]);
  });
});
