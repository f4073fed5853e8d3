// An independent GPT-2 forward pass in float64 with plain loops, written from the model's definition,
// that the ONNX graph's hook outputs are checked against. Names follow TransformerLens hooks.
import { tensorAsFloat32, type SafetensorsTable, type TensorInfo } from '../../src/safetensors.js';
import type { ModelConfig } from '../../src/types.js';
import { gpt2Weights, type Affine } from '../../src/weights.js';

/** Every hook value of one sequence of T tokens; all arrays row-major. */
export interface ReferenceOutputs {
  /** `hook_embed` [T, D]: the wte rows of the tokens. */
  embed: Float64Array;
  /** `hook_pos_embed` [T, D]: wpe rows 0..T-1. */
  posEmbed: Float64Array;
  /** `blocks.{l}.hook_resid_pre` [L+1][T*D]; entry L is the last block's output, before ln_f. */
  residPre: Float64Array[];
  /** `attn.hook_attn_scores` [L][H][T*T]: q·k / sqrt(dh), -Infinity above the diagonal. */
  attnScores: Float64Array[][];
  /** `attn.hook_pattern` [L][H][T*T]: softmax of the scores, zeros above the diagonal. */
  pattern: Float64Array[][];
  /** `attn.hook_z` [L][H][T*dh]: the pattern-weighted values of each head. */
  z: Float64Array[][];
  /** `attn.hook_result` [L][H][T*D]: z_h @ W_O rows of head h, no bias; their sum + c_proj bias is attnOut. */
  result: Float64Array[][];
  /** `hook_attn_out` [L][T*D]. */
  attnOut: Float64Array[];
  /** `hook_resid_mid` [L][T*D]: residPre + attnOut. */
  residMid: Float64Array[];
  /** `mlp.hook_post` [L][T*4D]: GELU of c_fc's output. */
  mlpPost: Float64Array[];
  /** `hook_mlp_out` [L][T*D]. */
  mlpOut: Float64Array[];
  /** `ln_final.hook_scale` [T]: sqrt(var + eps) of the final residual (the divisor, as TransformerLens stores it). */
  lnFinalScale: Float64Array;
  /** `logits` [T, V]: ln_f output @ wte^T, no bias. */
  logits: Float64Array;
}

/** Interventions on the forward pass, as TransformerLens hooks would make them. */
export interface ReferenceOptions {
  /** Heads whose `hook_z` is replaced (so their `hook_result` follows); their pattern is left as computed. */
  ablate?: { layer: number; head: number }[];
  /** What an ablated head's `hook_z` becomes: 0, or its mean over the positions (TransformerLens's two usual choices). */
  ablateMode?: 'zero' | 'mean';
  /**
   * One activation taken from another run (`from`): `resid_pre`, `attn_out` or `mlp_out` of `layer`
   * at `position`, or head `head`'s `hook_z` of `layer` at every position (or only at `position`).
   */
  patch?: { hook: 'resid_pre' | 'attn_out' | 'mlp_out' | 'z'; layer: number; position?: number; head?: number; from: ReferenceOutputs };
}

/** Copies the rows `position` (or all rows) of width `width` from `source` into `target`. */
function patchRows(target: Float64Array, source: Float64Array, width: number, position: number | undefined): void {
  if (position === undefined) target.set(source);
  else target.set(source.subarray(position * width, (position + 1) * width), position * width);
}

/** Runs GPT-2 on one sequence of token ids and returns every hook value in float64. */
export function gpt2Reference(bytes: Uint8Array, table: SafetensorsTable, config: ModelConfig, ids: number[], options: ReferenceOptions = {}): ReferenceOutputs {
  const weights = gpt2Weights(table, config);
  const load = (info: TensorInfo) => tensorAsFloat32(bytes, info);
  const { nHead: H, dModel: D, vocabSize: V, layerNormEps: eps } = config;
  const T = ids.length;
  const dh = D / H;
  const wte = load(weights.wte);
  const wpe = load(weights.wpe);

  const embed = new Float64Array(T * D);
  const posEmbed = new Float64Array(T * D);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < D; i++) {
      embed[t * D + i] = wte[ids[t] * D + i];
      posEmbed[t * D + i] = wpe[t * D + i];
    }
  }
  let x = add(embed, posEmbed);

  const out: Omit<ReferenceOutputs, 'embed' | 'posEmbed' | 'lnFinalScale' | 'logits'> = {
    residPre: [],
    attnScores: [],
    pattern: [],
    z: [],
    result: [],
    attnOut: [],
    residMid: [],
    mlpPost: [],
    mlpOut: [],
  };
  const patch = options.patch;
  const patching = (hook: string, layer: number) => patch?.hook === hook && patch.layer === layer;
  for (const [layer, block] of weights.blocks.entries()) {
    if (patching('resid_pre', layer)) {
      x = x.slice();
      patchRows(x, patch!.from.residPre[layer], D, patch!.position);
    }
    out.residPre.push(x);

    // Attention. c_attn's output row is [q | k | v], each D wide; head h owns columns h*dh..(h+1)*dh of each.
    const qkv = linear(layerNorm(x, T, D, block.ln1, load, eps).out, T, D, 3 * D, block.attn, load);
    const scores: Float64Array[] = [];
    const patterns: Float64Array[] = [];
    const zs: Float64Array[] = [];
    const results: Float64Array[] = [];
    const wo = load(block.attnProj.weight);
    for (let h = 0; h < H; h++) {
      const score = new Float64Array(T * T);
      const pattern = new Float64Array(T * T);
      for (let i = 0; i < T; i++) {
        for (let j = 0; j < T; j++) {
          if (j > i) {
            score[i * T + j] = -Infinity;
            continue;
          }
          let dot = 0;
          for (let d = 0; d < dh; d++) dot += qkv[i * 3 * D + h * dh + d] * qkv[j * 3 * D + D + h * dh + d];
          score[i * T + j] = dot / Math.sqrt(dh);
        }
        softmaxCausalRow(score, pattern, i, T);
      }
      const z = new Float64Array(T * dh);
      for (let i = 0; i < T; i++) {
        for (let j = 0; j <= i; j++) {
          const p = pattern[i * T + j];
          for (let d = 0; d < dh; d++) z[i * dh + d] += p * qkv[j * 3 * D + 2 * D + h * dh + d];
        }
      }
      if (options.ablate?.some((a) => a.layer === layer && a.head === h)) {
        const mean = new Float64Array(dh);
        for (let i = 0; i < T; i++) for (let d = 0; d < dh; d++) mean[d] += z[i * dh + d] / T;
        for (let i = 0; i < T; i++) z.set(options.ablateMode === 'mean' ? mean : new Float64Array(dh), i * dh);
      }
      if (patching('z', layer) && patch!.head === h) patchRows(z, patch!.from.z[layer][h], dh, patch!.position);
      // Head h's share of c_proj: rows h*dh..(h+1)*dh of W_O.
      const result = new Float64Array(T * D);
      for (let i = 0; i < T; i++) {
        for (let d = 0; d < dh; d++) {
          const zd = z[i * dh + d];
          const row = (h * dh + d) * D;
          for (let o = 0; o < D; o++) result[i * D + o] += zd * wo[row + o];
        }
      }
      scores.push(score);
      patterns.push(pattern);
      zs.push(z);
      results.push(result);
    }
    const attnOut = new Float64Array(T * D);
    const bo = load(block.attnProj.bias);
    for (let i = 0; i < T; i++) {
      for (let o = 0; o < D; o++) {
        let sum = bo[o];
        for (let h = 0; h < H; h++) sum += results[h][i * D + o];
        attnOut[i * D + o] = sum;
      }
    }
    if (patching('attn_out', layer)) patchRows(attnOut, patch!.from.attnOut[layer], D, patch!.position);
    const residMid = add(x, attnOut);

    // MLP.
    const pre = linear(layerNorm(residMid, T, D, block.ln2, load, eps).out, T, D, 4 * D, block.fc, load);
    const post = pre.map(geluNew);
    const mlpOut = linear(post, T, 4 * D, D, block.mlpProj, load);
    if (patching('mlp_out', layer)) patchRows(mlpOut, patch!.from.mlpOut[layer], D, patch!.position);
    x = add(residMid, mlpOut);

    out.attnScores.push(scores);
    out.pattern.push(patterns);
    out.z.push(zs);
    out.result.push(results);
    out.attnOut.push(attnOut);
    out.residMid.push(residMid);
    out.mlpPost.push(post);
    out.mlpOut.push(mlpOut);
  }
  out.residPre.push(x);

  const final = layerNorm(x, T, D, weights.lnF, load, eps);
  const logits = new Float64Array(T * V);
  for (let t = 0; t < T; t++) {
    const row = final.out.subarray(t * D, (t + 1) * D);
    for (let v = 0; v < V; v++) {
      let dot = 0;
      for (let i = 0; i < D; i++) dot += row[i] * wte[v * D + i];
      logits[t * V + v] = dot;
    }
  }
  return { embed, posEmbed, ...out, lnFinalScale: final.scale, logits };
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((value, i) => value + b[i]);
}

/** LayerNorm over each row: population variance; `scale` is sqrt(var + eps), the divisor. */
function layerNorm(x: Float64Array, T: number, D: number, affine: Affine, load: (info: TensorInfo) => Float32Array, eps: number): { out: Float64Array; scale: Float64Array } {
  const weight = load(affine.weight);
  const bias = load(affine.bias);
  const out = new Float64Array(T * D);
  const scale = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let mean = 0;
    for (let i = 0; i < D; i++) mean += x[t * D + i];
    mean /= D;
    let variance = 0;
    for (let i = 0; i < D; i++) variance += (x[t * D + i] - mean) ** 2;
    variance /= D;
    scale[t] = Math.sqrt(variance + eps);
    for (let i = 0; i < D; i++) out[t * D + i] = ((x[t * D + i] - mean) / scale[t]) * weight[i] + bias[i];
  }
  return { out, scale };
}

/** Conv1D: `x @ W + b` with W stored [in, out]. */
function linear(x: Float64Array, T: number, inDim: number, outDim: number, affine: Affine, load: (info: TensorInfo) => Float32Array): Float64Array {
  const weight = load(affine.weight);
  const bias = load(affine.bias);
  const out = new Float64Array(T * outDim);
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < outDim; o++) out[t * outDim + o] = bias[o];
    for (let i = 0; i < inDim; i++) {
      const xi = x[t * inDim + i];
      for (let o = 0; o < outDim; o++) out[t * outDim + o] += xi * weight[i * outDim + o];
    }
  }
  return out;
}

/** Softmax of row i over columns 0..i; columns above the diagonal stay zero. */
function softmaxCausalRow(score: Float64Array, pattern: Float64Array, i: number, T: number): void {
  let max = -Infinity;
  for (let j = 0; j <= i; j++) max = Math.max(max, score[i * T + j]);
  let sum = 0;
  for (let j = 0; j <= i; j++) sum += pattern[i * T + j] = Math.exp(score[i * T + j] - max);
  for (let j = 0; j <= i; j++) pattern[i * T + j] /= sum;
}

/** gelu_new: the tanh approximation GPT-2 uses. */
function geluNew(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}
