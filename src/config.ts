// Reads a Hugging Face GPT-2 `config.json` into the few numbers the graph needs, or says why it cannot.
import { XrayError } from './errors.js';
import type { ModelConfig } from './types.js';

/** The activations GPT-2 checkpoints use; all mean the tanh approximation of GELU. */
const GPT2_ACTIVATIONS = new Set(['gelu_new', 'gelu_pytorch_tanh', 'gelu_fast']);

/** Parses `config.json`; throws `not-gpt2` for another architecture or a field that is missing. */
export function parseGpt2Config(json: unknown): ModelConfig {
  if (typeof json !== 'object' || json === null) throw new XrayError('not-gpt2', 'config.json is not a JSON object.');
  const c = json as Record<string, unknown>;
  const type = c.model_type;
  if (type !== 'gpt2') {
    throw new XrayError('not-gpt2', `This model is not GPT-2: config.json says model_type "${String(type)}", and only "gpt2" is supported.`);
  }
  const activation = c.activation_function ?? 'gelu_new';
  if (typeof activation !== 'string' || !GPT2_ACTIVATIONS.has(activation)) {
    throw new XrayError('not-gpt2', `Unsupported activation_function "${String(activation)}": expected one of ${[...GPT2_ACTIVATIONS].join(', ')}.`);
  }
  const int = (key: string, fallback?: number): number => {
    const value = c[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new XrayError('not-gpt2', `config.json has no valid "${key}" (found ${JSON.stringify(c[key])}).`);
    }
    return value;
  };
  const config: ModelConfig = {
    nLayer: int('n_layer'),
    nHead: int('n_head'),
    dModel: int('n_embd'),
    nCtx: int('n_positions', c.n_ctx as number | undefined),
    vocabSize: int('vocab_size'),
    layerNormEps: typeof c.layer_norm_epsilon === 'number' ? c.layer_norm_epsilon : 1e-5,
  };
  if (config.dModel % config.nHead !== 0) {
    throw new XrayError('not-gpt2', `n_embd ${config.dModel} is not a multiple of n_head ${config.nHead}.`);
  }
  const inner = c.n_inner;
  if (inner !== undefined && inner !== null && inner !== 4 * config.dModel) {
    throw new XrayError('not-gpt2', `n_inner ${String(inner)} is not supported: GPT-2's MLP is 4 × n_embd.`);
  }
  return Object.freeze(config);
}
