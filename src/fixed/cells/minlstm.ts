// minLSTM, rows [0,U) f, [U,2U) i, [2U,3U) h̃ of one product X = W x + b (no recurrent product):
//   f = σ(sat16(X_f)), i = σ(sat16(X_i))   X_f, X_i in Q.12; f, i Q0.15 (sigmoid table)
//   f' = divQ15(f, f + i)                   Q0.15; f + i >= 22 (the table's floor is 11)
//   h̃  = sat16(X_h)                         X_h in h's calibrated format
//   h' = lerpQ15(f', h, h̃) = sat16(h̃ + rshr(f'·(h − h̃), 15))   (i' = 1 − f' implied)
// The scratch keeps X before its narrowings (xg) for an observer (fixed/observer.ts).
import type { QMinLstmLayer } from '../../ir/qmodel.js';
import { hiddenFrac } from '../../ir/qmodel.js';
import { matmul } from '../matmul.js';
import { divQ15, lerpQ15, narrowing, satS16 } from '../ops.js';
import { PREACTIVATION, gateFn } from './gate.js';
import type { FixedCellSpec } from './types.js';

export const minLstmFixed: FixedCellSpec<QMinLstmLayer> = {
  step(layer, dir, x, state, ctx, s) {
    const u = layer.units;
    const h = state.h;
    const sigma = gateFn(layer, ctx);
    matmul(dir.x, x, s.xg);
    for (let j = 0; j < u; j++) {
      const f = sigma(satS16(s.xg[j]!));
      const i = sigma(satS16(s.xg[u + j]!));
      h[j] = lerpQ15(divQ15(f, f + i), h[j]!, satS16(s.xg[2 * u + j]!));
    }
  },
  narrowings(layer) {
    const u = layer.units;
    return [
      { how: PREACTIVATION, wide: (s) => s.xg.subarray(0, 2 * u) },
      { how: { kind: 'hidden', frac: hiddenFrac(layer), bits: 16, positiveOnly: false, saturates: narrowing.saturatesS16 }, wide: (s) => s.xg.subarray(2 * u, 3 * u) },
    ];
  },
};
