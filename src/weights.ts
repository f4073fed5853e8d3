// Finds GPT-2's parameters in a safetensors table and checks each one against config.json.
import { XrayError } from './errors.js';
import type { SafetensorsTable, TensorInfo } from './safetensors.js';
import type { ModelConfig } from './types.js';

/** A weight and its bias. */
export interface Affine {
  weight: TensorInfo;
  bias: TensorInfo;
}

/** One transformer block. Conv1D weights are stored `[in, out]`. */
export interface BlockWeights {
  ln1: Affine;
  /** `attn.c_attn`: `[D, 3D]`, `[3D]`; q, k, v packed along the output dimension. */
  attn: Affine;
  /** `attn.c_proj`: `[D, D]`, `[D]`. */
  attnProj: Affine;
  ln2: Affine;
  /** `mlp.c_fc`: `[D, 4D]`, `[4D]`. */
  fc: Affine;
  /** `mlp.c_proj`: `[4D, D]`, `[D]`. */
  mlpProj: Affine;
}

/** Every tensor GPT-2's forward pass reads; `lm_head` is tied to `wte`. */
export interface Gpt2Weights {
  /** Token embedding `[vocabSize, D]`, also the unembedding. */
  wte: TensorInfo;
  /** Position embedding `[nCtx, D]`. */
  wpe: TensorInfo;
  lnF: Affine;
  blocks: BlockWeights[];
}

/** The dtypes `tensorAsFloat32` can read. */
const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);

/** One expected dimension and the config.json expression it comes from, for error messages. */
interface Dim {
  size: number;
  from: string;
}

/**
 * Maps a safetensors table onto GPT-2's parameters. Names may or may not carry the `transformer.`
 * prefix; extra tensors (`attn.bias`, `attn.masked_bias`, `lm_head.weight`) are ignored.
 * Throws `missing-tensor`, `shape-mismatch` or `unsupported-dtype`.
 * @param fileName names the file in error messages.
 */
export function gpt2Weights(table: SafetensorsTable, config: ModelConfig, fileName = 'model.safetensors'): Gpt2Weights {
  const D: Dim = { size: config.dModel, from: 'n_embd' };
  const D3: Dim = { size: 3 * config.dModel, from: '3 × n_embd' };
  const D4: Dim = { size: 4 * config.dModel, from: '4 × n_embd' };
  const get = (name: string, dims: Dim[]) => tensor(table, fileName, name, dims);
  const affine = (prefix: string, inDim: Dim, outDim: Dim): Affine => ({
    weight: get(`${prefix}.weight`, [inDim, outDim]),
    bias: get(`${prefix}.bias`, [outDim]),
  });
  const norm = (prefix: string): Affine => ({ weight: get(`${prefix}.weight`, [D]), bias: get(`${prefix}.bias`, [D]) });

  const blocks: BlockWeights[] = [];
  for (let l = 0; l < config.nLayer; l++) {
    const h = `h.${l}`;
    blocks.push({
      ln1: norm(`${h}.ln_1`),
      attn: affine(`${h}.attn.c_attn`, D, D3),
      attnProj: affine(`${h}.attn.c_proj`, D, D),
      ln2: norm(`${h}.ln_2`),
      fc: affine(`${h}.mlp.c_fc`, D, D4),
      mlpProj: affine(`${h}.mlp.c_proj`, D4, D),
    });
  }
  return {
    wte: get('wte.weight', [{ size: config.vocabSize, from: 'vocab_size' }, D]),
    wpe: get('wpe.weight', [{ size: config.nCtx, from: 'n_positions' }, D]),
    lnF: norm('ln_f'),
    blocks,
  };
}

/** Looks a tensor up under its bare name or with the `transformer.` prefix, and checks dtype and shape. */
function tensor(table: SafetensorsTable, fileName: string, name: string, dims: Dim[]): TensorInfo {
  const prefixed = `transformer.${name}`;
  const info = table.tensors.get(prefixed) ?? table.tensors.get(name);
  if (!info) {
    throw new XrayError('missing-tensor', `${fileName} has no tensor "${name}" (nor "${prefixed}"), which GPT-2 needs.`);
  }
  if (!FLOAT_DTYPES.has(info.dtype)) {
    throw new XrayError('unsupported-dtype', `Tensor "${info.name}" in ${fileName} has dtype ${info.dtype}; only F32, F16 and BF16 can be read.`);
  }
  const sameRank = info.shape.length === dims.length;
  const wrong = sameRank ? dims.findIndex((d, i) => d.size !== info.shape[i]) : 0;
  if (wrong !== -1) {
    const expected = `[${dims.map((d) => d.from).join(', ')}] = [${dims.map((d) => d.size).join(', ')}]`;
    const field = sameRank ? ` (${dims[wrong].from} = ${dims[wrong].size})` : '';
    throw new XrayError('shape-mismatch', `Tensor "${info.name}" in ${fileName} has shape [${info.shape.join(', ')}], but config.json expects ${expected}${field}.`);
  }
  return info;
}
