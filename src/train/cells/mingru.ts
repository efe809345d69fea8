// minGRU recurrence, batched (rows z, h̃ of zin = X·Wᵀ + b; ir/model.ts MINGRU_GATES):
//   z_t = σ(zin_z),  h̃_t = zin_h,  h_t = (1 − z_t)⊙h_prev + z_t⊙h̃_t
// i.e. a_t = 1 − z_t, c_t = z_t⊙h̃_t of the linear recurrence (linear-recurrence.ts).
// Backward, with dh = dL/dh_t + (from step t+1):
//   da_z = dh⊙(h̃ − h_prev)⊙σ'(z),  da_h = dh⊙z,  dh_prev = dh⊙(1 − z)
// `scan`: h_t = (1 − z)⊙h_prev + z⊙h̃ is linear in h, so both passes can run as a prefix
// scan (scan.ts) instead of step by step; same gradients up to rounding.
import { sigmoid } from './common.js';
import { LinearRecurrenceCell } from './linear-recurrence.js';

export class MinGruCell extends LinearRecurrenceCell {
  readonly gates = 2;

  /** zin after: z in the z rows, h̃ (unchanged) in the h̃ rows. */
  protected coefficients(
    zin: Float64Array, off: number, out: Float64Array, c: Float64Array, o: number, hp: Float64Array | null, pc: number,
  ): void {
    const u = this.units;
    for (let j = 0; j < u; j++) {
      const z = sigmoid(zin[off + j]!);
      zin[off + j] = z;
      const at = 1 - z, ct = z * zin[off + u + j]!;
      if (hp === null) { out[o + j] = at; c[o + j] = ct; } else out[o + j] = at * hp[pc + j]! + ct;
    }
  }

  protected gradients(
    acts: Float64Array, off: number, hp: Float64Array, pc: number,
    din: Float64Array, dOff: number, dh: Float64Array, k: number, dzin: Float64Array,
  ): void {
    const u = this.units;
    for (let j = 0; j < u; j++) {
      const z = acts[off + j]!, ht = acts[off + u + j]!;
      const dhv = din[dOff + j]!;
      dzin[off + j] = dhv * (ht - hp[pc + j]!) * z * (1 - z);
      dzin[off + u + j] = dhv * z;
      dh[k + j] = dhv * (1 - z);
    }
  }
}
