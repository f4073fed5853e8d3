// `transformer-xray download`: puts a Hub model's files in a folder a site serves itself, and checks
// that they load before saying so.
import { join } from 'node:path';
import { XrayError } from '../src/errors.js';
import { MODEL_FILES } from '../src/model-files.js';
import type { ModelConfig } from '../src/types.js';
import { checkWeights, readConfig } from './check-model.js';
import { checkRepoId, hubFileUrl } from './hub.js';
import type { ProgressReporter } from './progress.js';
import { downloadFile } from './resumable-download.js';

export interface DownloadRequest {
  /** Hub repo id, e.g. `openai-community/gpt2`. */
  id: string;
  /** The folder the files go to; made once the first file answers. */
  folder: string;
  host: string;
  revision: string;
  reporter: ProgressReporter;
}

/** The files besides config.json (read first, so another architecture stops before the weights). */
const OTHER_FILES = MODEL_FILES.filter((file) => file !== 'config.json');

/** Downloads and checks the model; resolves to its config, or throws an `XrayError` that says what is wrong. */
export async function downloadModel({ id, folder, host, revision, reporter }: DownloadRequest): Promise<ModelConfig> {
  checkRepoId(id);
  const fetchFile = (file: string, notFound: () => XrayError) => downloadFile({ url: hubFileUrl(host, id, revision, file), path: join(folder, file), file, reporter, notFound });
  const at = revision === 'main' ? '' : ` at revision "${revision}"`;

  await fetchFile('config.json', () => new XrayError('unknown-model', `No model "${id}"${at} on ${host} (a private or gated model needs a login, which this command does not do).`));
  // Another architecture stops here, before the weights.
  const config = await readConfig(folder);
  for (const file of OTHER_FILES) {
    await fetchFile(file, () =>
      file === 'model.safetensors'
        ? new XrayError('no-safetensors', `"${id}"${at} has no model.safetensors (only safetensors weights can be loaded).`)
        : new XrayError('unknown-model', `"${id}"${at} has no ${file}, which the library loads with the model.`),
    );
  }
  try {
    await checkWeights(folder, config);
  } catch (error) {
    // A file complete under its own name is skipped next time: say which to remove to fetch it again.
    if (error instanceof XrayError)
      throw new XrayError(error.code, `${error.message} If the file on the Hub is fine, delete ${join(folder, 'model.safetensors')} and run the command again.`, { cause: error });
    throw error;
  }
  return config;
}
