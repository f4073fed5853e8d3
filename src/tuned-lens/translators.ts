// The tuned lens's translators (Belrose et al. 2023): one affine map per layer, so that
// logits = W_U · LN_f(h_l + A_l h_l + b_l). Read from the tuned-lens project's own `params.pt`, as
// it is, or from a safetensors file holding the same tensors.
import { XrayError } from '../errors.js';
import { readSafetensorsHeader, tensorAsFloat32 } from '../safetensors.js';
import type { ModelConfig } from '../types.js';
import { isZip, readTorch } from './read-torch.js';

/**
 * One translator per layer l = 0 … layers − 1, for residual(l) (the input of block l, Hugging Face's
 * `hidden_states[l]`). residual(L), the last block's output, has none: the tuned-lens project reads it
 * with the model's own unembedding.
 */
export interface Translators {
  layers: number;
  dModel: number;
  /** `[layers, dModel, dModel]`, each layer out × in, as nn.Linear stores its weight. */
  weight: Float32Array;
  /** `[layers, dModel]`; zeros for a lens trained without bias. */
  bias: Float32Array;
}

/** A tensor the file holds: its dims, and its values when asked (a safetensors file converts only those read). */
type Found = Map<string, { dims: number[]; values: () => Float32Array }>;

/**
 * Reads a tuned lens's translators for a model: the tuned-lens project's `params.pt` (the state dict
 * of its `nn.ModuleList` of `nn.Linear(d, d)`: `0.weight` `[d, d]`, `0.bias` `[d]`, `1.weight`, …)
 * or a `.safetensors` file with the same names, told apart by their first bytes. float32, float16
 * and bfloat16 are read. Throws `XrayError`: `missing-tensor` or `shape-mismatch` (naming the
 * shapes) when the file does not fit `config`, `bad-header` for a file of neither format, and the
 * readers' errors (`truncated-file`, `unsupported-dtype`, …). `fileName` names the file in messages.
 * @example
 * const bytes = await (await fetch('lens/gpt2/params.pt')).arrayBuffer();
 * const translators = readTranslators(bytes, 'params.pt', controller.config);
 */
export function readTranslators(bytes: ArrayBuffer | Uint8Array, fileName: string, config: ModelConfig): Translators {
  const file = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const found = isZip(file) ? fromTorch(file, fileName) : isSafetensors(file) ? fromSafetensors(file) : notATensorFile(file, fileName);
  return pack(found, fileName, config);
}

/**
 * One translator applied: `h + h·Aᵀ + b` for layer `layer`, as the tuned-lens project's
 * `h + translator(h)` with nn.Linear's `x @ weight.T + bias`, summed in float64. `h` is one vector
 * `[dModel]` or `[T, dModel]` rows; the result has the same layout.
 */
export function translate(translators: Translators, layer: number, h: Float32Array): Float32Array {
  const { layers, dModel: d, weight, bias } = translators;
  if (!Number.isInteger(layer) || layer < 0 || layer >= layers) {
    throw new XrayError('out-of-range', `The tuned lens has translators for layers 0 to ${layers - 1}, not ${layer}; layer ${layers}, the last block's output, is read without one.`);
  }
  if (h.length % d !== 0) throw new XrayError('shape-mismatch', `The vectors to translate hold ${h.length} values, not a multiple of d_model ${d}.`);
  const out = new Float32Array(h.length);
  const a = layer * d * d;
  for (let row = 0; row < h.length; row += d) {
    for (let i = 0; i < d; i++) {
      let sum = h[row + i] + bias[layer * d + i];
      for (let j = 0; j < d; j++) sum += weight[a + i * d + j] * h[row + j];
      out[row + i] = sum;
    }
  }
  return out;
}

function fromTorch(file: Uint8Array, fileName: string): Found {
  return new Map(readTorch(file, fileName).map((t) => [t.name, { dims: t.dims, values: () => t.data }]));
}

function fromSafetensors(file: Uint8Array): Found {
  const { tensors } = readSafetensorsHeader(file);
  return new Map([...tensors].map(([name, info]) => [name, { dims: info.shape, values: () => tensorAsFloat32(file, info) }]));
}

/** A safetensors file starts with its header's length (little-endian, under 2^32) and then `{`. */
function isSafetensors(file: Uint8Array): boolean {
  return file.length > 8 && file[4] === 0 && file[5] === 0 && file[6] === 0 && file[7] === 0 && file[8] === 0x7b;
}

function notATensorFile(file: Uint8Array, fileName: string): never {
  // torch.save before 1.6 (or with _use_new_zipfile_serialization=False) wrote bare pickles.
  if (file[0] === 0x80) {
    throw new XrayError('bad-header', `${fileName} is in torch's legacy format (a bare pickle, from torch before 1.6); save it again with a current torch.save, or as safetensors.`);
  }
  throw new XrayError('bad-header', `${fileName} is neither a torch.save file (a zip, starting "PK") nor a safetensors file (its header's length, then "{").`);
}

/** Checks the file against the model and lays the translators out as `Translators`. */
function pack(found: Found, fileName: string, config: ModelConfig): Translators {
  const { nLayer: layers, dModel: d } = config;
  const count = translatorCount(found);
  if (count === 0) {
    const names = [...found.keys()];
    const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', ') || 'no tensors';
    throw new XrayError('missing-tensor', `${fileName} holds no tuned-lens translators (0.weight, 0.bias, 1.weight, …); it has ${shown}.`);
  }
  if (count !== layers) {
    throw new XrayError(
      'shape-mismatch',
      `${fileName} holds ${count} translators (0 to ${count - 1}), but this model has ${layers} layers: a tuned lens has one per layer (none after the last), so it was made for another model.`,
    );
  }
  const hasBias = [...found.keys()].some((name) => /^\d+\.bias$/.test(name));
  const weight = new Float32Array(layers * d * d);
  const bias = new Float32Array(layers * d);
  for (let l = 0; l < layers; l++) {
    weight.set(tensor(found, `${l}.weight`, [d, d], fileName, config), l * d * d);
    if (hasBias) bias.set(tensor(found, `${l}.bias`, [d], fileName, config), l * d);
  }
  return { layers, dModel: d, weight, bias };
}

/** How many translators the names `0.weight` … `{n−1}.weight` make: one past the highest index. */
function translatorCount(found: Found): number {
  let count = 0;
  for (const name of found.keys()) {
    const match = /^(\d+)\.weight$/.exec(name);
    if (match) count = Math.max(count, Number(match[1]) + 1);
  }
  return count;
}

function tensor(found: Found, name: string, dims: number[], fileName: string, config: ModelConfig): Float32Array {
  const entry = found.get(name);
  if (!entry) throw new XrayError('missing-tensor', `${fileName} has no ${name}: a tuned lens for this model has ${name.replace(/^\d+/, '{l}')} for l = 0 to ${config.nLayer - 1}.`);
  if (entry.dims.length !== dims.length || entry.dims.some((n, i) => n !== dims[i])) {
    throw new XrayError(
      'shape-mismatch',
      `${fileName} has ${name} of shape [${entry.dims.join(', ')}], but a tuned lens for this model (d_model ${config.dModel}, ${config.nLayer} layers) needs [${dims.join(', ')}].`,
    );
  }
  return entry.values();
}
