// minGRU, rows [0,U) z and [U,2U) h̃ of one product X = W x + b (no recurrent product):
//   z  = σ(sat16(X_z))               X_z in Q.12, z Q0.15 in [0, 32767] (sigmoid table)
//   h̃  = sat16(X_h)                  X_h in h's calibrated format
//   h' = lerpQ15(z, h̃, h) = sat16(h + rshr(z·(h̃ − h), 15))   h: same format as h̃
// The scratch keeps X before either narrowing (xg) for an observer (fixed/observer.ts).
import type { QMinGruLayer } from '../../ir/qmodel.js';
import { hiddenFrac } from '../../ir/qmodel.js';
import { matmul } from '../matmul.js';
import { lerpQ15, narrowing, satS16 } from '../ops.js';
import { PREACTIVATION, gateFn } from './gate.js';
import type { FixedCellSpec } from './types.js';

export const minGruFixed: FixedCellSpec<QMinGruLayer> = {
  step(layer, dir, x, state, ctx, s) {
    const u = layer.units;
    const h = state.h;
    const sigma = gateFn(layer, ctx);
    matmul(dir.x, x, s.xg);
    for (let j = 0; j < u; j++) h[j] = lerpQ15(sigma(satS16(s.xg[j]!)), satS16(s.xg[u + j]!), h[j]!);
  },
  narrowings(layer) {
    const u = layer.units;
    return [
      { how: PREACTIVATION, wide: (s) => s.xg.subarray(0, u) },
      { how: { kind: 'hidden', frac: hiddenFrac(layer), bits: 16, positiveOnly: false, saturates: narrowing.saturatesS16 }, wide: (s) => s.xg.subarray(u, 2 * u) },
    ];
  },
};
