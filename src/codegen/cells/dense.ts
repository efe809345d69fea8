// Dense layer: y = act(W x + b), requantized per row to the activation's input format:
//   linear y = sat16(acc); relu max(0, ·); tanh/sigmoid lut(sat16(acc)) Q0.15;
//   softmax z = sat16(acc), e = exp(rescale(max − z, logitFrac → 11)), y = divQ15(e, Σe).
import type { QDenseLayer } from '../../ir/qmodel.js';
import { EXP_FRAC } from '../../fixed/dense.js';
import type { CTable } from '../ctables.js';
import { type CellEnv, type MatmulCtx, planMatmul } from './common.js';

export interface DenseCtx {
  fn: string;
  comment: string;
  units: number;
  mm: MatmulCtx;
  linear: boolean;
  relu: boolean;
  tanhAct: boolean;
  sigmoidAct: boolean;
  softmax: boolean;
  sigmoid: string;
  tanh: string;
  exp: string;
  log2: number;
  logitFrac: number;
  expFrac: number;
}

export interface DensePlan {
  ctx: DenseCtx;
  tables: CTable[];
  macs: number;
  stackBytes: number;
}

export function planDense(layer: QDenseLayer, index: number, env: CellEnv): DensePlan {
  const base = `${env.prefix}_l${index}`;
  const mm = planMatmul(layer.mm, base, `layer ${index} dense product`, env);
  const a = layer.activation;
  return {
    ctx: {
      fn: `${base}_dense`, comment: `layer ${index}: dense, ${layer.units} units, ${a}, output with ${layer.outFrac} fractional bits`,
      units: layer.units, mm: mm.ctx,
      linear: a === 'linear', relu: a === 'relu', tanhAct: a === 'tanh', sigmoidAct: a === 'sigmoid', softmax: a === 'softmax',
      sigmoid: env.sigmoid, tanh: env.tanh, exp: env.exp, log2: env.log2Lut, logitFrac: layer.logitFrac ?? 0, expFrac: EXP_FRAC,
    },
    tables: mm.tables,
    macs: mm.macs,
    stackBytes: 4 * layer.units,
  };
}
