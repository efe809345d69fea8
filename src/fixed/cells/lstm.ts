// Gates i, f, g, o (rows k·U + j), each p_k = sat16(X_k + H_k) in Q3.12:
//   i, f, o = σ(p) (Q0.15; the sigmoid table or the hard sigmoid), g = tanh(p) (Q0.15)
//   c' = sat(rshr(f·c, 15) + rshr(i·g, 30 − fc))       c: int16 or int32, fc frac bits
//   h' = rshr(o · tanh(rescale(c', fc → 12)), 15)       h: Q0.15
import type { QLstmLayer } from '../../ir/qmodel.js';
import { matmul } from '../matmul.js';
import { PRE_FRAC, lstmCellS16, lstmCellS32, lutTanh, mulRshrS16, rescaleS16 } from '../ops.js';
import { gateFn, gateInput } from './gate.js';
import type { FixedCellSpec } from './types.js';

export const lstmFixed: FixedCellSpec<QLstmLayer> = {
  step(layer, dir, x, state, ctx, s) {
    const u = layer.units;
    const { frac: fc, bits } = layer.cell;
    const { tanh } = ctx.lut;
    const n = ctx.log2Lut;
    const sigma = gateFn(layer, ctx);
    matmul(dir.x, x, s.xg);
    matmul(dir.h, state.h, s.hg);
    for (let j = 0; j < u; j++) {
      const i = sigma(gateInput(s.xg[j]!, s.hg[j]!));
      const f = sigma(gateInput(s.xg[u + j]!, s.hg[u + j]!));
      const g = lutTanh(tanh, n, gateInput(s.xg[2 * u + j]!, s.hg[2 * u + j]!));
      const o = sigma(gateInput(s.xg[3 * u + j]!, s.hg[3 * u + j]!));
      const c = (bits === 16 ? lstmCellS16 : lstmCellS32)(f, state.c[j]!, i, g, 30 - fc);
      state.c[j] = c;
      state.h[j] = mulRshrS16(o, lutTanh(tanh, n, rescaleS16(c, fc, PRE_FRAC)), 15);
    }
  },
};
