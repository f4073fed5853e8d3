// transformer-xray: the core (model controller, runs, analyses) and every element, registered.
export * from './src/index.js';
export * from './components/index.js';
