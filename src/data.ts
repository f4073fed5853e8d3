// Data mode: precomputed values a page sets on an element instead of running a model, in the
// shapes TransformerLens users already pass to CircuitsVis. Validated with errors that say where.
import { XrayError } from './errors.js';
import type { TopToken } from './types.js';

/**
 * Attention for `<attention-heatmap>` and `<head-grid>`. `attention` is one head `[dest][src]`,
 * one layer `[heads][dest][src]` (CircuitsVis `attention_heads`), or a whole model
 * `[layers][heads][dest][src]` (`cache.stack_activation("pattern")[:, 0]`).
 */
export interface AttentionData {
  tokens: string[];
  attention: number[][] | number[][][] | number[][][][];
}

/** Logit lens for `<logit-lens-table>`: `[layer][position][rank]`, layer 0 = embeddings. */
export interface LogitLensData {
  tokens: string[];
  lens: { token: string; id?: number; prob: number }[][][];
}

/** Attention in the one shape the figures read, whatever shape the data came in. */
export interface AttentionSource {
  tokens: string[];
  nLayer: number;
  nHead: number;
  /** T×T, row = query. */
  attention(layer: number, head: number): Float32Array;
}

/** Turns data-mode attention of any accepted rank into an `AttentionSource`, checking every shape. */
export function attentionSource(data: AttentionData): AttentionSource {
  const tokens = checkTokens(data?.tokens);
  const T = tokens.length;
  const depth = arrayDepth(data.attention);
  if (depth < 2 || depth > 4) throw new XrayError('bad-option', `data.attention must be [dest][src], [heads][dest][src] or [layers][heads][dest][src]; it has ${depth} levels.`);
  const layers = (depth === 4 ? data.attention : depth === 3 ? [data.attention] : [[data.attention]]) as number[][][][];
  const nHead = layers[0]?.length ?? 0;
  const flat = layers.map((heads, l) => {
    if (heads.length !== nHead) throw new XrayError('bad-option', `data.attention layer ${l} has ${heads.length} heads, layer 0 has ${nHead}.`);
    return heads.map((rows, h) => {
      if (rows.length !== T) throw new XrayError('bad-option', `data.attention[${l}][${h}] has ${rows.length} rows for ${T} tokens.`);
      const out = new Float32Array(T * T);
      rows.forEach((row, q) => {
        if (row.length !== T) throw new XrayError('bad-option', `data.attention[${l}][${h}][${q}] has ${row.length} values for ${T} tokens.`);
        out.set(row, q * T);
      });
      return out;
    });
  });
  return { tokens, nLayer: flat.length, nHead, attention: (l, h) => flat[l][h] };
}

/** Checks data-mode logit-lens values and returns them typed. */
export function logitLensSource(data: LogitLensData): { tokens: string[]; lens: TopToken[][][] } {
  const tokens = checkTokens(data?.tokens);
  if (!Array.isArray(data.lens) || data.lens.length === 0) throw new XrayError('bad-option', 'data.lens must be [layer][position][rank] of {token, prob}.');
  data.lens.forEach((layer, l) => {
    if (!Array.isArray(layer) || layer.length !== tokens.length) throw new XrayError('bad-option', `data.lens[${l}] has ${layer?.length} positions for ${tokens.length} tokens.`);
    layer.forEach((ranks, p) => {
      if (!Array.isArray(ranks) || ranks.some((r) => typeof r?.token !== 'string' || typeof r?.prob !== 'number')) {
        throw new XrayError('bad-option', `data.lens[${l}][${p}] must be a list of {token, prob}.`);
      }
    });
  });
  return { tokens, lens: data.lens.map((layer) => layer.map((ranks) => ranks.map((r) => ({ token: r.token, id: r.id ?? -1, prob: r.prob })))) };
}

function checkTokens(tokens: unknown): string[] {
  if (!Array.isArray(tokens) || tokens.length === 0 || tokens.some((t) => typeof t !== 'string')) {
    throw new XrayError('bad-option', 'data.tokens must be a non-empty list of strings.');
  }
  return tokens;
}

function arrayDepth(value: unknown): number {
  let depth = 0;
  while (Array.isArray(value)) {
    depth++;
    value = value[0];
  }
  return depth;
}
