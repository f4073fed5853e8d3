// The two probes: multinomial logistic regression (linear) and a one-hidden-layer ReLU network
// (MLP), trained by mini-batch Adam on softmax cross-entropy with L2. Training is a generator that
// yields its progress (0..1) every few examples, so a caller can spread it over many short slices of time.
import { Adam, argmax, axpy, dot, softmaxInPlace } from './optim.js';
import { gaussian, seededRandom, shuffle, type Random } from '../random.js';

export type ProbeKind = 'linear' | 'mlp';
export const PROBE_KINDS: readonly ProbeKind[] = ['linear', 'mlp'];

/** Examples as a row-major `n × d` matrix. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export interface FitOptions {
  epochs: number;
  seed: number;
  learningRate?: number;
  l2?: number;
  batchSize?: number;
  /** Hidden units of the MLP. */
  hidden?: number;
}

/** A trained probe: the class it predicts for row `row` of `x`. */
export interface Classifier {
  predict(x: Matrix, row: number): number;
}

interface Model extends Classifier {
  params: { value: Float32Array; grad: Float32Array; decay: boolean }[];
  /** Adds the gradient of one example's loss (scaled by `scale`) to the params' `grad`. */
  accumulate(x: Matrix, row: number, label: number, scale: number): void;
}

/** Examples between two yields inside a mini-batch. */
const CHUNK = 16;

const DEFAULTS = {
  linear: { learningRate: 0.01, l2: 1e-4, batchSize: 64, hidden: 0 },
  mlp: { learningRate: 0.005, l2: 1e-4, batchSize: 64, hidden: 64 },
};

/**
 * Fits a probe on the rows `train` of `x`; yields the fraction done every few examples and
 * returns the classifier.
 * @example
 * const fit = fitProbe('linear', x, labels, 3, train, { epochs: 20, seed: 1 });
 * let step = fit.next();
 * while (!step.done) step = fit.next();
 * step.value.predict(x, 0);
 */
export function* fitProbe(kind: ProbeKind, x: Matrix, labels: Int32Array, nClasses: number, train: Int32Array, options: FitOptions): Generator<number, Classifier> {
  const settings = { ...DEFAULTS[kind], ...options };
  const random = seededRandom(options.seed);
  const model = kind === 'linear' ? linearModel(x.cols, nClasses, random) : mlpModel(x.cols, settings.hidden, nClasses, random);
  const adam = new Adam(model.params, settings.learningRate, settings.l2);
  const order = Int32Array.from(train);
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    shuffle(order, random);
    for (let start = 0; start < order.length; start += settings.batchSize) {
      const end = Math.min(start + settings.batchSize, order.length);
      for (let i = start; i < end; i++) {
        model.accumulate(x, order[i], labels[order[i]], 1 / (end - start));
        // Wide layers make one mini-batch take several milliseconds: let the caller pause inside it.
        if ((i + 1 - start) % CHUNK === 0) yield (epoch + (i + 1) / order.length) / settings.epochs;
      }
      adam.step();
      yield (epoch + end / order.length) / settings.epochs;
    }
  }
  return model;
}

/** Fraction of the rows `test` whose label the classifier predicts. */
export function accuracy(classifier: Classifier, x: Matrix, labels: Int32Array, test: Int32Array): number {
  let right = 0;
  for (const row of test) if (classifier.predict(x, row) === labels[row]) right++;
  return test.length ? right / test.length : NaN;
}

function linearModel(d: number, c: number, random: Random): Model {
  const w = param(c * d, 0.01, random, true);
  const b = param(c, 0, random, false);
  const z = new Float64Array(c);
  const logits = (x: Matrix, row: number) => {
    for (let k = 0; k < c; k++) z[k] = b.value[k] + dot(w.value, k * d, x.data, row * d, d);
    return z;
  };
  return {
    params: [w, b],
    predict: (x, row) => argmax(logits(x, row)),
    accumulate(x, row, label, scale) {
      softmaxInPlace(logits(x, row), label);
      z[label] -= 1;
      for (let k = 0; k < c; k++) {
        b.grad[k] += scale * z[k];
        axpy(w.grad, k * d, scale * z[k], x.data, row * d, d);
      }
    },
  };
}

function mlpModel(d: number, hidden: number, c: number, random: Random): Model {
  const w1 = param(hidden * d, Math.sqrt(2 / d), random, true);
  const b1 = param(hidden, 0, random, false);
  const w2 = param(c * hidden, Math.sqrt(1 / hidden), random, true);
  const b2 = param(c, 0, random, false);
  const h = new Float32Array(hidden);
  const dh = new Float32Array(hidden);
  const z = new Float64Array(c);
  const logits = (x: Matrix, row: number) => {
    for (let j = 0; j < hidden; j++) h[j] = Math.max(0, b1.value[j] + dot(w1.value, j * d, x.data, row * d, d));
    for (let k = 0; k < c; k++) z[k] = b2.value[k] + dot(w2.value, k * hidden, h, 0, hidden);
    return z;
  };
  return {
    params: [w1, b1, w2, b2],
    predict: (x, row) => argmax(logits(x, row)),
    accumulate(x, row, label, scale) {
      softmaxInPlace(logits(x, row), label);
      z[label] -= 1;
      dh.fill(0);
      for (let k = 0; k < c; k++) {
        const g = scale * z[k];
        b2.grad[k] += g;
        axpy(w2.grad, k * hidden, g, h, 0, hidden);
        axpy(dh, 0, g, w2.value, k * hidden, hidden);
      }
      for (let j = 0; j < hidden; j++) {
        if (h[j] <= 0) continue;
        b1.grad[j] += dh[j];
        axpy(w1.grad, j * d, dh[j], x.data, row * d, d);
      }
    },
  };
}

/** A parameter array drawn from N(0, std²) (zeros when std is 0) with its gradient. */
function param(size: number, std: number, random: Random, decay: boolean) {
  const value = new Float32Array(size);
  if (std) for (let i = 0; i < size; i++) value[i] = std * gaussian(random);
  return { value, grad: new Float32Array(size), decay };
}
