// Gathers probe examples from model runs: for every labelled word, its last token's hidden state
// at every layer, its label, its word type (for the control task) and its sentence (for folds).
import type { Matrix } from './probe.js';

/** What a collector reads from a run: its tokens and the residual stream at each layer. */
export interface RunLike {
  tokens: string[];
  residual(layer: number): Float32Array;
}

export interface ProbeExamples {
  /** `n × d` features per layer, layer 0 = embeddings. */
  layers: Matrix[];
  labels: Int32Array;
  /** Lower-cased word of each example: the control task's word type. */
  types: string[];
  /** Sentence of each example, so folds keep sentences whole. */
  groups: Int32Array;
  /** The token each example was read at. */
  tokens: string[];
}

/** Collects examples run by run into preallocated typed arrays (`capacity` words at most). */
export class ExampleCollector {
  private n = 0;
  private readonly layers: Float32Array[];
  private readonly labels: Int32Array;
  private readonly groups: Int32Array;
  private readonly types: string[] = [];
  private readonly tokens: string[] = [];

  constructor(
    private readonly nLayers: number,
    private readonly d: number,
    capacity: number,
  ) {
    this.layers = Array.from({ length: nLayers }, () => new Float32Array(capacity * d));
    this.labels = new Int32Array(capacity);
    this.groups = new Int32Array(capacity);
  }

  /** Adds the words of one sentence; `positions[w]` is word w's token (-1 to leave it out). */
  add(run: RunLike, positions: Int32Array, words: readonly string[], labels: readonly number[], group: number): void {
    const { d } = this;
    const residuals = Array.from({ length: this.nLayers }, (_, l) => run.residual(l));
    positions.forEach((p, w) => {
      if (p < 0) return;
      residuals.forEach((r, l) => this.layers[l].set(r.subarray(p * d, (p + 1) * d), this.n * d));
      this.labels[this.n] = labels[w];
      this.groups[this.n] = group;
      this.types.push(words[w].toLowerCase());
      this.tokens.push(run.tokens[p]);
      this.n++;
    });
  }

  get size(): number {
    return this.n;
  }

  examples(): ProbeExamples {
    const { n, d } = this;
    return {
      layers: this.layers.map((data) => ({ data: data.subarray(0, n * d), rows: n, cols: d })),
      labels: this.labels.subarray(0, n),
      types: this.types,
      groups: this.groups.subarray(0, n),
      tokens: this.tokens,
    };
  }
}
