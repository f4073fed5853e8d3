// Where the Hub keeps a model's files. The host and layout are the library's own defaults
// (src/settings.ts), so the command downloads exactly the files a page would load by repo id.
import { XrayError } from '../src/errors.js';
import { hubFolderUrl, isFolderPath, isRepoId } from '../src/model-files.js';
import { currentSettings } from '../src/settings.js';

/** `https://huggingface.co/`, as a page uses by default. */
export const DEFAULT_HOST = currentSettings().remoteHost!;

/** Throws `bad-option` unless `id` is a Hub repo id. */
export function checkRepoId(id: string): void {
  if (isFolderPath(id)) throw new XrayError('bad-option', `"${id}" is a folder path; download takes a Hub repo id like "openai-community/gpt2".`);
  if (!isRepoId(id)) throw new XrayError('bad-option', `"${id}" is not a Hub repo id like "openai-community/gpt2".`);
}

/** `{host}/{id}/resolve/{revision}/{file}`; a host with a path (a mirror's prefix) keeps it. */
export function hubFileUrl(host: string, id: string, revision: string, file: string): string {
  return new URL(file, hubFolderUrl(id, revision, host)).href;
}
