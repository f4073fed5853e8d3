// Labelled sentences for a probing task, as a page supplies them in JSON:
// { "task": "name", "labels": ["optional", "label", "names"], "sentences": [{ "words": [...], "labels": [...] }] }
// `parseDataset` checks every part and says exactly where the data is wrong.
import { XrayError } from '../errors.js';

export interface LabelledSentence {
  words: string[];
  /** One label per word. */
  labels: string[];
}

export interface LabelledDataset {
  task: string;
  /** Every label name, in the order a figure lists them; derived from the sentences when absent. */
  labels: string[];
  sentences: LabelledSentence[];
}

/** True when parsed JSON looks like labelled sentences rather than precomputed results. */
export function isDatasetJson(value: unknown): value is { sentences: unknown } {
  return typeof value === 'object' && value !== null && 'sentences' in value;
}

/** Checks labelled-sentence JSON; `source` names where it came from in messages (e.g. the `src` URL). */
export function parseDataset(json: unknown, source = 'The labelled data'): LabelledDataset {
  if (!isDatasetJson(json)) invalid(source, 'it must be a JSON object { "task": "name", "sentences": [{ "words": [...], "labels": [...] }] }.');
  const { task, labels, sentences } = json as { task?: unknown; labels?: unknown; sentences: unknown };
  if (task !== undefined && (typeof task !== 'string' || !task.trim())) invalid(source, '"task" must be a non-empty string.');
  if (labels !== undefined && !isStringList(labels)) invalid(source, '"labels" must be a list of non-empty strings.');
  if (labels && new Set(labels).size !== labels.length) invalid(source, '"labels" names a label twice.');
  if (!Array.isArray(sentences) || sentences.length === 0) invalid(source, '"sentences" must be a non-empty list.');
  const parsed = sentences.map((s, i) => parseSentence(s, source, `sentences[${i}]`, labels));
  const used = [...new Set(parsed.flatMap((s) => s.labels))];
  if (used.length < 2) invalid(source, `every word has the label "${used[0]}"; a probe needs at least two labels.`);
  return { task: task ?? 'custom', labels: labels ?? used.sort(), sentences: parsed };
}

function parseSentence(value: unknown, source: string, where: string, labels: string[] | undefined): LabelledSentence {
  if (typeof value !== 'object' || value === null) invalid(source, `${where} must be { "words": [...], "labels": [...] }.`);
  const { words, labels: tags } = value as { words?: unknown; labels?: unknown };
  if (!isStringList(words) || words.length === 0 || words.some((w) => !w.trim())) invalid(source, `${where}.words must be a non-empty list of words.`);
  if (!isStringList(tags) || tags.length !== words.length) invalid(source, `${where}.labels must hold one label for each of its ${words.length} words.`);
  tags.forEach((tag, j) => {
    if (labels && !labels.includes(tag)) invalid(source, `${where}.labels[${j}] is "${tag}", which is not one of the labels: ${labels.join(', ')}.`);
  });
  return { words, labels: tags };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0);
}

function invalid(source: string, message: string): never {
  throw new XrayError('bad-option', `${source}: ${message}`);
}
