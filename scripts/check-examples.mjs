// npm run test:examples: opens every example page in headless Chromium on the generated demo model
// (?model=…) and fails unless every figure on it completes, with no page error, console error, error
// event, figure error state or page alert. Builds nothing: it needs dist/ (npm run build), fixtures/
// (npm run fixtures) and examples/react/dist/ (npm run examples:build).
import { existsSync } from 'node:fs';
import { startDevServer } from '@web/dev-server';
import puppeteer from 'puppeteer-core';
import devServerConfig from '../web-dev-server.config.mjs';
import { findChrome, HEADLESS_ARGS } from './find-chrome.mjs';

/** Each page with the demo model's folder, relative to the page, as a reader would type it. */
const PAGES = [
  'examples/index.html?model=../fixtures/planted/',
  'examples/course.html?model=../fixtures/planted/',
  'examples/react/dist/?model=../../../fixtures/planted/',
  'examples/vue/?model=../../fixtures/planted/',
];
const NEEDED = { 'dist/transformer-xray.bundle.js': 'npm run build', 'fixtures/planted/model.safetensors': 'npm run fixtures', 'examples/react/dist/index.html': 'npm run examples:build' };
const FIGURES =
  'attention-heatmap, head-grid, logit-lens-table, probe-chart, head-ablation, activation-patching, logit-attribution, token-view, next-token, embedding-space, residual-stream, attention-lines';
const PAGE_TIMEOUT_MS = 300_000;
const PORT = 8781;

for (const [file, command] of Object.entries(NEEDED)) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: run \`${command}\` first.`);
    process.exit(1);
  }
}

/** onnxruntime prints its own warnings (e.g. nodes placed on the CPU under WebGPU) as console errors. */
const harmless = (message) => /\[W:onnxruntime:/.test(message.text()) || /\/favicon\.ico$/.test(message.location()?.url ?? '');

/** Runs in the page before its scripts: records which figures completed and every error event. */
function watchFigures() {
  const watch = (window.__examples = { complete: new Set(), errors: [] });
  document.addEventListener('run-complete', (event) => watch.complete.add(event.composedPath()[0]), true);
  // `error` does not bubble; the capture phase still sees it. Resource errors are plain Events: the console reports those.
  document.addEventListener('error', (event) => event instanceof CustomEvent && watch.errors.push(`<${event.target.localName}> fired error: ${event.detail?.message}`), true);
}

/** In the page: the problems so far, and whether every figure has completed. */
function pageState(selector) {
  const figures = [...document.querySelectorAll(selector)];
  const { complete, errors } = window.__examples;
  const problems = [...errors];
  for (const figure of figures) {
    const shown = figure.shadowRoot?.querySelector('[part~="error"]');
    if (shown) problems.push(`<${figure.localName}> shows an error: ${shown.textContent.trim()}`);
  }
  for (const alert of document.querySelectorAll('[role="alert"]')) {
    if (!alert.hidden && alert.textContent.trim()) problems.push(`the page says: ${alert.textContent.trim()}`);
  }
  return { problems, figures: figures.length, done: figures.length > 0 && figures.every((f) => complete.has(f)) };
}

async function check(browser, path) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && !harmless(message) && problems.push(`console error: ${message.text()}`));
  await page.evaluateOnNewDocument(watchFigures);
  const start = Date.now();
  try {
    await page.goto(`http://127.0.0.1:${PORT}/${path}`);
    for (;;) {
      const state = await page.evaluate(pageState, FIGURES);
      problems.push(...state.problems);
      if (problems.length) return `FAIL ${path}: ${[...new Set(problems)].join('; ')}`;
      if (state.done) return `ok   ${path}: ${state.figures} figures complete in ${((Date.now() - start) / 1000).toFixed(0)} s`;
      if (Date.now() - start > PAGE_TIMEOUT_MS) return `FAIL ${path}: not every figure completed in ${PAGE_TIMEOUT_MS / 1000} s (${state.figures} on the page)`;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await page.close();
  }
}

const server = await startDevServer({ config: { ...devServerConfig, port: PORT, open: false }, readCliArgs: false, readFileConfig: false, logStartMessage: false });
// Without the WebGPU flags the pages fall back to WASM (and say so): on a CPU-only machine that takes
// seconds where WebGPU on SwiftShader takes minutes. test:browser covers the WebGPU path.
const browser = await puppeteer.launch({ executablePath: findChrome(), headless: true, args: HEADLESS_ARGS });
let failed = 0;
try {
  for (const path of PAGES) {
    const line = await check(browser, path);
    if (line.startsWith('FAIL')) failed++;
    console.log(line);
  }
} finally {
  await browser.close();
  await server.stop();
}
console.log(`examples: ${PAGES.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
