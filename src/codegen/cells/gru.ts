// GRU direction, gates r, z, n at rows [0,U), [U,2U), [2U,3U), X and H in Q.12:
//   r, z = σ(sat16(X + H));  resetAfter: n = tanh(sat16(X_n + rshr(r·H_n, 15)))
//   else: rh = rshr(r·h, 15), n = tanh(sat16(X_n + U_n rh));  h' = sat16(n + rshr(z·(h − n), 15))
import type { QDirection, QGruLayer } from '../../ir/qmodel.js';
import { unitGroupOrder } from '../pack.js';
import {
  type CellEnv, type DirectionPlan, type GateCtx, type GruCtx, type StepCtx, type GruFusedCtx, type RowLayout, blockCall, directionBase, gateCall, planMatmul,
} from './common.js';

/** Units per kernel call of a fused GRU: 4 units × 3 gates = three 4-row DSP blocks. */
const GROUP = 4;

export function planGru(layer: QGruLayer, dir: QDirection, index: number, d: 'f' | 'b', env: CellEnv): DirectionPlan<GruCtx | GruFusedCtx> {
  const base = directionBase(env, index, d);
  const u = layer.units;
  // resetAfter GRUs are fused 4 units at a time (rows r, z, n of the group), on every
  // kernel family; without resetAfter every r is needed before the n product: not fused.
  // The last units % 4 units are a group of their own with a row count fixed at generation
  // (a run-time count let gcc -O2 on Thumb doubt the inlined portable matmul's bound).
  const fused = layer.resetAfter;
  const rl: RowLayout = fused ? unitGroupOrder(u, 3, GROUP) : {};
  const x = planMatmul(dir.x, `${base}_x`, `layer ${index} input product (gates r, z, n)`, env, rl);
  // Without resetAfter the recurrent product runs as two calls: rows [0, 2U), then [2U, 3U).
  const h = planMatmul(dir.h!, `${base}_h`, `layer ${index} recurrent product (gates r, z, n)`, env, fused ? rl : { segments: [2 * u, u] });
  const step: StepCtx & GateCtx = {
    fn: `${base}_step`,
    comment: `layer ${index}${d === 'b' ? ' backward' : ''}: gru, ${u} units, reset ${layer.resetAfter ? 'after' : 'before'} the recurrent product`,
    units: u, x: x.ctx, h: h.ctx, tanh: env.tanh, log2: env.log2Lut, ...gateCall(layer, env),
  };
  const unitFn = env.kernels.gruUnit && step.gateName === 'sigmoid' ? env.kernels.gruUnit : '';
  const xb = blockCall(dir.x, x.ctx.block, env), hb = blockCall(dir.h!, h.ctx.block, env);
  const ctx: GruCtx | GruFusedCtx = fused
    ? {
      partial: 'grufused', ...step, unitFn, sigmoid: env.sigmoid,
      xBlock: xb.block, hBlock: hb.block, xShiftArg: xb.shiftArg, hShiftArg: hb.shiftArg, group: GROUP, groupRows: 3 * GROUP, blocks: [0, 4, 8].map((k) => ({ row: k ? `3 * j + ${k}` : '3 * j', out: k ? ` + ${k}` : '' })),
      fullUnits: u - (u % GROUP), tail: u % GROUP,
    }
    : { partial: 'gru', ...step, resetAfter: layer.resetAfter, z: u, n: 2 * u, zRows: 2 * u, nWeights: env.kernels.segmentOffset(2 * u, u, env.weightBits) };
  return {
    ctx,
    tables: [...x.tables, ...h.tables],
    macs: x.macs + h.macs,
    stackBytes: fused ? 2 * u + 2 * 4 * 3 * GROUP : 2 * 4 * 3 * u + (layer.resetAfter ? 0 : 2 * u),
  };
}
