// Decides where each weight's float32 bytes live for the session: F32 tensors stay in place in the
// safetensors bytes; F16/BF16 tensors are converted once into a second buffer.
import type { LocateTensor } from './gpt2-graph.js';
import { tensorAsFloat32, type TensorInfo } from './safetensors.js';
import type { ExternalFile } from './session.js';
import type { Gpt2Weights } from './weights.js';

export const WEIGHTS_FILE = 'model.safetensors';
export const CONVERTED_FILE = 'converted-f32.bin';

/** Every tensor of a GPT-2 weight set, in a fixed order. */
export function allTensors(weights: Gpt2Weights): TensorInfo[] {
  const pairs = [weights.lnF, ...weights.blocks.flatMap((b) => [b.ln1, b.attn, b.attnProj, b.ln2, b.fc, b.mlpProj])];
  return [weights.wte, weights.wpe, ...pairs.flatMap((p) => [p.weight, p.bias])];
}

/** The external files for the session and where each tensor sits in them. */
export function placeWeights(bytes: Uint8Array, weights: Gpt2Weights): { files: ExternalFile[]; locate: LocateTensor } {
  const toConvert = allTensors(weights).filter((t) => t.dtype !== 'F32');
  const offsets = new Map<string, number>();
  let size = 0;
  for (const t of toConvert) {
    offsets.set(t.name, size);
    size += 4 * t.shape.reduce((a, b) => a * b, 1);
  }
  const files: ExternalFile[] = [{ path: WEIGHTS_FILE, data: bytes }];
  if (size > 0) {
    const converted = new Uint8Array(size);
    for (const t of toConvert) {
      const floats = tensorAsFloat32(bytes, t);
      converted.set(new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength), offsets.get(t.name)!);
    }
    files.push({ path: CONVERTED_FILE, data: converted });
  }
  const locate: LocateTensor = (t) => {
    const offset = offsets.get(t.name);
    if (offset === undefined) return { file: WEIGHTS_FILE, offset: t.begin, length: t.end - t.begin };
    return { file: CONVERTED_FILE, offset, length: 4 * t.shape.reduce((a, b) => a * b, 1) };
  };
  return { files, locate };
}
