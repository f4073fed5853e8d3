// Probe results, one record per layer: what training produces and what data mode draws. A Python
// export (e.g. from TransformerLens) writes the same shape; `parseProbeResults` checks it.
import { XrayError } from '../errors.js';

/** Cross-validated scores of one probe on one layer's hidden states (layer 0 = embeddings). */
export interface ProbeLayerResult {
  layer: number;
  /** Mean test accuracy over the folds, 0..1. */
  accuracy: number;
  /** Standard deviation of the test accuracy over the folds. */
  accuracyStd: number;
  /** Mean test accuracy of the same probe on the control task, 0..1. */
  control: number;
  controlStd?: number;
  /** accuracy − control. */
  selectivity: number;
}

/** The results of one probe over the layers. */
export interface ProbeResults {
  /** Name of the task, e.g. `pos`. */
  task?: string;
  /** Which probe, e.g. `linear` or `mlp`; names the lines when there are several. */
  probe?: string;
  layers: ProbeLayerResult[];
}

/** What data mode accepts: one probe's results, or several drawn together. */
export type ProbeResultsData = ProbeResults | ProbeResults[];

/** Checks data-mode results and returns them as a list with each probe's layers in order. */
export function parseProbeResults(data: unknown): ProbeResults[] {
  const list = Array.isArray(data) ? data : [data];
  if (list.length === 0) throw new XrayError('bad-option', 'data is an empty list: give { task, layers: [{ layer, accuracy, accuracyStd, control, selectivity }] }.');
  return list.map((entry, i) => parseOne(entry, Array.isArray(data) ? `data[${i}]` : 'data'));
}

/** Mean and sample standard deviation (0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

/** One layer's record from its per-fold test accuracies on the task and on the control task. */
export function layerResult(layer: number, accuracies: readonly number[], controls: readonly number[]): ProbeLayerResult {
  const task = meanStd(accuracies);
  const control = meanStd(controls);
  return { layer, accuracy: task.mean, accuracyStd: task.std, control: control.mean, controlStd: control.std, selectivity: task.mean - control.mean };
}

function parseOne(entry: unknown, where: string): ProbeResults {
  const record = entry as Partial<ProbeResults> | null;
  if (!record || typeof record !== 'object' || !Array.isArray(record.layers) || record.layers.length === 0) {
    throw new XrayError('bad-option', `${where} must be { task, layers: [{ layer, accuracy, accuracyStd, control, selectivity }] } with at least one layer.`);
  }
  for (const key of ['task', 'probe'] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'string') throw new XrayError('bad-option', `${where}.${key} must be a string.`);
  }
  const layers = record.layers.map((layer, i) => parseLayer(layer, `${where}.layers[${i}]`));
  layers.sort((a, b) => a.layer - b.layer);
  layers.forEach((l, i) => {
    if (i > 0 && l.layer === layers[i - 1].layer) throw new XrayError('bad-option', `${where}.layers has layer ${l.layer} twice.`);
  });
  return { task: record.task, probe: record.probe, layers };
}

function parseLayer(value: unknown, where: string): ProbeLayerResult {
  const r = value as Record<string, unknown> | null;
  if (!r || typeof r !== 'object') throw new XrayError('bad-option', `${where} must be { layer, accuracy, accuracyStd, control, selectivity }.`);
  const check = (key: string, min: number, max: number, optional = false): number | undefined => {
    const v = r[key];
    if (optional && v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new XrayError('bad-option', `${where}.${key} must be a number from ${min} to ${max}; it is ${JSON.stringify(v) ?? 'missing'}.`);
    }
    return v;
  };
  const layer = check('layer', 0, Number.MAX_SAFE_INTEGER)!;
  if (!Number.isInteger(layer)) throw new XrayError('bad-option', `${where}.layer must be a whole number; it is ${layer}.`);
  return {
    layer,
    accuracy: check('accuracy', 0, 1)!,
    accuracyStd: check('accuracyStd', 0, 1)!,
    control: check('control', 0, 1)!,
    controlStd: check('controlStd', 0, 1, true),
    selectivity: check('selectivity', -1, 1)!,
  };
}
