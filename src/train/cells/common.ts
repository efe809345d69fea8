/** Helpers shared by the training cells. */
import type { GateActivation } from '../../ir/model.js';
import { ROWS, mul, stage, stageRows } from '../wasm-gemm.js';

/** Returns `a` when it holds at least `size` values, else a new zeroed array. */
export function grow(a: Float64Array, size: number): Float64Array {
  return a.length >= size ? a : new Float64Array(size);
}

/**
 * A buffer of exactly `size` values: `a` itself, a view on its memory when that is big
 * enough (the last, smaller batch of an epoch), or a new array.
 */
export function sized(a: Float64Array, size: number): Float64Array {
  if (a.length === size) return a;
  if (a.buffer.byteLength >= size * 8) return new Float64Array(a.buffer, 0, size);
  return new Float64Array(size);
}

/** Logistic function, in two branches so exp never overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * A sigmoid-type gate and its derivative, written in terms of the gate's output y:
 *   sigmoid:          σ' = y(1 − y)
 *   hard sigmoid:     y = clip(s·x + 0.5, 0, 1), y' = s inside (0 < y < 1), 0 where clipped
 *                     (s = 0.2 for hard_sigmoid, 1/6 for hard_sigmoid_v3)
 */
export interface TrainGate {
  f(x: number): number;
  d(y: number): number;
}

const LOGISTIC: TrainGate = { f: sigmoid, d: (y) => y * (1 - y) };

function hardGate(slope: number): TrainGate {
  return { f: (x) => Math.min(1, Math.max(0, slope * x + 0.5)), d: (y) => (y > 0 && y < 1 ? slope : 0) };
}

export const TRAIN_GATES: Record<GateActivation, TrainGate> = {
  sigmoid: LOGISTIC, hard_sigmoid: hardGate(0.2), hard_sigmoid_v3: hardGate(1 / 6),
};

/** Offset of h_{t−1} (or h_{t+1} when reversed) in hs, or −1 when it is h0. */
export function prevOffset(t: number, steps: number, rowSize: number, reverse: boolean): number {
  const p = reverse ? t + 1 : t - 1;
  return p < 0 || p >= steps ? -1 : p * rowSize;
}

/**
 * dU[rows uOff…] += Σ_t dZ_tᵀ · h_prev(t), for the m gate rows starting at column zOff
 * of dz (row stride ldz). h_prev is hs shifted by one step, and h0 at the first step;
 * staged in that order, one row per (timestep, sample), the whole sum is one product
 * over all T·B rows (wasm-gemm.ts; in pieces of ROWS rows past that).
 */
export function recurrentKernelGrad(
  m: number, units: number, steps: number, batch: number, reverse: boolean,
  dz: Float64Array, zOff: number, ldz: number,
  hs: Float64Array, h0: Float64Array, du: Float64Array, uOff: number,
): void {
  const n = steps * batch, rest = (steps - 1) * batch;
  // Row r's h_prev: forward, h0 for r < B, then hs row r − B; reverse, hs row r + B, then h0.
  const hRows = (r0: number, count: number) => {
    const h0From = reverse ? rest : 0, h0To = h0From + batch, shift = reverse ? batch : -batch;
    for (let r = r0; r < r0 + count;) {
      if (r >= h0From && r < h0To) {
        const len = Math.min(h0To, r0 + count) - r;
        stageRows(r - r0, len, h0, (r - h0From) * units, units);
        r += len;
      } else {
        const end = r < h0From ? Math.min(h0From, r0 + count) : r0 + count;
        stageRows(r - r0, end - r, hs, (r + shift) * units, units);
        r = end;
      }
    }
  };
  // Past ROWS rows, each piece's sum is added to dU in turn.
  for (let r0 = 0; r0 < n; r0 += ROWS) {
    const count = Math.min(ROWS, n - r0);
    stage(count, units);
    hRows(r0, count);
    mul(m, units, dz, zOff + r0 * ldz, ldz, true, 0, count, 0, du, uOff, units, true);
  }
}

