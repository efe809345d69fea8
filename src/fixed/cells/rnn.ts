// h' = tanh(sat16(X + H))      X = W x + b, H = U h, both requantized to Q.12; h: Q0.15
import type { QRecurrentLayer } from '../../ir/qmodel.js';
import { matmul } from '../matmul.js';
import { lutTanh } from '../ops.js';
import { gateInput } from './gate.js';
import type { FixedCellSpec } from './types.js';

export const rnnFixed: FixedCellSpec<QRecurrentLayer> = {
  step(layer, dir, x, state, ctx, s) {
    matmul(dir.x, x, s.xg);
    matmul(dir.h, state.h, s.hg);
    for (let j = 0; j < layer.units; j++) {
      state.h[j] = lutTanh(ctx.lut.tanh, ctx.log2Lut, gateInput(s.xg[j]!, s.hg[j]!));
    }
  },
};
