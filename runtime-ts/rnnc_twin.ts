/**
 * The runtime of the TypeScript twin (`rnnc compile --target typescript`): the integer
 * primitives, matrix product, cells and sequence passes that every emitted NAME.ts
 * embeds (only the declarations a model reaches, copied by src/twin/ through ts-morph).
 *
 * Why a runtime file of its own, and not src/fixed/ itself: the emitted module must be
 * one dependency-free file that runs in a browser, and its step must not allocate, which
 * the reference does (the per-call arrays of fixed/dense.ts, the outputs of each step),
 * nor spend time on %, variable ** or BigInt. This file is to src/fixed/ what runtime-c/ is:
 * a twin of the same rules, tied to the one definition by exact tests:
 * test/parity/twin-runtime.parity.test.ts runs every primitive here and its namesake in
 * src/fixed/ops.ts (and quantizeInputF32 against fixed/model.ts quantizeInput) on
 * exhaustive and random inputs with every edge, and test/e2e/twin.test.ts runs whole
 * emitted models against the reference, bit for bit. The primitives are copied from
 * ops.ts as they are, except requantS32 (no BigInt, no % or variable **), softmaxQ15
 * (offsets) and mulRshrS32S16 (a product by 2^−s for the division by 2^s: both exact);
 * matmulRows works on eight or four rows at a time.
 *
 * No imports, no Node APIs, no allocation in any function a step calls: scratch comes in.
 * Everything is exported for the parity test; the emitted copies are module-private.
 */

/** Clamp to int16. Reference: ops.ts satS16. */
export function satS16(x: number): number {
  return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}

/** Clamp to int32. Reference: ops.ts satS32. */
export function satS32(x: number): number {
  return x < -2147483648 ? -2147483648 : x > 2147483647 ? 2147483647 : x;
}

/** sat32(a + b) of two int32 (the sum is exact in a double). Reference: ops.ts addSatS32. */
export function addSatS32(a: number, b: number): number {
  return satS32(a + b);
}

/** Rounding arithmetic right shift (round half up), s in [0, 31]. Reference: ops.ts rshrS32. */
export function rshrS32(x: number, s: number): number {
  if (s === 0) return x;
  return (x >> s) + ((x >> (s - 1)) & 1);
}

/** sat16(rshr(a·b, s)) of two int16, s in [1, 31]. Reference: ops.ts mulRshrS16. */
export function mulRshrS16(a: number, b: number, s: number): number {
  return satS16(rshrS32(a * b, s));
}

/** floor((a·b + 2^14) / 2^15), a in [0, 32767], b int32: |a·b| < 2^47, exact in a double. Reference: ops.ts mulQ15S32. */
export function mulQ15S32(a: number, b: number): number {
  return Math.floor((a * b + 16384) / 32768);
}

/** min(32767, floor((num·2^16 + den) / (2·den))), 0 <= num <= den < 2^27. Reference: ops.ts divQ15. */
export function divQ15(num: number, den: number): number {
  return Math.min(32767, Math.floor((num * 65536 + den) / (2 * den)));
}

/** 2^k and 2^−k for k = 0..62: exact doubles, so a product by them is an exact shift. */
export const POW2 = new Float64Array(63).map((_, k) => 2 ** k);
export const INV2 = new Float64Array(63).map((_, k) => 2 ** -k);

/**
 * sat32(round(acc·m / 2^t)), round half up, acc int32, m in [2^30, 2^31) or 0, t in
 * [1, 62], without BigInt. Reference: ops.ts requantS32 (the same split of acc·m).
 * With hi = acc·(m >>> 16) (|hi| < 2^46) and lo = acc·(m & 0xffff) (|lo| < 2^47), both
 * exact, acc·m = hi·2^16 + lo:
 *   t >= 17: lo = ql·2^16 + rl (0 <= rl < 2^16), so floor((acc·m + 2^(t−1)) / 2^t)
 *            = floor((hi + ql + 2^(t−17)) / 2^(t−16)); the sum is < 2^48, exact.
 *   t <= 16: hi·2^16 is a multiple of 2^t, so the result is
 *            hi·2^(16−t) + floor((lo + 2^(t−1)) / 2^t): each term exact (< 2^62 and
 *            < 2^47). Their sum is exact below 2^53; above, it rounds, but rounding is
 *            monotonic and ±2^31 are doubles, so it saturates exactly as the exact sum.
 * Integer ops on m (>>>, &) and products by POW2/INV2 instead of % and a variable **,
 * which cost more than the row's multiply-accumulates.
 */
export function requantS32(acc: number, m: number, t: number): number {
  const hi = acc * (m >>> 16);
  const lo = acc * (m & 65535);
  if (t >= 17) return satS32(Math.floor((hi + Math.floor(lo * INV2[16]!) + POW2[t - 17]!) * INV2[t - 16]!));
  return satS32(hi * POW2[16 - t]! + Math.floor((lo + POW2[t - 1]!) * INV2[t]!));
}

/**
 * An int64 accumulator narrowed by a rounding right shift k in [1, 62], saturated to
 * int32; exact for |acc| < 2^52, which the quantizer's bound guarantees (src/ir/qcheck.ts
 * recomputes it from the weights). Reference: ops.ts rshrSatS64.
 */
export function rshrSatS64(acc: number, k: number): number {
  const p = 2 ** k;
  return satS32(Math.floor((acc + p / 2) / p));
}

/** Interpolated table lookup on |x|, Q3.12 in, Q0.15 out (N + 1 entries, N = 2^n). Reference: ops.ts lutLookup. */
export function lutLookup(table: Int16Array, log2Size: number, x: number): number {
  const ux = x < 0 ? -x : x;
  const s = 15 - log2Size;
  const idx = ux >> s;
  const size = 1 << log2Size;
  if (idx >= size) return table[size]!;
  const lo = table[idx]!;
  const frac = ux & ((1 << s) - 1);
  return lo + rshrS32((table[idx + 1]! - lo) * frac, s);
}

/** tanh, Q3.12 → Q0.15. Reference: ops.ts lutTanh. */
export function lutTanh(table: Int16Array, log2Size: number, x: number): number {
  const y = lutLookup(table, log2Size, x);
  return x < 0 ? -y : y;
}

/** sigmoid, Q3.12 → Q0.15. Reference: ops.ts lutSigmoid. */
export function lutSigmoid(table: Int16Array, log2Size: number, x: number): number {
  const y = lutLookup(table, log2Size, x);
  return x < 0 ? 32768 - y : y;
}

/** softplus(x), Q3.12 in, 15 fractional bits out (int32): x·2^3 + T(x) for x > 0. Reference: ops.ts softplusQ15. */
export function softplusQ15(table: Int16Array, log2Size: number, x: number): number {
  const y = lutLookup(table, log2Size, x);
  return x > 0 ? x * 8 + y : y;
}

/** exp(−u) in Q0.15, u >= 0 with 15 fractional bits: `fine` below 1, `coarse` at u in Q4.11 from 1 on. Reference: ops.ts expNegQ15. */
export function expNegQ15(fine: Int16Array, coarse: Int16Array, log2Size: number, u: number): number {
  if (u < 32768) return lutLookup(fine, log2Size, u);
  const v = rshrS32(u, 4);
  return lutLookup(coarse, log2Size, v < 32767 ? v : 32767);
}

/** sat32(floor((a·b + 2^(s−1)) / 2^s)), a int32, b int16, s in [1, 46]: |a·b| <= 2^46, exact in a double. Reference: ops.ts mulRshrS32S16. */
export function mulRshrS32S16(a: number, b: number, s: number): number {
  return satS32(Math.floor((a * b + POW2[s - 1]!) * INV2[s]!));
}

/** rshr(a·b, s) of two int16 into an int32, s in [0, 31] (|a·b| <= 2^30). Reference: ops.ts mulRshrS16S32. */
export function mulRshrS16S32(a: number, b: number, s: number): number {
  return rshrS32((a * b) | 0, s);
}

/** clamp(16384 + rshr(clamp(x, ±16384)·m, 16), 0, 32767). Reference: ops.ts hardSigmoidQ15. */
export function hardSigmoidQ15(m: number, x: number): number {
  const xc = x < -16384 ? -16384 : x > 16384 ? 16384 : x;
  const y = 16384 + rshrS32(xc * m, 16);
  return y < 0 ? 0 : y > 32767 ? 32767 : y;
}

/** An int32 from `from` to `to` fractional bits, saturated to int16. Reference: ops.ts rescaleS16. */
export function rescaleS16(x: number, from: number, to: number): number {
  if (from >= to) return satS16(rshrS32(x, from - to));
  return satS16(x * 2 ** (to - from));
}

/** max(x, 0). Reference: ops.ts reluS16. */
export function reluS16(x: number): number {
  return x > 0 ? x : 0;
}

/** rshr(a + b, 1): the bidirectional sum merge, Q0.15 + Q0.15 → Q1.14. Reference: ops.ts avgS16. */
export function avgS16(a: number, b: number): number {
  return rshrS32(a + b, 1);
}

/** The GRU update sat16(n + rshr(z·(h − n), 15)). Reference: ops.ts lerpQ15. */
export function lerpQ15(z: number, h: number, n: number): number {
  return satS16(n + mulQ15S32(z, h - n));
}

/** sat16(rshr(f·c, 15) + rshr(i·g, s)): the LSTM update of an int16 cell. Reference: ops.ts lstmCellS16. */
export function lstmCellS16(f: number, c: number, i: number, g: number, s: number): number {
  return satS16(mulQ15S32(f, c) + rshrS32(i * g, s));
}

/** sat32(rshr(f·c, 15) + rshr(i·g, s)): the LSTM update of an int32 cell. Reference: ops.ts lstmCellS32. */
export function lstmCellS32(f: number, c: number, i: number, g: number, s: number): number {
  return satS32(mulQ15S32(f, c) + rshrS32(i * g, s));
}

/** A gate's Q3.12 input sat16(sat32(xg + hg)). Reference: fixed/cells/gate.ts gateInput. */
export function gateInput(xg: number, hg: number): number {
  return satS16(satS32(xg + hg));
}

/**
 * Softmax of acc[0..n) (logitFrac fractional bits) into y[yOff..yOff + n), Q0.15; acc is
 * overwritten with e. Reference: ops.ts softmaxQ15 (which takes whole arrays):
 *   z_j = sat16(acc_j), m = max z, e_j = lut(rescale(m − z_j, logitFrac → expFrac)),
 *   y_j = divQ15(e_j, Σ e)
 */
export function softmaxQ15(table: Int16Array, log2Size: number, acc: Int32Array, n: number, y: Int16Array, yOff: number, logitFrac: number, expFrac: number): void {
  let max = -32768;
  for (let j = 0; j < n; j++) { acc[j] = satS16(acc[j]!); if (acc[j]! > max) max = acc[j]!; }
  let sum = 0;
  for (let j = 0; j < n; j++) {
    acc[j] = lutLookup(table, log2Size, rescaleS16(max - acc[j]!, logitFrac, expFrac));
    sum += acc[j]!;
  }
  for (let j = 0; j < n; j++) y[yOff + j] = divQ15(acc[j]!, sum);
}

/**
 * One step of the float input helper, NAME_quantize_input's twin operation by operation in
 * float32 (Math.fround after every operation), as fixed/model.ts quantizeInput:
 *   v = f32(f32(f32(x − mean) / std) · scale) + 0.5   (without normalisation: f32(x · scale) + 0.5)
 *   q = 32767 if v >= 32767, floor(v) if v > −32768, else −32768 (NaN included)
 */
export function quantizeInputF32(x: ArrayLike<number>, mean: Float32Array | null, std: Float32Array | null, scale: number, xq: Int16Array, n: number): void {
  const f32 = Math.fround;
  for (let i = 0; i < n; i++) {
    const xi = f32(x[i]!);
    const z = mean !== null && std !== null ? f32(f32(xi - mean[i]!) / std[i]!) : xi;
    const v = f32(f32(z * scale) + 0.5);
    xq[i] = v >= 32767 ? 32767 : v > -32768 ? Math.floor(v) : -32768;
  }
}

/**
 * One quantized matrix product (QMatmul of src/ir/qmodel.ts): row-major weights, bias at
 * the accumulator scale (null: all zero), per-row multiplier and shift.
 */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly w: Int8Array | Int16Array;
  readonly bias: Int32Array | null;
  readonly mult: Int32Array;
  readonly shift: Uint8Array;
  /** 0: an int32 accumulator; k >= 1: an int64 one, narrowed by rshrSatS64(acc, k). */
  readonly preShift: number;
}

/**
 * Rows [r0, r1) of W·v + bias, requantized, into out[outOff + r − r0]; v read from vOff.
 * Reference: fixed/matmul.ts matmulRows. Every partial sum of a row (bias_r plus any of
 * its terms W[r,k]·v[k]) is bounded by |bias_r| + Σ_k |W[r,k]|·32768, the row's
 * accBound (for any int16 v; qcheck recomputes it from the weights), and each term is an
 * integer below 2^31 in magnitude, so:
 *   int32 accumulator (preShift 0): accBound <= 2^31 − 1, so `| 0` after each addition
 *     is the identity (it only keeps the JIT in int32 arithmetic);
 *   int64 accumulator: accBound < 2^52, so each addition in a double is exact: the C's
 *     int64 sum, without BigInt, then narrowed by rshrSatS64.
 * Eight (int32) or four (int64) rows at a time share each load of v[k], as the C's block
 * kernels do: in V8 this doubles the speed of one row at a time.
 */
export function matmulRows(m: Mat, v: Int16Array, vOff: number, r0: number, r1: number, out: Int32Array, outOff: number): void {
  const w = m.w;
  const cols = m.cols;
  const bias = m.bias;
  const pre = m.preShift;
  const mult = m.mult;
  const shift = m.shift;
  let r = r0;
  if (pre === 0) {
    for (; r + 8 <= r1; r += 8) {
      const b = r * cols;
      let a0 = bias === null ? 0 : bias[r]!;
      let a1 = bias === null ? 0 : bias[r + 1]!;
      let a2 = bias === null ? 0 : bias[r + 2]!;
      let a3 = bias === null ? 0 : bias[r + 3]!;
      let a4 = bias === null ? 0 : bias[r + 4]!;
      let a5 = bias === null ? 0 : bias[r + 5]!;
      let a6 = bias === null ? 0 : bias[r + 6]!;
      let a7 = bias === null ? 0 : bias[r + 7]!;
      for (let k = 0; k < cols; k++) {
        const x = v[vOff + k]!;
        a0 = (a0 + w[b + k]! * x) | 0;
        a1 = (a1 + w[b + cols + k]! * x) | 0;
        a2 = (a2 + w[b + 2 * cols + k]! * x) | 0;
        a3 = (a3 + w[b + 3 * cols + k]! * x) | 0;
        a4 = (a4 + w[b + 4 * cols + k]! * x) | 0;
        a5 = (a5 + w[b + 5 * cols + k]! * x) | 0;
        a6 = (a6 + w[b + 6 * cols + k]! * x) | 0;
        a7 = (a7 + w[b + 7 * cols + k]! * x) | 0;
      }
      const o = outOff + r - r0;
      out[o] = requantS32(a0, mult[r]!, shift[r]!);
      out[o + 1] = requantS32(a1, mult[r + 1]!, shift[r + 1]!);
      out[o + 2] = requantS32(a2, mult[r + 2]!, shift[r + 2]!);
      out[o + 3] = requantS32(a3, mult[r + 3]!, shift[r + 3]!);
      out[o + 4] = requantS32(a4, mult[r + 4]!, shift[r + 4]!);
      out[o + 5] = requantS32(a5, mult[r + 5]!, shift[r + 5]!);
      out[o + 6] = requantS32(a6, mult[r + 6]!, shift[r + 6]!);
      out[o + 7] = requantS32(a7, mult[r + 7]!, shift[r + 7]!);
    }
  }
  for (; r + 4 <= r1; r += 4) {
    const b0 = r * cols;
    const b1 = b0 + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    let a0 = bias === null ? 0 : bias[r]!;
    let a1 = bias === null ? 0 : bias[r + 1]!;
    let a2 = bias === null ? 0 : bias[r + 2]!;
    let a3 = bias === null ? 0 : bias[r + 3]!;
    if (pre === 0) {
      for (let k = 0; k < cols; k++) {
        const x = v[vOff + k]!;
        a0 = (a0 + w[b0 + k]! * x) | 0;
        a1 = (a1 + w[b1 + k]! * x) | 0;
        a2 = (a2 + w[b2 + k]! * x) | 0;
        a3 = (a3 + w[b3 + k]! * x) | 0;
      }
    } else {
      for (let k = 0; k < cols; k++) {
        const x = v[vOff + k]!;
        a0 += w[b0 + k]! * x;
        a1 += w[b1 + k]! * x;
        a2 += w[b2 + k]! * x;
        a3 += w[b3 + k]! * x;
      }
      a0 = rshrSatS64(a0, pre);
      a1 = rshrSatS64(a1, pre);
      a2 = rshrSatS64(a2, pre);
      a3 = rshrSatS64(a3, pre);
    }
    const o = outOff + r - r0;
    out[o] = requantS32(a0, mult[r]!, shift[r]!);
    out[o + 1] = requantS32(a1, mult[r + 1]!, shift[r + 1]!);
    out[o + 2] = requantS32(a2, mult[r + 2]!, shift[r + 2]!);
    out[o + 3] = requantS32(a3, mult[r + 3]!, shift[r + 3]!);
  }
  for (; r < r1; r++) {
    const base = r * cols;
    let acc = bias === null ? 0 : bias[r]!;
    for (let k = 0; k < cols; k++) acc += w[base + k]! * v[vOff + k]!;
    out[outOff + r - r0] = requantS32(pre === 0 ? acc : rshrSatS64(acc, pre), mult[r]!, shift[r]!);
  }
}

/** Scratch of one step, preallocated (createState / the run buffers), sized for the model's largest layer. */
export interface Scratch {
  /** Gate pre-activations of the input and recurrent products (rows of the largest layer). */
  readonly xg: Int32Array;
  readonly hg: Int32Array;
  /** GRU reset before: r⊙h, the input of the n rows of the recurrent product. */
  readonly rh: Int16Array;
  /** Dense and conv accumulators. */
  readonly acc: Int32Array;
  /** A conv's window [x_{t−(k−1)d}, …, x_t]. */
  readonly win: Int16Array;
  /** A centred conv's input past the end of the sequence (zeros, never written) and its outputs before y_0. */
  readonly zeros: Int16Array;
  readonly early: Int16Array;
  /** An ssm's int16 intermediates: x' and z (2E), u (E), δ, B, C (R + 2N), the conv window (k). */
  readonly ssm: Int16Array;
}

/** The activation tables a layer reads (an unused one is empty). */
export interface Luts {
  readonly sigmoid: Int16Array;
  readonly tanh: Int16Array;
  readonly log2: number;
}

/** One direction of a recurrent layer; the initial state h0 / c0 is null for zeros. */
export interface DirBase extends Luts {
  readonly units: number;
  readonly x: Mat;
  readonly h: Mat;
  readonly h0: Int16Array | null;
  /** The sigmoid gates: 0 the table, else the hard sigmoid's multiplier (ops.ts HARD_SIGMOID_MULT). */
  readonly gate: number;
}

export interface RnnDir extends DirBase {
  readonly kind: 'rnn';
  /** relu: h' = max(0, sat16(X + H)) in h's own format; else tanh. */
  readonly relu: boolean;
}

export interface LstmDir extends DirBase {
  readonly kind: 'lstm';
  readonly cellBits: 16 | 32;
  readonly cellFrac: number;
  readonly c0: Int32Array | null;
}

export interface GruDir extends DirBase {
  readonly kind: 'gru';
  readonly resetAfter: boolean;
}

/** minGRU: no recurrent product, so no `h` product; its z gate is `gate`. */
export interface MinGruDir extends Omit<DirBase, 'h'> {
  readonly kind: 'mingru';
}

/** minLSTM: no recurrent product; its f and i gates are `gate`. */
export interface MinLstmDir extends Omit<DirBase, 'h'> {
  readonly kind: 'minlstm';
}

export type Dir = RnnDir | LstmDir | GruDir | MinGruDir | MinLstmDir;

/** A dense layer (or a conv's product over its window). */
export interface DenseP extends Luts {
  readonly units: number;
  readonly mm: Mat;
  readonly act: 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax';
  /** softmax: the exp table, the logits' fractional bits and the table input's (fixed/dense.ts EXP_FRAC). */
  readonly exp: Int16Array;
  readonly logitFrac: number;
  readonly expFrac: number;
}

/** A conv1d: its product over the window of kernel inputs, dilation apart, reading lookahead future inputs (0: causal). */
export interface ConvP extends DenseP {
  readonly inputs: number;
  readonly kernel: number;
  readonly dilation: number;
  readonly lookahead: number;
}

/**
 * An ssm layer (ir/qmodel.ts's ssm entry): its four products, |A| and D, the tables it
 * reads, and the step's formats and shifts (as codegen/cells/ssm.ts works them out).
 */
export interface SsmP {
  readonly units: number;
  readonly stateSize: number;
  readonly convSize: number;
  readonly dtRank: number;
  readonly inMm: Mat;
  readonly convMm: Mat;
  readonly xMm: Mat;
  readonly dtMm: Mat;
  readonly aq: Int16Array;
  readonly dq: Int16Array;
  readonly sigmoid: Int16Array;
  readonly softplus: Int16Array;
  readonly expFine: Int16Array;
  readonly exp: Int16Array;
  readonly log2: number;
  readonly convFrac: number;
  readonly zFrac: number;
  readonly deltaShift: number;
  readonly duShift: number;
  readonly aShift: number;
  readonly bShift: number;
  readonly cShift: number;
  readonly dShift: number;
  readonly yShift: number;
  readonly outShift: number;
}

/** silu(v) = v·σ(v) of an int16 with `frac` fractional bits, same format; v at +8 or above gives v, at −8 or below 0. Reference: ops.ts siluS16. */
export function siluS16(table: Int16Array, log2Size: number, v: number, frac: number): number {
  const x = rescaleS16(v, frac, 12);
  if (x === 32767) return v;
  if (x === -32768) return 0;
  return mulRshrS16(v, lutSigmoid(table, log2Size, x), 15);
}

/**
 * One ssm step, h (E×N int32) and hist ((k−1)×E int16, oldest row first) updated in place,
 * y[yOff..yOff+E) written. Reference: fixed/ssm.ts ssmStreamFixed, rule for rule.
 */
export function ssmStep(d: SsmP, x: Int16Array, xOff: number, h: Int32Array, hist: Int16Array, sc: Scratch, y: Int16Array, yOff: number): void {
  const e = d.units;
  const n = d.stateSize;
  const k = d.convSize;
  const r = d.dtRank;
  const v = sc.ssm;
  const acc = sc.acc;
  // v: x' and z at 0, u at 2E, δ/B/C at 3E, the window after them.
  const U = 2 * e;
  const D = 3 * e;
  const W = D + r + 2 * n;
  matmulRows(d.inMm, x, xOff, 0, 2 * e, acc, 0);
  for (let j = 0; j < 2 * e; j++) v[j] = satS16(acc[j]!);
  for (let ch = 0; ch < e; ch++) {
    for (let j = 0; j < k - 1; j++) v[W + j] = hist[j * e + ch]!;
    v[W + k - 1] = v[ch]!;
    matmulRows(d.convMm, v, W, ch, ch + 1, acc, 0);
    v[U + ch] = siluS16(d.sigmoid, d.log2, satS16(acc[0]!), d.convFrac);
    for (let j = 0; j < k - 1; j++) hist[j * e + ch] = v[W + j + 1]!;
  }
  matmulRows(d.xMm, v, U, 0, r + 2 * n, acc, 0);
  for (let j = 0; j < r + 2 * n; j++) v[D + j] = satS16(acc[j]!);
  matmulRows(d.dtMm, v, D, 0, e, acc, 0);
  for (let ch = 0; ch < e; ch++) {
    const delta = satS16(rshrS32(softplusQ15(d.softplus, d.log2, satS16(acc[ch]!)), d.deltaShift));
    const u = v[U + ch]!;
    const du = mulRshrS16(delta, u, d.duShift);
    let a = 0;
    for (let j = 0; j < n; j++) {
      const at = ch * n + j;
      const decay = expNegQ15(d.expFine, d.exp, d.log2, mulRshrS16S32(delta, d.aq[at]!, d.aShift));
      h[at] = addSatS32(mulQ15S32(decay, h[at]!), mulRshrS16S32(du, v[D + r + j]!, d.bShift));
      a = addSatS32(a, mulRshrS32S16(h[at]!, v[D + r + n + j]!, d.cShift));
    }
    a = addSatS32(a, mulRshrS16S32(d.dq[ch]!, u, d.dShift));
    y[yOff + ch] = mulRshrS16(satS16(rshrS32(a, d.yShift)), siluS16(d.sigmoid, d.log2, v[e + ch]!, d.zFrac), d.outShift);
  }
}

/** An ssm over a sequence of n steps from a zero state: returns its output length (n, or 1: the last step's). */
export function seqSsm(d: SsmP, returnSequences: boolean, inp: Int16Array, inW: number, n: number, out: Int16Array, outW: number, h: Int32Array, hist: Int16Array, sc: Scratch): number {
  h.fill(0);
  hist.fill(0);
  for (let t = 0; t < n; t++) ssmStep(d, inp, t * inW, h, hist, sc, out, returnSequences ? t * outW : 0);
  return returnSequences ? n : 1;
}

/** σ of a gate input: the sigmoid table or the hard sigmoid. Reference: fixed/cells/gate.ts gateFn. */
export function gate(d: Omit<DirBase, 'h'>, p: number): number {
  return d.gate === 0 ? lutSigmoid(d.sigmoid, d.log2, p) : hardSigmoidQ15(d.gate, p);
}

/**
 * Elman RNN step, h updated in place. Reference: fixed/cells/rnn.ts.
 *   tanh: h' = tanh(sat16(X + H));  relu: h' = max(0, sat16(X + H))
 */
export function rnnStep(d: RnnDir, x: Int16Array, xOff: number, h: Int16Array, sc: Scratch): void {
  const u = d.units;
  matmulRows(d.x, x, xOff, 0, d.x.rows, sc.xg, 0);
  matmulRows(d.h, h, 0, 0, d.h.rows, sc.hg, 0);
  if (d.relu) {
    for (let j = 0; j < u; j++) h[j] = reluS16(gateInput(sc.xg[j]!, sc.hg[j]!));
    return;
  }
  for (let j = 0; j < u; j++) h[j] = lutTanh(d.tanh, d.log2, gateInput(sc.xg[j]!, sc.hg[j]!));
}

/**
 * LSTM step (gates i, f, g, o at rows k·U + j), h and c updated in place. Reference:
 * fixed/cells/lstm.ts:
 *   c' = sat(rshr(f·c, 15) + rshr(i·g, 30 − fc)),  h' = rshr(o·tanh(rescale(c', fc → 12)), 15)
 */
export function lstmStep(d: LstmDir, x: Int16Array, xOff: number, h: Int16Array, c: Int16Array | Int32Array, sc: Scratch): void {
  const u = d.units;
  const xg = sc.xg;
  const hg = sc.hg;
  const s = 30 - d.cellFrac;
  matmulRows(d.x, x, xOff, 0, d.x.rows, xg, 0);
  matmulRows(d.h, h, 0, 0, d.h.rows, hg, 0);
  for (let j = 0; j < u; j++) {
    const i = gate(d, gateInput(xg[j]!, hg[j]!));
    const f = gate(d, gateInput(xg[u + j]!, hg[u + j]!));
    const g = lutTanh(d.tanh, d.log2, gateInput(xg[2 * u + j]!, hg[2 * u + j]!));
    const o = gate(d, gateInput(xg[3 * u + j]!, hg[3 * u + j]!));
    const cv = d.cellBits === 16 ? lstmCellS16(f, c[j]!, i, g, s) : lstmCellS32(f, c[j]!, i, g, s);
    c[j] = cv;
    // 12: the tables' input format Q3.12 (ops.ts PRE_FRAC).
    h[j] = mulRshrS16(o, lutTanh(d.tanh, d.log2, rescaleS16(cv, d.cellFrac, 12)), 15);
  }
}

/**
 * GRU step (gates r, z, n), h updated in place. Reference: fixed/cells/gru.ts:
 *   resetAfter: n = tanh(sat16(X_n + rshr(r·H_n, 15)));  else n = tanh(sat16(X_n + U_n·rshr(r·h, 15)))
 *   h' = sat16(n + rshr(z·(h − n), 15))
 */
export function gruStep(d: GruDir, x: Int16Array, xOff: number, h: Int16Array, sc: Scratch): void {
  const u = d.units;
  const xg = sc.xg;
  const hg = sc.hg;
  matmulRows(d.x, x, xOff, 0, d.x.rows, xg, 0);
  if (d.resetAfter) {
    matmulRows(d.h, h, 0, 0, d.h.rows, hg, 0);
  } else {
    matmulRows(d.h, h, 0, 0, 2 * u, hg, 0);
    for (let j = 0; j < u; j++) sc.rh[j] = mulRshrS16(gate(d, gateInput(xg[j]!, hg[j]!)), h[j]!, 15);
    matmulRows(d.h, sc.rh, 0, 2 * u, 3 * u, hg, 2 * u);
  }
  // All of h is read above before any of it is written below.
  for (let j = 0; j < u; j++) {
    const z = gate(d, gateInput(xg[u + j]!, hg[u + j]!));
    const pn = d.resetAfter
      ? gateInput(xg[2 * u + j]!, mulQ15S32(gate(d, gateInput(xg[j]!, hg[j]!)), hg[2 * u + j]!))
      : gateInput(xg[2 * u + j]!, hg[2 * u + j]!);
    h[j] = lerpQ15(z, h[j]!, lutTanh(d.tanh, d.log2, pn));
  }
}

/**
 * minGRU step (rows z, then h~ of the one product), h updated in place. Reference:
 * fixed/cells/mingru.ts:
 *   z = σ(sat16(X_z)),  h~ = sat16(X_h),  h' = sat16(h + rshr(z·(h~ − h), 15))
 */
export function minGruStep(d: MinGruDir, x: Int16Array, xOff: number, h: Int16Array, sc: Scratch): void {
  const u = d.units;
  const xg = sc.xg;
  matmulRows(d.x, x, xOff, 0, d.x.rows, xg, 0);
  for (let j = 0; j < u; j++) h[j] = lerpQ15(gate(d, satS16(xg[j]!)), satS16(xg[u + j]!), h[j]!);
}

/**
 * minLSTM step (rows f, i, then h~ of the one product), h updated in place. Reference:
 * fixed/cells/minlstm.ts:
 *   f, i = σ(sat16(X)),  f' = divQ15(f, f + i),  h' = sat16(h~ + rshr(f'·(h − h~), 15))
 */
export function minLstmStep(d: MinLstmDir, x: Int16Array, xOff: number, h: Int16Array, sc: Scratch): void {
  const u = d.units;
  const xg = sc.xg;
  matmulRows(d.x, x, xOff, 0, d.x.rows, xg, 0);
  for (let j = 0; j < u; j++) {
    const f = gate(d, satS16(xg[j]!));
    const i = gate(d, satS16(xg[u + j]!));
    h[j] = lerpQ15(divQ15(f, f + i), h[j]!, satS16(xg[2 * u + j]!));
  }
}

/** One step of any direction (the sequence passes; the streaming step calls the cells directly). */
export function stepDir(d: Dir, x: Int16Array, xOff: number, h: Int16Array, c: Int32Array, sc: Scratch): void {
  if (d.kind === 'lstm') lstmStep(d, x, xOff, h, c, sc);
  else if (d.kind === 'gru') gruStep(d, x, xOff, h, sc);
  else if (d.kind === 'mingru') minGruStep(d, x, xOff, h, sc);
  else if (d.kind === 'minlstm') minLstmStep(d, x, xOff, h, sc);
  else rnnStep(d, x, xOff, h, sc);
}

/** A direction's state before its first step: h0 / c0, or zeros. */
export function startDir(d: Dir, h: Int16Array, c: Int32Array): void {
  h.fill(0, 0, d.units);
  c.fill(0, 0, d.units);
  if (d.h0 !== null) h.set(d.h0);
  if (d.kind === 'lstm' && d.c0 !== null) c.set(d.c0);
}

/**
 * y = act(W x + b) into y[yOff..], x read from xOff. Reference: fixed/dense.ts:
 *   linear sat16(acc), relu max(0, sat16(acc)), tanh / sigmoid lut(sat16(acc)), softmax softmaxQ15
 */
export function dense(d: DenseP, x: Int16Array, xOff: number, y: Int16Array, yOff: number, acc: Int32Array): void {
  const n = d.units;
  matmulRows(d.mm, x, xOff, 0, n, acc, 0);
  switch (d.act) {
    case 'linear':
      for (let j = 0; j < n; j++) y[yOff + j] = satS16(acc[j]!);
      break;
    case 'relu':
      for (let j = 0; j < n; j++) y[yOff + j] = reluS16(satS16(acc[j]!));
      break;
    case 'tanh':
      for (let j = 0; j < n; j++) y[yOff + j] = lutTanh(d.tanh, d.log2, satS16(acc[j]!));
      break;
    case 'sigmoid':
      for (let j = 0; j < n; j++) y[yOff + j] = lutSigmoid(d.sigmoid, d.log2, satS16(acc[j]!));
      break;
    case 'softmax':
      softmaxQ15(d.exp, d.log2, acc, n, y, yOff, d.logitFrac, d.expFrac);
      break;
  }
}

/**
 * A causal conv1d step with kernel >= 2: the dense product over the window
 * [x_{t−(k−1)d}, …, x_{t−d}, x_t] (zeros before the first step). Reference: fixed/conv.ts.
 * ring holds the last (k−1)·d inputs, slot pos[0] the oldest: the input s steps back
 * (1 <= s <= slots) is in slot (pos + slots − s) mod slots. After the product x replaces
 * the oldest, so a step reads every input before overwriting one.
 */
export function convStep(d: ConvP, x: Int16Array, xOff: number, ring: Int16Array, pos: Int16Array, sc: Scratch, y: Int16Array, yOff: number): void {
  const n = d.inputs;
  const k = d.kernel;
  const slots = (k - 1) * d.dilation;
  const p = pos[0]!;
  const win = sc.win;
  for (let j = 0; j < k - 1; j++) {
    const from = ((p + slots - (k - 1 - j) * d.dilation) % slots) * n;
    for (let i = 0; i < n; i++) win[j * n + i] = ring[from + i]!;
  }
  for (let i = 0; i < n; i++) win[(k - 1) * n + i] = x[xOff + i]!;
  dense(d, win, 0, y, yOff, sc.acc);
  for (let i = 0; i < n; i++) ring[p * n + i] = x[xOff + i]!;
  pos[0] = p + 1 === slots ? 0 : p + 1;
}

/** A dense layer over a sequence of n steps: in[t·inW..] → out[t·outW..]. */
export function seqDense(d: DenseP, inp: Int16Array, inW: number, n: number, out: Int16Array, outW: number, sc: Scratch): void {
  for (let t = 0; t < n; t++) dense(d, inp, t * inW, out, t * outW, sc.acc);
}

/**
 * A conv1d (kernel >= 2) over a sequence, from a zeroed history. With lookahead a (a
 * centred conv, whole sequences only) y_t reads x_{t+a}: the causal step s on x_s (zeros
 * once s >= n) gives y_{s−a}, as the C's pass does; the first a outputs go to scratch.
 */
export function seqConv(d: ConvP, inp: Int16Array, inW: number, n: number, out: Int16Array, outW: number, ring: Int16Array, pos: Int16Array, sc: Scratch): void {
  ring.fill(0);
  pos[0] = 0;
  const a = d.lookahead;
  for (let s = 0; s < n + a; s++) {
    const past = s >= n;
    const early = s < a;
    convStep(d, past ? sc.zeros : inp, past ? 0 : s * inW, ring, pos, sc, early ? sc.early : out, early ? 0 : (s - a) * outW);
  }
}

/** Copies h[0..u) to out[off..]. */
export function putH(h: Int16Array, u: number, out: Int16Array, off: number): void {
  for (let j = 0; j < u; j++) out[off + j] = h[j]!;
}

/** Merges h[0..u) into out[off..]: the bidirectional sum rshr(fwd + bwd, 1). */
export function sumH(h: Int16Array, u: number, out: Int16Array, off: number): void {
  for (let j = 0; j < u; j++) out[off + j] = avgS16(out[off + j]!, h[j]!);
}

/**
 * A recurrent layer over a whole sequence of n steps, as fixed/recurrent.ts runRecurrent:
 * returns the length of its output (n, or 1 without returnSequences). f: the forward (or,
 * `reverse`, the one backward-reading) direction; b: the backward one of a bidirectional
 * layer (merge 'concat' [fwd_t, bwd_t], 'sum' rshr(fwd_t + bwd_t, 1)), null otherwise.
 * Without returnSequences: fwd at T−1 (reverse: at t = 0) merged with bwd at t = 0, or,
 * lastIndex, with the backward direction's one step on x_{T−1}. h, c: one direction's
 * state, reused; each direction starts from its initial state.
 */
export function seqRecurrent(
  f: Dir, b: Dir | null, merge: 'concat' | 'sum' | null, returnSequences: boolean, lastIndex: boolean, reverse: boolean,
  inp: Int16Array, inW: number, n: number, out: Int16Array, outW: number, h: Int16Array, c: Int32Array, sc: Scratch,
): number {
  const u = f.units;
  startDir(f, h, c);
  for (let k = 0; k < n; k++) {
    const t = reverse ? n - 1 - k : k;
    stepDir(f, inp, t * inW, h, c, sc);
    if (returnSequences) putH(h, u, out, t * outW);
  }
  if (!returnSequences) putH(h, u, out, 0);
  if (b === null) return returnSequences ? n : 1;
  startDir(b, h, c);
  if (!returnSequences) {
    if (lastIndex) stepDir(b, inp, (n - 1) * inW, h, c, sc);
    else for (let t = n - 1; t >= 0; t--) stepDir(b, inp, t * inW, h, c, sc);
    if (merge === 'concat') putH(h, u, out, u);
    else sumH(h, u, out, 0);
    return 1;
  }
  for (let t = n - 1; t >= 0; t--) {
    stepDir(b, inp, t * inW, h, c, sc);
    if (merge === 'concat') putH(h, u, out, t * outW + u);
    else sumH(h, u, out, t * outW);
  }
  return n;
}

/**
 * Σ_i a[aOff + i]·b[bOff + i] of two int16 vectors over n values (an attention score before
 * its narrowing). Reference: fixed/matmul.ts dotWide. Each term is below 2^30 in magnitude,
 * so for n < 2^23 every partial sum is an integer below 2^53: exact in a double (the C's int64).
 */
export function dotWide(a: Int16Array, aOff: number, b: Int16Array, bOff: number, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += a[aOff + i]! * b[bOff + i]!;
  return acc;
}

/**
 * out[i] = Σ_{j<T} w[j]·v[j·width + i] (the attention's context before its narrowing) of
 * Q0.15 softmax weights w_j ≥ 0 and int16 rows v_j. Reference: fixed/matmul.ts weightedSum:
 * Σ_j w_j ≤ 2^15 + T/2, so every partial sum stays below 2^31 for T ≤ 4096 (MAX_MEMORY):
 * the Int32Array stores it unchanged.
 */
export function weightedSum(w: Int16Array, v: Int16Array, T: number, width: number, out: Int32Array): void {
  out.fill(0, 0, width);
  for (let j = 0; j < T; j++) {
    const wj = w[j]!;
    const base = j * width;
    for (let i = 0; i < width; i++) out[i] = out[i]! + wj * v[base + i]!;
  }
}

/** Index of the first largest of v[off..off + n): the class an embedding decoder feeds back. Reference: fixed/seq2seq.ts argmaxS16. */
export function argmaxS16(v: Int16Array, off: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (v[off + i]! > v[off + best]!) best = i;
  return best;
}

/**
 * A decoder's attention (ir/qmodel.ts qDecoderSchema): bahdanau e_j = v·tanh(sat16(K_j + W_q q)),
 * general e_j = rshrSatS64(q·G_j, shift), dot e_j = rshrSatS64(q·m_j, shift).
 */
export interface AttentionP {
  readonly kind: 'bahdanau' | 'general' | 'dot';
  /** W_e (bahdanau, int32 keys) or W_g (general, sat16 keys); null for dot. */
  readonly keys: Mat | null;
  readonly query: Mat | null;
  readonly v: Mat | null;
  /** Columns of one key row: bahdanau's attention width, general's units (0 for dot). */
  readonly keysWidth: number;
  readonly shift: number;
  readonly logitFrac: number;
  readonly expFrac: number;
  readonly tanh: Int16Array;
  readonly exp: Int16Array;
  readonly log2: number;
}

/** An encoder–decoder's decoder: its cell, projection, bridge, attention and feedback. */
export interface DecoderP {
  readonly units: number;
  readonly memWidth: number;
  readonly outputSize: number;
  /** K: the outputs of one decode. */
  readonly steps: number;
  readonly cell: Dir;
  readonly proj: DenseP;
  /** init bridge: h = tanh(W m_{T−1} + b); null for zeros or copy. */
  readonly bridge: DenseP | null;
  readonly att: AttentionP | null;
  /** The context enters the cell's input (before the cell step) and / or the projection's. */
  readonly ctxIn: boolean;
  readonly ctxOut: boolean;
  /** The embedding table (rows of uWidth) or the prediction feedback's start input. */
  readonly u: Int16Array;
  readonly embedding: boolean;
  readonly uWidth: number;
  /** Offset of the start input in u (the start class's row). */
  readonly start: number;
  /** The end class of an embedding decoder; −1 for none. */
  readonly endToken: number;
  readonly uFrac: number;
  readonly cellIn: number;
  readonly projIn: number;
  readonly memFrac: number;
}

/** A decoder's state and scratch, preallocated: decode allocates nothing. */
export interface DecoderWork {
  readonly h: Int16Array;
  readonly c: Int32Array;
  readonly x: Int16Array;
  readonly r: Int16Array;
  readonly ctx: Int16Array;
  readonly scores: Int32Array;
  readonly alpha: Int16Array;
  readonly sum: Int32Array;
  readonly qa: Int32Array;
  readonly t: Int16Array;
  readonly acc: Int32Array;
  readonly sc: Scratch;
  /** The keys of every memory row: bahdanau's int32 K_j, general's int16 G_j. */
  readonly keys32: Int32Array;
  readonly keys16: Int16Array;
  /** The input fed back next (the start input, an embedding row or the last output), uWidth values. */
  readonly u: Int16Array;
  /** Outputs written since decodeBegin; −1: no decoding under way (the C's dec_k). */
  k: number;
}

/** The keys of memory row j (once per position). Reference: fixed/seq2seq.ts attention. */
export function decoderKeys(a: AttentionP, memory: Int16Array, memWidth: number, j: number, w: DecoderWork): void {
  if (a.keys === null) return;
  const n = a.keysWidth;
  if (a.kind === 'bahdanau') {
    matmulRows(a.keys, memory, j * memWidth, 0, n, w.keys32, j * n);
  } else {
    matmulRows(a.keys, memory, j * memWidth, 0, n, w.acc, 0);
    for (let i = 0; i < n; i++) w.keys16[j * n + i] = satS16(w.acc[i]!);
  }
}

/**
 * The context w.ctx (memory format) for the Q0.15 query w.h over memory rows 0..T−1.
 * Reference: fixed/seq2seq.ts attention: the scores, α = softmaxQ15(e), ctx = sat16(rshr(Σ α_j m_j, 15)).
 */
export function attend(a: AttentionP, units: number, memory: Int16Array, memWidth: number, T: number, w: DecoderWork): void {
  if (a.kind === 'bahdanau') {
    const n = a.keysWidth;
    matmulRows(a.query!, w.h, 0, 0, n, w.qa, 0);
    for (let j = 0; j < T; j++) {
      for (let i = 0; i < n; i++) w.t[i] = lutTanh(a.tanh, a.log2, gateInput(w.keys32[j * n + i]!, w.qa[i]!));
      matmulRows(a.v!, w.t, 0, 0, 1, w.scores, j);
    }
  } else if (a.kind === 'general') {
    for (let j = 0; j < T; j++) w.scores[j] = rshrSatS64(dotWide(w.h, 0, w.keys16, j * a.keysWidth, units), a.shift);
  } else {
    for (let j = 0; j < T; j++) w.scores[j] = rshrSatS64(dotWide(w.h, 0, memory, j * memWidth, units), a.shift);
  }
  softmaxQ15(a.exp, a.log2, w.scores, T, w.alpha, 0, a.logitFrac, a.expFrac);
  weightedSum(w.alpha, memory, T, memWidth, w.sum);
  for (let i = 0; i < memWidth; i++) w.ctx[i] = satS16(rshrS32(w.sum[i]!, 15));
}

/**
 * Starts a decode over memory rows 0..T−1 (T >= 1, their keys made), from w.h / w.c as the
 * caller set them (zeros, or the encoder's copied state): the bridge over the last memory
 * row, the start input, k = 0. The C's NAME_decode_begin. With decoderStep, the steps of
 * fixed/seq2seq.ts runDecoderFixed.
 */
export function decoderBegin(d: DecoderP, memory: Int16Array, T: number, w: DecoderWork): void {
  if (d.bridge !== null) dense(d.bridge, memory, (T - 1) * d.memWidth, w.h, 0, w.acc);
  w.u.set(d.u.subarray(d.start, d.start + d.uWidth));
  w.k = 0;
}

/**
 * One decoder step of a decode under way (w.k ≥ 0): the next output vector into y[yOff..];
 * 1 while more may follow, 0 after the last (STEPS written, or the end class), which ends
 * the decode (w.k = −1). The C's NAME_decode_step.
 */
export function decoderStep(d: DecoderP, memory: Int16Array, T: number, w: DecoderWork, y: Int16Array, yOff: number): number {
  const he = d.memWidth;
  const s = d.units;
  const uw = d.uWidth;
  for (let i = 0; i < uw; i++) w.x[i] = rescaleS16(w.u[i]!, d.uFrac, d.cellIn);
  if (d.att !== null && d.ctxIn) {
    attend(d.att, s, memory, he, T, w);
    for (let i = 0; i < he; i++) w.x[uw + i] = rescaleS16(w.ctx[i]!, d.memFrac, d.cellIn);
  }
  stepDir(d.cell, w.x, 0, w.h, w.c, w.sc);
  // Attention into the output only: the query is the state after the cell step.
  if (d.att !== null && !d.ctxIn) attend(d.att, s, memory, he, T, w);
  for (let i = 0; i < s; i++) w.r[i] = rescaleS16(w.h[i]!, 15, d.projIn);
  if (d.ctxOut) for (let i = 0; i < he; i++) w.r[s + i] = rescaleS16(w.ctx[i]!, d.memFrac, d.projIn);
  dense(d.proj, w.r, 0, y, yOff, w.acc);
  w.k++;
  if (d.embedding) {
    // Feed back the embedding row of the first largest output.
    const cls = argmaxS16(y, yOff, d.outputSize);
    if (cls === d.endToken) { w.k = -1; return 0; }
    w.u.set(d.u.subarray(cls * uw, (cls + 1) * uw));
  } else {
    // Feed back the output itself, kept here as the caller may reuse y.
    w.u.set(y.subarray(yOff, yOff + uw));
  }
  if (w.k >= d.steps) { w.k = -1; return 0; }
  return 1;
}
