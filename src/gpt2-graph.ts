// Writes GPT-2's forward pass as an ONNX graph whose outputs are the TransformerLens hook points.
// Weights stay where they are: each initializer points at its byte range in the weights file.
import { DataType, GraphBuilder } from './onnx/graph-builder.js';
import type { TensorInfo } from './safetensors.js';
import type { ModelConfig } from './types.js';
import type { Gpt2Weights } from './weights.js';

/** Where a tensor's float32 bytes live for the session: a file name and a byte range in it. */
export type LocateTensor = (info: TensorInfo) => { file: string; offset: number; length: number };

/** Graph inputs. The index inputs select optional work; an empty index costs nothing. */
export const GraphInput = {
  ids: 'input_ids', // int64 [batch, tokens]
  lensLayers: 'lens_layers', // int64 [n]: residual layers 0..L to read through ln_f and the unembedding
  lensPositions: 'lens_positions', // int64 [m]: positions to run the lens on
  heads: 'head_index', // int64 [k]: flat heads layer*nHead+head whose hook_z to return
  resultHeads: 'result_index', // int64 [r]: flat heads whose hook_result to return
  topK: 'top_k', // int64 [1]: how many tokens the next-token and lens top-k return
  // float [n, L, h], a row per intervention item (n: the batch, or a growing batch's items), h ∈ {1, H}:
  // 1 where a head's hook_z is replaced, 0 where kept. Zeros when nothing is ablated: z - 0·(…) is z exactly.
  ablate: 'ablate_heads',
  ablateToMean: 'ablate_to_mean', // float [1]: an ablated hook_z becomes 0 (0) or its mean over the positions (1)
  resultPositions: 'result_positions', // int64 [m]: positions at which every head's hook_result is returned
  unembedIds: 'unembed_ids', // int64 [n]: tokens whose unembedding rows are returned
  // float [n, L, 2, H, P, dHead], a row per intervention item: keys (0) and values (1) of P earlier tokens, which the ids follow.
  // P = 0 is a pass over the ids alone.
  pastKeyValues: 'past_key_values',
  cacheBatch: 'cache_batch', // int64 [c]: batch items whose keys and values (`present`) to return
  // The tuned lens: residual layers read through their translators (A transposed, [n₂, D, D], and b
  // [n₂, D]) at the lens positions; their rows come before the plain lens's.
  tunedLayers: 'tuned_layers',
  translators: 'translators',
  translatorBias: 'translator_bias',
  lensTargets: 'lens_targets', // int64 [r]: a token for each of the first r lens rows, whose log-probability and rank to return
  distributionRows: 'distribution_rows', // int64 [s]: lens rows whose entropy and forward KL to return
  distributionReference: 'distribution_reference', // int64 [s]: the row each is compared with
  embeddingIds: 'embedding_ids', // int64 [q]: tokens whose embeddings are dotted with every row of wte
  embeddingVectors: 'embedding_vectors', // float [p, D]: vectors dotted with every row of wte
  normIds: 'norm_ids', // int64 [n]: tokens whose embedding norms to return
  // A batch that grows layer by layer (sweeps): per layer, which row of the layer below each of its
  // rows continues and which intervention item each row is (see growthInputs); output_rows: the rows
  // the stacked outputs keep.
  outputRows: 'output_rows',
} as const;

/** Graph outputs, named after TransformerLens hooks; `*` stands for the stacked layer axis. */
export const GraphOutput = {
  embed: 'hook_embed', // [B, T, D]
  posEmbed: 'hook_pos_embed', // [T, D]
  residPre: 'blocks.*.hook_resid_pre', // [B, L+1, T, D]; index L is the last block's resid_post
  pattern: 'blocks.*.attn.hook_pattern', // [B, L, H, T, T]
  attnOut: 'blocks.*.hook_attn_out', // [B, L, T, D]
  mlpOut: 'blocks.*.hook_mlp_out', // [B, L, T, D]
  z: 'blocks.*.attn.hook_z', // [B, k, T, dHead] for the heads in head_index
  result: 'blocks.*.attn.hook_result', // [B, k, T, D] for the heads in head_index
  resultAt: 'blocks.*.attn.hook_result_at', // [B, L·H, m, D]: every head's hook_result at the result_positions
  unembedRows: 'W_U.rows', // [n, D]: the unembedding rows of the unembed_ids
  lnFinalScale: 'ln_final.hook_scale', // [B, T, 1]
  logits: 'logits', // [B, V] at the last position
  // Top-k of softmax rows: first the logit lens (n layers × m positions, batch 1 only), then the
  // next-token row of each batch item. One TopK over both, because TopK fails on zero rows.
  topProbs: 'top.probs', // [n·m + B, top_k]
  topIds: 'top.ids', // [n·m + B, top_k]
  present: 'present', // [c, L, 2, H, P+T, dHead]: past and new keys and values of the cache_batch items
  lensTargetLogProbs: 'lens.target_log_probs', // [r]: log-softmax of each lens row at its target
  lensTargetRanks: 'lens.target_ranks', // [r]: how many tokens each lens row puts above its target
  lensEntropy: 'lens.entropy', // [s]: the distribution_rows' entropy, in nats
  lensForwardKl: 'lens.forward_kl', // [s]: KL(reference ‖ row), in nats
  embeddingDots: 'W_E.dots', // [q + p, V]: each embedding query dotted with every row of wte
  embeddingNorms: 'W_E.norms', // [n]: the L2 norms of the norm_ids' embeddings
} as const;

export interface Gpt2GraphOptions {
  /** false writes the plain model (ids in, last-position logits out), the benchmark's baseline. */
  instrumented: boolean;
}

/** Masked scores get this instead of -inf, so no NaN can arise on any backend; exp() of it is exactly 0. */
const MASKED_SCORE = -1e30;

/** Builds the ONNX model bytes for a GPT-2 checkpoint. */
export function buildGpt2Graph(config: ModelConfig, weights: Gpt2Weights, locate: LocateTensor, options: Gpt2GraphOptions): Uint8Array {
  const { nLayer: L, nHead: H, dModel: D, vocabSize: V, layerNormEps } = config;
  const dHead = D / H;
  const g = new GraphBuilder();
  const weight = (name: string, info: TensorInfo, dims = info.shape): string => g.weight(name, () => ({ dims, ...locate(info) }));
  const i64 = (...values: number[]) => g.constant(DataType.INT64, [values.length], values);
  const f32 = (value: number) => g.constant(DataType.FLOAT, [], [value]);
  const linear = (x: string, w: TensorInfo, b: TensorInfo, name: string) => g.op('Add', [g.op('MatMul', [x, weight(`${name}.weight`, w)]), weight(`${name}.bias`, b)]);
  const layerNorm = (x: string, p: { weight: TensorInfo; bias: TensorInfo }, name: string) =>
    g.op('LayerNormalization', [x, weight(`${name}.weight`, p.weight), weight(`${name}.bias`, p.bias)], { axis: -1, epsilon: layerNormEps });

  const ids = g.input({ name: GraphInput.ids, type: DataType.INT64, dims: ['batch', 'tokens'] });
  const tokens = g.op('Gather', [g.op('Shape', [ids]), i64(1)]); // [1]
  const lastIndex = g.op('Squeeze', [g.op('Sub', [tokens, i64(1)]), i64(0)]); // scalar T-1
  const scalar = (value: number) => g.constant(DataType.INT64, [], [value]);
  const squeeze = (x: string) => g.op('Squeeze', [x, i64(0)]);
  // With a cache of P earlier tokens (the instrumented graph only), the ids sit at positions P..P+T-1.
  const past = options.instrumented ? g.input({ name: GraphInput.pastKeyValues, type: DataType.FLOAT, dims: ['items', L, 2, H, 'past', dHead] }) : undefined;
  const pastLength = past ? g.op('Gather', [g.op('Shape', [past]), i64(4)]) : i64(0); // [1]
  // P + T as a shape, not an int64 Add, which onnxruntime would run on the CPU beside the float Adds.
  const range = (length: string) => g.op('Range', [scalar(0), squeeze(length), scalar(1)]);
  const keyPositions = range(g.op('Shape', [g.op('Concat', [range(pastLength), range(tokens)], { axis: 0 })])); // [P + T]
  const positions = g.op('Slice', [keyPositions, pastLength, i64(2 ** 62)]); // [T]: P … P + T − 1

  const wte = weight('wte.weight', weights.wte);
  const embed = g.op('Gather', [wte, ids]);
  const posEmbed = g.op('Gather', [weight('wpe.weight', weights.wpe), positions]);
  let resid = g.op('Add', [embed, posEmbed]);

  // Additive causal mask [T, P + T]: 0 where the key is at or before the query, MASKED_SCORE after it.
  const future = g.op('Greater', [g.op('Unsqueeze', [keyPositions, i64(0)]), g.op('Unsqueeze', [positions, i64(1)])]);
  const mask = g.op('Where', [future, f32(MASKED_SCORE), f32(0)]);
  const scale = f32(1 / Math.sqrt(dHead));
  const headsShape = i64(0, 0, H, dHead);
  const modelShape = i64(0, 0, D);

  // Ablation and patching (the plain graph, the benchmark's baseline, has neither).
  const intervene = options.instrumented ? interventions(g, L) : NO_INTERVENTIONS;
  const growth = options.instrumented ? growingBatch(g) : undefined;

  // Which items' keys and values to return: none unless asked, so an ordinary pass copies nothing.
  const cacheBatch = past && g.input({ name: GraphInput.cacheBatch, type: DataType.INT64, dims: ['cache_batch'] });
  const presents: string[] = [];
  const residStack: string[] = [];
  const patterns: string[] = [];
  const zs: string[] = [];
  const attnOuts: string[] = [];
  const mlpOuts: string[] = [];
  // What the stacked outputs keep of each layer's batch (all of it, but in a sweep only its first row).
  const kept = (x: string) => (growth ? g.op('Gather', [x, growth.outputRows], { axis: 0 }) : x);
  weights.blocks.forEach((block, l) => {
    const p = `h.${l}`;
    const items = growth?.enter(l) ?? ''; // the plain graph intervenes nowhere
    if (growth) resid = g.op('Gather', [resid, growth.rows(l)], { axis: 0 });
    resid = intervene.resid_pre(resid, l, items);
    residStack.push(kept(resid));
    const qkv = linear(layerNorm(resid, block.ln1, `${p}.ln_1`), block.attn.weight, block.attn.bias, `${p}.attn.c_attn`);
    const [q, k, v] = g.opN('Split', [qkv, i64(D, D, D)], 3, { axis: 2 });
    const split = (x: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [x, headsShape])], { perm });
    let keys = split(k, [0, 2, 1, 3]); // [B, H, T, dHead]
    let values = split(v, [0, 2, 1, 3]);
    if (past && cacheBatch) {
      const cached = g.op('Gather', [g.op('Gather', [past, scalar(l)], { axis: 1 }), items], { axis: 0 }); // [B, 2, H, P, dHead]
      keys = g.op('Concat', [g.op('Gather', [cached, scalar(0)], { axis: 1 }), keys], { axis: 2 }); // [B, H, P + T, dHead]
      values = g.op('Concat', [g.op('Gather', [cached, scalar(1)], { axis: 1 }), values], { axis: 2 });
      const kept = (x: string) => g.op('Unsqueeze', [g.op('Gather', [x, cacheBatch], { axis: 0 }), i64(1)]); // [c, 1, H, P + T, dHead]
      presents.push(g.op('Concat', [kept(keys), kept(values)], { axis: 1 }));
    }
    const scores = g.op('Mul', [g.op('MatMul', [split(q, [0, 2, 1, 3]), g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]), scale]);
    const pattern = g.op('Softmax', [g.op('Add', [scores, mask])], { axis: -1 }); // [B, H, T, P + T]
    const z = intervene.z(intervene.ablate(g.op('MatMul', [pattern, values]), l, items), l, items); // [B, H, T, dHead]
    const merged = g.op('Reshape', [g.op('Transpose', [z], { perm: [0, 2, 1, 3] }), modelShape]);
    const attnOut = intervene.attn_out(linear(merged, block.attnProj.weight, block.attnProj.bias, `${p}.attn.c_proj`), l, items);
    const residMid = g.op('Add', [resid, attnOut]);
    const hidden = gelu(g, linear(layerNorm(residMid, block.ln2, `${p}.ln_2`), block.fc.weight, block.fc.bias, `${p}.mlp.c_fc`));
    const mlpOut = intervene.mlp_out(linear(hidden, block.mlpProj.weight, block.mlpProj.bias, `${p}.mlp.c_proj`), l, items);
    resid = g.op('Add', [residMid, mlpOut]);
    patterns.push(kept(pattern));
    zs.push(kept(z));
    attnOuts.push(kept(attnOut));
    mlpOuts.push(kept(mlpOut));
  });

  residStack.push(kept(resid)); // the last block's resid_post
  const lnF = (x: string) => layerNorm(x, weights.lnF, 'ln_f');
  // [n, D] x wte^T without a transposed copy of wte. Only one Gemm may read wte: onnxruntime keeps a
  // pre-packed copy of its weight for each, 150 MB apiece for GPT-2 small.
  const unembed = (x: string) => g.op('Gemm', [x, wte], { transB: 1 });
  const last = g.op('Gather', [resid, lastIndex], { axis: 1 }); // [B, D]
  if (!options.instrumented) {
    g.output(unembed(lnF(last)), { name: GraphOutput.logits, type: DataType.FLOAT, dims: ['batch', V] });
    return g.encode('gpt2');
  }

  const stack = (values: string[]) =>
    g.op(
      'Concat',
      values.map((x) => g.op('Unsqueeze', [x, i64(1)])),
      { axis: 1 },
    );
  const residual = stack(residStack);
  g.output(embed, { name: GraphOutput.embed, type: DataType.FLOAT, dims: ['batch', 'tokens', D] });
  g.output(posEmbed, { name: GraphOutput.posEmbed, type: DataType.FLOAT, dims: ['tokens', D] });
  g.output(residual, { name: GraphOutput.residPre, type: DataType.FLOAT, dims: ['batch', L + 1, 'tokens', D] });
  g.output(stack(patterns), { name: GraphOutput.pattern, type: DataType.FLOAT, dims: ['batch', L, H, 'tokens', 'keys'] });
  g.output(stack(presents), { name: GraphOutput.present, type: DataType.FLOAT, dims: ['cache_batch', L, 2, H, 'keys', dHead] });
  g.output(stack(attnOuts), { name: GraphOutput.attnOut, type: DataType.FLOAT, dims: ['batch', L, 'tokens', D] });
  g.output(stack(mlpOuts), { name: GraphOutput.mlpOut, type: DataType.FLOAT, dims: ['batch', L, 'tokens', D] });
  g.output(lnFinalScale(g, kept(resid), layerNormEps), { name: GraphOutput.lnFinalScale, type: DataType.FLOAT, dims: ['batch', 'tokens', 1] });

  // Per-head vectors of the heads in head_index (z) and result_index (hook_result, which costs D/dHead
  // times as much): all heads concatenated on the head axis, so that
  // flat index layer*H+head picks one, and W_O split per head the same way (folded at load). W_O
  // per head is a second initializer over c_proj's bytes, shaped [H, dHead, D]: onnxruntime then
  // reads each initializer once (a Reshape of c_proj's own would read it twice; see ExternalFile).
  const heads = g.input({ name: GraphInput.heads, type: DataType.INT64, dims: ['k'] });
  const zAll = g.op('Concat', zs, { axis: 1 }); // [B, L·H, T, dHead]
  const woAll = g.op(
    'Concat',
    weights.blocks.map((block, l) => weight(`h.${l}.attn.c_proj.weight_per_head`, block.attnProj.weight, [H, dHead, D])),
    { axis: 0 },
  ); // [L·H, dHead, D]
  const resultHeads = g.input({ name: GraphInput.resultHeads, type: DataType.INT64, dims: ['r'] });
  g.output(g.op('Gather', [zAll, heads], { axis: 1 }), { name: GraphOutput.z, type: DataType.FLOAT, dims: ['batch', 'k', 'tokens', dHead] });
  const zForResults = g.op('Gather', [zAll, resultHeads], { axis: 1 }); // [B, r, T, dHead]
  const woSelected = g.op('Gather', [woAll, resultHeads], { axis: 0 }); // [r, dHead, D]
  g.output(g.op('MatMul', [zForResults, woSelected]), { name: GraphOutput.result, type: DataType.FLOAT, dims: ['batch', 'r', 'tokens', D] });

  // For direct logit attribution: every head's hook_result at the chosen positions only, and the
  // unembedding rows of the chosen tokens (wte's, tied), so the page needs no copy of either.
  const resultPositions = g.input({ name: GraphInput.resultPositions, type: DataType.INT64, dims: ['result_positions'] });
  g.output(g.op('MatMul', [g.op('Gather', [zAll, resultPositions], { axis: 2 }), woAll]), { name: GraphOutput.resultAt, type: DataType.FLOAT, dims: ['batch', L * H, 'result_positions', D] });
  const unembedIds = g.input({ name: GraphInput.unembedIds, type: DataType.INT64, dims: ['unembed_ids'] });
  g.output(g.op('Gather', [wte, unembedIds]), { name: GraphOutput.unembedRows, type: DataType.FLOAT, dims: ['unembed_ids', D] });

  // Embedding queries: rows dotted with every row of wte by the unembedding's own Gemm, below its
  // other rows (see below), and the norms of chosen rows, for cosine similarity.
  const embeddingIds = g.input({ name: GraphInput.embeddingIds, type: DataType.INT64, dims: ['embedding_ids'] });
  const embeddingVectors = g.input({ name: GraphInput.embeddingVectors, type: DataType.FLOAT, dims: ['embedding_vectors', D] });
  const queries = g.op('Concat', [g.op('Gather', [wte, embeddingIds]), embeddingVectors], { axis: 0 }); // [q, D]
  const normIds = g.input({ name: GraphInput.normIds, type: DataType.INT64, dims: ['norm_ids'] });
  const normRows = g.op('Gather', [wte, normIds]);
  g.output(g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [normRows, normRows]), i64(1)], { keepdims: 0 })]), { name: GraphOutput.embeddingNorms, type: DataType.FLOAT, dims: ['norm_ids'] });

  // Logit lens: the chosen residual layers at the chosen positions, through ln_f and the unembedding,
  // stacked above the last position of each batch item so that one Gemm unembeds them all.
  const lensLayers = g.input({ name: GraphInput.lensLayers, type: DataType.INT64, dims: ['lens_layers'] });
  const lensPositions = g.input({ name: GraphInput.lensPositions, type: DataType.INT64, dims: ['lens_positions'] });
  const pick = (layers: string) => g.op('Gather', [g.op('Gather', [residual, layers], { axis: 1 }), lensPositions], { axis: 2 }); // [B, n, m, D]
  // The tuned lens: the chosen layers' rows through their affine translators, h + h·Aᵀ + b, first.
  const tunedLayers = g.input({ name: GraphInput.tunedLayers, type: DataType.INT64, dims: ['tuned_layers'] });
  const translators = g.input({ name: GraphInput.translators, type: DataType.FLOAT, dims: ['tuned_layers', D, D] });
  const translatorBias = g.input({ name: GraphInput.translatorBias, type: DataType.FLOAT, dims: ['tuned_layers', D] });
  const tuned = pick(tunedLayers);
  const translated = g.op('Add', [g.op('Add', [tuned, g.op('MatMul', [tuned, translators])]), g.op('Unsqueeze', [translatorBias, i64(1)])]);
  const lensRows = g.op('Concat', [g.op('Reshape', [translated, i64(-1, D)]), g.op('Reshape', [pick(lensLayers), i64(-1, D)])], { axis: 0 }); // [(n₂ + n)·m, D]
  const unembedded = g.op('Concat', [lensRows, last], { axis: 0 }); // [(n₂ + n)·m + B, D]
  const unembeddedRows = g.op('Shape', [unembedded], { end: 1 });
  const products = unembed(g.op('Concat', [lnF(unembedded), queries], { axis: 0 })); // and the q queries' rows
  const allLogits = g.op('Slice', [products, i64(0), unembeddedRows, i64(0)]); // [(n₂ + n)·m + B, V]
  g.output(g.op('Slice', [products, unembeddedRows, i64(2 ** 62), i64(0)]), { name: GraphOutput.embeddingDots, type: DataType.FLOAT, dims: ['queries', V] });
  const logits = g.op('Slice', [allLogits, g.op('Shape', [lensRows], { end: 1 }), i64(2 ** 62), i64(0)]); // the rows after the lens's: [B, V]
  g.output(logits, { name: GraphOutput.logits, type: DataType.FLOAT, dims: ['batch', V] });
  const topK = g.input({ name: GraphInput.topK, type: DataType.INT64, dims: [1] });
  const rows = g.op('Softmax', [allLogits], { axis: -1 });
  const [topProbs, topIds] = g.opN('TopK', [rows, topK], 2, { axis: -1 });
  g.output(topProbs, { name: GraphOutput.topProbs, type: DataType.FLOAT, dims: ['rows', 'k'] });
  g.output(topIds, { name: GraphOutput.topIds, type: DataType.INT64, dims: ['rows', 'k'] });

  // A target token per lens row (the next token, for token log-probs and prediction trajectories):
  // its log-softmax, stable, and how many tokens the row ranks above it.
  const lensTargets = g.input({ name: GraphInput.lensTargets, type: DataType.INT64, dims: ['lens_targets'] });
  const targetRows = g.op('Slice', [allLogits, i64(0), g.op('Shape', [lensTargets]), i64(0)]); // [r, V]
  const targetLogit = g.op('GatherElements', [targetRows, g.op('Unsqueeze', [lensTargets, i64(1)])], { axis: 1 }); // [r, 1]
  const rowMax = g.op('ReduceMax', [targetRows], { axes: [1], keepdims: 1 });
  const logSum = g.op('Add', [g.op('Log', [g.op('ReduceSum', [g.op('Exp', [g.op('Sub', [targetRows, rowMax])]), i64(1)], { keepdims: 1 })]), rowMax]);
  const flat = (x: string) => g.op('Reshape', [x, i64(-1)]);
  g.output(flat(g.op('Sub', [targetLogit, logSum])), { name: GraphOutput.lensTargetLogProbs, type: DataType.FLOAT, dims: ['lens_targets'] });
  const above = g.op('Cast', [g.op('Greater', [targetRows, targetLogit])], { to: DataType.FLOAT });
  g.output(flat(g.op('ReduceSum', [above, i64(1)], { keepdims: 0 })), { name: GraphOutput.lensTargetRanks, type: DataType.FLOAT, dims: ['lens_targets'] });

  // Prediction trajectories: chosen rows' entropy and forward KL from a reference row each (the
  // model's own at that position), as tuned-lens's PredictionTrajectory measures them, in nats.
  const logSoftmax = (x: string) => {
    const max = g.op('ReduceMax', [x], { axes: [1], keepdims: 1 });
    return g.op('Sub', [x, g.op('Add', [g.op('Log', [g.op('ReduceSum', [g.op('Exp', [g.op('Sub', [x, max])]), i64(1)], { keepdims: 1 })]), max])]);
  };
  const rowsOf = (name: string) => g.op('Gather', [allLogits, g.input({ name, type: DataType.INT64, dims: [name] })], { axis: 0 });
  const logP = logSoftmax(rowsOf(GraphInput.distributionRows)); // [s, V]
  const referenceLogP = logSoftmax(rowsOf(GraphInput.distributionReference));
  const sum = (x: string) => flat(g.op('ReduceSum', [x, i64(1)], { keepdims: 0 }));
  g.output(g.op('Neg', [sum(g.op('Mul', [g.op('Exp', [logP]), logP]))]), { name: GraphOutput.lensEntropy, type: DataType.FLOAT, dims: ['distribution_rows'] });
  g.output(sum(g.op('Mul', [g.op('Exp', [referenceLogP]), g.op('Sub', [referenceLogP, logP])])), { name: GraphOutput.lensForwardKl, type: DataType.FLOAT, dims: ['distribution_rows'] });
  return g.encode('gpt2-instrumented');
}

/** The activations a pass may patch from another run: TransformerLens's hook names, per block. */
export const PATCH_HOOKS = ['resid_pre', 'attn_out', 'mlp_out', 'z'] as const;
export type PatchHook = (typeof PATCH_HOOKS)[number];

/** A growing batch's two inputs at layer l, int64 [rows at l]: which row below each continues, and which intervention item it is. */
export const growthInputs = (layer: number) => ({ rows: `layer_rows.${layer}`, items: `layer_items.${layer}` });

/** The two inputs of one patchable hook: where to patch (mask) and the values patched in (source). */
export const patchInputs = (hook: PatchHook) => ({ mask: `patch_${hook}_mask`, source: `patch_${hook}_source` });

/** Each takes the activation at a layer and the intervention item of each of its batch rows. */
type Intervene = (x: string, layer: number, items: string) => string;
type Interventions = { ablate: Intervene } & Record<PatchHook, Intervene>;
const NO_INTERVENTIONS: Interventions = { ablate: (z) => z, resid_pre: (x) => x, attn_out: (x) => x, mlp_out: (x) => x, z: (x) => x };

/**
 * Ablation: hook_z − r·(hook_z − toMean·mean_T(hook_z)), r being 1 for the heads the ablate input marks.
 * Patching: x + m·(source − x), m being 1 where the mask takes the source's value. Unused inputs are
 * fed as zeros ([n, L, 1] masks, [L, 1, 1] sources that broadcast): x − 0·(…) is x exactly.
 */
function interventions(g: GraphBuilder, L: number): Interventions {
  const index = (value: number) => g.constant(DataType.INT64, [], [value]);
  const axes = (...values: number[]) => g.constant(DataType.INT64, [values.length], values);
  // A mask's rows at one layer, one per batch row: its item's.
  const itemsOf = (mask: string, layer: number, items: string) => g.op('Gather', [g.op('Gather', [mask, index(layer)], { axis: 1 }), items], { axis: 0 });
  const ablateMask = g.input({ name: GraphInput.ablate, type: DataType.FLOAT, dims: ['ablate_batch', L, 'ablate_heads'] });
  const toMean = g.input({ name: GraphInput.ablateToMean, type: DataType.FLOAT, dims: [1] });
  // hook_resid_pre, hook_attn_out, hook_mlp_out: mask [b, L, t], source [L, t, D]. hook_z: mask [b, L, h, t], source [L, h, t, dHead].
  const patch = (hook: PatchHook) => {
    const names = patchInputs(hook);
    const perHead = hook === 'z';
    // Symbolic dims of their own: onnxruntime holds every dim of one name to one size.
    const dim = (name: string) => `${hook}_${name}`;
    const mask = g.input({ name: names.mask, type: DataType.FLOAT, dims: perHead ? [dim('batch'), L, dim('heads'), dim('tokens')] : [dim('batch'), L, dim('tokens')] });
    const source = g.input({ name: names.source, type: DataType.FLOAT, dims: [dim('layers'), ...(perHead ? [dim('source_heads')] : []), dim('source_tokens'), dim('width')] });
    return (x: string, layer: number, items: string) => {
      const taken = g.op('Unsqueeze', [itemsOf(mask, layer, items), axes(-1)]); // [B, (h,) t, 1]
      return g.op('Add', [x, g.op('Mul', [taken, g.op('Sub', [g.op('Gather', [source, index(layer)], { axis: 0 }), x])])]);
    };
  };
  return {
    ablate: (z, layer, items) => {
      const removed = g.op('Unsqueeze', [itemsOf(ablateMask, layer, items), axes(2, 3)]); // [B, h, 1, 1]
      const replacement = g.op('Mul', [g.op('ReduceMean', [z], { axes: [2], keepdims: 1 }), toMean]); // [B, H, 1, dHead]
      return g.op('Sub', [z, g.op('Mul', [removed, g.op('Sub', [z, replacement])])]);
    },
    resid_pre: patch('resid_pre'),
    attn_out: patch('attn_out'),
    mlp_out: patch('mlp_out'),
    z: patch('z'),
  };
}

/**
 * A batch that grows layer by layer, for sweeps: an intervention at layer l leaves every layer below
 * it as it was, so its row joins the batch only at layer l, copied from the unchanged first row.
 * `enter(l)` gives each row's intervention item at layer l (the index into the masks' batch);
 * `rows(l)` which row of the layer below each comes from. An ordinary pass feeds the identity.
 */
function growingBatch(g: GraphBuilder) {
  const outputRows = g.input({ name: GraphInput.outputRows, type: DataType.INT64, dims: ['output_rows'] });
  // Inputs of their own per layer: per-layer slices of one table would be fused by onnxruntime into
  // an int64 Split, which WebGPU has no kernel for.
  const input = (name: string) => g.input({ name, type: DataType.INT64, dims: [name] });
  return { outputRows, enter: (l: number) => input(growthInputs(l).items), rows: (l: number) => input(growthInputs(l).rows) };
}

/** gelu_new, GPT-2's tanh approximation, written so onnxruntime can fuse it. */
function gelu(g: GraphBuilder, x: string): string {
  const f = (v: number) => g.constant(DataType.FLOAT, [], [v]);
  const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, f(0.044715)])]), f(Math.sqrt(2 / Math.PI))]);
  return g.op('Mul', [g.op('Mul', [x, f(0.5)]), g.op('Add', [g.op('Tanh', [inner]), f(1)])]);
}

/** TransformerLens's ln_final.hook_scale: the standard deviation the final layer norm divides by. */
function lnFinalScale(g: GraphBuilder, x: string, eps: number): string {
  const centred = g.op('Sub', [x, g.op('ReduceMean', [x], { axes: [-1], keepdims: 1 })]);
  const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], { axes: [-1], keepdims: 1 });
  return g.op('Sqrt', [g.op('Add', [variance, g.constant(DataType.FLOAT, [], [eps])])]);
}
