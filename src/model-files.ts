// Finds a model's files (Hub id or folder URL) and downloads them with progress, keeping each in
// the Cache API so that a second page load makes no network request.
import { env as transformersEnv } from '@huggingface/transformers';
import { XrayError } from './errors.js';
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
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(model)) {
    throw new XrayError('bad-option', `"${model}" is neither a Hub repo id like "openai-community/gpt2" nor a folder path (starting with /, ./, ../ or http).`);
  }
  // The Hub's host and path layout come from transformers.js, so a page that points it at a mirror moves us too.
  const path = transformersEnv.remotePathTemplate.replaceAll('{model}', model).replaceAll('{revision}', 'main');
  return new URL(path, transformersEnv.remoteHost).href;
}

export interface FetchOptions {
  signal?: AbortSignal;
  onProgress?: (detail: ProgressDetail) => void;
  /** Turns a 404 into this error instead of `download-failed`. */
  notFound?: () => XrayError;
}

/** Downloads `url` (or reads it from the cache) into one buffer, reporting progress as it streams. */
export async function fetchFile(url: string, file: string, options: FetchOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  const cache = await openCache();
  const cached = await cache?.match(url);
  if (cached) return readCached(cached, file, options);
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal });
  } catch (cause) {
    if (options.signal?.aborted) throw new XrayError('aborted', `Loading ${file} was aborted.`, { cause });
    throw new XrayError('download-failed', `Could not download ${file} from ${url}: the network request failed (offline, blocked, or the server refused cross-origin access).`, { cause });
  }
  if ((response.status === 404 || response.status === 401) && options.notFound) throw options.notFound();
  if (!response.ok) throw new XrayError('download-failed', `Could not download ${file} from ${url}: the server answered ${response.status} ${response.statusText}.`);
  // The cache is written from a second branch of the stream, so the file is never held twice in memory.
  // A failed cache write (quota, private mode) costs a re-download next time, nothing more.
  const [reading, caching] = response.body && cache ? response.body.tee() : [response.body, null];
  const stored = caching ? cache!.put(url, new Response(caching, { headers: cacheHeaders(response.headers) })).catch(() => undefined) : undefined;
  const bytes = await readBody(new Response(reading, { headers: response.headers }), file, url, options);
  await stored;
  return bytes;
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

/**
 * A stored file in one read: through a Blob, the browser fills one buffer of the right size, where
 * reading the stream left 64 kB chunks for the garbage collector (npm run bench: the peak while
 * loading from the cache fell from 3.1× to 2.8× the file) and took half again as long.
 */
async function readCached(response: Response, file: string, { signal, onProgress }: FetchOptions): Promise<Uint8Array<ArrayBuffer>> {
  const blob = await response.blob();
  if (signal?.aborted) throw new XrayError('aborted', `Loading ${file} was aborted.`);
  onProgress?.({ file, loaded: 0, total: blob.size });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  onProgress?.({ file, loaded: bytes.length, total: bytes.length });
  return bytes;
}

/** Streams a body into a buffer sized from Content-Length when known, so 500 MB is never held twice. */
async function readBody(response: Response, file: string, url: string, { signal, onProgress }: FetchOptions): Promise<Uint8Array<ArrayBuffer>> {
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  let buffer = new Uint8Array(total || 1 << 20);
  let loaded = 0;
  onProgress?.({ file, loaded, total });
  try {
    for (;;) {
      if (signal?.aborted) throw new XrayError('aborted', `Loading ${file} was aborted.`);
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.length > buffer.length) buffer = grow(buffer, loaded + value.length);
      buffer.set(value, loaded);
      loaded += value.length;
      onProgress?.({ file, loaded, total });
    }
  } catch (cause) {
    await reader.cancel().catch(() => undefined);
    if (cause instanceof XrayError) throw cause;
    throw new XrayError('download-failed', `The download of ${file} from ${url} was cut short after ${loaded} bytes.`, { cause });
  }
  // Compressed bodies arrive larger than their Content-Length; only a shorter one was cut.
  if (loaded < total) {
    throw new XrayError('download-failed', `The download of ${file} from ${url} was cut short: ${loaded} of ${total} bytes arrived.`);
  }
  return loaded === buffer.length ? buffer : buffer.slice(0, loaded);
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
