// minGRU recurrence, batched (rows z, h̃ of zin = X·Wᵀ + b; ir/model.ts MINGRU_GATES):
//   z_t = σ(zin_z),  h̃_t = zin_h,  h_t = (1 − z_t)⊙h_prev + z_t⊙h̃_t
// No recurrent kernel: h_prev enters only the blend, so BPTT is elementwise.
// Backward, with dh = dL/dh_t + (from step t+1):
//   da_z = dh⊙(h̃ − h_prev)⊙σ'(z),  da_h = dh⊙z,  dh_prev = dh⊙(1 − z)
// `scan`: h_t = (1 − z)⊙h_prev + z⊙h̃ is linear in h, so both passes can run as a prefix
// scan (scan.ts) instead of step by step; same gradients up to rounding.
import { grow, prevOffset, sigmoid } from './common.js';
import { type ScanBuffers, linearScan, scanBackward, scanBuffers } from './scan.js';
import type { TrainCell } from './types.js';

export class MinGruCell implements TrainCell {
  readonly gates = 2;
  private dh: Float64Array = new Float64Array(0);
  /** zin after forward: z in the z rows, h̃ (unchanged) in the h̃ rows. */
  private acts: Float64Array = new Float64Array(0);
  private h0: Float64Array = new Float64Array(0);
  private steps = 0;
  private batch = 0;
  private reverse = false;
  /** scan: a = 1 − z per step (T×B×U), the dL/dh_t, and scratch. */
  private a: Float64Array = new Float64Array(0);
  private g: Float64Array = new Float64Array(0);
  private tmp: Float64Array = new Float64Array(0);
  private readonly buf: ScanBuffers = scanBuffers();

  constructor(private readonly units: number, private readonly scan = false) {}

  forward(zin: Float64Array, hs: Float64Array, h0: Float64Array, _c0: Float64Array, steps: number, batch: number, reverse: boolean): void {
    const u = this.units, g2 = 2 * u, bu = batch * u;
    this.acts = zin; this.h0 = h0; this.steps = steps; this.batch = batch; this.reverse = reverse;
    if (this.scan) { this.a = grow(this.a, steps * bu); this.tmp = grow(this.tmp, steps * bu); }
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const prev = prevOffset(t, steps, bu, reverse);
      const hp = prev < 0 ? h0 : hs, hpOff = prev < 0 ? 0 : prev;
      for (let b = 0; b < batch; b++) {
        const a = t * batch * g2 + b * g2, hc = t * bu + b * u, pc = hpOff + b * u;
        for (let j = 0; j < u; j++) {
          const z = sigmoid(zin[a + j]!);
          zin[a + j] = z;
          if (this.scan) { this.a[hc + j] = 1 - z; this.tmp[hc + j] = z * zin[a + u + j]!; continue; }
          hs[hc + j] = (1 - z) * hp[pc + j]! + z * zin[a + u + j]!;
        }
      }
    }
    if (this.scan) linearScan(this.a, this.tmp, h0, steps, bu, reverse, hs, this.buf);
  }

  backward(dhs: Float64Array, dzin: Float64Array, hs: Float64Array): void {
    const { units: u, steps, batch, reverse, acts, h0 } = this;
    const g2 = 2 * u, bu = batch * u;
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
        const a = t * batch * g2 + b * g2, hc = t * bu + b * u, pc = hpOff + b * u;
        for (let j = 0; j < u; j++) {
          const k = b * u + j;
          const z = acts[a + j]!, ht = acts[a + u + j]!;
          const dhv = this.scan ? this.g[hc + j]! : dhs[hc + j]! + dh[k]!;
          dzin[a + j] = dhv * (ht - hp[pc + j]!) * z * (1 - z);
          dzin[a + u + j] = dhv * z;
          dh[k] = dhv * (1 - z);
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
