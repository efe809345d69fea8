// GRU recurrence, batched (gate order r, z, n; ir/model.ts), both reset placements:
//   r = σ(zin_r + U_r h + b'_r),  z = σ(zin_z + U_z h + b'_z)
//   resetAfter:  n = tanh(zin_n + r⊙(U_n h + b'_n))      (b' only in this variant)
//   else:        n = tanh(zin_n + U_n (r⊙h))
//   h_t = (1 − z)⊙n + z⊙h_prev
// Backward, with dh = dL/dh_t + (from step t+1):
//   da_n = dh⊙(1−z)⊙(1−n²),  da_z = dh⊙(h_prev − n)⊙σ'(z)   (σ'(y) = y(1−y), or s / 0: TrainGate)
//   resetAfter:  da_r = da_n⊙(U_n h + b'_n)⊙σ'(r);  dR = [da_r, da_z, da_n⊙r];  dh_prev = dh⊙z + dR·U
//   else:        drh = da_n·U_n;  da_r = drh⊙h_prev⊙σ'(r);  dh_prev = dh⊙z + drh⊙r + [da_r, da_z]·U_rz
import { sumRows } from '../gemm.js';
import { mul, productTN, stage, stageRows, stageTransposed } from '../wasm-gemm.js';
import { type TrainGate, TRAIN_GATES, grow, prevOffset, recurrentKernelGrad } from './common.js';
import type { CellParams, TrainCell } from './types.js';

export class GruCell implements TrainCell {
  readonly gates = 3;
  /** resetAfter: U_n h + b'_n per step; else r⊙h_prev per step. T×B×U. */
  private aux: Float64Array = new Float64Array(0);
  /** resetAfter only: dL/d(U h + b') for every step, T×B×3U. */
  private dr: Float64Array = new Float64Array(0);
  private tmp: Float64Array = new Float64Array(0);
  private dh: Float64Array = new Float64Array(0);
  private acts: Float64Array = new Float64Array(0);
  private h0: Float64Array = new Float64Array(0);
  private steps = 0;
  private batch = 0;
  private reverse = false;

  constructor(
    private readonly units: number, private readonly p: CellParams, private readonly resetAfter: boolean,
    private readonly gate: TrainGate = TRAIN_GATES.sigmoid,
  ) {}

  forward(zin: Float64Array, hs: Float64Array, h0: Float64Array, _c0: Float64Array, steps: number, batch: number, reverse: boolean): void {
    const u = this.units, g3 = 3 * u, bu = batch * u;
    this.aux = grow(this.aux, steps * bu);
    this.tmp = grow(this.tmp, batch * g3);
    this.acts = zin; this.h0 = h0; this.steps = steps; this.batch = batch; this.reverse = reverse;
    const { aux, tmp } = this;
    const uk = this.p.u, rb = this.p.rb;
    const sigmoid = this.gate.f;
    // h_prev·Uᵀ: Uᵀ staged once for the whole sequence.
    stage(u, g3);
    stageTransposed(uk, 0, u);
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const prev = prevOffset(t, steps, bu, reverse);
      const hp = prev < 0 ? h0 : hs, hpOff = prev < 0 ? 0 : prev;
      const zOff = t * batch * g3;
      const ra = this.resetAfter;
      mul(batch, ra ? g3 : 2 * u, hp, hpOff, u, false, 0, u, 0, tmp, 0, g3, false);
      for (let b = 0; b < batch; b++) {
        const a = zOff + b * g3, m = b * g3, hc = t * bu + b * u;
        for (let j = 0; j < u; j++) {
          const r = sigmoid(zin[a + j]! + tmp[m + j]! + (ra ? rb![j]! : 0));
          zin[a + j] = r;
          zin[a + u + j] = sigmoid(zin[a + u + j]! + tmp[m + u + j]! + (ra ? rb![u + j]! : 0));
          aux[hc + j] = ra ? tmp[m + 2 * u + j]! + rb![2 * u + j]! : r * hp[hpOff + b * u + j]!;
        }
      }
      if (!ra) mul(batch, u, aux, t * bu, u, false, 0, u, 2 * u, tmp, 2 * u, g3, false);
      for (let b = 0; b < batch; b++) {
        const a = zOff + b * g3, m = b * g3, hc = t * bu + b * u, pc = hpOff + b * u;
        for (let j = 0; j < u; j++) {
          const z = zin[a + u + j]!;
          const rec = ra ? zin[a + j]! * aux[hc + j]! : tmp[m + 2 * u + j]!;
          const n = Math.tanh(zin[a + 2 * u + j]! + rec);
          zin[a + 2 * u + j] = n;
          hs[hc + j] = (1 - z) * n + z * hp[pc + j]!;
        }
      }
    }
  }

  backward(dhs: Float64Array, dzin: Float64Array, hs: Float64Array): void {
    const { units: u, steps, batch, reverse, acts, aux, h0 } = this;
    const g3 = 3 * u, bu = batch * u, ra = this.resetAfter;
    this.dh = grow(this.dh, bu);
    if (ra) this.dr = grow(this.dr, steps * batch * g3);
    const { dh, dr, tmp } = this;
    // The products through U: U staged once.
    stage(g3, u);
    stageRows(0, g3, this.p.u, 0, u);
    const gd = this.gate.d;
    dh.fill(0, 0, bu);
    for (let s = 0; s < steps; s++) {
      const t = reverse ? s : steps - 1 - s;
      const prev = prevOffset(t, steps, bu, reverse);
      const hp = prev < 0 ? h0 : hs, hpOff = prev < 0 ? 0 : prev;
      const zOff = t * batch * g3;
      for (let b = 0; b < batch; b++) {
        const a = zOff + b * g3, hc = t * bu + b * u, pc = hpOff + b * u;
        for (let j = 0; j < u; j++) {
          const k = b * u + j;
          const r = acts[a + j]!, z = acts[a + u + j]!, n = acts[a + 2 * u + j]!;
          const dhv = dhs[hc + j]! + dh[k]!;
          const dan = dhv * (1 - z) * (1 - n * n);
          const daz = dhv * (hp[pc + j]! - n) * gd(z);
          dzin[a + u + j] = daz;
          dzin[a + 2 * u + j] = dan;
          dh[k] = dhv * z;
          if (ra) {
            const dar = dan * aux[hc + j]! * gd(r);
            dzin[a + j] = dar;
            dr[a + j] = dar; dr[a + u + j] = daz; dr[a + 2 * u + j] = dan * r;
          }
        }
      }
      if (ra) {
        mul(batch, u, dr, zOff, g3, false, 0, g3, 0, dh, 0, u, true);
        continue;
      }
      // drh = da_n·U_n, then the reset gate's share and the r, z rows of U.
      mul(batch, u, dzin, zOff + 2 * u, g3, false, 2 * u, u, 0, tmp, 0, u, false);
      for (let b = 0; b < batch; b++) {
        const a = zOff + b * g3, pc = hpOff + b * u;
        for (let j = 0; j < u; j++) {
          const k = b * u + j, r = acts[a + j]!, drh = tmp[k]!;
          dzin[a + j] = drh * hp[pc + j]! * gd(r);
          dh[k] = dh[k]! + drh * r;
        }
      }
      mul(batch, u, dzin, zOff, g3, false, 0, 2 * u, 0, dh, 0, u, true);
    }
    if (ra) {
      recurrentKernelGrad(g3, u, steps, batch, reverse, dr, 0, g3, hs, h0, this.p.du, 0);
      sumRows(steps * batch, g3, dr, 0, g3, this.p.drb!, 0);
    } else {
      recurrentKernelGrad(2 * u, u, steps, batch, reverse, dzin, 0, g3, hs, h0, this.p.du, 0);
      productTN(u, u, steps * batch, dzin, 2 * u, g3, aux, 0, u, this.p.du, 2 * u * u, u);
    }
  }

  /** After the backward loop dh = dh⊙z + dR·U at the first step: dL/dh0 (no c). */
  initialStateGrad(h: Float64Array): void {
    h.set(this.dh.subarray(0, this.batch * this.units));
  }

  finalState(hs: Float64Array, h: Float64Array): void {
    const bu = this.batch * this.units;
    const t = this.reverse ? 0 : this.steps - 1;
    h.set(hs.subarray(t * bu, (t + 1) * bu));
  }
}
