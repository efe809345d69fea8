// minGRU (Feng et al. 2024), gates z, h̃ at rows [0,U), [U,2U) of W x + b:
//   z = σ(W_z x + b_z),  h̃ = W_h x + b_h,  h' = (1 − z)⊙h + z⊙h̃
// No recurrent product: h enters only the blend.
import { matVec, sigmoid } from '../math.js';
import type { FloatCell } from './types.js';

export const minGruCell: FloatCell = {
  gates: 2,
  step(w, x, state, scratch) {
    const u = w.units;
    const pre = scratch.subarray(0, 2 * u);
    matVec(w.kernel, x, 2 * u, w.inputSize, pre, w.bias);
    for (let j = 0; j < u; j++) {
      const z = sigmoid(pre[j]!);
      state.h[j] = (1 - z) * state.h[j]! + z * pre[u + j]!;
    }
  },
  // z: W_z x + b_z (the sigmoid table's input); h̃: W_h x + b_h (no table reads it)
  preactivations(w, scratch, out) {
    out.set(scratch.subarray(0, 2 * w.units));
  },
};
