// LSTM direction, gates i, f, g, o at rows k·U + j, p_k = sat16(X_k + H_k) in Q3.12:
//   c' = sat(rshr(f·c, 15) + rshr(i·g, 30 − fc))     c: int16 or int32 with fc frac bits
//   h' = rshr(o · tanh(rescale(c', fc → 12)), 15)     h: Q0.15
import type { QDirection, QLstmLayer } from '../../ir/qmodel.js';
import { PRE_FRAC } from '../../fixed/ops.js';
import { unitGroupOrder } from '../pack.js';
import { type CellEnv, type DirectionPlan, type LstmCtx, type RowLayout, blockCall, directionBase, gateCall, planMatmul } from './common.js';

export function lstmCellType(layer: QLstmLayer): 'int16_t' | 'int32_t' {
  return layer.cell.bits === 16 ? 'int16_t' : 'int32_t';
}

export function planLstm(layer: QLstmLayer, dir: QDirection, index: number, d: 'f' | 'b', env: CellEnv): DirectionPlan<LstmCtx> {
  const base = directionBase(env, index, d);
  const u = layer.units;
  // The step is fused unit by unit on every kernel family: the 4 gate rows of unit j are
  // rows 4j..4j+3 (one 4-row block), so no gate-sized scratch is needed.
  const rl: RowLayout = unitGroupOrder(u, 4, 1);
  const x = planMatmul(dir.x, `${base}_x`, `layer ${index} input product (gates i, f, g, o)`, env, rl);
  const h = planMatmul(dir.h!, `${base}_h`, `layer ${index} recurrent product (gates i, f, g, o)`, env, rl);
  const gate = gateCall(layer, env);
  const xb = blockCall(dir.x, x.ctx.block, env), hb = blockCall(dir.h!, h.ctx.block, env);
  // The family's fused elementwise step, where it has one (sigmoid gates only).
  const unitFn = env.kernels.lstmUnit && gate.gateName === 'sigmoid' ? env.kernels.lstmUnit(layer.cell.bits) : '';
  return {
    ctx: {
      partial: 'lstm', fn: `${base}_step`,
      comment: `layer ${index}${d === 'b' ? ' backward' : ''}: lstm, ${u} units, c int${layer.cell.bits} with ${layer.cell.frac} fractional bits`,
      units: u, x: x.ctx, h: h.ctx, tanh: env.tanh, log2: env.log2Lut, ...gate,
      xBlock: xb.block, hBlock: hb.block, xShiftArg: xb.shiftArg, hShiftArg: hb.shiftArg, unitFn, sigmoid: env.sigmoid,
      ctype: lstmCellType(layer), cellSuffix: layer.cell.bits === 16 ? 's16' : 's32', cellFrac: layer.cell.frac,
      igShift: 30 - layer.cell.frac, preFrac: PRE_FRAC, xStride: 4 * dir.x.cols, hStride: 4 * dir.h!.cols,
    },
    tables: [...x.tables, ...h.tables],
    macs: x.macs + h.macs,
    stackBytes: 2 * u + 2 * 4 * 4,
  };
}
