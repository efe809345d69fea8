// The minimal kinds' recurrence (mingru.ts, minlstm.ts), shared: linear in h,
//   h_t = a_t⊙h_prev + c_t,  (a_t, c_t) elementwise from the step's zin,
// with no recurrent kernel: h_prev enters only the blend, so BPTT is elementwise.
// This class keeps the bookkeeping, the walk over steps (reverse order, previous state
// from h0 or hs) and the sequences of a batch, and the `scan` variant of both passes
// (scan.ts); each kind supplies its gate formulas for one sequence's row of units.
// Backward, with dh = dL/dh_t + (from step t+1):  dh_prev = dh⊙a_t.
import { grow, prevOffset } from './common.js';
import { type ScanBuffers, linearScan, scanBackward, scanBuffers } from './scan.js';
import type { TrainCell } from './types.js';

export abstract class LinearRecurrenceCell implements TrainCell {
  abstract readonly gates: number;
  private dh: Float64Array = new Float64Array(0);
  /** zin after forward, as `coefficients` left it (gate activations, h̃ unchanged). */
  private acts: Float64Array = new Float64Array(0);
  private h0: Float64Array = new Float64Array(0);
  private steps = 0;
  private batch = 0;
  private reverse = false;
  /** scan: a per step (T×B×U), the dL/dh_t, and scratch (c per step in forward). */
  private a: Float64Array = new Float64Array(0);
  private g: Float64Array = new Float64Array(0);
  private tmp: Float64Array = new Float64Array(0);
  private readonly buf: ScanBuffers = scanBuffers();

  constructor(protected readonly units: number, private readonly scan = false) {}

  /**
   * One sequence at one step: overwrites its G·U values of zin at `off` with the
   * activations `gradients` reads back. Step by step (hp = h_prev at pc) it writes each
   * unit's new state a_t·h_prev + c_t to out[o …]; for the scan (hp null) a_t to out[o …]
   * and c_t to c[o …].
   */
  protected abstract coefficients(
    zin: Float64Array, off: number, out: Float64Array, c: Float64Array, o: number, hp: Float64Array | null, pc: number,
  ): void;

  /**
   * One sequence at one step, backward: din[dOff …] holds dL/dh_t of its U units, h_prev
   * is hp[pc …], acts[off …] what `coefficients` left. Writes dL/dzin to dzin[off …] and
   * dL/dh_prev (= dL/dh_t⊙a_t) to dh[k …]; din may be dh itself (dOff = k).
   */
  protected abstract gradients(
    acts: Float64Array, off: number, hp: Float64Array, pc: number,
    din: Float64Array, dOff: number, dh: Float64Array, k: number, dzin: Float64Array,
  ): void;

  forward(zin: Float64Array, hs: Float64Array, h0: Float64Array, _c0: Float64Array, steps: number, batch: number, reverse: boolean): void {
    const u = this.units, gu = this.gates * u, bu = batch * u;
    this.acts = zin; this.h0 = h0; this.steps = steps; this.batch = batch; this.reverse = reverse;
    if (this.scan) {
      const a = this.a = grow(this.a, steps * bu), c = this.tmp = grow(this.tmp, steps * bu);
      for (let t = 0; t < steps; t++) {
        for (let b = 0; b < batch; b++) this.coefficients(zin, t * batch * gu + b * gu, a, c, t * bu + b * u, null, 0);
      }
      linearScan(a, c, h0, steps, bu, reverse, hs, this.buf);
      return;
    }
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const prev = prevOffset(t, steps, bu, reverse);
      const hp = prev < 0 ? h0 : hs, hpOff = prev < 0 ? 0 : prev;
      for (let b = 0; b < batch; b++) this.coefficients(zin, t * batch * gu + b * gu, hs, hs, t * bu + b * u, hp, hpOff + b * u);
    }
  }

  backward(dhs: Float64Array, dzin: Float64Array, hs: Float64Array): void {
    const { units: u, steps, batch, reverse, acts, h0 } = this;
    const gu = this.gates * u, bu = batch * u;
    this.dh = grow(this.dh, bu);
    const dh = this.dh;
    dh.fill(0, 0, bu);
    if (this.scan) {
      this.g = grow(this.g, steps * bu);
      scanBackward(this.a, dhs, steps, bu, reverse, this.g, this.tmp, this.buf);
    }
    const g = this.g;
    for (let s = 0; s < steps; s++) {
      const t = reverse ? s : steps - 1 - s;
      const prev = prevOffset(t, steps, bu, reverse);
      const hp = prev < 0 ? h0 : hs, hpOff = prev < 0 ? 0 : prev;
      for (let b = 0; b < batch; b++) {
        const off = t * batch * gu + b * gu, hc = t * bu + b * u, pc = hpOff + b * u, k = b * u;
        if (this.scan) { this.gradients(acts, off, hp, pc, g, hc, dh, k, dzin); continue; }
        for (let j = 0; j < u; j++) dh[k + j] = dhs[hc + j]! + dh[k + j]!;
        this.gradients(acts, off, hp, pc, dh, k, dh, k, dzin);
      }
    }
  }

  finalState(hs: Float64Array, h: Float64Array): void {
    const bu = this.batch * this.units;
    const t = this.reverse ? 0 : this.steps - 1;
    h.set(hs.subarray(t * bu, (t + 1) * bu));
  }
}
