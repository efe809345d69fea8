/**
 * Optimisers over the flat parameter vector, and global gradient-norm clipping.
 *   Adam:  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;
 *          θ −= lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε)
 *   SGD with momentum:  v = μ·v − lr·g;  θ += v
 */
export interface Optimizer {
  step(theta: Float64Array, grad: Float64Array, lr: number): void;
}

export type OptimizerName = 'adam' | 'sgd';

export class Adam implements Optimizer {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(size: number, private readonly beta1 = 0.9, private readonly beta2 = 0.999, private readonly eps = 1e-8) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  step(theta: Float64Array, grad: Float64Array, lr: number): void {
    this.t++;
    const { m, v, beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i]!;
      const mi = b1 * m[i]! + (1 - b1) * g;
      const vi = b2 * v[i]! + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      theta[i] = theta[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
  }
}

export class Sgd implements Optimizer {
  private readonly velocity: Float64Array;

  constructor(size: number, private readonly momentum = 0.9) {
    this.velocity = new Float64Array(size);
  }

  step(theta: Float64Array, grad: Float64Array, lr: number): void {
    const vel = this.velocity, mu = this.momentum;
    for (let i = 0; i < theta.length; i++) {
      const v = mu * vel[i]! - lr * grad[i]!;
      vel[i] = v;
      theta[i] = theta[i]! + v;
    }
  }
}

export function makeOptimizer(name: OptimizerName, size: number, momentum: number): Optimizer {
  return name === 'sgd' ? new Sgd(size, momentum) : new Adam(size);
}

/** Scales g so that ‖g‖₂ ≤ maxNorm; returns the norm before clipping. */
export function clipGlobalNorm(grad: Float64Array, maxNorm: number): number {
  let sq = 0;
  for (let i = 0; i < grad.length; i++) sq += grad[i]! * grad[i]!;
  const norm = Math.sqrt(sq);
  if (maxNorm > 0 && norm > maxNorm) {
    const s = maxNorm / norm;
    for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! * s;
  }
  return norm;
}
