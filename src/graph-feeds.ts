// The inputs of one pass of the instrumented graph (src/gpt2-graph.ts): the ids, and the optional
// work each index or mask input selects, fed empty (or as zeros that change nothing) when not asked for.
import { GraphInput, growthInputs, PATCH_HOOKS, patchInputs, type PatchHook } from './gpt2-graph.js';
import { float32Tensor, int64Tensor, type ort } from './session.js';
import type { ModelConfig } from './types.js';

/** Heads whose `hook_z` a pass replaces: flat heads `layer * nHead + head`, by 0 or by their mean over the positions. */
export interface Ablation {
  heads: number[];
  mode: 'zero' | 'mean';
  /** Intervention item i (a batch row, or a growing batch's item) ablates `heads[i]` alone (nothing when negative), instead of every row ablating them all. */
  perItem?: boolean;
}

/** Activation patching: where `hook` takes `source`'s values (mask 1) instead of its own (mask 0). */
export interface Patch {
  hook: PatchHook;
  /** [n, L, t] (or [n, L, H, t] for z), n the pass's intervention items (its batch, or a growing batch's items), t ∈ {1, T}. */
  mask: Float32Array;
  maskDims: number[];
  /** [L, T, D] (or [L, H, T, dHead] for z): the other run's activation. */
  source: Float32Array;
  sourceDims: number[];
}

/** What a pass computes besides the run itself. */
export interface PassWork {
  /** Residual layers and positions to read through the logit lens. */
  lensLayers?: number[];
  lensPositions?: number[];
  /** Flat heads whose hook_z to return. */
  heads?: number[];
  /** Flat heads whose hook_result to return. */
  resultHeads?: number[];
  /** How many tokens the next-token and lens top-k return (default 1). */
  topK?: number;
  /** Positions at which every head's hook_result is returned. */
  resultPositions?: number[];
  /** Tokens whose unembedding rows are returned. */
  unembedIds?: number[];
  ablation?: Ablation;
  patch?: Patch;
  /** Keys and values of earlier tokens, `[B, L, 2, H, P, dHead]`, which the ids follow. */
  past?: { data: Float32Array; length: number };
  /** Batch items whose keys and values (`present`) to return. */
  cacheBatch?: number[];
  /** The tuned lens: residual layers read through their translators (their rows come first). */
  tuned?: { layers: number[]; translators: Float32Array; bias: Float32Array };
  /** One token for each of the first lens rows, whose log-probability and rank to return. */
  lensTargets?: number[];
  /** Lens rows whose entropy and forward KL from their reference rows to return. */
  distributions?: { rows: number[]; reference: number[] };
  /** Tokens and vectors dotted with every row of wte. */
  embeddingIds?: number[];
  embeddingVectors?: Float32Array;
  /** Tokens whose embedding norms to return. */
  normIds?: number[];
  /** A batch that grows layer by layer (see `growingBatch`); by default every layer's batch is the ids'. */
  growth?: GrowingBatch;
}

/** Per layer, which row of the layer below each row continues and which intervention item it is; the rows the stacked outputs keep. */
export interface GrowingBatch {
  rows: number[][];
  items: number[][];
  outputRows: number[];
}

/**
 * A sweep's batch when item i's intervention is at layer `joins[i]`: one row (item 0, which changes
 * nothing) runs every layer, and item i's row joins at its layer as a copy of that row, since the
 * layers below are as they were. `order` is the items' rows in the last layer's batch.
 */
export function growingBatch(joins: number[], nLayer: number): GrowingBatch & { order: number[] } {
  const rows: number[][] = [];
  const items: number[][] = [];
  let batch = [0];
  for (let l = 0; l < nLayer; l++) {
    const joining = joins.flatMap((layer, i) => (layer === l && i > 0 ? [i] : []));
    rows.push([...batch.map((_, r) => r), ...joining.map(() => 0)]);
    batch = [...batch, ...joining];
    items.push(batch);
  }
  const order = joins.map((_, i) => batch.indexOf(i));
  return { rows, items, outputRows: [0], order };
}

export function graphFeeds(config: ModelConfig, ids: number[][], work: PassWork = {}): Record<string, ort.Tensor> {
  const { nLayer: L, nHead: H, dModel: D } = config;
  const past = work.past ?? { data: new Float32Array(0), length: 0 };
  // Masks and the cache have one row per intervention item: the batch's rows, or a growing batch's items.
  const items = work.growth ? work.growth.items.at(-1)!.length : ids.length;
  return {
    [GraphInput.ids]: int64Tensor(ids.flat(), [ids.length, ids[0].length]),
    [GraphInput.pastKeyValues]: float32Tensor(past.data, [items, L, 2, H, past.length, D / H]),
    [GraphInput.cacheBatch]: int64Tensor(work.cacheBatch ?? []),
    // WebGPU's reductions refuse empty inputs: unasked, these get one index whose answer is ignored.
    [GraphInput.lensTargets]: int64Tensor(work.lensTargets ?? [0]),
    [GraphInput.distributionRows]: int64Tensor(work.distributions?.rows ?? [0]),
    [GraphInput.distributionReference]: int64Tensor(work.distributions?.reference ?? [0]),
    [GraphInput.tunedLayers]: int64Tensor(work.tuned?.layers ?? []),
    [GraphInput.translators]: float32Tensor(work.tuned?.translators ?? new Float32Array(0), [work.tuned?.layers.length ?? 0, D, D]),
    [GraphInput.translatorBias]: float32Tensor(work.tuned?.bias ?? new Float32Array(0), [work.tuned?.layers.length ?? 0, D]),
    [GraphInput.embeddingIds]: int64Tensor(work.embeddingIds ?? []),
    [GraphInput.embeddingVectors]: float32Tensor(work.embeddingVectors ?? new Float32Array(0), [(work.embeddingVectors?.length ?? 0) / D, D]),
    [GraphInput.normIds]: int64Tensor(work.normIds ?? [0]),
    ...growthFeeds(config, ids.length, work.growth),
    [GraphInput.lensLayers]: int64Tensor(work.lensLayers ?? []),
    [GraphInput.lensPositions]: int64Tensor(work.lensPositions ?? []),
    [GraphInput.heads]: int64Tensor(work.heads ?? []),
    [GraphInput.resultHeads]: int64Tensor(work.resultHeads ?? []),
    [GraphInput.topK]: int64Tensor([work.topK ?? 1]),
    [GraphInput.resultPositions]: int64Tensor(work.resultPositions ?? []),
    [GraphInput.unembedIds]: int64Tensor(work.unembedIds ?? []),
    ...ablationFeeds(config, work.ablation, items),
    ...patchFeeds(config, work.patch, items),
  };
}

/** The growing batch's rows and items at every layer; by default the identity. */
function growthFeeds({ nLayer: L }: ModelConfig, batch: number, growth: GrowingBatch | undefined): Record<string, ort.Tensor> {
  const identity = Array.from({ length: batch }, (_, b) => b);
  const feeds: Record<string, ort.Tensor> = { [GraphInput.outputRows]: int64Tensor(growth?.outputRows ?? identity) };
  for (let l = 0; l < L; l++) {
    const names = growthInputs(l);
    feeds[names.rows] = int64Tensor(growth?.rows[l] ?? identity);
    feeds[names.items] = int64Tensor(growth?.items[l] ?? identity);
  }
  return feeds;
}

/** Every patchable hook's mask and source: zeros that change nothing (sources that broadcast), but the patched one's. */
function patchFeeds({ nLayer: L }: ModelConfig, patch: Patch | undefined, items: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const hook of PATCH_HOOKS) {
    const names = patchInputs(hook);
    const rank = hook === 'z' ? 4 : 3;
    const ones = (n: number) => Array<number>(n).fill(1);
    if (patch?.hook === hook) {
      feeds[names.mask] = float32Tensor(patch.mask, patch.maskDims);
      feeds[names.source] = float32Tensor(patch.source, patch.sourceDims);
    } else {
      feeds[names.mask] = float32Tensor(new Float32Array(items * L), [items, L, ...ones(rank - 2)]);
      feeds[names.source] = float32Tensor(new Float32Array(L), [L, ...ones(rank - 1)]);
    }
  }
  return feeds;
}

/**
 * The ablate inputs, one row per intervention item: [n, L, 1] zeros when nothing is ablated; every
 * row marking the heads; or (`perItem`) row i marking head `heads[i]` alone.
 */
function ablationFeeds({ nLayer: L, nHead: H }: ModelConfig, ablation: Ablation | undefined, items: number): Record<string, ort.Tensor> {
  const toMean = float32Tensor(Float32Array.of(ablation?.mode === 'mean' ? 1 : 0));
  if (!ablation?.heads.length) return { [GraphInput.ablate]: float32Tensor(new Float32Array(items * L), [items, L, 1]), [GraphInput.ablateToMean]: toMean };
  if (ablation.perItem && ablation.heads.length !== items) throw new Error(`${ablation.heads.length} heads for ${items} items`);
  const mask = new Float32Array(items * L * H);
  for (let item = 0; item < items; item++) {
    for (const [i, head] of ablation.heads.entries()) if (head >= 0 && (!ablation.perItem || i === item)) mask[item * L * H + head] = 1;
  }
  return { [GraphInput.ablate]: float32Tensor(mask, [items, L, H]), [GraphInput.ablateToMean]: toMean };
}
