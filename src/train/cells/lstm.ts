// LSTM recurrence, batched over B sequences (gate order i, f, g, o; ir/model.ts):
//   a = zin_t + h_prev·Uᵀ;  i,f,o = σ(a) (or a hard sigmoid),  g = tanh(a)
//   c_t = f⊙c_prev + i⊙g;   h_t = o⊙tanh(c_t)
// Backward, with dh = dL/dh_t + (from step t+1) and dc = dL/dc_t:
//   dc += dh⊙o⊙(1 − tanh²c);  da_i = dc⊙g⊙σ'(i),  da_f = dc⊙c_prev⊙σ'(f),
//   da_g = dc⊙i⊙(1−g²),  da_o = dh⊙tanh c⊙σ'(o);  σ'(y) = y(1−y), or s / 0 (TrainGate);  dh_prev = da·U,  dc_prev = dc⊙f
import { mul, stage, stageRows, stageTransposed } from '../wasm-gemm.js';
import { type TrainGate, TRAIN_GATES, grow, prevOffset, recurrentKernelGrad } from './common.js';
import type { CellParams, TrainCell } from './types.js';

export class LstmCell implements TrainCell {
  readonly gates = 4;
  private cs: Float64Array = new Float64Array(0);
  private tcs: Float64Array = new Float64Array(0);
  private dh: Float64Array = new Float64Array(0);
  private dc: Float64Array = new Float64Array(0);
  private acts: Float64Array = new Float64Array(0);
  private h0: Float64Array = new Float64Array(0);
  private c0: Float64Array = new Float64Array(0);
  private steps = 0;
  private batch = 0;
  private reverse = false;

  constructor(private readonly units: number, private readonly p: CellParams, private readonly gate: TrainGate = TRAIN_GATES.sigmoid) {}

  forward(zin: Float64Array, hs: Float64Array, h0: Float64Array, c0: Float64Array, steps: number, batch: number, reverse: boolean): void {
    const u = this.units, g4 = 4 * u, bu = batch * u;
    this.cs = grow(this.cs, steps * bu);
    this.tcs = grow(this.tcs, steps * bu);
    this.acts = zin; this.h0 = h0; this.c0 = c0;
    this.steps = steps; this.batch = batch; this.reverse = reverse;
    const { cs, tcs } = this;
    const sigmoid = this.gate.f;
    // h_prev·Uᵀ: Uᵀ staged once for the whole sequence.
    stage(u, g4);
    stageTransposed(this.p.u, 0, u);
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const prev = prevOffset(t, steps, bu, reverse);
      const zOff = t * batch * g4;
      mul(batch, g4, prev < 0 ? h0 : hs, prev < 0 ? 0 : prev, u, false, 0, u, 0, zin, zOff, g4, true);
      for (let b = 0; b < batch; b++) {
        const a = zOff + b * g4;
        const hc = t * bu + b * u;
        const pc = prev < 0 ? b * u : prev + b * u;
        const cPrev = prev < 0 ? c0 : cs;
        for (let j = 0; j < u; j++) {
          const i = sigmoid(zin[a + j]!);
          const f = sigmoid(zin[a + u + j]!);
          const gg = Math.tanh(zin[a + 2 * u + j]!);
          const o = sigmoid(zin[a + 3 * u + j]!);
          zin[a + j] = i; zin[a + u + j] = f; zin[a + 2 * u + j] = gg; zin[a + 3 * u + j] = o;
          const c = f * cPrev[pc + j]! + i * gg;
          const tc = Math.tanh(c);
          cs[hc + j] = c;
          tcs[hc + j] = tc;
          hs[hc + j] = o * tc;
        }
      }
    }
  }

  backward(dhs: Float64Array, dzin: Float64Array, hs: Float64Array, dcLast?: Float64Array): void {
    const { units: u, steps, batch, reverse, acts, cs, tcs, c0 } = this;
    const g4 = 4 * u, bu = batch * u;
    this.dh = grow(this.dh, bu);
    this.dc = grow(this.dc, bu);
    const { dh, dc } = this;
    // dh_prev = da·U: U staged once.
    stage(g4, u);
    stageRows(0, g4, this.p.u, 0, u);
    const gd = this.gate.d;
    dh.fill(0, 0, bu);
    if (dcLast) dc.set(dcLast.subarray(0, bu)); else dc.fill(0, 0, bu);
    for (let s = 0; s < steps; s++) {
      const t = reverse ? s : steps - 1 - s;
      const prev = prevOffset(t, steps, bu, reverse);
      const zOff = t * batch * g4;
      for (let b = 0; b < batch; b++) {
        const a = zOff + b * g4;
        const hc = t * bu + b * u;
        const pc = prev < 0 ? b * u : prev + b * u;
        const cPrev = prev < 0 ? c0 : cs;
        for (let j = 0; j < u; j++) {
          const k = b * u + j;
          const i = acts[a + j]!, f = acts[a + u + j]!, gg = acts[a + 2 * u + j]!, o = acts[a + 3 * u + j]!;
          const tc = tcs[hc + j]!;
          const dhv = dhs[hc + j]! + dh[k]!;
          const dcv = dc[k]! + dhv * o * (1 - tc * tc);
          dzin[a + j] = dcv * gg * gd(i);
          dzin[a + u + j] = dcv * cPrev[pc + j]! * gd(f);
          dzin[a + 2 * u + j] = dcv * i * (1 - gg * gg);
          dzin[a + 3 * u + j] = dhv * tc * gd(o);
          dc[k] = dcv * f;
        }
      }
      mul(batch, u, dzin, zOff, g4, false, 0, g4, 0, dh, 0, u, false);
    }
    recurrentKernelGrad(g4, u, steps, batch, reverse, dzin, 0, g4, hs, this.h0, this.p.du, 0);
  }

  /** After the backward loop dh = da·U at the first step (dL/dh0) and dc = dc⊙f there (dL/dc0). */
  initialStateGrad(h: Float64Array, c: Float64Array): void {
    const bu = this.batch * this.units;
    h.set(this.dh.subarray(0, bu));
    c.set(this.dc.subarray(0, bu));
  }

  finalState(hs: Float64Array, h: Float64Array, c: Float64Array): void {
    const bu = this.batch * this.units;
    const t = this.reverse ? 0 : this.steps - 1;
    h.set(hs.subarray(t * bu, (t + 1) * bu));
    c.set(this.cs.subarray(t * bu, (t + 1) * bu));
  }
}
