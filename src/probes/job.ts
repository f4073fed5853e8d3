// A whole probing job where the model runs (the engine worker): every sentence through the model,
// each labelled word's hidden states gathered, then the probes trained on every layer. The page gets
// progress and the results, never the hidden states.
import { XrayError } from '../errors.js';
import type { ModelConfig } from '../types.js';
import { alignWords, sentenceText } from './align.js';
import { controlLabels } from './control.js';
import type { LabelledDataset } from './dataset.js';
import { ExampleCollector, type ProbeExamples } from './examples.js';
import { assignFolds } from './folds.js';
import type { ProbeKind } from './probe.js';
import { deriveSeed } from '../random.js';
import type { ProbeResults } from './results.js';
import { nextMacrotask, runSliced } from './schedule.js';
import { trainProbes, type TrainingProgress } from './train.js';

export interface ProbeJob {
  dataset: LabelledDataset;
  /** The most sentences to use (the first ones). */
  maxSentences: number;
  prependBos: boolean;
  kinds: ProbeKind[];
  folds: number;
  epochs: number;
  seed: number;
}

/** Where a job is: running the model over the sentences, or training layer by layer. */
export type ProbeProgress = { stage: 'collect'; sentence: number; of: number } | { stage: 'train'; layer: number; layers: number; fold: number; done: number; total: number; results: ProbeResults[] };

export interface ProbeOutcome {
  results: ProbeResults[];
  /** Sentences used, words in them, and labelled words that could be probed. */
  sentences: number;
  words: number;
  examples: number;
  /** The token each example was read at. */
  tokens: string[];
  /** Forward passes this job ran (none when it reused the hidden states of the job before). */
  passes: number;
}

/** One sentence through the model, nothing kept but what the probes read. */
export type ResidualsOf = (text: string) => Promise<{ tokens: string[]; truncated: boolean; residual: Float32Array; config: ModelConfig }>;

/** How often progress is reported while training: each report is a message to the page. */
const PROGRESS_EVERY_MS = 100;

/** One model's recently gathered examples by task, so a job that changes only the probe settings skips the model. */
export type ProbeCache = Map<string, Collected>;

interface Collected {
  examples: ProbeExamples;
  sentences: number;
  words: number;
}

/** How many tasks' examples a model keeps (one a chart, for a few charts on a page). */
const CACHED_TASKS = 4;
/** Training's slices: in a worker only a cancel or another pass waits; in the page, the page does. */
const SLICE_MS = 'WorkerGlobalScope' in globalThis ? 20 : 8;

export async function runProbeJob(job: ProbeJob, residualsOf: ResidualsOf, onProgress: (progress: ProbeProgress) => void, signal: AbortSignal, cache: ProbeCache): Promise<ProbeOutcome> {
  const key = JSON.stringify([job.dataset, job.maxSentences, job.prependBos]);
  const cached = cache.get(key);
  const collected = cached ?? (await collect(job, residualsOf, onProgress, signal));
  cache.delete(key); // re-inserted: the most recently used last
  cache.set(key, collected);
  for (const oldest of cache.keys()) if (cache.size > CACHED_TASKS) cache.delete(oldest);
  const reuse = cached !== undefined;
  const { examples } = collected;
  const { dataset, kinds, folds, epochs, seed } = job;
  const problem = {
    layers: examples.layers,
    labels: examples.labels,
    control: controlLabels(examples.types, examples.labels, dataset.labels.length, deriveSeed(seed, 1)),
    nClasses: dataset.labels.length,
    folds: assignFolds(examples.groups, folds, deriveSeed(seed, 2)),
    k: folds,
  };
  const layers = examples.layers.length;
  let latest: TrainingProgress | undefined;
  let reported = -Infinity;
  const report = (layer: number, p?: TrainingProgress) => {
    reported = performance.now();
    onProgress({
      stage: 'train',
      layer,
      layers,
      fold: p?.fold ?? 0,
      done: p?.done ?? 0,
      total: p?.total ?? 1,
      results: p?.results ?? kinds.map((probe) => ({ task: dataset.task, probe, layers: [] })),
    });
  };
  // Every layer's start is reported, however coarse the slices; in between, a few times a second.
  const onLayer = (layer: number) => report(layer, latest);
  const results = await runSliced(trainProbes(problem, { kinds, epochs, seed, task: dataset.task, onLayer }), {
    signal,
    sliceMs: SLICE_MS,
    onSlice: (p) => {
      latest = p;
      if (performance.now() - reported >= PROGRESS_EVERY_MS) report(p.layer, p);
    },
  });
  return { results, sentences: collected.sentences, words: collected.words, examples: examples.labels.length, tokens: examples.tokens, passes: reuse ? 0 : collected.sentences };
}

async function collect(job: ProbeJob, residualsOf: ResidualsOf, onProgress: (progress: ProbeProgress) => void, signal: AbortSignal): Promise<Collected> {
  const sentences = job.dataset.sentences.slice(0, job.maxSentences);
  const classOf = new Map(job.dataset.labels.map((label, i) => [label, i]));
  const words = sentences.reduce((n, s) => n + s.words.length, 0);
  let collector: ExampleCollector | undefined;
  for (const [i, sentence] of sentences.entries()) {
    if (signal.aborted) throw new XrayError('aborted', 'Probing stopped because the figure changed.');
    onProgress({ stage: 'collect', sentence: i, of: sentences.length });
    // A task between sentences: a cancel can arrive, and in the page (worker: false) the page gets its turn.
    await nextMacrotask();
    const text = sentenceText(sentence.words);
    const run = await residualsOf(text.text);
    const { nLayer, dModel } = run.config;
    collector ??= new ExampleCollector(nLayer + 1, dModel, words);
    const layers = { tokens: run.tokens, residual: (l: number) => run.residual.subarray(l * run.tokens.length * dModel, (l + 1) * run.tokens.length * dModel) };
    collector.add(
      layers,
      alignWords(text, run.tokens, job.prependBos ? 1 : 0, run.truncated),
      sentence.words,
      sentence.labels.map((l) => classOf.get(l)!),
      i,
    );
  }
  return { examples: collector!.examples(), sentences: sentences.length, words };
}
