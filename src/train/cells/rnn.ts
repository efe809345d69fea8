// Elman RNN recurrence, batched:  h_t = act(zin_t + h_prev·Uᵀ), act = tanh or relu
// Backward:  da = (dL/dh_t + dh_from_next)⊙act'(h_t);  dh_prev = da·U
//   tanh' = 1 − h_t²;  relu' = 1 where h_t > 0, else 0
import { mul, stage, stageRows, stageTransposed } from '../wasm-gemm.js';
import { grow, prevOffset, recurrentKernelGrad } from './common.js';
import type { CellParams, TrainCell } from './types.js';

export class RnnCell implements TrainCell {
  readonly gates = 1;
  private dh: Float64Array = new Float64Array(0);
  private h0: Float64Array = new Float64Array(0);
  private steps = 0;
  private batch = 0;
  private reverse = false;

  constructor(private readonly units: number, private readonly p: CellParams, private readonly relu = false) {}

  forward(zin: Float64Array, hs: Float64Array, h0: Float64Array, _c0: Float64Array, steps: number, batch: number, reverse: boolean): void {
    const u = this.units, bu = batch * u;
    this.h0 = h0; this.steps = steps; this.batch = batch; this.reverse = reverse;
    stage(u, u);
    stageTransposed(this.p.u, 0, u);
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const prev = prevOffset(t, steps, bu, reverse);
      const off = t * bu;
      mul(batch, u, prev < 0 ? h0 : hs, prev < 0 ? 0 : prev, u, false, 0, u, 0, zin, off, u, true);
      if (this.relu) for (let k = off; k < off + bu; k++) hs[k] = zin[k]! > 0 ? zin[k]! : 0;
      else for (let k = off; k < off + bu; k++) hs[k] = Math.tanh(zin[k]!);
    }
  }

  backward(dhs: Float64Array, dzin: Float64Array, hs: Float64Array): void {
    const { units: u, steps, batch, reverse } = this;
    const bu = batch * u;
    this.dh = grow(this.dh, bu);
    const dh = this.dh;
    stage(u, u);
    stageRows(0, u, this.p.u, 0, u);
    dh.fill(0, 0, bu);
    for (let s = 0; s < steps; s++) {
      const t = reverse ? s : steps - 1 - s;
      const off = t * bu;
      for (let k = 0; k < bu; k++) {
        const h = hs[off + k]!;
        dzin[off + k] = (dhs[off + k]! + dh[k]!) * (this.relu ? (h > 0 ? 1 : 0) : 1 - h * h);
      }
      mul(batch, u, dzin, off, u, false, 0, u, 0, dh, 0, u, false);
    }
    recurrentKernelGrad(u, u, steps, batch, reverse, dzin, 0, u, hs, this.h0, this.p.du, 0);
  }

  /** After the backward loop dh = da·U at the first step: dL/dh0. */
  initialStateGrad(h: Float64Array): void {
    h.set(this.dh.subarray(0, this.batch * this.units));
  }

  finalState(hs: Float64Array, h: Float64Array): void {
    const bu = this.batch * this.units;
    const t = this.reverse ? 0 : this.steps - 1;
    h.set(hs.subarray(t * bu, (t + 1) * bu));
  }
}
