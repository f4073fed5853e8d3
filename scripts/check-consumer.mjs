// npm run test:consumer: does what a new user does with the published package. Packs it, installs the
// tarball with a plain `npm install` into a fresh project outside the repo, type-checks and
// `vite build`s the app in test/consumer/ against it, then opens the build in headless Chromium with a
// generated model served beside it, and fails unless the figures paint with no request leaving the
// app's own origin. Builds nothing in the repo: it needs dist/ (npm run build) and fixtures/ (npm run fixtures).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { findChrome, HEADLESS_ARGS } from './find-chrome.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATE = join(REPO, 'test/consumer');
const MODEL = { from: join(REPO, 'fixtures/tiny'), servedAt: 'models/tiny' };
const NEEDED = { 'dist/index.js': 'npm run build', 'fixtures/tiny/model.safetensors': 'npm run fixtures' };
/** What a user adds beside the library, at the versions this repo builds and tests with. */
const APP_PACKAGES = ['vite', 'typescript', 'react', 'react-dom', '@types/react', '@types/react-dom'];
/**
 * Room for the library beyond onnxruntime-web itself: its dist/ carries a second copy of onnxruntime's
 * two .wasm files (41 MB) for the standalone bundle; a runtime dependency such as onnxruntime-node or
 * sharp (hundreds of MB) would break this budget.
 */
const EXTRA_BUDGET_BYTES = 64e6;
const RENDER_TIMEOUT_MS = 90_000;
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };

for (const [file, command] of Object.entries(NEEDED)) {
  if (!existsSync(join(REPO, file))) {
    console.error(`${file} is missing: run \`${command}\` first.`);
    process.exit(1);
  }
}

/** The child processes see no npm_* variables from `npm test`, so they run as in a user's shell, not under this repo's .npmrc. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

/** Runs a command; on failure, throws with the end of its output. */
function run(command, args, cwd) {
  try {
    return execFileSync(command, args, { cwd, env: userEnv, encoding: 'utf8', stdio: 'pipe', maxBuffer: 64 * 2 ** 20 });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    throw new Error(`\`${command} ${args.join(' ')}\` failed:\n${output.split('\n').slice(-30).join('\n')}`, { cause: error });
  }
}

/** Bytes of the files under a folder, not following links; `skipNested` leaves out nested node_modules. */
function sizeOf(path, skipNested = false) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  let bytes = 0;
  for (const name of readdirSync(path)) if (!(skipNested && name === 'node_modules')) bytes += sizeOf(join(path, name), skipNested);
  return bytes;
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

/** The installed folders of a package and everything it depends on, from the app's lockfile, as Node resolves them. */
function dependencyTree(app, root) {
  const { packages } = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
  // Node looks in the requiring package's own node_modules, then in each one above it.
  const resolve = (from, name) => {
    for (let dir = from; ; dir = dir.slice(0, dir.lastIndexOf('/node_modules/'))) {
      if (packages[`${dir}/node_modules/${name}`]) return `${dir}/node_modules/${name}`;
      if (!dir.includes('/node_modules/')) return packages[`node_modules/${name}`] ? `node_modules/${name}` : undefined;
    }
  };
  const found = new Set();
  const visit = (path) => {
    if (!path || found.has(path)) return;
    found.add(path);
    const { dependencies = {}, optionalDependencies = {} } = packages[path];
    for (const name of Object.keys({ ...dependencies, ...optionalDependencies })) visit(resolve(path, name));
  };
  visit(`node_modules/${root}`);
  return [...found];
}

/** Every file a package.json "exports" or "bin" map points at. */
function targets(map = {}) {
  if (typeof map === 'string') return [map];
  return Object.values(map).flatMap(targets);
}

/** Serves a folder on 127.0.0.1, as a static host would. */
async function serve(root) {
  const server = createServer((request, response) => {
    // normalize() resolves `..` against the leading `/`, so no path leaves the root.
    let file = join(root, normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)));
    if (existsSync(file) && lstatSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** Runs in the page before its scripts: records which figures completed and every error event. */
function watchFigures() {
  const watch = (window.__consumer = { complete: new Set(), errors: [] });
  document.addEventListener('run-complete', (event) => watch.complete.add(event.composedPath()[0]), true);
  document.addEventListener('error', (event) => event instanceof CustomEvent && watch.errors.push(`<${event.target.localName}> fired error: ${event.detail?.message}`), true);
}

/** In the page: problems so far, and whether every figure completed with pixels on its canvas, the core run answered in the worker and React saw its event. */
function pageState() {
  const { complete, errors } = window.__consumer;
  const figures = [...document.querySelectorAll('attention-heatmap, head-grid')];
  const problems = [...errors];
  for (const figure of figures) {
    const shown = figure.shadowRoot?.querySelector('[part~="error"]');
    if (shown) problems.push(`<${figure.localName}> shows an error: ${shown.textContent.trim()}`);
  }
  const painted = (figure) => {
    const canvas = figure.shadowRoot?.querySelector('canvas');
    if (!canvas?.width || !canvas.height) return false;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return data.some((value, i) => i % 4 === 3 && value > 0);
  };
  const { textContent: core, dataset } = document.getElementById('core-tokens');
  const reactEvent = document.getElementById('react-root').dataset.tokens;
  const done = figures.length === 3 && figures.every((figure) => complete.has(figure) && painted(figure)) && core !== '' && reactEvent !== undefined;
  // The in-page fallback would paint the same figures: the model must run in the worker the bundler shipped.
  if (core && dataset.where !== 'worker') problems.push(`the model runs in the ${dataset.where}, not in its worker`);
  return {
    problems,
    done,
    summary: `${figures.length} figures painted (${figures.map((figure) => figure.id).join(', ')}); core run in the ${dataset.where}: ${core.split('|').length} tokens; React onRunComplete: ${reactEvent} tokens`,
  };
}

/** onnxruntime prints its own warnings as console errors; the app has no favicon. */
const harmless = (message) => /\[W:onnxruntime:/.test(message.text()) || /\/favicon\.ico$/.test(message.location()?.url ?? '');

/** Opens the app; resolves with the render outcome and every URL the page and its workers requested. */
async function openApp(origin) {
  const browser = await puppeteer.launch({ executablePath: findChrome(), headless: true, args: HEADLESS_ARGS });
  const requested = [];
  try {
    const page = await browser.newPage();
    const problems = [];
    // Puppeteer attaches to dedicated workers and reports their requests here too (the test checks it sees the worker's .wasm).
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && !harmless(message) && problems.push(`console error: ${message.text()} (${message.location()?.url})`));
    await page.evaluateOnNewDocument(watchFigures);
    const start = Date.now();
    await page.goto(`${origin}/`);
    for (;;) {
      const state = await page.evaluate(pageState);
      problems.push(...state.problems);
      if (problems.length) return { error: [...new Set(problems)].join('; '), requested };
      if (state.done) return { note: `${state.summary} in ${((Date.now() - start) / 1000).toFixed(0)} s`, requested };
      if (Date.now() - start > RENDER_TIMEOUT_MS) return { error: `not done in ${RENDER_TIMEOUT_MS / 1000} s: ${state.summary}`, requested };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await browser.close();
  }
}

const results = [];
/** Runs one check unless one it needs failed; records `ok`/`FAIL` with a note. */
async function check(name, needs, body) {
  const missing = needs.filter((need) => !results.find((result) => result.name === need)?.ok);
  const start = Date.now();
  let result;
  if (missing.length) result = { name, ok: false, note: `not run: ${missing.join(', ')} failed` };
  else {
    try {
      result = { name, ok: true, note: await body() };
    } catch (error) {
      result = { name, ok: false, note: error.message };
    }
  }
  results.push(result);
  console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - start) / 1000).toFixed(1)} s): ${result.note}`);
}

const work = mkdtempSync(join(tmpdir(), 'transformer-xray-consumer-'));
const app = join(work, 'app');
const { devDependencies } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
try {
  await check('install', [], () => {
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], REPO));
    cpSync(TEMPLATE, app, { recursive: true });
    const start = Date.now();
    run('npm', ['install', join(work, packed.filename), ...APP_PACKAGES.map((name) => `${name}@${devDependencies[name]}`)], app);
    const seconds = (Date.now() - start) / 1000;
    const installed = join(app, 'node_modules/transformer-xray');
    const { exports, bin } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const absent = [...targets(exports), ...targets(bin)].filter((target) => !existsSync(join(installed, target)));
    if (absent.length) throw new Error(`"exports" or "bin" points at files the tarball lacks: ${absent.join(', ')}`);
    return `${packed.filename} (${mb(packed.size)}, ${packed.entryCount} files) and ${APP_PACKAGES.join(', ')} installed by a plain \`npm install\` in ${seconds.toFixed(0)} s`;
  });

  await check('size', ['install'], () => {
    const ort = sizeOf(join(app, 'node_modules/onnxruntime-web'));
    const library = sizeOf(join(app, 'node_modules/transformer-xray'));
    const tree = dependencyTree(app, 'transformer-xray');
    const treeBytes = tree.reduce((sum, path) => sum + sizeOf(join(app, path), true), 0);
    const note = `node_modules ${mb(sizeOf(join(app, 'node_modules')))} with the app's tools; transformer-xray and its ${tree.length - 1} dependencies ${mb(treeBytes)}, of which onnxruntime-web ${mb(ort)} and transformer-xray itself ${mb(library)}`;
    if (treeBytes > ort + EXTRA_BUDGET_BYTES) throw new Error(`${note}: more than onnxruntime-web + ${mb(EXTRA_BUDGET_BYTES)}`);
    return note;
  });

  await check('typecheck', ['install'], () => {
    run(join(app, 'node_modules/.bin/tsc'), ['--noEmit', '-p', '.'], app);
    return 'tsc --noEmit (strict, skipLibCheck off) against the published .d.ts';
  });

  await check('build', ['install'], () => {
    run(join(app, 'node_modules/.bin/vite'), ['build'], app);
    const assets = readdirSync(join(app, 'dist/assets'));
    // The model is deployed beside the app, as a site would host its own, so it comes from the app's origin.
    cpSync(MODEL.from, join(app, 'dist', MODEL.servedAt), { recursive: true });
    return `vite build with no config: ${assets.length} assets (${assets.filter((file) => /\.(wasm|mjs)$/.test(file)).join(', ')})`;
  });

  const { server, origin } = await serve(join(app, 'dist'));
  let opened;
  try {
    await check('render', ['build'], async () => {
      opened = await openApp(origin);
      if (opened.error) throw new Error(opened.error);
      return opened.note;
    });
  } finally {
    server.close();
  }

  await check('no-foreign-request', ['build'], () => {
    if (!opened) throw new Error('the app was not opened');
    const foreign = opened.requested.filter((url) => /^(https?|wss?):/.test(url) && new URL(url).origin !== origin);
    if (foreign.length) throw new Error(`requests to other hosts: ${[...new Set(foreign)].join(', ')}`);
    // The engine worker fetches onnxruntime's .wasm and the weights: seeing them proves worker requests are recorded.
    const seen = (pattern) => opened.requested.some((url) => pattern.test(new URL(url).pathname));
    const unseen = [/\.wasm$/, /model\.safetensors$/].filter((pattern) => !seen(pattern));
    if (unseen.length) throw new Error(`no request for ${unseen.join(', ')} was recorded: worker requests are not being seen`);
    return `${opened.requested.length} requests, all to ${origin} (onnxruntime's .wasm and the weights among them)`;
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((result) => !result.ok).length;
console.log(`consumer: ${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
