// Reading a logit lens ([layer][position][rank] of top tokens): which positions a table shows,
// where each position's final prediction first reaches top-1, and where a chosen token ranks.
import { XrayError } from '../errors.js';
import type { TopToken } from '../types.js';

/** Which positions to show: every one, the last one, or the last N. */
export type PositionsSpec = 'all' | 'last' | number;

/** A token's place in one cell's ranked list; `rank` is 1-based, or null when the list does not hold it. */
export interface TargetHit {
  rank: number | null;
  /** The token's probability; when `rank` is null, an upper bound (the last listed probability). */
  prob: number;
  /** How many ranks the list holds. */
  depth: number;
}

/**
 * Reads a `positions` attribute: `all`, `last`, or a positive integer N for the last N positions.
 * @example parsePositions('8') // 8
 */
export function parsePositions(value: string): PositionsSpec {
  const text = value.trim();
  if (text === 'all' || text === 'last') return text;
  const n = Number(text);
  if (text !== '' && Number.isInteger(n) && n > 0) return n;
  throw new XrayError('bad-option', `positions="${value}" is not valid: use all, last, or a number N for the last N positions.`);
}

/** The positions (ascending) a table of `length` tokens shows: the last ones when `spec` or `max` asks for fewer. */
export function shownPositions(length: number, spec: PositionsSpec, max: number): number[] {
  const wanted = spec === 'all' ? length : spec === 'last' ? 1 : spec;
  const count = Math.min(length, wanted, max);
  return Array.from({ length: count }, (_, i) => length - count + i);
}

/** Two ranked entries name the same token: by id where both have one (data mode may leave ids out, as -1), else by text. */
function sameToken(a: TopToken, b: TopToken): boolean {
  return a.id >= 0 && b.id >= 0 ? a.id === b.id : a.token === b.token;
}

/**
 * For each position, the first layer whose top-1 is the last layer's top-1 (the final prediction),
 * even if a later layer loses it again; -1 only where the last layer lists no token.
 */
export function firstTop1Layers(lens: TopToken[][][]): Int32Array {
  const last = lens[lens.length - 1];
  return Int32Array.from(last, ([final], p) => (final ? lens.findIndex((layer) => layer[p][0] !== undefined && sameToken(layer[p][0], final)) : -1));
}

/**
 * Whether a model token matches a `target`. A target with spaces around it must match exactly; a
 * target without them also matches the token with them, so `Paris` matches both `Paris` and ` Paris`.
 */
export function matchesTarget(token: string, target: string): boolean {
  return token === target || (target === target.trim() && token.trim() === target);
}

/** Where `target` ranks in every cell, `[layer][position]`; the best-ranked matching token counts. */
export function targetHits(lens: TopToken[][][], target: string): TargetHit[][] {
  return lens.map((layer) =>
    layer.map((ranks) => {
      const index = ranks.findIndex((r) => matchesTarget(r.token, target));
      if (index >= 0) return { rank: index + 1, prob: ranks[index].prob, depth: ranks.length };
      return { rank: null, prob: ranks[ranks.length - 1]?.prob ?? 1, depth: ranks.length };
    }),
  );
}

/**
 * A probability as a short percentage: whole percent from 10%, one decimal from 1%, one significant
 * digit below, and `<0.01%` under that.
 * @example formatPercent(0.4213) // '42%'
 */
export function formatPercent(prob: number): string {
  if (prob >= 0.1) return `${(prob * 100).toFixed(0)}%`;
  if (prob >= 0.01) return `${(prob * 100).toFixed(1)}%`;
  if (prob >= 0.0001) return `${(prob * 100).toPrecision(1)}%`;
  return '<0.01%';
}

/**
 * Token text made visible where it would vanish: newlines and tabs as symbols, a token of spaces only as `␣`s.
 * @example displayToken('\n') // '↵'
 */
export function displayToken(token: string): string {
  const shown = token.replace(/\r?\n/g, '↵').replace(/\t/g, '⇥');
  return shown.trim() === '' ? shown.replace(/ /g, '␣') : shown;
}
