// Cross-validated probing of every layer: for each layer and fold, features are standardised with
// the training rows' statistics, then each probe is fitted on the task and on the control task
// and scored on the held-out fold. A generator, so `runSliced` can keep the page responsive.
import { foldSplit } from './folds.js';
import { accuracy, fitProbe, type Matrix, type ProbeKind } from './probe.js';
import { deriveSeed } from '../random.js';
import { layerResult, type ProbeResults } from './results.js';

export interface ProbeProblem {
  /** The examples' features at each layer (0 = embeddings). */
  layers: Matrix[];
  labels: Int32Array;
  /** Control-task labels of the same examples. */
  control: Int32Array;
  nClasses: number;
  /** Fold of each example (see `assignFolds`). */
  folds: Int32Array;
  k: number;
}

export interface TrainOptions {
  kinds: readonly ProbeKind[];
  epochs: number;
  seed: number;
  /** Task name recorded in the results. */
  task?: string;
  /** Called as each layer's training starts (slices may be too coarse to see every layer). */
  onLayer?: (layer: number) => void;
}

/** Where training is; yielded after every mini-batch (the same object, updated in place). */
export interface TrainingProgress {
  layer: number;
  fold: number;
  /** Probe fits finished, plus the fraction of the current one. */
  done: number;
  total: number;
  /** Results of the layers finished so far, one entry per probe kind. */
  results: ProbeResults[];
}

/** Trains and scores every probe kind on every layer; returns one `ProbeResults` per kind. */
export function* trainProbes(problem: ProbeProblem, options: TrainOptions): Generator<TrainingProgress, ProbeResults[]> {
  const { layers, k } = problem;
  const fitsPerFold = options.kinds.length * 2;
  const progress: TrainingProgress = { layer: 0, fold: 0, done: 0, total: layers.length * k * fitsPerFold, results: options.kinds.map((probe) => ({ task: options.task, probe, layers: [] })) };
  for (let layer = 0; layer < layers.length; layer++) {
    const scores = options.kinds.map(() => ({ task: [] as number[], control: [] as number[] }));
    options.onLayer?.(layer);
    for (let fold = 0; fold < k; fold++) {
      Object.assign(progress, { layer, fold });
      const { train, test } = foldSplit(problem.folds, fold);
      const x = standardise(layers[layer], train);
      for (const [i, kind] of options.kinds.entries()) {
        for (const target of ['task', 'control'] as const) {
          const labels = target === 'task' ? problem.labels : problem.control;
          // The same seed for task and control: the two fits differ only in their labels.
          const fit = fitProbe(kind, x, labels, problem.nClasses, train, { epochs: options.epochs, seed: deriveSeed(options.seed, layer, fold, i) });
          const base = progress.done;
          let step = fit.next();
          while (!step.done) {
            progress.done = base + step.value;
            yield progress;
            step = fit.next();
          }
          progress.done = base + 1;
          scores[i][target].push(accuracy(step.value, x, labels, test));
        }
      }
    }
    progress.results = progress.results.map((r, i) => ({ ...r, layers: [...r.layers, layerResult(layer, scores[i].task, scores[i].control)] }));
  }
  return progress.results;
}

/** Every row of `x` scaled to zero mean and unit variance per feature, as measured on `train` only. */
export function standardise(x: Matrix, train: Int32Array): Matrix {
  const { data, rows, cols } = x;
  const mean = new Float64Array(cols);
  const sq = new Float64Array(cols);
  for (const row of train) {
    for (let j = 0; j < cols; j++) {
      const v = data[row * cols + j];
      mean[j] += v;
      sq[j] += v * v;
    }
  }
  const scale = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    mean[j] /= train.length;
    scale[j] = 1 / Math.sqrt(Math.max(sq[j] / train.length - mean[j] ** 2, 0) + 1e-6);
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] - mean[i % cols]) * scale[i % cols];
  return { data: out, rows, cols };
}
