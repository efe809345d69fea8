// minGRU direction: one product X = W x + b, rows [0,U) z in Q.12, [U,2U) h̃ in h's format:
//   z = σ(sat16(X_z)),  h̃ = sat16(X_h),  h' = sat16(h + rshr(z·(h̃ − h), 15))
import type { QDirection, QMinGruLayer } from '../../ir/qmodel.js';
import { hiddenFrac } from '../../ir/qmodel.js';
import { type CellEnv, type DirectionPlan, type MinGruCtx, directionBase, gateCall, planMatmul } from './common.js';

export function planMinGru(layer: QMinGruLayer, dir: QDirection, index: number, d: 'f' | 'b', env: CellEnv): DirectionPlan<MinGruCtx> {
  const base = directionBase(env, index, d);
  const u = layer.units;
  const x = planMatmul(dir.x, `${base}_x`, `layer ${index} input product (z, then h~)`, env);
  return {
    ctx: {
      partial: 'mingru', fn: `${base}_step`,
      comment: `layer ${index}${d === 'b' ? ' backward' : ''}: mingru, ${u} units, h with ${hiddenFrac(layer)} fractional bits`,
      units: u, x: x.ctx, hFrac: hiddenFrac(layer), ...gateCall(layer, env),
    },
    tables: x.tables,
    macs: x.macs,
    stackBytes: 4 * 2 * u,
  };
}
