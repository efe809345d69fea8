// GRU direction, gates r, z, n at rows [0,U), [U,2U), [2U,3U), X and H in Q.12:
//   r, z = σ(sat16(X + H));  resetAfter: n = tanh(sat16(X_n + rshr(r·H_n, 15)))
//   else: rh = rshr(r·h, 15), n = tanh(sat16(X_n + U_n rh));  h' = sat16(n + rshr(z·(h − n), 15))
import type { QDirection, QGruLayer } from '../../ir/qmodel.js';
import { type CellEnv, type DirectionPlan, directionBase, planMatmul } from './common.js';

export function planGru(layer: QGruLayer, dir: QDirection, index: number, d: 'f' | 'b', env: CellEnv): DirectionPlan {
  const base = directionBase(env, index, d);
  const u = layer.units;
  const x = planMatmul(dir.x, `${base}_x`, `layer ${index} input product (gates r, z, n)`, env);
  // Without resetAfter the recurrent product runs as two calls: rows [0, 2U), then [2U, 3U).
  const h = planMatmul(dir.h, `${base}_h`, `layer ${index} recurrent product (gates r, z, n)`, env, layer.resetAfter ? undefined : [2 * u, u]);
  return {
    ctx: {
      partial: 'gru', fn: `${base}_step`,
      comment: `layer ${index}${d === 'b' ? ' backward' : ''}: gru, ${u} units, reset ${layer.resetAfter ? 'after' : 'before'} the recurrent product`,
      units: u, x: x.ctx, h: h.ctx, sigmoid: env.sigmoid, tanh: env.tanh, log2: env.log2Lut,
      resetAfter: layer.resetAfter, z: u, n: 2 * u, zRows: 2 * u, nWeights: 2 * u * u,
    },
    tables: [...x.tables, ...h.tables],
    macs: x.macs + h.macs,
    stackBytes: 2 * 4 * 3 * u + (layer.resetAfter ? 0 : 2 * u),
  };
}
