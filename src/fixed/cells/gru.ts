// Gates r, z, n (rows [0,U), [U,2U), [2U,3U)), X = W x + b, H = U h (+ b'), Q.12:
//   r = σ(sat16(X_r + H_r)), z = σ(sat16(X_z + H_z))   Q0.15; σ: table or hard sigmoid
//   resetAfter:  n = tanh(sat16(X_n + rshr(r · H_n, 15)))              H_n int32
//   else:        rh = rshr(r · h, 15);  n = tanh(sat16(X_n + U_n rh))   rh: Q0.15
//   h' = sat16(n + rshr(z · (h − n), 15))                               h: Q0.15
// The scratch keeps every pre-activation before sat16 (xg, in place) for an observer
// (fixed/observer.ts); the results do not depend on it.
import type { QGruLayer } from '../../ir/qmodel.js';
import { matmul, matmulRows } from '../matmul.js';
import { lerpQ15, lutTanh, mulQ15S32, mulRshrS16, satS16 } from '../ops.js';
import { addGateRows, gateFn, gateWide, preactivationRows } from './gate.js';
import type { FixedCellSpec } from './types.js';

export const gruFixed: FixedCellSpec<QGruLayer> = {
  step(layer, dir, x, state, ctx, s) {
    const u = layer.units;
    const h = state.h;
    const { tanh } = ctx.lut;
    const n = ctx.log2Lut;
    const sigma = gateFn(layer, ctx);
    const p = s.xg;
    matmul(dir.x, x, s.xg);
    if (layer.resetAfter) {
      matmul(dir.h!, h, s.hg);
      addGateRows(s, 0, 2 * u);
      for (let j = 0; j < u; j++) p[2 * u + j] = gateWide(p[2 * u + j]!, mulQ15S32(sigma(satS16(p[j]!)), s.hg[2 * u + j]!));
    } else {
      matmulRows(dir.h!, h, 0, 2 * u, s.hg);
      addGateRows(s, 0, 2 * u);
      for (let j = 0; j < u; j++) s.rh[j] = mulRshrS16(sigma(satS16(p[j]!)), h[j]!, 15);
      matmulRows(dir.h!, s.rh, 2 * u, 3 * u, s.hg, 2 * u);
      addGateRows(s, 2 * u, 3 * u);
    }
    // All of h is read above before any of it is written below.
    for (let j = 0; j < u; j++) {
      const z = sigma(satS16(p[u + j]!));
      const nv = lutTanh(tanh, n, satS16(p[2 * u + j]!));
      h[j] = lerpQ15(z, h[j]!, nv);
    }
  },
  narrowings: () => [preactivationRows],
};
