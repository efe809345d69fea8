// minLSTM recurrence, batched (rows f, i, h̃ of zin = X·Wᵀ + b; ir/model.ts MINLSTM_GATES):
//   f = σ(zin_f), i = σ(zin_i), s = f + i,  h_t = (f/s)⊙h_prev + (i/s)⊙h̃_t
// i.e. a_t = f/s, c_t = (i/s)⊙h̃_t of the linear recurrence (linear-recurrence.ts).
// Backward, with dh = dL/dh_t + (from step t+1):
//   da_f = dh⊙(h_prev − h̃)⊙i/s²⊙f(1 − f),  da_i = dh⊙(h̃ − h_prev)⊙f/s²⊙i(1 − i)
//   da_h = dh⊙i/s,  dh_prev = dh⊙f/s
// `scan`: h_t = (f/s)⊙h_prev + (i/s)⊙h̃ is linear in h, so both passes can run as a prefix
// scan (scan.ts) instead of step by step; same gradients up to rounding.
import { sigmoid } from './common.js';
import { LinearRecurrenceCell } from './linear-recurrence.js';

export class MinLstmCell extends LinearRecurrenceCell {
  readonly gates = 3;

  /** zin after: f and i in their rows, h̃ (unchanged) in its rows. */
  protected coefficients(
    zin: Float64Array, off: number, out: Float64Array, c: Float64Array, o: number, hp: Float64Array | null, pc: number,
  ): void {
    const u = this.units;
    for (let j = 0; j < u; j++) {
      const f = sigmoid(zin[off + j]!), i = sigmoid(zin[off + u + j]!);
      zin[off + j] = f;
      zin[off + u + j] = i;
      const at = f / (f + i), ct = (i / (f + i)) * zin[off + 2 * u + j]!;
      if (hp === null) { out[o + j] = at; c[o + j] = ct; } else out[o + j] = at * hp[pc + j]! + ct;
    }
  }

  protected gradients(
    acts: Float64Array, off: number, hp: Float64Array, pc: number,
    din: Float64Array, dOff: number, dh: Float64Array, k: number, dzin: Float64Array,
  ): void {
    const u = this.units;
    for (let j = 0; j < u; j++) {
      const f = acts[off + j]!, i = acts[off + u + j]!, ht = acts[off + 2 * u + j]!;
      const sum = f + i, d = hp[pc + j]! - ht;
      const dhv = din[dOff + j]!;
      dzin[off + j] = dhv * d * (i / (sum * sum)) * f * (1 - f);
      dzin[off + u + j] = -dhv * d * (f / (sum * sum)) * i * (1 - i);
      dzin[off + 2 * u + j] = dhv * (i / sum);
      dh[k + j] = dhv * (f / sum);
    }
  }
}
