// minLSTM direction: one product X = W x + b, rows [0,2U) f, i in Q.12, [2U,3U) h̃ in h's format:
//   f, i = σ(sat16(X)),  f' = divQ15(f, f + i),  h' = sat16(h̃ + rshr(f'·(h − h̃), 15))
import type { QDirection, QMinLstmLayer } from '../../ir/qmodel.js';
import { hiddenFrac } from '../../ir/qmodel.js';
import { type CellEnv, type DirectionPlan, type MinLstmCtx, directionBase, gateCall, planMatmul } from './common.js';

export function planMinLstm(layer: QMinLstmLayer, dir: QDirection, index: number, d: 'f' | 'b', env: CellEnv): DirectionPlan<MinLstmCtx> {
  const base = directionBase(env, index, d);
  const u = layer.units;
  const x = planMatmul(dir.x, `${base}_x`, `layer ${index} input product (f, i, then h~)`, env);
  return {
    ctx: {
      partial: 'minlstm', fn: `${base}_step`,
      comment: `layer ${index}${d === 'b' ? ' backward' : ''}: minlstm, ${u} units, h with ${hiddenFrac(layer)} fractional bits`,
      units: u, x: x.ctx, hFrac: hiddenFrac(layer), i: u, h: 2 * u, ...gateCall(layer, env),
    },
    tables: x.tables,
    macs: x.macs,
    stackBytes: 4 * 3 * u,
  };
}
