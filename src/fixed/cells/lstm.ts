// Gates i, f, g, o (rows k·U + j), each p_k = sat16(X_k + H_k) in Q3.12:
//   i, f, o = σ(p) (Q0.15; the sigmoid table or the hard sigmoid), g = tanh(p) (Q0.15)
//   c' = sat(rshr(f·c, 15) + rshr(i·g, 30 − fc))       c: int16 or int32, fc frac bits
//   h' = rshr(o · tanh(rescale(c', fc → 12)), 15)       h: Q0.15
// The scratch keeps each step's values before saturation (X_k + H_k in xg, the cell
// update in cw) for an observer (fixed/observer.ts); the results do not depend on it.
import type { QLstmLayer } from '../../ir/qmodel.js';
import { matmul } from '../matmul.js';
import { PRE_FRAC, lutTanh, mulRshrS16, narrowing, rescaleS16, satS16, satS32 } from '../ops.js';
import { addGateRows, gateFn, preactivationRows } from './gate.js';
import type { FixedCellSpec } from './types.js';

export const lstmFixed: FixedCellSpec<QLstmLayer> = {
  step(layer, dir, x, state, ctx, s) {
    const u = layer.units;
    const { frac: fc, bits } = layer.cell;
    const { tanh } = ctx.lut;
    const n = ctx.log2Lut;
    const sigma = gateFn(layer, ctx);
    // lstmCellS16 / lstmCellS32 (ops.ts), as the wide update and its saturation.
    const sat = bits === 16 ? satS16 : satS32;
    const { lstmCellWide } = narrowing;
    matmul(dir.x, x, s.xg);
    matmul(dir.h!, state.h, s.hg);
    addGateRows(s, 0, 4 * u);
    const p = s.xg;
    for (let j = 0; j < u; j++) {
      const i = sigma(satS16(p[j]!));
      const f = sigma(satS16(p[u + j]!));
      const g = lutTanh(tanh, n, satS16(p[2 * u + j]!));
      const o = sigma(satS16(p[3 * u + j]!));
      const w = lstmCellWide(f, state.c[j]!, i, g, 30 - fc);
      s.cw[j] = w;
      const c = sat(w);
      state.c[j] = c;
      state.h[j] = mulRshrS16(o, lutTanh(tanh, n, rescaleS16(c, fc, PRE_FRAC)), 15);
    }
  },
  narrowings(layer) {
    const { frac, bits } = layer.cell;
    return [
      preactivationRows,
      { how: { kind: 'cell', frac, bits, positiveOnly: false, saturates: bits === 16 ? narrowing.saturatesS16 : narrowing.saturatesS32 }, wide: (s) => s.cw },
    ];
  },
};
