// Finds a model's files (Hub id or folder URL) and downloads them with progress, keeping each in
// the Cache API so that a second page load makes no network request.
import { XrayError } from './errors.js';
import { currentSettings } from './settings.js';
import type { ProgressDetail } from './types.js';

/** The Cache API bucket; bump the suffix if the stored format ever changes. */
export const CACHE_NAME = 'transformer-xray-v1';

/** A path starts with `/`, `./`, `../` or `http`; anything else is a Hub repo id. */
export function isFolderPath(model: string): boolean {
  return /^(\/|\.\/|\.\.\/|https?:)/.test(model);
}

/** The URL of the folder holding `config.json` and friends, with a trailing slash. */
export function modelBaseUrl(model: string): string {
  if (isFolderPath(model)) return new URL(model.endsWith('/') ? model : `${model}/`, globalThis.location?.href).href;
  if (!isRepoId(model)) {
    throw new XrayError('bad-option', `"${model}" is neither a Hub repo id like "openai-community/gpt2" nor a folder path (starting with /, ./, ../ or http).`);
  }
  return hubFolderUrl(model);
}

/** The files a model folder holds, in the order they are loaded. */
export const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'] as const;

/** A Hub repo id: `name` or `owner/name`. */
export function isRepoId(model: string): boolean {
  return /^[\w.-]+(\/[\w.-]+)?$/.test(model);
}

/** The GPT-2 checkpoints the tuned-lens project trained lenses for, by their Hub ids. */
const PRETRAINED_LENSES: Record<string, string> = {
  'openai-community/gpt2': 'gpt2',
  gpt2: 'gpt2',
  'openai-community/gpt2-large': 'gpt2-large',
  'gpt2-large': 'gpt2-large',
  'openai-community/gpt2-xl': 'gpt2-xl',
  'gpt2-xl': 'gpt2-xl',
};

/**
 * The tuned-lens project's pretrained lens for a model, where it keeps them (its Hub Space's
 * `lens/<model>/params.pt`), or undefined for a model it has none for.
 */
export function pretrainedLensUrl(model: string, host = currentSettings().remoteHost!): string | undefined {
  const name = PRETRAINED_LENSES[model];
  return name && new URL(`spaces/AlignmentResearch/tuned-lens/resolve/main/lens/${name}/params.pt`, host.endsWith('/') ? host : `${host}/`).href;
}

/**
 * The folder of a Hub repo at a revision, as transformers.js builds it from the host and the path
 * template; `configure` points both at a mirror. A host with a path (a mirror's prefix) keeps it.
 */
export function hubFolderUrl(id: string, revision = 'main', host = currentSettings().remoteHost!): string {
  const path = currentSettings().remotePathTemplate!.replaceAll('{model}', id).replaceAll('{revision}', encodeURIComponent(revision));
  return new URL(path, host.endsWith('/') ? host : `${host}/`).href;
}

export interface FetchOptions {
  signal?: AbortSignal;
  onProgress?: (detail: ProgressDetail) => void;
  /** Turns a 404 into this error instead of `download-failed`. */
  notFound?: () => XrayError;
}

/** Takes a download's bytes in order (each chunk only during the call), then makes the result. */
export interface ByteSink<T> {
  write(chunk: Uint8Array): void;
  finish(): T;
}

/** Downloads `url` (or reads it from the cache) into one buffer, reporting progress as it streams. */
export function fetchFile(url: string, file: string, options: FetchOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  return fetchInto(url, file, options, (total) => new BufferSink(total));
}

/**
 * Downloads `url` (or reads it from the cache) into the sink `makeSink` gives for its Content-Length
 * (0 when unknown), reporting the download's progress.
 */
export async function fetchInto<T>(url: string, file: string, options: FetchOptions, makeSink: (total: number) => ByteSink<T>): Promise<T> {
  const cache = await openCache();
  const cached = await cache?.match(url);
  if (cached) return readBody(cached, file, url, options, makeSink);
  const response = await download(url, file, options);
  if (!cache || !response.body) return readBody(response, file, url, options, makeSink);
  // Stored first, then read back: reading while storing (a tee) peaked at 3.3x the file for GPT-2
  // small, this at 2.0-2.3x (npm run bench --only=memory).
  const stored = await store(cache, url, response, file, options);
  if (stored) return readBody(stored, file, url, { signal: options.signal }, makeSink);
  // The cache refused it (quota, private mode) or the download broke off: once more, straight into the sink.
  return readBody(await download(url, file, options), file, url, options, makeSink);
}

async function download(url: string, file: string, { signal, notFound }: FetchOptions): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (cause) {
    if (signal?.aborted) throw new XrayError('aborted', `Loading ${file} was aborted.`, { cause });
    throw new XrayError('download-failed', `Could not download ${file} from ${url}: the network request failed (offline, blocked, or the server refused cross-origin access).`, { cause });
  }
  if ((response.status === 404 || response.status === 401) && notFound) throw notFound();
  if (!response.ok) throw new XrayError('download-failed', `Could not download ${file} from ${url}: the server answered ${response.status} ${response.statusText}.`);
  return response;
}

/** Streams a download into the cache, reporting progress; the stored copy, or undefined if the cache refused it. */
async function store(cache: Cache, url: string, response: Response, file: string, { signal, onProgress }: FetchOptions): Promise<Response | undefined> {
  const total = Number(response.headers.get('content-length') ?? 0);
  const report = progressReporter(file, total, onProgress);
  let loaded = 0;
  let failure: XrayError | undefined;
  const fail = (error: XrayError) => {
    failure = error;
    throw error;
  };
  const counted = response.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (signal?.aborted) fail(new XrayError('aborted', `Loading ${file} was aborted.`));
        loaded += chunk.length;
        report(loaded);
        controller.enqueue(chunk);
      },
      flush() {
        report(loaded, true);
        // Compressed bodies arrive larger than their Content-Length; only a shorter one was cut.
        if (loaded < total) fail(new XrayError('download-failed', `The download of ${file} from ${url} was cut short: ${loaded} of ${total} bytes arrived.`));
      },
    }),
  );
  try {
    await cache.put(url, new Response(counted, { headers: cacheHeaders(response.headers) }));
  } catch (cause) {
    if (failure) throw failure;
    if (signal?.aborted) throw new XrayError('aborted', `Loading ${file} was aborted.`, { cause });
    await counted.cancel().catch(() => undefined); // stops the download if the cache left it running
    return undefined;
  }
  return cache.match(url);
}

/** The stored copy is decoded, so it keeps its length only when the transfer was not compressed. */
function cacheHeaders(headers: Headers): HeadersInit {
  const length = headers.get('content-length');
  const encoded = (headers.get('content-encoding') ?? 'identity') !== 'identity';
  return { 'content-type': 'application/octet-stream', ...(length && !encoded ? { 'content-length': length } : {}) };
}

async function openCache(): Promise<Cache | undefined> {
  try {
    return 'caches' in globalThis ? await caches.open(CACHE_NAME) : undefined;
  } catch {
    return undefined; // opaque origins and some private modes refuse the Cache API
  }
}

/** Streams a body into a sink, reporting progress when asked. */
async function readBody<T>(response: Response, file: string, url: string, { signal, onProgress }: FetchOptions, makeSink: (total: number) => ByteSink<T>): Promise<T> {
  const total = Number(response.headers.get('content-length') ?? 0);
  const sink = makeSink(total);
  // The default reader. BYOB reads leave no chunks behind, but they hung now and then in the test
  // suite, and the buffers they fill come back owned by the browser, which frees them only at a full
  // garbage collection: a session could not free them part by part.
  const reader = (response.body ?? new Blob().stream()).getReader();
  const report = progressReporter(file, total, onProgress);
  let loaded = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw new XrayError('aborted', `Loading ${file} was aborted.`);
      const { done, value } = await reader.read();
      if (done) break;
      sink.write(value);
      loaded += value.length;
      report(loaded);
    }
  } catch (cause) {
    await reader.cancel().catch(() => undefined);
    if (cause instanceof XrayError) throw cause;
    throw new XrayError('download-failed', `The download of ${file} from ${url} was cut short after ${loaded} bytes.`, { cause });
  }
  report(loaded, true);
  // Compressed bodies arrive larger than their Content-Length; only a shorter one was cut.
  if (loaded < total) {
    throw new XrayError('download-failed', `The download of ${file} from ${url} was cut short: ${loaded} of ${total} bytes arrived.`);
  }
  return sink.finish();
}

/**
 * Reports progress at the start, every 0.5% of the file (or 1 MiB when its size is unknown) and at
 * the end: a report per 64 kB chunk would be thousands of events for GPT-2's weights.
 */
function progressReporter(file: string, total: number, onProgress: FetchOptions['onProgress']): (loaded: number, done?: boolean) => void {
  const step = total > 0 ? total / 200 : 1 << 20;
  let reported = 0;
  onProgress?.({ file, loaded: 0, total });
  return (loaded, done = false) => {
    if (!done && loaded - reported < step) return;
    if (done && loaded === reported) return;
    reported = loaded;
    onProgress?.({ file, loaded, total });
  };
}

/** One buffer sized from Content-Length when known, so 500 MB is never held twice. */
class BufferSink implements ByteSink<Uint8Array<ArrayBuffer>> {
  private buffer: Uint8Array<ArrayBuffer>;
  private length = 0;

  constructor(total: number) {
    this.buffer = new Uint8Array(total || 1 << 20);
  }

  write(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.buffer.length) this.buffer = grow(this.buffer, this.length + chunk.length);
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }

  finish(): Uint8Array<ArrayBuffer> {
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length);
  }
}

function grow(buffer: Uint8Array<ArrayBuffer>, needed: number): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(Math.max(needed, buffer.length * 2));
  bigger.set(buffer);
  return bigger;
}

/** Reads a small JSON file through the same download path. */
export async function fetchJson(url: string, file: string, options: FetchOptions = {}): Promise<unknown> {
  const bytes = await fetchFile(url, file, options);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new XrayError('download-failed', `${file} at ${url} is not valid JSON (is the URL a model folder?).`, { cause });
  }
}
