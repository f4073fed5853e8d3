// Every element, registered on import. Import one define module (e.g. `transformer-xray/attention-heatmap`) for just one.
export * from './xray-model.js';
