// Decides where each weight's float32 bytes live for the session: F32 tensors stay in place in the
// safetensors bytes; F16/BF16 tensors are converted once, each into a buffer of its own.
import type { LocateTensor } from './gpt2-graph.js';
import { tensorAsFloat32, type ByteSource, type TensorInfo } from './safetensors.js';
import type { ExternalFile } from './session.js';
import { SplitFile } from './split-file.js';
import type { Gpt2Weights } from './weights.js';

export const WEIGHTS_FILE = 'model.safetensors';
export const CONVERTED_FILE = 'converted-f32.bin';

/** Every tensor of a GPT-2 weight set, in a fixed order. */
export function allTensors(weights: Gpt2Weights): TensorInfo[] {
  const pairs = [weights.lnF, ...weights.blocks.flatMap((b) => [b.ln1, b.attn, b.attnProj, b.ln2, b.fc, b.mlpProj])];
  return [weights.wte, weights.wpe, ...pairs.flatMap((p) => [p.weight, p.bias])];
}

/**
 * The external files for one graph and where each tensor sits in them. `locate` also counts, in
 * each file's `reads`, the initializers that point at each offset.
 */
export function placeWeights(bytes: ByteSource, weights: Gpt2Weights): { files: ExternalFile[]; locate: LocateTensor } {
  const toConvert = allTensors(weights).filter((t) => t.dtype !== 'F32');
  const converted = new Map<string, { begin: number; bytes: Uint8Array }>();
  let size = 0;
  for (const t of toConvert) {
    const floats = tensorAsFloat32(bytes, t);
    converted.set(t.name, { begin: size, bytes: new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength) });
    size += floats.byteLength;
  }
  const original: ExternalFile = { path: WEIGHTS_FILE, data: bytes, reads: new Map() };
  const files = [original];
  const convertedFile: ExternalFile = { path: CONVERTED_FILE, data: new SplitFile(size, [...converted.values()], true), reads: new Map() };
  if (size > 0) files.push(convertedFile);
  const locate: LocateTensor = (t) => {
    const part = converted.get(t.name);
    const [file, offset, length] = part ? [convertedFile, part.begin, part.bytes.length] : [original, t.begin, t.end - t.begin];
    file.reads.set(offset, (file.reads.get(offset) ?? 0) + 1);
    return { file: file.path, offset, length };
  };
  return { files, locate };
}
