/**
 * What post-training tuning (tune-rows.ts) needs to know of the calibration data: for
 * every matrix product of the model, the first two moments of the float vectors it
 * multiplies,
 *   mean μ = E[x]          and   Gram G = E[x xᵀ]   (cols × cols),
 * because a row quantized with real weight error e = ŵ − w and bias error β = b̂ − b
 * has the mean squared output error
 *   E[(e·x + β)²] = eᵀ G e + 2 β μ·e + β²                                    (1)
 * over those vectors, which is all the tuning minimises.
 *
 * The vectors are those of the float reference on the calibration sequences:
 *   recurrent layer: its input x_t (both directions read the same), and per direction
 *                    the state h_{t−1} each step reads (from the initial state on);
 *   dense layer:     its input (after a last-output recurrent layer, that layer's h_t
 *                    over the last HEAD_TAIL of each sequence's steps, below);
 *   conv1d:          its window [x_{t+a−(k−1)·d}, …, x_{t+a}].
 * A GRU without resetAfter multiplies its n rows by r ⊙ h, not h: those rows are tuned
 * against h (the moments of r ⊙ h are not observed), an approximation of (1) for them.
 * Every product takes at most MAX_VECTORS vectors, evenly strided over the data.
 */
import { type FloatModel, dilationOf, isRecurrent, lastOutputOf, lookaheadOf } from '../ir/model.js';
import { inferShapes } from '../ir/shapes.js';

/** Vectors per product the moments are taken over: cost cols² each. */
export const MAX_VECTORS = 4096;

/**
 * Share of each sequence's last steps whose h_t stands in for h_T at a last-output
 * layer's dense head (MomentCollector.headOfLast). The early h_t still carry the initial state and
 * are unlike h_T. Measured (bench/peer.ts, int8, 41 LSTM/GRU models): all steps, geometric
 * mean 0.384× torch's error, but the held-out ECG and sunspots LSTM heads 1.14× and 1.18×
 * worse than untuned; the last half, 0.382×; the last quarter, 0.379×, no held-out model worse.
 * Bidirectional heads ("final"), the same: the two fixtures 0.20× and 0.33× their error, and
 * held out, a gesture bi-LSTM 8 and bi-GRU 8 (sum) RMS 0.94× and 0.77×.
 */
export const HEAD_TAIL = 0.25;

export interface InputMoments {
  /** Vectors averaged. */
  n: number;
  cols: number;
  /** E[x]. */
  mean: Float64Array;
  /** E[x xᵀ], row-major cols × cols. */
  gram: Float64Array;
  /** E[x xᵀ] − μμᵀ: what is left of (1) once the bias absorbs the mean error. */
  cov: Float64Array;
}

/** Per layer: the moments of each product's input vectors. */
export interface LayerMoments {
  /** Recurrent: the input product (both directions). Dense and conv1d: their one product. */
  x?: InputMoments;
  /** Recurrent: the recurrent product, [forward, backward]. */
  h?: InputMoments[];
}

/** Running sums of x and x xᵀ over every `stride`-th vector received. */
export class MomentSum {
  private readonly sum: Float64Array;
  private readonly outer: Float64Array;
  private n = 0;
  private seen = 0;
  /** offer()'s kept vectors by index / stride (at most MAX_VECTORS or so). */
  private kept: Array<Float64Array | undefined> = [];
  constructor(readonly cols: number, private readonly stride: number) {
    this.sum = new Float64Array(cols);
    this.outer = new Float64Array(cols * cols);
  }

  add(v: ArrayLike<number>): void {
    if (this.seen++ % this.stride !== 0) return;
    this.accumulate(v);
  }

  /**
   * The vector that is the index-th this sum receives (from 0, in sequence order), in
   * any order of arrival: a kept one (every stride-th) waits, and moments() sums the kept
   * ones in index order, as `add` in sequence order would have.
   */
  offer(index: number, v: ArrayLike<number>): void {
    if (index % this.stride !== 0) return;
    this.kept[index / this.stride] = Float64Array.from(v);
  }

  private accumulate(v: ArrayLike<number>): void {
    const c = this.cols;
    this.n++;
    for (let i = 0; i < c; i++) {
      const vi = v[i]!;
      if (vi === 0) continue;
      this.sum[i]! += vi;
      // Upper triangle only; mirrored in moments().
      for (let j = i; j < c; j++) this.outer[i * c + j]! += vi * v[j]!;
    }
  }

  moments(): InputMoments {
    for (const v of this.kept) if (v) this.accumulate(v);
    this.kept = [];
    const c = this.cols;
    const k = 1 / Math.max(1, this.n);
    const mean = this.sum.map((s) => s * k);
    const gram = new Float64Array(c * c);
    const cov = new Float64Array(c * c);
    for (let i = 0; i < c; i++) {
      for (let j = i; j < c; j++) {
        const g = this.outer[i * c + j]! * k;
        gram[i * c + j] = g;
        gram[j * c + i] = g;
        cov[i * c + j] = cov[j * c + i] = g - mean[i]! * mean[j]!;
      }
    }
    return { n: this.n, cols: c, mean, gram, cov };
  }
}

/** The first step of a sequence of `length` steps in its tail (HEAD_TAIL). */
export function tailFrom(length: number): number {
  return Math.ceil(length * (1 - HEAD_TAIL));
}

/** The steps in the tail of a sequence of `length` steps. */
export function tailLength(length: number): number {
  return length - tailFrom(length);
}

/**
 * The moment sums of every product while the float reference runs. Each sum takes its
 * vectors in sequence order (sequence by sequence, each in the order its steps run):
 * the order decides which vectors the stride keeps and how the sums round. The
 * per-sequence run (tune-stats-reference.ts) adds them in that order; the batched one
 * (moments-batch.ts) offers each with its place in that order.
 */
export class MomentCollector {
  readonly xSums: MomentSum[];
  /** Per recurrent layer, per direction present: the h each step reads. */
  readonly hSums: MomentSum[][];
  /**
   * Per layer: a dense layer after a last-output recurrent layer, whose input vectors are
   * that layer's states over each sequence's tail (headVector), not its one output.
   */
  readonly headOfLast: boolean[];
  private readonly inSizes: number[];

  constructor(private readonly model: FloatModel, seqs: readonly number[][][]) {
    const shapes = inferShapes(model);
    const steps = seqs.reduce((s, q) => s + q.length, 0);
    this.inSizes = model.layers.map((_, i) => (i === 0 ? model.inputSize : shapes[i - 1]!.outputSize));
    // A dense layer after a last-output recurrent layer reads h_T: one vector per sequence,
    // too few to tune against (tune-rows.ts MIN_VECTORS_PER_COL), so it was left untuned.
    // The h_t of each sequence's last HEAD_TAIL steps stand in for h_T (each is the h_T of
    // the sequence cut at t; HEAD_TAIL says why only the last ones). Bidirectional (Keras'
    // "final": forward h after x_{T−1}, backward h after x_0): the pairs of states after the
    // same number of steps k + 1, forward after x_k and backward after x_{T−1−k}, merged as
    // the layer merges them, for k in the tail (k = T − 1 is the output itself). Not
    // "last-index", whose backward half is one step on x_{T−1}: its stand-in, the backward
    // step on each tail x_t, did worse on held-out data (docs/quantize.md).
    this.headOfLast = model.layers.map((layer, i) => {
      const prev = model.layers[i - 1];
      return layer.type === 'dense' && prev !== undefined && isRecurrent(prev) && !shapes[i - 1]!.sequenceOut
        && (!prev.bidirectional || lastOutputOf(prev) === 'final');
    });
    const tailSteps = seqs.reduce((s, q) => s + tailLength(q.length), 0);
    // The vectors a layer's input product sees: one per timestep, per tail step, or per sequence.
    const seen = (i: number) => (i === 0 || shapes[i - 1]!.sequenceOut ? steps : this.headOfLast[i] ? tailSteps : seqs.length);
    const strideFor = (count: number) => Math.max(1, Math.ceil(count / MAX_VECTORS));
    this.xSums = model.layers.map((layer, i) => {
      const cols = layer.type === 'conv1d' ? layer.kernelSize * this.inSizes[i]! : this.inSizes[i]!;
      return new MomentSum(cols, strideFor(seen(i)));
    });
    this.hSums = model.layers.map((layer) => (isRecurrent(layer)
      ? [layer.weights, layer.backwardWeights].filter((w) => w !== undefined).map(() => new MomentSum(layer.units, strideFor(steps)))
      : []));
  }

  /**
   * The vector a head of last output (headOfLast[i + 1]) reads for one tail step k of a
   * sequence: recurrent layer i's forward state after x_k, and, bidirectional, merged as
   * the layer merges (concat, sum) with the backward state after as many steps, x_{T−1−k}.
   */
  headVector(i: number, forward: ArrayLike<number>, backward?: ArrayLike<number>): Float64Array {
    const layer = this.model.layers[i]!;
    if (!isRecurrent(layer) || !layer.bidirectional || !backward) return Float64Array.from(forward);
    const u = forward.length;
    if (layer.bidirectional === 'sum') {
      const m = new Float64Array(u);
      for (let j = 0; j < u; j++) m[j] = forward[j]! + backward[j]!;
      return m;
    }
    const m = new Float64Array(u * 2);
    m.set(forward);
    m.set(backward, u);
    return m;
  }

  /** The state direction d of layer i reads at a sequence's start: its initial h, or zeros. */
  initial(i: number, d: number): Float64Array {
    const layer = this.model.layers[i]!;
    if (!isRecurrent(layer)) return new Float64Array(0);
    const w = d === 0 ? layer.weights : layer.backwardWeights;
    const h = new Float64Array(layer.units);
    if (w?.initialH) h.set(w.initialH);
    return h;
  }

  /**
   * One sequence's inputs to layer i (past the last layer: nothing), added in order, or
   * (`at`) offered as the sum's vectors at, at + 1, … (MomentSum.offer).
   */
  addInputs(i: number, xs: readonly Float64Array[], at?: number): void {
    const layer = this.model.layers[i];
    if (!layer) return;
    const sum = this.xSums[i]!;
    const put = at === undefined ? (_t: number, v: Float64Array) => sum.add(v) : (t: number, v: Float64Array) => sum.offer(at + t, v);
    if (layer.type !== 'conv1d') { xs.forEach((x, t) => put(t, x)); return; }
    const k = layer.kernelSize;
    const d = dilationOf(layer);
    const a = lookaheadOf(layer);
    const n = this.inSizes[i]!;
    for (let t = 0; t < xs.length; t++) {
      const w = new Float64Array(k * n);
      for (let j = 0; j < k; j++) {
        const v = xs[t + a - (k - 1 - j) * d];
        if (v) w.set(v, j * n);
      }
      put(t, w);
    }
  }

  moments(): LayerMoments[] {
    return this.model.layers.map((layer, i) => (isRecurrent(layer)
      ? { x: this.xSums[i]!.moments(), h: this.hSums[i]!.map((s) => s.moments()) }
      : { x: this.xSums[i]!.moments() }));
  }
}
