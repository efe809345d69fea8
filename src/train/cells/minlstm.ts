// minLSTM recurrence, batched (rows f, i, h̃ of zin = X·Wᵀ + b; ir/model.ts MINLSTM_GATES):
//   f = σ(zin_f), i = σ(zin_i), s = f + i,  h_t = (f/s)⊙h_prev + (i/s)⊙h̃_t
// No recurrent kernel: h_prev enters only the blend, so BPTT is elementwise.
// Backward, with dh = dL/dh_t + (from step t+1):
//   da_f = dh⊙(h_prev − h̃)⊙i/s²⊙f(1 − f),  da_i = dh⊙(h̃ − h_prev)⊙f/s²⊙i(1 − i)
//   da_h = dh⊙i/s,  dh_prev = dh⊙f/s
// `scan`: h_t = (f/s)⊙h_prev + (i/s)⊙h̃ is linear in h, so both passes can run as a prefix
// scan (scan.ts) instead of step by step; same gradients up to rounding.
import { grow, prevOffset, sigmoid } from './common.js';
import { type ScanBuffers, linearScan, scanBackward, scanBuffers } from './scan.js';
import type { TrainCell } from './types.js';

export class MinLstmCell implements TrainCell {
  readonly gates = 3;
  private dh: Float64Array = new Float64Array(0);
  /** zin after forward: f and i in their rows, h̃ (unchanged) in its rows. */
  private acts: Float64Array = new Float64Array(0);
  private h0: Float64Array = new Float64Array(0);
  private steps = 0;
  private batch = 0;
  private reverse = false;
  /** scan: a = f/(f + i) per step (T×B×U), the dL/dh_t, and scratch. */
  private a: Float64Array = new Float64Array(0);
  private g: Float64Array = new Float64Array(0);
  private tmp: Float64Array = new Float64Array(0);
  private readonly buf: ScanBuffers = scanBuffers();

  constructor(private readonly units: number, private readonly scan = false) {}

  forward(zin: Float64Array, hs: Float64Array, h0: Float64Array, _c0: Float64Array, steps: number, batch: number, reverse: boolean): void {
    const u = this.units, g3 = 3 * u, bu = batch * u;
    this.acts = zin; this.h0 = h0; this.steps = steps; this.batch = batch; this.reverse = reverse;
    if (this.scan) { this.a = grow(this.a, steps * bu); this.tmp = grow(this.tmp, steps * bu); }
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const prev = prevOffset(t, steps, bu, reverse);
      const hp = prev < 0 ? h0 : hs, hpOff = prev < 0 ? 0 : prev;
      for (let b = 0; b < batch; b++) {
        const a = t * batch * g3 + b * g3, hc = t * bu + b * u, pc = hpOff + b * u;
        for (let j = 0; j < u; j++) {
          const f = sigmoid(zin[a + j]!), i = sigmoid(zin[a + u + j]!);
          zin[a + j] = f;
          zin[a + u + j] = i;
          if (this.scan) { this.a[hc + j] = f / (f + i); this.tmp[hc + j] = (i / (f + i)) * zin[a + 2 * u + j]!; continue; }
          hs[hc + j] = (f / (f + i)) * hp[pc + j]! + (i / (f + i)) * zin[a + 2 * u + j]!;
        }
      }
    }
    if (this.scan) linearScan(this.a, this.tmp, h0, steps, bu, reverse, hs, this.buf);
  }

  backward(dhs: Float64Array, dzin: Float64Array, hs: Float64Array): void {
    const { units: u, steps, batch, reverse, acts, h0 } = this;
    const g3 = 3 * u, bu = batch * u;
    this.dh = grow(this.dh, bu);
    const dh = this.dh;
    dh.fill(0, 0, bu);
    if (this.scan) {
      this.g = grow(this.g, steps * bu);
      scanBackward(this.a, dhs, steps, bu, reverse, this.g, this.tmp, this.buf);
    }
    for (let s = 0; s < steps; s++) {
      const t = reverse ? s : steps - 1 - s;
      const prev = prevOffset(t, steps, bu, reverse);
      const hp = prev < 0 ? h0 : hs, hpOff = prev < 0 ? 0 : prev;
      for (let b = 0; b < batch; b++) {
        const a = t * batch * g3 + b * g3, hc = t * bu + b * u, pc = hpOff + b * u;
        for (let j = 0; j < u; j++) {
          const k = b * u + j;
          const f = acts[a + j]!, i = acts[a + u + j]!, ht = acts[a + 2 * u + j]!;
          const sum = f + i, d = hp[pc + j]! - ht;
          const dhv = this.scan ? this.g[hc + j]! : dhs[hc + j]! + dh[k]!;
          dzin[a + j] = dhv * d * (i / (sum * sum)) * f * (1 - f);
          dzin[a + u + j] = -dhv * d * (f / (sum * sum)) * i * (1 - i);
          dzin[a + 2 * u + j] = dhv * (i / sum);
          dh[k] = dhv * (f / sum);
        }
      }
    }
  }

  finalState(hs: Float64Array, h: Float64Array): void {
    const bu = this.batch * this.units;
    const t = this.reverse ? 0 : this.steps - 1;
    h.set(hs.subarray(t * bu, (t + 1) * bu));
  }
}
