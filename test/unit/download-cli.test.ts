// The `transformer-xray download` command against a local server laid out like the Hub
// (`/{id}/resolve/{revision}/{file}`), serving the project's generated fixture models: a whole
// download, a download cut half-way and resumed, and the ways it refuses a model.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { folderPath, publicUrlPath } from '../../cli/model-path.js';
import { formatBytes, progressBar, progressLine } from '../../cli/progress.js';
import { makeFixtures } from '../fixtures/make-fixtures.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI_SOURCE = join(REPO, 'cli/transformer-xray.ts');
const CLI_BUILT = join(REPO, 'dist/cli/transformer-xray.js');
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];

/** A Hub stand-in: `fixtures/<name>` is the fixture folder of that name. */
class FakeHub {
  /** Every request, in order, with its Range header. */
  readonly requests: { path: string; range?: string }[] = [];
  /** When set, the next response for this file promises all its bytes, sends this many and drops the connection. */
  cut?: { file: string; after: number };
  private readonly server = createServer((request, response) => void this.answer(request, response));

  constructor(private readonly fixtures: string) {}

  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = request.url ?? '';
    this.requests.push({ path, range: request.headers.range });
    const match = /^\/fixtures\/([\w-]+)\/resolve\/main\/([\w.]+)$/.exec(path);
    const bytes = match && (await readFile(join(this.fixtures, match[1], match[2])).catch(() => undefined));
    if (!match || !bytes) {
      response.writeHead(404).end('Entry not found');
      return;
    }
    const from = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    if (this.cut?.file === match[2]) {
      const { after } = this.cut;
      this.cut = undefined;
      response.writeHead(200, { 'content-length': bytes.length });
      response.write(bytes.subarray(0, after), () => response.destroy());
      return;
    }
    const headers = from > 0 ? { 'content-range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` } : {};
    response.writeHead(from > 0 ? 206 : 200, { ...headers, 'content-length': bytes.length - from, 'accept-ranges': 'bytes' });
    response.end(bytes.subarray(from));
  }
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command from its TypeScript source, as a user's shell would run the built one. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...args], { cwd: REPO, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

async function assertSameFiles(folder: string, fixture: string): Promise<void> {
  for (const file of FILES) assert.ok((await readFile(join(folder, file))).equals(await readFile(join(fixture, file))), `${file} differs`);
}

describe('transformer-xray download', () => {
  let work: string;
  let fixtures: string;
  let hub: FakeHub;
  let host: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'xray-cli-'));
    fixtures = join(work, 'hub');
    await makeFixtures({ dir: fixtures });
    hub = new FakeHub(fixtures);
    host = await hub.start();
  });

  after(async () => {
    await hub.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('downloads the four files byte for byte, a line per file, and prints the model attribute', async () => {
    const folder = join(work, 'site/public/models/tiny');
    const { code, stdout, stderr } = await runCli(['download', 'fixtures/tiny-bf16', folder, '--host', host]);
    assert.equal(code, 0, stderr);
    await assertSameFiles(folder, join(fixtures, 'tiny-bf16'));
    for (const file of FILES) {
      const size = formatBytes((await stat(join(fixtures, 'tiny-bf16', file))).size);
      assert.match(stdout, new RegExp(`^${file.replace('.', '\\.')}  ${size} / ${size}  100%  [\\d.]+ [kMG]?B/s$`, 'm'));
    }
    assert.match(stdout, /^ {2}<xray-model model="\/models\/tiny\/">$/m);
  });

  it('resumes a download cut half-way with a Range request, and ends with the same bytes', async () => {
    const folder = join(work, 'resumed');
    const weights = join(fixtures, 'tiny-bf16/model.safetensors');
    const half = (await stat(weights)).size >> 1;
    hub.cut = { file: 'model.safetensors', after: half };

    const cut = await runCli(['download', 'fixtures/tiny-bf16', folder, '--host', host]);
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /download of model\.safetensors broke off .*run the same command again to resume/);
    const kept = (await stat(join(folder, 'model.safetensors.part'))).size;
    assert.ok(kept > 0 && kept <= half, `the part holds ${kept} bytes`);

    const seen = hub.requests.length;
    const resumed = await runCli(['download', 'fixtures/tiny-bf16', folder, '--host', host]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(hub.requests.slice(seen), [{ path: '/fixtures/tiny-bf16/resolve/main/model.safetensors', range: `bytes=${kept}-` }]);
    assert.match(resumed.stdout, /^config\.json {2}.* {2}already downloaded$/m);
    assert.match(resumed.stdout, /^model\.safetensors .* 100% .*\(resumed at /m);
    assert.equal(existsSync(join(folder, 'model.safetensors.part')), false);
    await assertSameFiles(folder, join(fixtures, 'tiny-bf16'));
  });

  it('says there is no such model on a 404, using HF_ENDPOINT as the host', async () => {
    const { code, stderr } = await runCli(['download', 'fixtures/no-such-model', join(work, 'missing')], { HF_ENDPOINT: host });
    assert.equal(code, 1);
    assert.match(stderr, /No model "fixtures\/no-such-model" on http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(existsSync(join(work, 'missing')), false, 'an unknown model leaves no folder');
  });

  it('rejects weights whose shape disagrees with config.json, naming the tensor', async () => {
    const { code, stderr } = await runCli(['download', 'fixtures/broken-shape', join(work, 'broken'), '--host', host]);
    assert.equal(code, 1);
    assert.match(stderr, /Tensor "wpe\.weight" in model\.safetensors has shape \[32, 32\], but config\.json expects \[n_positions, n_embd\] = \[64, 32\]/);
    assert.match(stderr, /delete .*broken\/model\.safetensors and run the command again/);
  });

  it('rejects a wrong command line with its usage', async () => {
    const { code, stderr } = await runCli(['download', 'fixtures/tiny-bf16']);
    assert.equal(code, 2);
    assert.match(stderr, /download takes a repo id and a folder\.[\s\S]*Usage: transformer-xray download/);
  });

  it('builds into a runnable dist/cli/transformer-xray.js', { skip: !existsSync(CLI_BUILT) && 'run npm run build first' }, async () => {
    const { stdout } = await new Promise<CliResult>((done) => execFile(CLI_BUILT, ['--help'], (error, out, err) => done({ code: Number(error?.code ?? 0), stdout: out, stderr: err })));
    assert.match(stdout, /^Usage: transformer-xray download <repo-id> <folder>/);
  });
});

describe('download progress', () => {
  const state = { file: 'model.safetensors', loaded: 261_300_000, total: 548_100_000, resumedFrom: 0, bytesPerSecond: 11_230_000 };

  it('says bytes, percent and speed', () => {
    assert.equal(progressLine(state), 'model.safetensors  261.3 MB / 548.1 MB  47%  11.2 MB/s');
    assert.equal(progressLine({ ...state, total: 0 }), 'model.safetensors  261.3 MB  11.2 MB/s');
    assert.equal(progressLine({ ...state, resumedFrom: 100_000_000 }), 'model.safetensors  261.3 MB / 548.1 MB  47%  11.2 MB/s  (resumed at 100.0 MB)');
  });

  it('draws a bar of the fraction done', () => {
    assert.equal(progressBar(0.5), `[${'#'.repeat(12)}${'-'.repeat(12)}]`);
    assert.equal(progressBar(0), `[${'-'.repeat(24)}]`);
    assert.equal(progressBar(1), `[${'#'.repeat(24)}]`);
  });

  it('writes sizes in decimal units', () => {
    assert.deepEqual([0, 999, 1000, 1_234_567, 548_105_192].map(formatBytes), ['0 B', '999 B', '1.0 kB', '1.2 MB', '548.1 MB']);
  });
});

describe('model attribute', () => {
  it('is the URL path under public/, which dev servers serve at the root', () => {
    assert.equal(publicUrlPath('public/models/gpt2'), '/models/gpt2/');
    assert.equal(publicUrlPath(resolve('site/public/gpt2/')), '/gpt2/');
    assert.equal(publicUrlPath('models/gpt2'), undefined);
  });

  it('is otherwise the folder, written so the library reads a path, not a repo id', () => {
    assert.equal(folderPath('models/gpt2'), './models/gpt2/');
    assert.equal(folderPath('../models/gpt2/'), '../models/gpt2/');
    assert.equal(folderPath('/srv/models/gpt2'), '/srv/models/gpt2/');
  });
});
