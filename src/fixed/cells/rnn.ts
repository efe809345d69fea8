// tanh: h' = tanh(sat16(X + H))   X = W x + b, H = U h, both requantized to Q.12; h: Q0.15
// relu: h' = max(0, sat16(X + H))  X, H requantized to h's calibrated format (outFrac)
import type { QRecurrentLayer } from '../../ir/qmodel.js';
import { matmul } from '../matmul.js';
import { lutTanh, reluS16 } from '../ops.js';
import { gateInput } from './gate.js';
import type { FixedCellSpec } from './types.js';

export const rnnFixed: FixedCellSpec<QRecurrentLayer> = {
  step(layer, dir, x, state, ctx, s) {
    matmul(dir.x, x, s.xg);
    matmul(dir.h, state.h, s.hg);
    if (layer.type === 'rnn' && layer.activation === 'relu') {
      for (let j = 0; j < layer.units; j++) state.h[j] = reluS16(gateInput(s.xg[j]!, s.hg[j]!));
      return;
    }
    for (let j = 0; j < layer.units; j++) {
      state.h[j] = lutTanh(ctx.lut.tanh, ctx.log2Lut, gateInput(s.xg[j]!, s.hg[j]!));
    }
  },
};
