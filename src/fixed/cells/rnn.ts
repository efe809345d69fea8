// tanh: h' = tanh(sat16(X + H))   X = W x + b, H = U h, both requantized to Q.12; h: Q0.15
// relu: h' = max(0, sat16(X + H))  X, H requantized to h's calibrated format (outFrac)
// The scratch keeps X + H before saturation (xg) for an observer (fixed/observer.ts).
import type { QRecurrentLayer } from '../../ir/qmodel.js';
import { matmul } from '../matmul.js';
import { lutTanh, narrowing, reluS16, satS16 } from '../ops.js';
import { addGateRows, preactivationRows } from './gate.js';
import type { FixedCellSpec } from './types.js';

const isRelu = (layer: QRecurrentLayer) => layer.type === 'rnn' && layer.activation === 'relu';

export const rnnFixed: FixedCellSpec<QRecurrentLayer> = {
  step(layer, dir, x, state, ctx, s) {
    matmul(dir.x, x, s.xg);
    matmul(dir.h!, state.h, s.hg);
    addGateRows(s, 0, layer.units);
    const p = s.xg;
    if (isRelu(layer)) {
      for (let j = 0; j < layer.units; j++) state.h[j] = reluS16(satS16(p[j]!));
      return;
    }
    for (let j = 0; j < layer.units; j++) state.h[j] = lutTanh(ctx.lut.tanh, ctx.log2Lut, satS16(p[j]!));
  },
  narrowings(layer) {
    if (!isRelu(layer)) return [preactivationRows];
    // h's own format: one fractional bit more than the output of a bidirectional sum.
    const frac = layer.outFrac + (layer.bidirectional === 'sum' ? 1 : 0);
    return [{ how: { kind: 'hidden', frac, bits: 16, positiveOnly: true, saturates: narrowing.saturatesReluS16 }, wide: (s) => s.xg }];
  },
};
