// Checks a downloaded folder as a page's engine will read it, with the library's own readers: config.json
// describes a GPT-2, and model.safetensors holds every tensor its forward pass needs, in the shape
// config.json gives. Only the header is read, never the weights.
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseGpt2Config } from '../src/config.js';
import { XrayError } from '../src/errors.js';
import { readSafetensorsHeader, safetensorsHeaderLength, type SafetensorsTable } from '../src/safetensors.js';
import type { ModelConfig } from '../src/types.js';
import { gpt2Weights } from '../src/weights.js';

/** The folder's config.json, parsed; throws `not-gpt2` for another architecture. */
export async function readConfig(folder: string): Promise<ModelConfig> {
  const text = await readFile(join(folder, 'config.json'), 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new XrayError('download-failed', `config.json in ${folder} is not valid JSON (did the host serve an error page?).`, { cause });
  }
  return parseGpt2Config(json);
}

/** Throws `missing-tensor`, `shape-mismatch`, `unsupported-dtype` or a header error, naming the tensor. */
export async function checkWeights(folder: string, config: ModelConfig): Promise<void> {
  gpt2Weights(await readSafetensorsTable(join(folder, 'model.safetensors')), config);
}

async function readSafetensorsTable(path: string): Promise<SafetensorsTable> {
  const handle = await open(path);
  try {
    const { size } = await handle.stat();
    const read = async (length: number) => {
      const bytes = new Uint8Array(Math.min(length, size));
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
      return bytes.subarray(0, bytesRead);
    };
    return readSafetensorsHeader(await read(8 + safetensorsHeaderLength(await read(8))), size);
  } finally {
    await handle.close();
  }
}
