// The library's core: everything but the elements. Importing it registers nothing.
export { ModelController, DEFAULT_MODEL, type ControllerOptions, type ProbeOptions } from './controller.js';
export type { ProbeJob, ProbeOutcome, ProbeProgress } from './probes/job.js';
export { GraphModelRun, type HookValue, type LazyHook } from './model-run.js';
export { XrayError, type XrayErrorCode } from './errors.js';
export { capabilities, type Capabilities } from './capabilities.js';
export { GraphInput, GraphOutput, buildGpt2Graph } from './gpt2-graph.js';
export { readSafetensorsHeader, tensorAsFloat32, type ByteSource, type SafetensorsTable, type TensorInfo } from './safetensors.js';
export { parseGpt2Config } from './config.js';
export type * from './types.js';
export { configure, type Settings } from './settings.js';
