/**
 * All trainable parameters of a network live in one flat float64 vector (and its
 * gradient in a second one), so the optimiser, gradient clipping and best-model
 * snapshots are single loops. Layers hold views into both, handed out in the order
 * the IR lists the tensors (layer by layer; per direction kernel, recurrentKernel,
 * bias, recurrentBias; dense and conv1d kernel, bias; ssm as its weights in ir/model.ts).
 */
export interface ParamView {
  w: Float64Array;
  g: Float64Array;
}

export class ParamStore {
  readonly theta: Float64Array;
  readonly grad: Float64Array;
  private used = 0;

  constructor(size: number) {
    this.theta = new Float64Array(size);
    this.grad = new Float64Array(size);
  }

  take(n: number): ParamView {
    const start = this.used;
    this.used += n;
    if (this.used > this.theta.length) throw new Error(`parameter store overflow: ${this.used} > ${this.theta.length}`);
    return { w: this.theta.subarray(start, this.used), g: this.grad.subarray(start, this.used) };
  }

  get size(): number {
    return this.theta.length;
  }
}
