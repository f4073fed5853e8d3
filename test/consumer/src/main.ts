// What an app does with transformer-xray from npm: every documented entry point, a typed use of
// the core API, the element event map, and a React figure; check-consumer.mjs type-checks, builds
// and opens it.
import 'transformer-xray';
import { ModelController, type ModelRun } from 'transformer-xray/core';
import { XrayModel } from 'transformer-xray/components/xray-model';
import 'transformer-xray/components/xray-model.js';
import { AttentionHeatmap } from 'transformer-xray/components/attention-heatmap';
import 'transformer-xray/components/attention-heatmap.js';
import { HeadGrid } from 'transformer-xray/components/head-grid';
import 'transformer-xray/components/head-grid.js';
import { LogitLensTable } from 'transformer-xray/components/logit-lens-table';
import 'transformer-xray/components/logit-lens-table.js';
import { ProbeChart } from 'transformer-xray/components/probe-chart';
import 'transformer-xray/components/probe-chart.js';
import { mountReactFigure } from './react-figure.js';

const MODEL = '/models/tiny/';

// With and without `.js`, each entry is one module: every tag has the class its entry exports.
const tags = { 'xray-model': XrayModel, 'attention-heatmap': AttentionHeatmap, 'head-grid': HeadGrid, 'logit-lens-table': LogitLensTable, 'probe-chart': ProbeChart };
for (const [tag, element] of Object.entries(tags)) {
  if (customElements.get(tag) !== element) throw new Error(`<${tag}> is not the class its entry exports`);
}

const heatmap: AttentionHeatmap = document.querySelector('attention-heatmap')!;
document.querySelector('head-grid')!.addEventListener('head-select', (event) => {
  heatmap.layer = event.detail?.layer ?? heatmap.layer;
});

mountReactFigure(document.getElementById('react-root')!, MODEL);

const controller = ModelController.shared({ model: MODEL });
const run: ModelRun = await controller.run('The cat sat on the mat');
const output = document.getElementById('core-tokens')!;
output.dataset.where = controller.where;
output.textContent = run.tokens.join('|');
