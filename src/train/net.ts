/**
 * A trainable network: layers in order over one flat parameter vector (params.ts).
 * forward → output T_out×B×O; backward from dL/d(output) (or dL/d(logits) of a final
 * softmax, see loss.ts) fills the gradient vector. toModel writes the IR.
 */
import type { FloatModel } from '../ir/model.js';
import { Rng } from '../util/rng.js';
import { type ResolvedLayer, hasReturnSequences, isRecurrentSpec } from './arch.js';
import { Conv1dLayer, convParamCount } from './conv.js';
import { DenseLayer, denseParamCount } from './dense.js';
import type { TrainLayer } from './layer.js';
import { ParamStore } from './params.js';
import { RecurrentLayer, recurrentParamCount } from './recurrent.js';
import { SsmLayer, ssmParamCount } from './ssm.js';

export class Net {
  readonly layers: TrainLayer[];
  readonly store: ParamStore;
  readonly outputSize: number;
  /** Whether the output has one row per timestep (else one per sequence). */
  readonly sequenceOut: boolean;
  /** Parameters of each layer, in order in the parameter vector. */
  readonly layerParams: number[] = [];

  /** `extraParams`: room after the layers' parameters for a model part built on top (a decoder, seq2seq.ts). */
  constructor(readonly arch: ResolvedLayer[], readonly inputSize: number, extraParams = 0) {
    let size = 0, width = inputSize;
    for (const l of arch) {
      const n = l.type === 'dense' ? denseParamCount(l.units, width) : l.type === 'conv1d' ? convParamCount(l, width)
        : l.type === 'ssm' ? ssmParamCount(l, width) : recurrentParamCount(l, width);
      this.layerParams.push(n);
      size += n;
      width = isRecurrentSpec(l) && l.bidirectional === 'concat' ? 2 * l.units : l.units;
    }
    this.store = new ParamStore(size + extraParams);
    width = inputSize;
    let seq = true;
    this.layers = arch.map((l) => {
      const layer = l.type === 'dense' ? new DenseLayer(width, l.units, l.activation, this.store)
        : l.type === 'conv1d' ? new Conv1dLayer(l, width, this.store)
          : l.type === 'ssm' ? new SsmLayer(l, width, this.store) : new RecurrentLayer(l, width, this.store);
      if (hasReturnSequences(l)) seq = l.returnSequences;
      width = layer.outputSize;
      return layer;
    });
    this.outputSize = width;
    this.sequenceOut = seq;
  }

  get theta(): Float64Array { return this.store.theta; }
  get grad(): Float64Array { return this.store.grad; }

  init(seed: number): void {
    const rng = new Rng(seed);
    for (const l of this.layers) l.init(rng);
  }

  /** The final layer when it is a softmax dense layer (its logits feed the loss). */
  get softmaxHead(): DenseLayer | undefined {
    const last = this.layers[this.layers.length - 1];
    return last instanceof DenseLayer && last.activation === 'softmax' ? last : undefined;
  }

  /** Carry recurrent and ssm state and conv1d inputs from one forward call to the next (truncated BPTT). */
  setCarry(carry: boolean): void {
    for (const l of this.layers) if (l instanceof RecurrentLayer || l instanceof Conv1dLayer || l instanceof SsmLayer) l.carry = carry;
  }

  /** x: T×B×inputSize (normalised). Returns the output and its number of timesteps. */
  forward(x: Float64Array, steps: number, batch: number): { out: Float64Array; steps: number } {
    let v = x, t = steps;
    for (const l of this.layers) {
      t = l.forward(v, t, batch);
      v = l.out;
    }
    return { out: v, steps: t };
  }

  /** Accumulates into `grad` (callers zero it). dout is dL/d(output), or dL/d(logits) when `logits`. */
  backward(dout: Float64Array, logits: boolean): void {
    const head = this.softmaxHead;
    if (head) head.gradIsPre = logits;
    let d: Float64Array | undefined = dout;
    for (let i = this.layers.length - 1; i >= 0 && d; i--) d = this.layers[i]!.backward(d, i > 0);
  }

  toModel(name: string, extra: Pick<FloatModel, 'normalization' | 'meta'>): FloatModel {
    const model: FloatModel = { format: 'rnnc-model', version: 1, name, inputSize: this.inputSize, layers: this.layers.map((l) => l.toIr()) };
    if (extra.normalization) model.normalization = extra.normalization;
    if (extra.meta) model.meta = extra.meta;
    return model;
  }
}
