// The library's core: everything but the elements. Importing it registers nothing. Every public
// type is exported from here (and again from the package root).
export { ModelController, DEFAULT_MODEL, DEFAULT_TOP_K, type ControllerOptions, type PatchOptions, type ProbeOptions } from './controller.js';
export { ModelRun, type AblationScanOptions } from './model-run.js';
export type { Attribution, PatchRequest, PatchResult } from './engine.js';
export { Tokenization } from './tokenization.js';
export { PATCH_HOOKS, type PatchHook } from './gpt2-graph.js';
export type * from './types.js';
export { XrayError, type XrayErrorCode } from './errors.js';
export { configure, type Settings } from './settings.js';
export { capabilities, type Capabilities } from './capabilities.js';

// Data mode: the shapes a page sets on an element instead of running a model.
export { attentionSource, logitLensSource, type AttentionData, type AttentionSource, type LogitLensData } from './data.js';
export { parseProbeResults, type ProbeLayerResult, type ProbeResults, type ProbeResultsData } from './probes/results.js';
export { SelectionHub, type HeadRef, type SelectionState } from './selection.js';

// Analyses, usable without an element: score and rank heads, read a logit lens, train probes.
export {
  HEAD_SCORES,
  bosScore,
  duplicateTokenScore,
  findTokenPosition,
  inductionScore,
  previousTokenScore,
  rankHeads,
  tokenToTokenScores,
  topKeys,
  type HeadScoreKind,
  type RankedHead,
} from './analysis/head-scores.js';
export { firstTop1Layers, matchesTarget, targetHits, type TargetHit } from './analysis/logit-lens.js';
export type { ProbeJob, ProbeOutcome, ProbeProgress } from './probes/job.js';
export { principalComponents } from './analysis/pca.js';
export { residualPaths, residualStats, type ResidualPaths, type ResidualStats } from './analysis/residual-stats.js';
// Next-token sampling as generation applies it, for figures that reshape a distribution themselves.
export { drawToken, samplingDistribution, type SamplingOptions } from './sampling.js';
export { seededRandom, type Random } from './random.js';

// The model's graph and weights, for those who build on the engine itself.
export { GraphInput, GraphOutput, buildGpt2Graph } from './gpt2-graph.js';
export { readSafetensorsHeader, tensorAsFloat32, type ByteSource, type SafetensorsTable, type TensorInfo } from './safetensors.js';
export { parseGpt2Config } from './config.js';
// The tuned lens's translators, read from a torch.save or safetensors file as the tuned-lens project ships them.
export { readTranslators, translate, type Translators } from './tuned-lens/translators.js';
export { pretrainedLensUrl } from './model-files.js';
export { readTorch, type TorchTensor } from './tuned-lens/read-torch.js';
