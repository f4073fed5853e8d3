// The demo page: the core API for tokens and the next-token table, <attention-heatmap> for one head.
import { ModelController } from '../dist/transformer-xray.bundle.js';

const $ = (id) => document.getElementById(id);
const provider = $('provider');
const heatmap = $('heatmap');
let controller;
let pending;
const watched = new WeakSet();

function chooseModel(model) {
  controller = ModelController.shared({ model, device: 'auto' });
  provider.model = model;
  $('model-error').hidden = true;
  $('model-status').textContent = 'Loading…';
  const progress = $('model-progress');
  progress.hidden = false;
  if (!watched.has(controller)) {
    watched.add(controller); // shared controllers outlive a switch of model: listen once
    controller.addEventListener('progress', ({ detail }) => showProgress(detail));
  }
  controller
    .load()
    .then(() => {
      progress.hidden = true;
      const { nLayer, nHead } = controller.config;
      $('layer').max = nLayer - 1;
      $('head').max = nHead - 1;
      $('layer').value = Math.min(Number($('layer').value), nLayer - 1);
      $('head').value = Math.min(Number($('head').value), nHead - 1);
      showHead();
      $('model-status').textContent = `Ready on ${controller.device}: ${nLayer} layers × ${nHead} heads.${controller.fallbackReason ? ` ${controller.fallbackReason}` : ''}`;
      update();
    })
    .catch((error) => {
      progress.hidden = true;
      $('model-status').textContent = 'The model did not load.';
      const offline = error.code === 'download-failed' && !model.startsWith('.');
      $('model-error').hidden = false;
      $('model-error').textContent = offline ? `The Hugging Face Hub could not be reached (${error.message}). Choose "The generated demo model" above to try the page offline.` : error.message;
    });
}

function showProgress({ file, loaded, total }) {
  const progress = $('model-progress');
  progress.max = total || 1;
  progress.value = total ? loaded : 0;
  const mb = (n) => (n / 1e6).toFixed(1);
  $('model-status').textContent = `Downloading ${file}: ${mb(loaded)}${total ? ` of ${mb(total)}` : ''} MB`;
}

async function update() {
  const text = $('text').value;
  heatmap.text = text;
  pending?.abort();
  pending = new AbortController();
  try {
    const run = await controller.run(text, { signal: pending.signal });
    $('tokens').replaceChildren(...run.tokens.map((t) => Object.assign(document.createElement('li'), { textContent: t })));
    $('next').tBodies[0].replaceChildren(
      ...run.nextToken(10).map(({ token, prob }) => {
        const row = document.createElement('tr');
        row.append(Object.assign(document.createElement('td'), { textContent: JSON.stringify(token) }), Object.assign(document.createElement('td'), { textContent: `${(prob * 100).toFixed(1)}%` }));
        return row;
      }),
    );
  } catch (error) {
    if (error.code === 'aborted') return;
    $('tokens').replaceChildren();
    $('next').tBodies[0].replaceChildren();
    if (error.code !== 'empty-text') $('model-error').hidden = false;
    $('model-error').textContent = error.message;
  }
}

function showHead() {
  heatmap.layer = Number($('layer').value);
  heatmap.head = Number($('head').value);
}

for (const radio of document.querySelectorAll('input[name=model]')) radio.addEventListener('change', () => chooseModel(radio.value));
$('text').addEventListener('input', () => controller?.status === 'ready' && update());
$('layer').addEventListener('change', showHead);
$('head').addEventListener('change', showHead);
// ?model= picks the model on load, e.g. ?model=../fixtures/planted/ (how CI opens this page offline).
const requested = new URLSearchParams(location.search).get('model');
if (requested) for (const radio of document.querySelectorAll('input[name=model]')) radio.checked = radio.value === requested;
chooseModel(requested ?? document.querySelector('input[name=model]:checked').value);
