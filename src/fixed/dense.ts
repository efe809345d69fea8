// y = act(W x + b), requantized per row (QMatmul) to the activation's input format:
//   linear:  y = sat16(requant → outFrac)            relu: y = max(0, linear)
//   tanh/sigmoid: y = lut(sat16(requant → Q3.12))    Q0.15
//   softmax: z = sat16(requant → logitFrac);  e_j = exp(z_j − max z) via the exp table
//            (input Q4.11 of −(z_j − max), 16 units of range);  y_j = divQ15(e_j, Σ e)  Q0.15
import type { QDenseLayer } from '../ir/qmodel.js';
import { matmul } from './matmul.js';
import type { Narrowing } from './observer.js';
import { lutSigmoid, lutTanh, narrowing, reluS16, satS16, softmaxQ15 } from './ops.js';
import type { FixedContext } from './cells/types.js';
import { PREACTIVATION } from './cells/gate.js';
import type { LayerWatch } from './recurrent.js';

/** Fractional bits of the exp table's input (Q4.11: 0 to 16). */
export const EXP_FRAC = 11;

/**
 * What the activation narrows: the Q3.12 table input (tanh, sigmoid), or sat16 to the
 * output format (linear, relu: only its positive end) or to the softmax logits.
 */
export function denseNarrowing(layer: QDenseLayer): Narrowing {
  switch (layer.activation) {
    case 'tanh':
    case 'sigmoid':
      return PREACTIVATION;
    case 'relu':
      return { kind: 'output', frac: layer.outFrac, bits: 16, positiveOnly: true, saturates: narrowing.saturatesReluS16 };
    case 'softmax':
      return { kind: 'output', frac: layer.logitFrac ?? layer.outFrac, bits: 16, positiveOnly: false, saturates: narrowing.saturatesS16 };
    case 'linear':
      return { kind: 'output', frac: layer.outFrac, bits: 16, positiveOnly: false, saturates: narrowing.saturatesS16 };
  }
}

/** Hands the accumulators (before the activation narrows them) to the observer; undefined without one. */
export type DenseHook = ((acc: Int32Array) => void) | undefined;

export function denseHook(layer: QDenseLayer, watch: LayerWatch | undefined): DenseHook {
  if (!watch) return undefined;
  const how = denseNarrowing(layer);
  return (acc) => watch.observer.values(watch.layer, how, acc);
}

export function denseFixed(layer: QDenseLayer, x: ArrayLike<number>, ctx: FixedContext, expTable?: readonly number[], hook?: DenseHook): Int16Array {
  const acc = new Int32Array(layer.units);
  matmul(layer.mm, x, acc);
  if (hook) hook(acc);
  const y = new Int16Array(layer.units);
  const { sigmoid, tanh } = ctx.lut;
  switch (layer.activation) {
    case 'linear':
      for (let j = 0; j < y.length; j++) y[j] = satS16(acc[j]!);
      break;
    case 'relu':
      for (let j = 0; j < y.length; j++) y[j] = reluS16(satS16(acc[j]!));
      break;
    case 'tanh':
      for (let j = 0; j < y.length; j++) y[j] = lutTanh(tanh, ctx.log2Lut, satS16(acc[j]!));
      break;
    case 'sigmoid':
      for (let j = 0; j < y.length; j++) y[j] = lutSigmoid(sigmoid, ctx.log2Lut, satS16(acc[j]!));
      break;
    case 'softmax': {
      if (!expTable || layer.logitFrac === undefined) throw new Error('softmax layer without exp table or logitFrac');
      softmaxQ15(expTable, ctx.log2Lut, acc, y, layer.logitFrac, EXP_FRAC);
      break;
    }
  }
  return y;
}
