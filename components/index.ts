// Every element, registered on import. Import one define module (e.g. `transformer-xray/components/attention-heatmap.js`) for just one.
export * from './xray-model.js';
export * from './attention-heatmap.js';
export * from './head-grid.js';
export * from './logit-lens-table.js';
export * from './probe-chart.js';
export * from './head-ablation.js';
export * from './activation-patching.js';
export * from './logit-attribution.js';
export * from './token-view.js';
export * from './next-token.js';
export * from './embedding-space.js';
export * from './residual-stream.js';
export * from './attention-lines.js';
