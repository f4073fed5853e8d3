// Where a probing task's labelled sentences come from: given ones, a URL, or a built-in task. A URL
// goes through the model files' download path, so it is cached and its progress reported.
import { XrayError } from '../errors.js';
import { fetchFile, type FetchOptions } from '../model-files.js';
import { parseDataset, type LabelledDataset } from './dataset.js';
import { posDataset } from './pos-task.js';

const BUILT_IN_TASKS: Record<string, () => LabelledDataset> = { pos: posDataset };

/** What a page gives a probe: labelled sentences (an object), a `src` URL of them, or a built-in `task`, in that order. */
export interface DatasetSource {
  sentences?: unknown;
  src?: string;
  task?: string;
}

/** The labelled sentences to probe; `no-probe-task` when the source names none. */
export async function loadDataset({ sentences, src, task }: DatasetSource, options: Pick<FetchOptions, 'signal' | 'onProgress'> = {}): Promise<LabelledDataset> {
  if (sentences !== undefined) return parseDataset(sentences, 'The labelled sentences');
  if (src) return fetchDataset(src, options);
  if (!task) throw new XrayError('no-probe-task', 'There is nothing to probe yet: set task="pos", or give labelled sentences as JSON (a src URL or a <script type="application/json"> child).');
  const builtIn = BUILT_IN_TASKS[task];
  const names = Object.keys(BUILT_IN_TASKS).map((t) => `"${t}"`);
  if (!builtIn) throw new XrayError('bad-option', `Unknown task "${task}": the built-in task is ${names.join(', ')}; give other tasks as labelled sentences (src or a JSON child).`);
  return builtIn();
}

/**
 * Downloads labelled sentences from `src` (or reads them from the Cache API), reporting progress
 * under the file's name, and checks them.
 * @example
 * const dataset = await fetchDataset('/data/animacy.json', { onProgress: ({ loaded, total }) => bar.update(loaded / total) });
 */
export async function fetchDataset(src: string, options: Pick<FetchOptions, 'signal' | 'onProgress'> = {}): Promise<LabelledDataset> {
  const url = new URL(src, globalThis.location?.href);
  const source = `The labelled sentences at ${src}`;
  const bytes = await fetchFile(url.href, url.pathname.split('/').pop() || src, options);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new XrayError('bad-option', `${source} are not valid JSON.`, { cause });
  }
  return parseDataset(json, source);
}
