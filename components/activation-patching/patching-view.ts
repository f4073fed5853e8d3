// What an <activation-patching> figure shows, from the controller's result or from data mode, and
// how its cells, columns and prompts read in words (labels, tooltip, screen reader, export).
import { displayToken } from '../../src/analysis/logit-lens.js';
import type { PatchResult, TokenRef } from '../../src/engine.js';
import { XrayError } from '../../src/errors.js';
import { PATCH_HOOKS, type PatchHook } from '../../src/gpt2-graph.js';
import { quote } from '../shared/format.js';

/**
 * Data mode of `<activation-patching>`: what TransformerLens's `get_act_patch_resid_pre`,
 * `_attn_out`, `_mlp_out` (`[layer][position]`) or `_attn_head_out_all_pos` (`[layer][head]`, hook
 * `z`) return under the normalised metric, with the two prompts' tokens.
 */
export interface PatchingData {
  hook: PatchHook;
  cleanTokens: string[];
  corruptedTokens: string[];
  /** (patched − corrupted) / (clean − corrupted): `[layer][position]`, or `[layer][head]` for `z`. */
  values: number[][];
  /** The metric's tokens, logit[answer] − logit[wrong]. */
  answer?: string;
  wrong?: string;
  /** The logit differences of the clean and the corrupted prompt. */
  clean?: number;
  corrupted?: number;
}

export interface PatchView {
  hook: PatchHook;
  /** Layers. */
  rows: number;
  /** Positions, or heads for `z`. */
  columns: number;
  /** `[row * columns + column]`. */
  values: Float32Array;
  cleanTokens: string[];
  corruptedTokens: string[];
  /** Positions where the two prompts' tokens differ. */
  differs: number[];
  /** The metric's tokens, by text or (model mode) id. */
  answer?: TokenRef;
  wrong?: TokenRef;
  clean?: number;
  corrupted?: number;
}

export interface PatchCell {
  layer: number;
  /** A position, or a head for `z`. */
  column: number;
}

/** The most differing positions the summary names one by one. */
const MAX_NAMED = 4;

const TITLES: Record<PatchHook, string> = {
  resid_pre: 'Patching the residual stream (resid_pre) at each layer and position',
  attn_out: "Patching each layer's attention output (attn_out) at each position",
  mlp_out: "Patching each layer's MLP output (mlp_out) at each position",
  z: "Patching each head's output (z) at every position",
};

export function viewFromResult(result: PatchResult, hook: PatchHook, answer: TokenRef, wrong: TokenRef): PatchView {
  const { cleanTokens, corruptedTokens, data, cleanDifference: clean, corruptedDifference: corrupted } = result;
  return {
    hook,
    rows: result.dims[0],
    columns: result.dims[1],
    values: data,
    cleanTokens,
    corruptedTokens,
    differs: differingPositions(cleanTokens, corruptedTokens),
    answer,
    wrong,
    clean,
    corrupted,
  };
}

/** Checks data-mode values and returns them as a view; errors say where the data does not fit. */
export function viewFromData(data: PatchingData): PatchView {
  if (!PATCH_HOOKS.includes(data?.hook)) throw new XrayError('bad-option', `data.hook must be one of ${PATCH_HOOKS.join(', ')}; it is ${JSON.stringify(data?.hook)}.`);
  const cleanTokens = checkTokens(data.cleanTokens, 'cleanTokens');
  const corruptedTokens = checkTokens(data.corruptedTokens, 'corruptedTokens');
  if (corruptedTokens.length !== cleanTokens.length) {
    throw new XrayError('bad-option', `data.corruptedTokens has ${corruptedTokens.length} tokens and data.cleanTokens ${cleanTokens.length}: patching compares prompts of one token length.`);
  }
  const { hook, values } = data;
  const byHead = hook === 'z';
  if (!Array.isArray(values) || values.length === 0 || !values.every(Array.isArray)) {
    throw new XrayError('bad-option', `data.values must be ${byHead ? '[layer][head]' : '[layer][position]'}, a list of lists of numbers.`);
  }
  const columns = byHead ? values[0].length : cleanTokens.length;
  const flat = new Float32Array(values.length * columns);
  values.forEach((row, layer) => {
    if (row.length !== columns)
      throw new XrayError(
        'bad-option',
        byHead ? `data.values[${layer}] has ${row.length} heads, data.values[0] ${columns}.` : `data.values[${layer}] has ${row.length} values for ${columns} positions.`,
      );
    row.forEach((value, column) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new XrayError('bad-option', `data.values[${layer}][${column}] must be a number; it is ${JSON.stringify(value)}.`);
      flat[layer * columns + column] = value;
    });
  });
  for (const key of ['clean', 'corrupted'] as const) {
    if (data[key] !== undefined && !Number.isFinite(data[key]))
      throw new XrayError('bad-option', `data.${key} must be a number (the ${key} prompt's logit difference); it is ${JSON.stringify(data[key])}.`);
  }
  for (const key of ['answer', 'wrong'] as const) {
    if (data[key] !== undefined && typeof data[key] !== 'string') throw new XrayError('bad-option', `data.${key} must be a token's text; it is ${JSON.stringify(data[key])}.`);
  }
  const { answer, wrong, clean, corrupted } = data;
  return { hook, rows: values.length, columns, values: flat, cleanTokens, corruptedTokens, differs: differingPositions(cleanTokens, corruptedTokens), answer, wrong, clean, corrupted };
}

export function title(hook: PatchHook): string {
  return TITLES[hook];
}

/** "logit(“ silver”) − logit(“ bridge”) at the last position: clean 4.21, corrupted −3.10." */
export function logitDifferenceLine({ answer, wrong, clean, corrupted }: PatchView): string | undefined {
  if (clean === undefined || corrupted === undefined) return undefined;
  const metric = answer !== undefined && wrong !== undefined ? `logit(${tokenName(answer)}) − logit(${tokenName(wrong)}) at the last position` : 'The logit difference';
  return `${metric}: clean ${signed(clean)}, corrupted ${signed(corrupted)}. Each cell is (patched − corrupted) / (clean − corrupted): 0 = corrupted, 1 = clean.`;
}

/** "The prompts differ at position 7: “ silver” → “ bridge” (clean → corrupted)." */
export function differencesLine(view: PatchView): string {
  const { differs } = view;
  if (differs.length === 0) return 'The two prompts have the same tokens.';
  const named = differs.slice(0, MAX_NAMED).map((p) => `${p} (${quote(view.cleanTokens[p])} → ${quote(view.corruptedTokens[p])})`);
  const more = differs.length > MAX_NAMED ? ` and ${differs.length - MAX_NAMED} more` : '';
  const where = differs.length === 1 ? `position ${named[0]}` : `positions ${named.join(', ')}${more}`;
  return `The prompts differ at ${where}, clean → corrupted.`;
}

/** A column's label: the token, or "clean→corrupted" where the prompts differ; a head for `z`. */
export function columnLabel(view: PatchView, column: number): string {
  if (view.hook === 'z') return `H${column}`;
  const [clean, corrupted] = [displayToken(view.cleanTokens[column]), displayToken(view.corruptedTokens[column])];
  return isMarked(view, column) ? `${clean}→${corrupted}` : clean;
}

/** Whether a column is a position where the prompts differ, marked on the chart. */
export function isMarked(view: PatchView, column: number): boolean {
  return view.hook !== 'z' && view.differs.includes(column);
}

export function valueAt(view: PatchView, { layer, column }: PatchCell): number {
  return view.values[layer * view.columns + column];
}

/** One cell in words: where it is and its true value (the colour is clamped, the number is not). */
export function describeCell(view: PatchView, cell: PatchCell, separator: string): string {
  const value = formatValue(valueAt(view, cell));
  if (view.hook === 'z') return [`Layer ${cell.layer}, head ${cell.column}`, `${value} (0 = corrupted, 1 = clean)`].join(separator);
  const p = cell.column;
  const token = view.differs.includes(p) ? `${quote(view.cleanTokens[p])} → ${quote(view.corruptedTokens[p])}, the prompts differ` : `${quote(view.cleanTokens[p])} in both prompts`;
  return [`Layer ${cell.layer}, position ${p}: ${token}`, `${value} (0 = corrupted, 1 = clean)`].join(separator);
}

/** Two decimals with a true minus sign; no "−0.00". */
export function formatValue(value: number): string {
  return Math.abs(value) < 0.005 ? '0.00' : signed(value);
}

function signed(value: number): string {
  return value < 0 ? `−${Math.abs(value).toFixed(2)}` : value.toFixed(2);
}

/** A token by its text, quoted, or by its id. */
function tokenName(ref: TokenRef): string {
  return typeof ref === 'number' ? `token ${ref}` : quote(ref);
}

function differingPositions(clean: string[], corrupted: string[]): number[] {
  return clean.flatMap((token, p) => (token === corrupted[p] ? [] : [p]));
}

function checkTokens(tokens: unknown, name: string): string[] {
  if (!Array.isArray(tokens) || tokens.length === 0 || tokens.some((t) => typeof t !== 'string')) throw new XrayError('bad-option', `data.${name} must be a non-empty list of strings.`);
  return tokens;
}
