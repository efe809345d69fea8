/**
 * A causal conv1d in C: the dense function of cells/dense.ts over the window
 * [x_{t−(k−1)·d}, …, x_{t−d}, x_t] (fixed/conv.ts), built by a wrapper that also keeps
 * the last L = (k−1)·d inputs in the caller's state: a ring of L input slots and the
 * slot p of the oldest, x_{t−L}. Tap j < k−1 is x_{t−(k−1−j)·d}, at slot (p + j·d) mod L;
 * tap k−1 is x. Then x overwrites slot p and p advances: no copying of the history
 * (a shifting copy becomes memmove, which the C must not need).
 * A centred conv (lookahead a > 0, whole sequences only) is the same function: y_t is the
 * causal output at step t + a of the sequence followed by a zero steps (passes.ts).
 */
import type { QConv1dLayer } from '../../ir/qmodel.js';
import { windowDense } from '../../fixed/conv.js';
import type { CellEnv } from './common.js';
import { type DensePlan, planDense } from './dense.js';

export interface ConvCtx {
  fn: string;
  comment: string;
  /** The dense function over the window. */
  dense: string;
  inputs: number;
  /** k·inputs int16 values. */
  window: number;
  /** (k−1)·d·inputs int16 values: the ring the wrapper keeps (0 for k = 1: no state). */
  hist: number;
  /** L = (k−1)·d input slots in the ring. */
  slots: number;
  dilation: number;
  /** k − 1 taps come from the ring. */
  pastTaps: number;
  /** Offset of x in the window. */
  lastOffset: number;
}

export interface ConvPlan {
  dense: DensePlan;
  ctx: ConvCtx;
}

/** "causal conv1d", or "centred conv1d (lookahead a)" for one that reads a future inputs. */
export function convWord(layer: QConv1dLayer): string {
  return layer.lookahead ? `centred conv1d (lookahead ${layer.lookahead})` : 'causal conv1d';
}

export function planConv(layer: QConv1dLayer, index: number, env: CellEnv): ConvPlan {
  const dense = planDense(windowDense(layer), index, env);
  const k = layer.kernelSize;
  const inputs = layer.mm.cols / k;
  const hist = (k - 1) * layer.dilation * inputs;
  return {
    dense,
    ctx: {
      fn: `${env.prefix}_l${index}_conv`,
      comment: `layer ${index}: ${convWord(layer)}, ${inputs} -> ${layer.units} channels, kernel ${k}, dilation ${layer.dilation}, ${layer.activation}`,
      dense: dense.ctx.fn, inputs, window: k * inputs, hist, slots: (k - 1) * layer.dilation, dilation: layer.dilation, pastTaps: k - 1,
      lastOffset: (k - 1) * inputs,
    },
  };
}
