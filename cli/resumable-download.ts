// Downloads one file so that a cut transfer resumes: the bytes go to `<file>.part`, a rerun asks for
// the rest with a Range request, and the file takes its name only once it is whole, so a file under
// its own name is always complete.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { errorText, XrayError } from '../src/errors.js';
import { formatBytes, type ProgressReporter } from './progress.js';

export interface FileDownload {
  url: string;
  /** Where the file goes on disk. */
  path: string;
  /** Its name in messages. */
  file: string;
  reporter: ProgressReporter;
  /** The error for a 404 (or 401, which the Hub answers for a repo it does not show). */
  notFound: () => XrayError;
}

/** Downloads `url` to `path`, resuming a `.part` an earlier run left, or skipping a file already there. */
export async function downloadFile(download: FileDownload): Promise<void> {
  const { path, file, reporter } = download;
  const done = await sizeOf(path);
  if (done !== undefined) return reporter.skip(file, done);
  const part = `${path}.part`;
  const offset = (await sizeOf(part)) ?? 0;
  const response = await request(download, offset);
  if (response.status === 416) {
    // The range starts at or past the end: the part is whole (cut before its rename), or stale.
    await response.body?.cancel();
    if (contentRange(response).total === offset) await rename(part, path);
    else await rm(part);
    return downloadFile(download);
  }
  // 206 continues the part; 200 means the server ignored the range and sends the whole file again.
  const range = response.status === 206 ? contentRange(response) : undefined;
  if (range && range.start !== offset) {
    throw new XrayError('download-failed', `The server answered the resume of ${file} with bytes from ${range.start}, not ${offset}; delete ${part} and run again.`);
  }
  const total = range?.total ?? Number(response.headers.get('content-length') ?? 0);
  let loaded = range ? offset : 0;
  // Made only now, so that an unknown model leaves no empty folder behind.
  await mkdir(dirname(path), { recursive: true });
  const progress = reporter.start(file, total, loaded);
  try {
    await pipeline(
      response.body ?? [],
      async function* count(chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          loaded += chunk.length;
          progress.update(loaded);
          yield chunk;
        }
      },
      createWriteStream(part, { flags: range ? 'a' : 'w' }),
    );
  } catch (cause) {
    throw cutShort(download, loaded, total, networkReason(cause));
  } finally {
    progress.end();
  }
  if (loaded < total) throw cutShort(download, loaded, total, 'the server closed the connection');
  await rename(part, path);
}

/** GETs the file, from `offset` on when a part is there; any answer but 2xx (or 416 to a range) throws. */
async function request({ url, file, notFound }: FileDownload, offset: number): Promise<Response> {
  // identity: a compressed body has no byte ranges to resume, and its length is not the file's.
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  let response: Response;
  try {
    response = await fetch(url, { headers });
  } catch (cause) {
    throw new XrayError('download-failed', `Could not reach ${url}: ${networkReason(cause)}.`, { cause });
  }
  if (response.ok || (offset > 0 && response.status === 416)) return response;
  await response.body?.cancel();
  if (response.status === 404 || response.status === 401) throw notFound();
  throw new XrayError('download-failed', `Could not download ${file} from ${url}: the server answered ${response.status} ${response.statusText}.`);
}

function cutShort({ file, path }: FileDownload, loaded: number, total: number, why: string): XrayError {
  const of = total ? ` of ${formatBytes(total)}` : '';
  return new XrayError('download-failed', `The download of ${file} broke off at ${formatBytes(loaded)}${of} (${why}); run the same command again to resume it from ${path}.part.`);
}

// Content-Range: `bytes 100-999/1000` (206) or `bytes */1000` (416).
function contentRange(response: Response): { start?: number; total: number } {
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  if (!match) throw new XrayError('download-failed', `The server answered a range request for ${response.url} without a valid Content-Range.`);
  return { start: match[1] === undefined ? undefined : Number(match[1]), total: Number(match[2]) };
}

/** fetch's own message is only "fetch failed" or "terminated"; its cause says what happened. */
function networkReason(error: unknown): string {
  return errorText((error as Error).cause ?? error);
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
