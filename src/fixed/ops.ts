/**
 * The fixed-point primitives: the single TypeScript definition of every integer
 * operation the emitted C performs. Each export has a C twin of the same meaning in
 * runtime-c/include/rnnc/rnnc_fixed.h (named in its doc comment); a parity test runs
 * both on the same inputs and demands identical results.
 *
 * C semantics mirrored here (written down once):
 * - Values are JS numbers holding exact integers. int32 products of two int16 are exact
 *   (< 2^31); int32 × int32 products (up to 2^62) are computed exactly by splitting the
 *   multiplier into 16-bit halves, never by rounding doubles.
 * - `>>` on a negative value is an arithmetic (floor) shift: gcc, clang and JS agree.
 * - Rounding rule, everywhere: round half up (toward +infinity), computed without
 *   overflow as (x >> s) + ((x >> (s − 1)) & 1).
 * - Every narrowing saturates; nothing relies on wrap-around.
 */

export const INT16_MIN = -32768;
export const INT16_MAX = 32767;
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Fractional bits of gate pre-activations and of LUT inputs (Q3.12 in int16). */
export const PRE_FRAC = 12;
/** Fractional bits of h, gate activations and LUT outputs (Q0.15). */
export const Q15_FRAC = 15;

/** Clamp to int16. C twin: rnnc_sat_s16. */
export function satS16(x: number): number {
  return x < INT16_MIN ? INT16_MIN : x > INT16_MAX ? INT16_MAX : x;
}

/** Clamp to int32. C twin: rnnc_sat_s32 (takes int64). */
export function satS32(x: number): number {
  return x < INT32_MIN ? INT32_MIN : x > INT32_MAX ? INT32_MAX : x;
}

/** Saturating int32 addition. C twin: rnnc_add_sat_s32 (QADD on DSP cores). */
export function addSatS32(a: number, b: number): number {
  return satS32(a + b);
}

/**
 * Rounding arithmetic right shift of an int32, round half up, s in [0, 31].
 * (x >> s) + bit (s−1) of x equals floor((x + 2^(s−1)) / 2^s) and cannot overflow.
 * C twin: rnnc_rshr_s32.
 */
export function rshrS32(x: number, s: number): number {
  if (s === 0) return x;
  return (x >> s) + ((x >> (s - 1)) & 1);
}

/**
 * a·b of two int16 with a rounding right shift by s in [1, 31], saturated to int16.
 * Q0.15·Q0.15 with s = 15 is the Q15 product (−1·−1 saturates to INT16_MAX).
 * Precondition |a·b| < 2^31 holds for all int16 a, b except a = b = −32768 with the
 * product 2^30, which also fits. C twin: rnnc_mul_rshr_s16.
 */
export function mulRshrS16(a: number, b: number, s: number): number {
  return satS16(rshrS32(a * b, s));
}

/**
 * a·b with a in [0, 32767] (a Q0.15 gate value) and b any int32, shifted right with
 * rounding by 15. Not saturated: |result| <= |b| + 1 always fits. The product needs
 * 47 bits, so C computes it in int64. Used for z⊙(h − n), r⊙(U_n h + b'_n) and f⊙c
 * with an int32 cell state. C twin: rnnc_mul_q15_s32.
 */
export function mulQ15S32(a: number, b: number): number {
  return Math.floor((a * b + 16384) / 32768);
}

/**
 * round(num·2^15 / den), round half up, saturated to 32767, for 0 <= num <= den and
 * 0 < den < 2^27: floor((num·2^16 + den) / (2·den)). The C twin computes it with a
 * restoring shift-and-subtract loop (no divide instruction, no libgcc call).
 * C twin: rnnc_div_q15.
 */
export function divQ15(num: number, den: number): number {
  return Math.min(32767, Math.floor((num * 65536 + den) / (2 * den)));
}

/** 2^k for k = 0..62: exact doubles, so a product by one is an exact shift (no variable **). */
const POW2 = Float64Array.from({ length: 63 }, (_, k) => 2 ** k);

/**
 * floor((acc·m + 2^(t−1)) / 2^t) for an int32 acc, m in [0, 2^31), t in [1, 62], without
 * BigInt: exact whenever the result is below 2^53 in magnitude, and otherwise on the same
 * side of ±2^31 as the exact value, which is all requantS32 (its only caller) needs.
 * With hi = acc·(m >> 16) (|hi| <= 2^31·(2^15 − 1) < 2^46) and lo = acc·(m mod 2^16)
 * (|lo| < 2^47), both exact products of doubles, acc·m = hi·2^16 + lo:
 *   t >= 17: lo = ql·2^16 + rl with 0 <= rl < 2^16, so
 *            floor((acc·m + 2^(t−1)) / 2^t) = floor((hi + ql + 2^(t−17)) / 2^(t−16));
 *            |hi| < 2^46, |ql| <= 2^31 and 2^(t−17) <= 2^45, so the sum is an integer
 *            below 2^53: exact.
 *   t <= 16: 2^t divides hi·2^16, so the result is hi·2^(16−t) + floor((lo + 2^(t−1)) / 2^t).
 *            Each term is an exact integer: hi times a power of two (|·| < 2^61), and the
 *            floor of lo + 2^(t−1) (< 2^48, exact) divided by a power of two (exact).
 *            Their exact sum S is an integer; the double sum is S rounded to nearest,
 *            which is S itself when |S| <= 2^53. Beyond, rounding is monotonic and
 *            ±2^31 are doubles, so S > 2^31 − 1 gives a double >= 2^31 and S < −2^31 one
 *            <= −2^31 − 1: satS32 of either is satS32(S).
 * test/unit/fixed/requant-exact.test.ts checks both paths against the BigInt formula on
 * every edge and on random inputs.
 */
function roundShiftProduct(acc: number, m: number, t: number): number {
  const hi = acc * Math.floor(m / 65536);
  const lo = acc * (m % 65536);
  if (t >= 17) {
    const ql = Math.floor(lo / 65536);
    return Math.floor((hi + ql + POW2[t - 17]!) / POW2[t - 16]!);
  }
  return hi * POW2[16 - t]! + Math.floor((lo + POW2[t - 1]!) / POW2[t]!);
}

/**
 * Requantize an int32 accumulator: round(acc·m / 2^t), round half up, saturated to
 * int32. m is a normalised multiplier in [2^30, 2^31) (or 0), t in [1, 62]; together
 * they encode a real scale m·2^−t (see quantizeMultiplier). C twin: rnnc_requant_s32
 * (one 32×32→64 multiply).
 */
export function requantS32(acc: number, m: number, t: number): number {
  return satS32(roundShiftProduct(acc, m, t));
}

/**
 * Narrow a wide (int64) accumulator by a rounding right shift k in [1, 62], saturated
 * to int32. Used only where the compile-time bound shows an int32 accumulator could
 * overflow. Exact for |acc| < 2^53 (the quantizer guarantees the bound).
 * C twin: rnnc_rshr_sat_s64.
 */
export function rshrSatS64(acc: number, k: number): number {
  const p = 2 ** k;
  return satS32(Math.floor((acc + p / 2) / p));
}

/**
 * Interpolated lookup of an odd or "point-symmetric around 0.5" function on Q3.12
 * input, Q0.15 output. `table` holds N+1 entries f(8·k/N) for k = 0..N (N = 2^n,
 * 16 <= N <= 4096), only for x >= 0; symmetry gives the negative half:
 * tanh(−x) = −tanh(x), sigmoid(−x) = 1 − sigmoid(x).
 *   ux = |x| (0..32768), idx = ux >> (15 − n), frac = ux mod 2^(15−n)
 *   y = T[idx] + rshr((T[idx+1] − T[idx])·frac, 15 − n)     (y = T[N] when idx = N)
 * C twins: rnnc_lut_tanh_q15 (odd) and rnnc_lut_sigmoid_q15.
 */
export function lutLookup(table: ArrayLike<number>, log2Size: number, x: number): number {
  const ux = x < 0 ? -x : x;
  const s = 15 - log2Size;
  const idx = ux >> s;
  const size = 1 << log2Size;
  if (idx >= size) return table[size]!;
  const lo = table[idx]!;
  const frac = ux & ((1 << s) - 1);
  return lo + rshrS32((table[idx + 1]! - lo) * frac, s);
}

/** tanh on Q3.12 → Q0.15. C twin: rnnc_lut_tanh_q15. */
export function lutTanh(table: ArrayLike<number>, log2Size: number, x: number): number {
  const y = lutLookup(table, log2Size, x);
  return x < 0 ? -y : y;
}

/** sigmoid on Q3.12 → Q0.15 (table holds sigmoid on x >= 0). C twin: rnnc_lut_sigmoid_q15. */
export function lutSigmoid(table: ArrayLike<number>, log2Size: number, x: number): number {
  const y = lutLookup(table, log2Size, x);
  return x < 0 ? 32768 - y : y;
}

/**
 * silu(v) = v·σ(v) of an int16 with `frac` fractional bits, in the same format. With
 * x = rescaleS16(v, frac → Q3.12): x at the top of Q3.12 (v >= 8) gives v, at the bottom
 * (v <= −8) gives 0, else mulRshrS16(v, lutSigmoid(x), 15). Beyond ±8 silu differs from v
 * resp. 0 by at most 8·e^−8 = 0.0027; reading the clamped table there instead would err by
 * |v|·σ(−8), 0.02 at |v| = 64. C twin: rnnc_silu_s16.
 */
export function siluS16(table: ArrayLike<number>, log2Size: number, v: number, frac: number): number {
  const x = rescaleS16(v, frac, PRE_FRAC);
  if (x === INT16_MAX) return v;
  if (x === INT16_MIN) return 0;
  return mulRshrS16(v, lutSigmoid(table, log2Size, x), 15);
}

/**
 * softplus(x) = ln(1 + e^x) of a Q3.12 input, as an int32 with 15 fractional bits. The
 * table holds softplus(−8k/N) in Q0.15 (k = 0..N), the function for x <= 0 read at |x|;
 * for x > 0, softplus(x) = x + softplus(−x), so the result is x·2^3 + T(x) (< 2^19).
 * C twin: rnnc_softplus_q15.
 */
export function softplusQ15(table: ArrayLike<number>, log2Size: number, x: number): number {
  const y = lutLookup(table, log2Size, x);
  return x > 0 ? x * 8 + y : y;
}

/**
 * exp(−u) in Q0.15 for an int32 u >= 0 with 15 fractional bits. Below 1 (u < 2^15) from
 * `fine`, exp(−k/N) for k = 0..N read at u itself, so a decay exp(−Δ·|A|) near 1 keeps
 * u's full resolution; from 1 on from `coarse`, the exp table exp(−16k/N) read at u in
 * Q4.11 (rshr by 4), clamped to its last step (exp(−16) rounds to 0).
 * C twin: rnnc_exp_neg_q15.
 */
export function expNegQ15(fine: ArrayLike<number>, coarse: ArrayLike<number>, log2Size: number, u: number): number {
  if (u < 32768) return lutLookup(fine, log2Size, u);
  return lutLookup(coarse, log2Size, Math.min(rshrS32(u, 4), 32767));
}

/**
 * a·b of an int32 and an int16 with a rounding right shift by s in [1, 46], saturated to
 * int32: floor((a·b + 2^(s−1)) / 2^s). |a·b| <= 2^46 is exact in a double (int64 in C).
 * C twin: rnnc_mul_rshr_s32_s16.
 */
export function mulRshrS32S16(a: number, b: number, s: number): number {
  return satS32(Math.floor((a * b + POW2[s - 1]!) / POW2[s]!));
}

/**
 * a·b of two int16 into an int32 with a rounding right shift by s in [0, 31]: rshrS32 of
 * the product. Not saturated: |a·b| <= 2^30 fits, and so does every shift of it. The
 * ssm's Δ·|A|, Δu·B and D·u terms, whose shifts may be 0 (mulRshrS16 needs s >= 1 and
 * narrows to int16). C twin: rnnc_mul_rshr_s16_s32.
 */
export function mulRshrS16S32(a: number, b: number, s: number): number {
  return rshrS32((a * b) | 0, s); // | 0: the exact product as an int32 (no −0)
}

/**
 * Slope multipliers of the hard sigmoid gates (ir/model.ts GATE_ACTIVATIONS), as
 * round(slope · 2^(15−12) · 2^16): a Q3.12 input times m, shifted right by 16, is the
 * slope term in Q0.15.
 *   hard_sigmoid     slope 0.2: 1.6·2^16 = 104857.6 → 104858 (+0.4/2^16 per input LSB)
 *   hard_sigmoid_v3  slope 1/6: 2^16·4/3 = 87381.33 → 87381  (−0.33/2^16 per input LSB)
 * Over the linear region (|x| < 2.5 resp. 3, i.e. |input| < 10240 resp. 12288 LSB) the
 * multiplier's error adds at most 0.0625 LSB to the 0.5 LSB of the rounding.
 */
export const HARD_SIGMOID_MULT = { hard_sigmoid: 104858, hard_sigmoid_v3: 87381 } as const;

/**
 * clip(slope·x + 0.5, 0, 1) on Q3.12 input, Q0.15 output in [0, 32767], m from
 * HARD_SIGMOID_MULT (any m in [0, 131071] is safe):
 *   xc = clamp(x, −16384, 16384)     (±4: both definitions are saturated beyond ±3, and
 *                                     |xc·m| ≤ 2^14·131071 < 2^31 stays int32)
 *   y  = clamp(16384 + rshr(xc·m, 16), 0, 32767)
 * Against the exact function of the same input: at most 0.5625 LSB in the linear region
 * by this bound, 0.40 (0.2) and 0.33 (1/6) LSB measured over all inputs; exactly 1 LSB
 * where the gate is fully open (1.0 is stored as 32767), 0 where it is shut.
 * C twin: rnnc_hard_sigmoid_q15.
 */
export function hardSigmoidQ15(m: number, x: number): number {
  const xc = x < -16384 ? -16384 : x > 16384 ? 16384 : x;
  const y = 16384 + rshrS32(xc * m, 16);
  return y < 0 ? 0 : y > INT16_MAX ? INT16_MAX : y;
}

/**
 * Move an int32 value between power-of-two formats, from `from` to `to` fractional
 * bits, into int16: a rounding right shift when narrowing the fraction, a left shift
 * (in 64 bits in C) when widening it, saturated to int16 either way.
 * C twin: rnnc_rescale_s16.
 */
export function rescaleS16(x: number, from: number, to: number): number {
  if (from >= to) return satS16(rshrS32(x, from - to));
  return satS16(x * 2 ** (to - from));
}

/** max(x, 0) of an int16 (ReLU). C twin: rnnc_relu_s16. */
export function reluS16(x: number): number {
  return x > 0 ? x : 0;
}

/**
 * rshr(a + b, 1) of two int16: their mean rounded half up, one fractional bit fewer
 * (the bidirectional sum merge, Q0.15 + Q0.15 → Q1.14). C twin: rnnc_avg_s16.
 */
export function avgS16(a: number, b: number): number {
  return rshrS32(a + b, 1);
}

/**
 * The GRU update sat16(n + rshr(z·(h − n), 15)), z a Q0.15 gate in [0, 32767]: from n
 * (z = 0) toward h (z = 1). C twin: rnnc_lerp_q15 (int32 holds z·(h − n)).
 */
export function lerpQ15(z: number, h: number, n: number): number {
  return satS16(n + mulQ15S32(z, h - n));
}

/**
 * LSTM cell update with an int16 cell: sat16(rshr(f·c, 15) + rshr(i·g, s)), f, i Q0.15
 * gates in [0, 32767], g Q0.15, s in [0, 31]; |i·g| < 2^30, so the shift is exact.
 * C twin: rnnc_lstm_cell_s16.
 */
export function lstmCellS16(f: number, c: number, i: number, g: number, s: number): number {
  return satS16(lstmCellWide(f, c, i, g, s));
}

/** lstmCellS16 with an int32 cell: sat32(rshr(f·c, 15) + rshr(i·g, s)). C twin: rnnc_lstm_cell_s32. */
export function lstmCellS32(f: number, c: number, i: number, g: number, s: number): number {
  return satS32(lstmCellWide(f, c, i, g, s));
}

/**
 * The LSTM cell update before its saturation, rshr(f·c, 15) + rshr(i·g, s) (|·| < 2^32):
 * the cells keep it to let an observer see the cell state leave its format.
 */
function lstmCellWide(f: number, c: number, i: number, g: number, s: number): number {
  return mulQ15S32(f, c) + rshrS32(i * g, s);
}

/**
 * floor(v) clamped to int16, NaN to −32768: the last operation of the float input helper
 * (fixed/model.ts quantizeInput, C: NAME_quantize_input), v = x·2^frac + 0.5 in float32.
 */
function floorSatS16(v: number): number {
  return v >= INT16_MAX ? INT16_MAX : v > INT16_MIN ? Math.floor(v) : INT16_MIN;
}

/**
 * The rules above split where they narrow a value, for the reference's cells and its
 * observer (fixed/observer.ts): the wide value before the saturation, and saturation
 * tests, each defined by its rule (true when the rule changes the value). They are not C
 * operations (the C computes only the narrowed values: rnnc_lstm_cell_s16 and _s32, the
 * clamp inside NAME_quantize_input), so they sit in this object, not among the exported
 * functions that test/parity/ops.parity.test.ts ties one-to-one to rnnc_fixed.h.
 */
export const narrowing = {
  lstmCellWide,
  floorSatS16,
  saturatesS16: (x: number): boolean => satS16(x) !== x,
  saturatesS32: (x: number): boolean => satS32(x) !== x,
  /** relu after sat16: only the positive end loses anything. */
  saturatesReluS16: (x: number): boolean => reluS16(satS16(x)) !== reluS16(x),
  /** The input helper's clamp (NaN counts: it becomes −32768). */
  saturatesInput: (v: number): boolean => floorSatS16(v) !== Math.floor(v),
} as const;

/**
 * Softmax of a dense layer's accumulators into Q0.15, `acc` overwritten with e:
 *   z_j = sat16(acc_j) (logitFrac fractional bits), m = max z,
 *   e_j = lutLookup(table, rescale(m − z_j, logitFrac → expFrac)), y_j = divQ15(e_j, Σ e).
 * C twin: rnnc_softmax_q15.
 */
export function softmaxQ15(
  table: ArrayLike<number>, log2Size: number, acc: Int32Array | number[], y: Int16Array | number[], logitFrac: number, expFrac: number,
): void {
  const n = acc.length;
  let max = INT16_MIN;
  for (let j = 0; j < n; j++) { acc[j] = satS16(acc[j]!); if (acc[j]! > max) max = acc[j]!; }
  let sum = 0;
  for (let j = 0; j < n; j++) {
    acc[j] = lutLookup(table, log2Size, rescaleS16(max - acc[j]!, logitFrac, expFrac));
    sum += acc[j]!;
  }
  for (let j = 0; j < n; j++) y[j] = divQ15(acc[j]!, sum);
}
