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
 *   dense layer:     its input;  conv1d: its window [x_{t+a−(k−1)·d}, …, x_{t+a}].
 * A GRU without resetAfter multiplies its n rows by r ⊙ h, not h: those rows are tuned
 * against h (the moments of r ⊙ h are not observed), an approximation of (1) for them.
 * Every product takes at most MAX_VECTORS vectors, evenly strided over the data.
 */
import { type FloatModel, dilationOf, isRecurrent, lookaheadOf } from '../ir/model.js';
import { inferShapes } from '../ir/shapes.js';

/** Vectors per product the moments are taken over: cost cols² each. */
export const MAX_VECTORS = 4096;

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
  private readonly inSizes: number[];

  constructor(private readonly model: FloatModel, seqs: readonly number[][][]) {
    const shapes = inferShapes(model);
    const steps = seqs.reduce((s, q) => s + q.length, 0);
    // A layer fed per timestep sees `steps` vectors, one fed a last output `seqs.length`.
    const strideFor = (perStep: boolean) => Math.max(1, Math.ceil((perStep ? steps : seqs.length) / MAX_VECTORS));
    this.inSizes = model.layers.map((_, i) => (i === 0 ? model.inputSize : shapes[i - 1]!.outputSize));
    const inPerStep = (i: number) => i === 0 || shapes[i - 1]!.sequenceOut;
    this.xSums = model.layers.map((layer, i) => {
      const cols = layer.type === 'conv1d' ? layer.kernelSize * this.inSizes[i]! : this.inSizes[i]!;
      return new MomentSum(cols, strideFor(inPerStep(i)));
    });
    this.hSums = model.layers.map((layer) => (isRecurrent(layer)
      ? [layer.weights, layer.backwardWeights].filter((w) => w !== undefined).map(() => new MomentSum(layer.units, strideFor(true)))
      : []));
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
