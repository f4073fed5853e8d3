// What <head-ablation> reads and says: data mode (a scan exported from TransformerLens), the head
// sets of its `heads` attribute, and the metric's name and numbers as the figure writes them.
import type { TokenRef } from '../../src/engine.js';
import { checkIndex, XrayError } from '../../src/errors.js';
import type { HeadRef } from '../../src/selection.js';
import type { TopToken } from '../../src/types.js';

/** One entry of a next-token distribution in data mode. */
export interface RankedTokenData {
  token: string;
  id?: number;
  prob: number;
}

/**
 * Data mode of `<head-ablation>`: an ablation scan as TransformerLens computes it (see
 * docs/elements.md, "Head ablation"). `ablated` (with `clean`) draws the map; `before` and `after`
 * give the next-token distributions the comparison shows.
 */
export interface AblationData {
  tokens: string[];
  /** The token the metric is about: its text (`" Mary"`) or id. */
  answer: TokenRef;
  /** With it, the metric is logit[answer] − logit[wrong]; without it, P(answer). */
  wrong?: TokenRef;
  /** What an ablated head's `hook_z` became (default `zero`). */
  mode?: 'zero' | 'mean';
  /** The metric without any ablation. */
  clean?: number;
  /** `[layer][head]`: the metric with that head ablated alone. */
  ablated?: number[][];
  /** The clean next-token distribution at the last position, best first. */
  before?: RankedTokenData[];
  /** The distribution with heads ablated, keyed as `heads` writes them: `"1.0"`, or `"0.0 1.0"` for a set. */
  after?: Record<string, RankedTokenData[]>;
}

/** What the metric is about: P(answer), or logit[answer] − logit[wrong]. */
export interface Metric {
  answer: TokenRef;
  wrong?: TokenRef;
}

/** The metric with each head ablated alone (`values[layer * nHead + head]`), and without ablation. */
export interface Scan {
  nLayer: number;
  nHead: number;
  values: Float32Array;
  clean: number;
}

/** Data-mode values, checked. */
export interface AblationRecord {
  tokens: string[];
  metric: Metric;
  mode: 'zero' | 'mean';
  scan?: Scan;
  before?: TopToken[];
  /** By `headsKey`. */
  after: Map<string, TopToken[]>;
}

/** Checks data-mode values and returns them typed; errors say where the data does not fit. */
export function ablationRecord(data: AblationData): AblationRecord {
  const tokens = data?.tokens;
  if (!Array.isArray(tokens) || tokens.length === 0 || tokens.some((t) => typeof t !== 'string')) throw new XrayError('bad-option', 'data.tokens must be a non-empty list of strings.');
  for (const name of ['answer', 'wrong'] as const) {
    const ref = data[name];
    if ((ref !== undefined || name === 'answer') && typeof ref !== 'string' && typeof ref !== 'number') throw new XrayError('bad-option', `data.${name} must be a token's text or id.`);
  }
  const mode = data.mode ?? 'zero';
  if (mode !== 'zero' && mode !== 'mean') throw new XrayError('bad-option', `data.mode must be zero or mean; it is "${mode}".`);
  if (data.ablated === undefined && data.after === undefined) throw new XrayError('bad-option', 'data needs ablated ([layer][head] values, with clean) or after (next-token distributions by heads).');
  const after = new Map<string, TopToken[]>();
  for (const [key, list] of Object.entries(data.after ?? {})) after.set(headsKey(parseHeads(key, `a key of data.after, "${key}",`)), distribution(list, `data.after["${key}"]`));
  return {
    tokens,
    metric: { answer: data.answer, wrong: data.wrong },
    mode,
    scan: data.ablated === undefined ? undefined : scanOf(data.ablated, data.clean),
    before: data.before === undefined ? undefined : distribution(data.before, 'data.before'),
    after,
  };
}

function scanOf(ablated: number[][], clean: number | undefined): Scan {
  if (typeof clean !== 'number') throw new XrayError('bad-option', 'data.clean must be the metric without ablation, a number.');
  const nHead = Array.isArray(ablated) ? ablated[0]?.length : undefined;
  if (!nHead) throw new XrayError('bad-option', 'data.ablated must be [layer][head] numbers.');
  const values = new Float32Array(ablated.length * nHead);
  ablated.forEach((row, layer) => {
    if (!Array.isArray(row) || row.length !== nHead || row.some((v) => typeof v !== 'number')) throw new XrayError('bad-option', `data.ablated[${layer}] must be ${nHead} numbers, as layer 0 has.`);
    values.set(row, layer * nHead);
  });
  return { nLayer: ablated.length, nHead, values, clean };
}

function distribution(list: unknown, where: string): TopToken[] {
  const entries = list as RankedTokenData[];
  if (!Array.isArray(entries) || entries.some((r) => typeof r?.token !== 'string' || typeof r?.prob !== 'number')) throw new XrayError('bad-option', `${where} must be a list of {token, prob}.`);
  return entries.map((r) => ({ token: r.token, id: r.id ?? -1, prob: r.prob }));
}

/**
 * The heads of a `heads` attribute (`"5.1 5.5"`; commas may separate them too), each once, in the
 * model's order. `what` names the text in the error.
 */
export function parseHeads(text: string, what = 'heads'): HeadRef[] {
  const heads = new Map<string, HeadRef>();
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const match = /^(\d+)\.(\d+)$/.exec(part);
    if (!match) throw new XrayError('bad-option', `${what} must list heads as layer.head, such as "5.1 5.5"; "${part}" is not one.`);
    heads.set(part, { layer: Number(match[1]), head: Number(match[2]) });
  }
  if (!heads.size) throw new XrayError('bad-option', `${what} lists no head: write them as layer.head, such as "5.1 5.5".`);
  return [...heads.values()].sort((a, b) => a.layer - b.layer || a.head - b.head);
}

/** Throws `out-of-range` unless every head is in a model of `nLayer` layers of `nHead` heads. */
export function checkHeads(heads: HeadRef[], nLayer: number, nHead: number): void {
  for (const { layer, head } of heads) {
    checkIndex('layer', layer, nLayer);
    checkIndex('head', head, nHead);
  }
}

/** One text per head set, as `heads` writes it: `"0.0 1.0"`. */
export function headsKey(heads: HeadRef[]): string {
  return heads.map(({ layer, head }) => `${layer}.${head}`).join(' ');
}

/** TransformerLens's names of the heads, in prose: "L1H0", "L5H1 and L5H5", "L0H0, L0H1 and L1H0". */
export function headsName(heads: HeadRef[]): string {
  const names = heads.map(({ layer, head }) => `L${layer}H${head}`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
}

/** A token as the figure writes it: its text in quotes, so a leading space shows, or its id. */
export function tokenName(ref: TokenRef): string {
  return typeof ref === 'number' ? `token ${ref}` : `“${ref}”`;
}

/** `P(“ silver”)`, or `logit(“ Mary”) − logit(“ John”)`. */
export function metricName({ answer, wrong }: Metric): string {
  return wrong === undefined ? `P(${tokenName(answer)})` : `logit(${tokenName(answer)}) − logit(${tokenName(wrong)})`;
}

/** A value of the metric: probabilities to three decimals, logit differences to two. */
export function formatMetric(metric: Metric, value: number): string {
  return value.toFixed(digits(metric)).replace('-', '−');
}

/** A change of the metric, signed; a change too small to show is 0. */
export function formatChange(metric: Metric, change: number): string {
  const text = Math.abs(change).toFixed(digits(metric));
  if (Number(text) === 0) return text;
  return `${change < 0 ? '−' : '+'}${text}`;
}

function digits({ wrong }: Metric): number {
  return wrong === undefined ? 3 : 2;
}

/** Where a token is in a distribution, best first: its rank from 1 and its probability. */
export function findToken(list: TopToken[], ref: TokenRef): { rank: number; prob: number } | undefined {
  const index = list.findIndex((t) => (typeof ref === 'number' ? t.id === ref : t.token === ref));
  return index < 0 ? undefined : { rank: index + 1, prob: list[index].prob };
}

/** A probability as the distributions write it. */
export function formatProb(prob: number): string {
  return prob >= 0.001 || prob === 0 ? prob.toFixed(3) : prob.toExponential(1);
}
