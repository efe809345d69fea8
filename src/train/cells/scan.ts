// The minimal kinds' recurrence is linear in h (ir/kinds.ts recurrentProduct false):
//   h_t = a_t ⊙ h_prev + b_t        minGRU: a = 1 − z, b = z⊙h̃;  minLSTM: a = f', b = i'⊙h̃
// so it is a prefix scan over the associative pairs (Blelloch 1990; Feng et al. 2024 §3)
//   (a, b) then (a', b')  =  (a·a', a'·b + b')
// run here as a Hillis–Steele scan: ⌈log2 T⌉ sweeps, each over all T steps at once (the
// steps of one sweep are independent: what SIMD lanes or a GPU would run in parallel),
// then h_t = A_t ⊙ h0 + B_t. No division (A is a product of gates in [0, 1]), so it is as
// stable as the sequential loop; its rounding differs by a few ulps.
// The backward pass is the same recurrence in the other direction (linearScan on the
// shifted coefficients): g_t = dL/dh_t = dhs_t + a_next ⊙ g_next.
import { grow } from './common.js';

/** Scratch for linearScan, grown as needed (one per cell). */
export interface ScanBuffers {
  a: Float64Array;
  b: Float64Array;
  a2: Float64Array;
  b2: Float64Array;
}

export function scanBuffers(): ScanBuffers {
  return { a: new Float64Array(0), b: new Float64Array(0), a2: new Float64Array(0), b2: new Float64Array(0) };
}

/**
 * out_t = a_t ⊙ out_prev + b_t for t in [0, steps), out_prev = h0 at the first step;
 * a, b, out are steps × width (time-major), h0 is width values. `reverse`: the first step
 * is t = steps − 1 and the previous of t is t + 1. a and b are read only.
 */
export function linearScan(
  a: Float64Array, b: Float64Array, h0: Float64Array, steps: number, width: number, reverse: boolean, out: Float64Array, buf: ScanBuffers,
): void {
  const n = steps * width;
  buf.a = grow(buf.a, n); buf.b = grow(buf.b, n); buf.a2 = grow(buf.a2, n); buf.b2 = grow(buf.b2, n);
  let ca = buf.a, cb = buf.b, na = buf.a2, nb = buf.b2;
  ca.set(a.subarray(0, n));
  cb.set(b.subarray(0, n));
  // Step k in scan order is time t = k (or steps − 1 − k reversed): offset of step k.
  const at = (k: number) => (reverse ? steps - 1 - k : k) * width;
  for (let d = 1; d < steps; d *= 2) {
    for (let k = 0; k < steps; k++) {
      const o = at(k);
      if (k < d) {
        for (let j = 0; j < width; j++) { na[o + j] = ca[o + j]!; nb[o + j] = cb[o + j]!; }
        continue;
      }
      // (A, B) over steps [k−2d+1, k−d] then (A', B') over [k−d+1, k]: (A·A', A'·B + B').
      const p = at(k - d);
      for (let j = 0; j < width; j++) {
        na[o + j] = ca[p + j]! * ca[o + j]!;
        nb[o + j] = ca[o + j]! * cb[p + j]! + cb[o + j]!;
      }
    }
    [ca, na] = [na, ca];
    [cb, nb] = [nb, cb];
  }
  for (let k = 0; k < steps; k++) {
    const o = at(k);
    for (let j = 0; j < width; j++) out[o + j] = ca[o + j]! * h0[j]! + cb[o + j]!;
  }
}

/**
 * dL/dh_t for every step of a recurrence h_t = a_t ⊙ h_prev + b_t, from dhs (the loss's
 * direct gradient of each h_t): g_t = dhs_t + a_next ⊙ g_next, 0 after the last step,
 * as a linearScan in the opposite direction; `shifted` (steps × width) is scratch.
 */
export function scanBackward(
  a: Float64Array, dhs: Float64Array, steps: number, width: number, reverse: boolean, g: Float64Array, shifted: Float64Array, buf: ScanBuffers,
): void {
  for (let t = 0; t < steps; t++) {
    const next = reverse ? t - 1 : t + 1;
    const o = t * width;
    if (next < 0 || next >= steps) shifted.fill(0, o, o + width);
    else shifted.set(a.subarray(next * width, (next + 1) * width), o);
  }
  linearScan(shifted, dhs, new Float64Array(width), steps, width, !reverse, g, buf);
}
