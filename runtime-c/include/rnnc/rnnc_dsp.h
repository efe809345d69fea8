/* rnnc runtime: matrix-product kernels for Arm cores with the DSP extension
 * (Cortex-M4, M7, M33; the M55 uses rnnc_mve.h), using the ACLE dual 16x16 multiply-accumulate SMLAD /
 * SMLALD. Same signature and same integers as the portable kernels of rnnc_kernels.h
 * (TS twin: matmulRows in src/fixed/matmul.ts); only the weight layout differs.
 *
 * Weight layout ("dsp" packing, done by the code generator, src/codegen/pack.ts):
 *   a group is 4 bytes of one row: 4 int8 weights stored as [w0, w2, w1, w3], so that
 *   SXTB16(q) = (w0, w1) and SXTB16(q ror 8) = (w2, w3) pair with the int16 inputs
 *   (v0, v1), (v2, v3) read as 32-bit words; or 2 int16 weights as they are.
 *   Rows go in blocks of 4: for each full group g, the 4 rows' group g (16 bytes), then
 *   the 4 rows' leftover columns (cols mod 4, or mod 2) one row after another, plain.
 *   Rows after the last full block: each row's groups, then its leftover columns.
 * The table has exactly rows * cols entries; offsets of row blocks are unchanged.
 *
 * Exactness: SMLAD adds two 16x16 products to an int32 and wraps modulo 2^32; the
 * generator picks the int32 kernels only where sum |W| * 32768 + |bias| < 2^31, so every
 * partial sum fits and the wrapped result is the exact one. SMLALD accumulates in int64.
 * Words are read with memcpy (one LDR: these cores allow unaligned word loads), so
 * neither the weights nor the inputs need any alignment.
 *
 * Portable fallback: without the DSP extension (__ARM_FEATURE_DSP undefined: an x86 or
 * other host for unit tests, Cortex-M3, Cortex-M55 output built elsewhere), with a
 * compiler that is not GNU C compatible (the int8 and int16 inner loops are GNU inline
 * asm, Thumb-2 only: elsewhere the intrinsics run them), or when
 * RNNC_NO_INTRINSICS is defined, the same kernels read the same packed tables in plain
 * C99. Each instruction they use (LDR of a word, SXTB16, SXTB16 ROR #8, SMLAD, SMLALD)
 * is then a function computing its Arm ARM definition, wrap-around included, so both
 * paths give the same integers bit for bit. The fallback builds words from the elements
 * (little-endian, as the Arm cores load them), so it is right on any host byte order.
 */
#ifndef RNNC_DSP_H
#define RNNC_DSP_H

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(RNNC_NO_INTRINSICS)
#define RNNC_DSP_ACLE 1
#include <arm_acle.h>
#else
#define RNNC_DSP_ACLE 0
#endif
#include "rnnc_kernels.h"

/* The hand-scheduled inner loops are Thumb-2 (every Cortex-M with DSP): in Arm state
 * LDRD would need an even/odd register pair the constraints do not ask for. */
#if RNNC_DSP_ACLE && defined(__thumb2__)
#define RNNC_DSP_ASM 1
#else
#define RNNC_DSP_ASM 0
#endif

#if defined(__GNUC__)
#define RNNC_DSP_INLINE static inline __attribute__((always_inline))
#else
#define RNNC_DSP_INLINE static inline
#endif

#if RNNC_DSP_ACLE

/* Weight tables are word-aligned: every 4-row block then starts on a word (its size,
 * 4 * cols bytes or 8 * cols, is a multiple of 4), and the int8 inner loop reads
 * weights with LDRD. */
#define RNNC_DSP_ALIGNED __attribute__((aligned(4)))

/** A 32-bit word at any address. */
static inline int32_t rnnc_dsp_ld32(const void *p) {
  int32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

/** SXTB16 of x rotated right by 8: bytes 1 and 3 sign-extended, in one instruction
 *  (gcc 12 does not fuse __sxtb16 with a rotate). */
static inline int32_t rnnc_dsp_sxtb16_ror8(int32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

/* The instructions the kernels use: the ACLE intrinsics (or the asm above). */
#define RNNC_DSP_LD_S8X4(p) rnnc_dsp_ld32(p)
#define RNNC_DSP_LD_S16X2(p) rnnc_dsp_ld32(p)
#define RNNC_DSP_SXTB16(x) __sxtb16(x)
#define RNNC_DSP_SXTB16_ROR8(x) rnnc_dsp_sxtb16_ror8(x)
#define RNNC_DSP_SMLAD(x, y, acc) __smlad(x, y, acc)
#define RNNC_DSP_SMLALD(x, y, acc) __smlald(x, y, acc)

#else /* portable fallback */

/* The plain C kernels need no alignment; the attribute only keeps the tables laid out as
 * on the Arm build where the compiler understands it. */
#if defined(__GNUC__)
#define RNNC_DSP_ALIGNED __attribute__((aligned(4)))
#else
#define RNNC_DSP_ALIGNED
#endif

/** The int32 whose two's complement bits are u (a register read as signed), without
 *  C's implementation-defined unsigned-to-signed conversion: u - 2^32 when u >= 2^31. */
static inline int32_t rnnc_dsp_s32(uint32_t u) {
  return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)(UINT32_MAX - u) - 1;
}

/** The int64 whose two's complement bits are u: u - 2^64 when u >= 2^63. */
static inline int64_t rnnc_dsp_s64(uint64_t u) {
  return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(UINT64_MAX - u) - 1;
}

/** SignExtend(x<7:0>): ((x & 0xFF) ^ 0x80) - 0x80. */
static inline int32_t rnnc_dsp_sext8(uint32_t x) {
  return (int32_t)((x & 0xFFu) ^ 0x80u) - 0x80;
}

/** SignExtend(x<15:0>): ((x & 0xFFFF) ^ 0x8000) - 0x8000. */
static inline int32_t rnnc_dsp_sext16(uint32_t x) {
  return (int32_t)((x & 0xFFFFu) ^ 0x8000u) - 0x8000;
}

/** LDR of the 4 int8 at p, as a little-endian core loads them:
 *  word = p[0]<7:0> | p[1]<7:0> << 8 | p[2]<7:0> << 16 | p[3]<7:0> << 24. */
static inline int32_t rnnc_dsp_ld_s8x4(const int8_t *p) {
  return rnnc_dsp_s32((uint32_t)(uint8_t)p[0] | (uint32_t)(uint8_t)p[1] << 8 | (uint32_t)(uint8_t)p[2] << 16 |
                      (uint32_t)(uint8_t)p[3] << 24);
}

/** LDR of the 2 int16 at p, as a little-endian core loads them:
 *  word = p[0]<15:0> | p[1]<15:0> << 16. */
static inline int32_t rnnc_dsp_ld_s16x2(const int16_t *p) {
  return rnnc_dsp_s32((uint32_t)(uint16_t)p[0] | (uint32_t)(uint16_t)p[1] << 16);
}

/** SXTB16 x: r<15:0> = SignExtend(x<7:0>), r<31:16> = SignExtend(x<23:16>). */
static inline int32_t rnnc_dsp_sxtb16(int32_t x) {
  const uint32_t u = (uint32_t)x;
  return rnnc_dsp_s32(((uint32_t)rnnc_dsp_sext8(u) & 0xFFFFu) | (uint32_t)rnnc_dsp_sext8(u >> 16) << 16);
}

/** SXTB16 x, ROR #8: SXTB16(ROR(x, 8)), ROR(x, 8) = x >> 8 | x << 24 (bytes 1 and 3). */
static inline int32_t rnnc_dsp_sxtb16_ror8(int32_t x) {
  const uint32_t u = (uint32_t)x;
  return rnnc_dsp_sxtb16(rnnc_dsp_s32(u >> 8 | u << 24));
}

/** SMLAD x, y, acc:
 *    result = SInt(x<15:0>) * SInt(y<15:0>) + SInt(x<31:16>) * SInt(y<31:16>) + SInt(acc)
 *    Rd = result<31:0>   (modulo 2^32; the Q flag SMLAD sets on overflow is never read)
 *  Each product fits int32 (|p| <= 2^30); the sum is formed modulo 2^32 in uint32. */
static inline int32_t rnnc_dsp_smlad(int32_t x, int32_t y, int32_t acc) {
  const uint32_t ux = (uint32_t)x, uy = (uint32_t)y;
  const int32_t lo = rnnc_dsp_sext16(ux) * rnnc_dsp_sext16(uy);
  const int32_t hi = rnnc_dsp_sext16(ux >> 16) * rnnc_dsp_sext16(uy >> 16);
  return rnnc_dsp_s32((uint32_t)acc + (uint32_t)lo + (uint32_t)hi);
}

/** SMLALD x, y, acc:
 *    result = SInt(x<15:0>) * SInt(y<15:0>) + SInt(x<31:16>) * SInt(y<31:16>) + SInt(acc)
 *    RdHi:RdLo = result<63:0>   (modulo 2^64, formed in uint64) */
static inline int64_t rnnc_dsp_smlald(int32_t x, int32_t y, int64_t acc) {
  const uint32_t ux = (uint32_t)x, uy = (uint32_t)y;
  const int32_t lo = rnnc_dsp_sext16(ux) * rnnc_dsp_sext16(uy);
  const int32_t hi = rnnc_dsp_sext16(ux >> 16) * rnnc_dsp_sext16(uy >> 16);
  return rnnc_dsp_s64((uint64_t)acc + (uint64_t)lo + (uint64_t)hi);
}

#define RNNC_DSP_LD_S8X4(p) rnnc_dsp_ld_s8x4(p)
#define RNNC_DSP_LD_S16X2(p) rnnc_dsp_ld_s16x2(p)
#define RNNC_DSP_SXTB16(x) rnnc_dsp_sxtb16(x)
#define RNNC_DSP_SXTB16_ROR8(x) rnnc_dsp_sxtb16_ror8(x)
#define RNNC_DSP_SMLAD(x, y, acc) rnnc_dsp_smlad(x, y, acc)
#define RNNC_DSP_SMLALD(x, y, acc) rnnc_dsp_smlald(x, y, acc)

#endif /* RNNC_DSP_ACLE */

/** rnnc_requant_s32, always inlined (gcc otherwise keeps it out of line in some
 *  fused cells): the same two paths, the same integers. */
RNNC_DSP_INLINE int32_t rnnc_dsp_requant_s32(int32_t acc, int32_t m, int t) {
  int64_t p = (int64_t)acc * (int64_t)m;
  if (RNNC_LIKELY(t > 32)) {
    int32_t hi = (int32_t)(p >> 32);
    return ((hi >> (t - 33)) + 1) >> 1;
  }
  return rnnc_requant_wide_s32(p, t);
}

/** rnnc_requant_s32 of row r of a 4-row block, by what the generator proved of the
 *  product's shifts (t_all, a compile-time constant once inlined):
 *  - t_all > 32: every row with a nonzero multiplier has shift t_all. With hi =
 *    floor(acc * m / 2^32) (|hi| <= 2^30) and t = t_all:
 *      rnnc_requant_s32 = ((hi >> (t - 33)) + 1) >> 1 = floor((acc * m + 2^(t-1)) / 2^t)
 *                       = (hi + 2^(t - 33)) >> (t - 32)
 *    since floor((floor(y) + k) / 2^j) = floor((y + k) / 2^j) for integers k, j >= 0
 *    (y = acc * m / 2^32, k = 2^(t-33), j = t - 32); hi + 2^(t-33) <= 2^30 + 2^29 fits.
 *    On the DSP cores hi + k is one SMMLA (Ra + the high word of Rn * Rm, truncated).
 *    A row whose multiplier is 0 gives 0 at any shift (hi = 0 and 2^(t-33) < 2^(t-32)).
 *  - t_all = -1: every row's shift is above 32: rnnc_requant_s32's path for those,
 *    without the test.
 *  - t_all = -2: mult holds each row's pair (m, w), w = 2^(t - 33) * 2^8 + (t - 32) with
 *    t in [33, 55] (so w < 2^31): as for t_all > 32 with k = w >> 8 = 2^(t-33) and the
 *    shift t - 32 the low byte of w (an ASR by register reads only the low byte of the
 *    shift register; the C form masks it). The generator writes such pairs where the
 *    rows' shifts differ, all within [33, 55] (a row whose multiplier is 0 takes t = 33).
 *  - t_all = 0: rnnc_requant_s32 (any shift). */
RNNC_DSP_INLINE int32_t rnnc_dsp_requant_row_(int32_t acc, const int32_t *mult, const uint8_t *shift, int r,
                                              int32_t t_all, int pair_at_reg) {
  (void)pair_at_reg;
  if (t_all > 32) {
    const int32_t k = (int32_t)1 << (t_all - 33);
    int32_t hk;
#if RNNC_DSP_ACLE
    __asm__("smmla %0, %1, %2, %3" : "=r"(hk) : "r"(acc), "r"(mult[r]), "r"(k));
#else
    hk = (int32_t)(((int64_t)acc * (int64_t)mult[r]) >> 32) + k;
#endif
    return hk >> (t_all - 32);
  }
  if (t_all == -2) {
#if RNNC_DSP_ASM
    /* One block (LDRD of the pair, LSR, SMMLA, ASR): loaded where used, not hoisted
     * above the products' loops and spilled; the pair's offset an immediate where r is a
     * literal (the always-inlined int32 blocks), else its address in a register
     * (pair_at_reg: the two-row loops of the int64 blocks). */
    int32_t y, m, w, k;
#if defined(__OPTIMIZE__)
    if (!pair_at_reg && __builtin_constant_p(r))
      __asm__("ldrd %[m], %[w], [%[p], %[o]]\n\t"
              "lsr %[k], %[w], #8\n\t"
              "smmla %[y], %[a], %[m], %[k]\n\t"
              "asr %[y], %[y], %[w]"
              : [y] "=&r"(y), [m] "=&r"(m), [w] "=&r"(w), [k] "=&r"(k)
              : [a] "r"(acc), [p] "r"(mult), [o] "n"(8 * r), "m"(*(const int32_t(*)[2])(mult + 2 * r)));
    else
#endif
      __asm__("ldrd %[m], %[w], [%[p]]\n\t"
              "lsr %[k], %[w], #8\n\t"
              "smmla %[y], %[a], %[m], %[k]\n\t"
              "asr %[y], %[y], %[w]"
              : [y] "=&r"(y), [m] "=&r"(m), [w] "=&r"(w), [k] "=&r"(k)
              : [a] "r"(acc), [p] "r"(mult + 2 * r), "m"(*(const int32_t(*)[2])(mult + 2 * r)));
    return y;
#else
    const int32_t m = mult[2 * r], w = mult[2 * r + 1];
    return (int32_t)((((int64_t)acc * (int64_t)m) >> 32) + (w >> 8)) >> (w & 0xff);
#endif
  }
  if (t_all < 0) {
    const int32_t hi = (int32_t)(((int64_t)acc * (int64_t)mult[r]) >> 32);
    return ((hi >> (shift[r] - 33)) + 1) >> 1;
  }
  return rnnc_dsp_requant_s32(acc, mult[r], shift[r]);
}

/* Row r a literal (the int32 blocks), or a variable (the int64 blocks' two-row loops). */
#define rnnc_dsp_requant_row(acc, mult, shift, r, t_all) rnnc_dsp_requant_row_(acc, mult, shift, r, t_all, 0)
#define rnnc_dsp_requant_row_v(acc, mult, shift, r, t_all) rnnc_dsp_requant_row_(acc, mult, shift, r, t_all, 1)

/** rnnc_rshr_sat_s64(acc, k), k = pre_shift in [1, 62]. exact (a compile-time constant
 *  once inlined): the generator proved |acc| <= B with B / 2^k <= 2^31 - 1 (B the
 *  product's accumulator bound, sum |w| * 32768 + |bias| over its rows), and then
 *  floor((acc + 2^(k-1)) / 2^k) lies within [-(2^31 - 1), 2^31 - 1]: at most
 *  floor((2^31 - 1) + 1/2) and at least floor(-(2^31 - 1) + 1/2). The saturation never
 *  acts and is left out (the narrowing itself is the same one shift). */
RNNC_DSP_INLINE int32_t rnnc_dsp_narrow_s64(int64_t acc, int32_t pre_shift, int32_t exact) {
  if (exact) return (int32_t)((acc + ((int64_t)1 << (pre_shift - 1))) >> pre_shift);
  return rnnc_rshr_sat_s64(acc, (int)pre_shift);
}

/* One int8 group (4 columns) into an int32 accumulator. */
#define RNNC_DSP_S8_32(acc, q, v01, v23) \
  acc = RNNC_DSP_SMLAD(RNNC_DSP_SXTB16(q), v01, acc); \
  acc = RNNC_DSP_SMLAD(RNNC_DSP_SXTB16_ROR8(q), v23, acc)

/* One int8 group into an int64 accumulator. */
#define RNNC_DSP_S8_64(acc, q, v01, v23) \
  acc = RNNC_DSP_SMLALD(RNNC_DSP_SXTB16(q), v01, acc); \
  acc = RNNC_DSP_SMLALD(RNNC_DSP_SXTB16_ROR8(q), v23, acc)

/** One 4-row block of int8 weights (dsp packing, 4 * cols bytes at w), int32
 *  accumulators: out[0..3] for rows bias[0..3] (from 0 when bias is NULL). Always inlined so fused cells keep
 *  their pointers in registers. */
RNNC_DSP_INLINE void rnnc_dsp_block4k_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                            const uint8_t *shift, int32_t t_all, int32_t narrow_exact, int32_t pre_shift, const int16_t *v,
                                            int32_t cols, int32_t *out) {
  (void)narrow_exact;
  const int32_t groups = cols >> 2, tail = cols & 3;
  int32_t a0 = RNNC_BIAS(bias, 0), a1 = RNNC_BIAS(bias, 1), a2 = RNNC_BIAS(bias, 2), a3 = RNNC_BIAS(bias, 3);
  const int16_t *vp = v;
  int32_t g, k;
  (void)pre_shift;
  (void)g;
  if (groups > 0) {
#if RNNC_DSP_ASM
    /* 16 MACs in 22 instructions: weights by LDRD (w is word-aligned, see
     * RNNC_DSP_ALIGNED), inputs by post-incremented LDR (any alignment), one counter.
     * The C it replaces (the fallback below): RNNC_DSP_S8_32 on rows 0..3 per group
     * (gcc needs 24). */
    int32_t n = groups, q0, q1, v01, v23, t;
    __asm__(
        "1:\n\t"
        "ldrd %[q0], %[q1], [%[w]], #8\n\t"
        "ldr %[v01], [%[vp]], #4\n\t"
        "ldr %[v23], [%[vp]], #4\n\t"
        "sxtb16 %[t], %[q0]\n\t"
        "smlad %[a0], %[t], %[v01], %[a0]\n\t"
        "sxtb16 %[t], %[q0], ror #8\n\t"
        "smlad %[a0], %[t], %[v23], %[a0]\n\t"
        "sxtb16 %[t], %[q1]\n\t"
        "smlad %[a1], %[t], %[v01], %[a1]\n\t"
        "sxtb16 %[t], %[q1], ror #8\n\t"
        "smlad %[a1], %[t], %[v23], %[a1]\n\t"
        "ldrd %[q0], %[q1], [%[w]], #8\n\t"
        "sxtb16 %[t], %[q0]\n\t"
        "smlad %[a2], %[t], %[v01], %[a2]\n\t"
        "sxtb16 %[t], %[q0], ror #8\n\t"
        "smlad %[a2], %[t], %[v23], %[a2]\n\t"
        "sxtb16 %[t], %[q1]\n\t"
        "smlad %[a3], %[t], %[v01], %[a3]\n\t"
        "sxtb16 %[t], %[q1], ror #8\n\t"
        "smlad %[a3], %[t], %[v23], %[a3]\n\t"
        "subs %[n], %[n], #1\n\t"
        "bne 1b\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w), [vp] "+r"(vp), [n] "+r"(n),
          [q0] "=&r"(q0), [q1] "=&r"(q1), [v01] "=&r"(v01), [v23] "=&r"(v23), [t] "=&r"(t)
        :
        : "cc", "memory");
#else
    for (g = 0; g < groups; g++) {
      const int32_t v01 = RNNC_DSP_LD_S16X2(vp), v23 = RNNC_DSP_LD_S16X2(vp + 2);
      int32_t q;
      q = RNNC_DSP_LD_S8X4(w);
      RNNC_DSP_S8_32(a0, q, v01, v23);
      q = RNNC_DSP_LD_S8X4(w + 4);
      RNNC_DSP_S8_32(a1, q, v01, v23);
      q = RNNC_DSP_LD_S8X4(w + 8);
      RNNC_DSP_S8_32(a2, q, v01, v23);
      q = RNNC_DSP_LD_S8X4(w + 12);
      RNNC_DSP_S8_32(a3, q, v01, v23);
      w += 16;
      vp += 4;
    }
#endif
  }
  for (k = 0; k < tail; k++) {
    int32_t x = vp[k];
    a0 += (int32_t)w[k] * x;
    a1 += (int32_t)w[tail + k] * x;
    a2 += (int32_t)w[2 * tail + k] * x;
    a3 += (int32_t)w[3 * tail + k] * x;
  }
  out[0] = rnnc_dsp_requant_row(a0, mult, shift, 0, t_all);
  out[1] = rnnc_dsp_requant_row(a1, mult, shift, 1, t_all);
  out[2] = rnnc_dsp_requant_row(a2, mult, shift, 2, t_all);
  out[3] = rnnc_dsp_requant_row(a3, mult, shift, 3, t_all);
}

/** rnnc_dsp_block4k_s8_s32 with every row's shift from the table. */
RNNC_DSP_INLINE void rnnc_dsp_block4_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult,
    const uint8_t *shift, int32_t pre_shift, const int16_t *v, int32_t cols, int32_t *out) {
  rnnc_dsp_block4k_s8_s32(w, bias, mult, shift, 0, 0, pre_shift, v, cols, out);
}

/** int8 weights (dsp packing), int32 accumulator. */
static inline void rnnc_dsp_matmul_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                          const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                          int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3, groups = cols >> 2, tail = cols & 3;
  int32_t r, g, k;
  for (r = 0; r < full; r += 4) {
    rnnc_dsp_block4_s8_s32(w, RNNC_BIAS_AT(bias, r), mult + r, shift + r, pre_shift, v, cols, out + r);
    w += 4 * cols;
  }
  for (r = full; r < rows; r++) {
    int32_t a = RNNC_BIAS(bias, r);
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      int32_t q = RNNC_DSP_LD_S8X4(w), v01 = RNNC_DSP_LD_S16X2(vp), v23 = RNNC_DSP_LD_S16X2(vp + 2);
      RNNC_DSP_S8_32(a, q, v01, v23);
      w += 4;
      vp += 4;
    }
    for (k = 0; k < tail; k++) a += (int32_t)w[k] * (int32_t)vp[k];
    w += tail;
    out[r] = rnnc_dsp_requant_s32(a, mult[r], shift[r]);
  }
}

/** One 4-row block of int8 weights, int64 accumulators, two rows at a time (four int64 would spill). */
RNNC_DSP_INLINE void rnnc_dsp_block4k_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                  const uint8_t *shift, int32_t t_all, int32_t narrow_exact, int32_t pre_shift, const int16_t *v,
                                  int32_t cols, int32_t *out) {
  const int32_t groups = cols >> 2, tail = cols & 3;
  int32_t g, j, k;
  for (j = 0; j < 4; j += 2) {
    int64_t a0 = RNNC_BIAS(bias, j), a1 = RNNC_BIAS(bias, j + 1);
    const int8_t *wp = w + 4 * j;
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      int32_t v01 = RNNC_DSP_LD_S16X2(vp), v23 = RNNC_DSP_LD_S16X2(vp + 2), q;
      q = RNNC_DSP_LD_S8X4(wp);
      RNNC_DSP_S8_64(a0, q, v01, v23);
      q = RNNC_DSP_LD_S8X4(wp + 4);
      RNNC_DSP_S8_64(a1, q, v01, v23);
      wp += 16;
      vp += 4;
    }
    wp = w + 16 * groups + j * tail;
    for (k = 0; k < tail; k++) {
      a0 += (int32_t)wp[k] * (int32_t)vp[k];
      a1 += (int32_t)wp[tail + k] * (int32_t)vp[k];
    }
    out[j] = rnnc_dsp_requant_row_v(rnnc_dsp_narrow_s64(a0, pre_shift, narrow_exact), mult, shift, j, t_all);
    out[j + 1] = rnnc_dsp_requant_row_v(rnnc_dsp_narrow_s64(a1, pre_shift, narrow_exact), mult, shift, j + 1, t_all);
  }
}

/** rnnc_dsp_block4k_s8_s64 with every row's shift from the table. */
static inline void rnnc_dsp_block4_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult,
    const uint8_t *shift, int32_t pre_shift, const int16_t *v, int32_t cols, int32_t *out) {
  rnnc_dsp_block4k_s8_s64(w, bias, mult, shift, 0, 0, pre_shift, v, cols, out);
}

/** int8 weights (dsp packing), int64 accumulator narrowed by pre_shift. */
static inline void rnnc_dsp_matmul_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                          const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                          int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3, groups = cols >> 2, tail = cols & 3;
  int32_t r, g, k;
  for (r = 0; r < full; r += 4) {
    rnnc_dsp_block4_s8_s64(w, RNNC_BIAS_AT(bias, r), mult + r, shift + r, pre_shift, v, cols, out + r);
    w += 4 * cols;
  }
  for (r = full; r < rows; r++) {
    int64_t a = RNNC_BIAS(bias, r);
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      int32_t q = RNNC_DSP_LD_S8X4(w), v01 = RNNC_DSP_LD_S16X2(vp), v23 = RNNC_DSP_LD_S16X2(vp + 2);
      RNNC_DSP_S8_64(a, q, v01, v23);
      w += 4;
      vp += 4;
    }
    for (k = 0; k < tail; k++) a += (int32_t)w[k] * (int32_t)vp[k];
    w += tail;
    out[r] = rnnc_dsp_requant_s32(rnnc_rshr_sat_s64(a, (int)pre_shift), mult[r], shift[r]);
  }
}

/** One 4-row block of int16 weights (4 * cols entries at w), int32 accumulators. */
RNNC_DSP_INLINE void rnnc_dsp_block4k_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t t_all, int32_t narrow_exact, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  (void)narrow_exact;
  const int32_t groups = cols >> 1, tail = cols & 1;
  int32_t a0 = RNNC_BIAS(bias, 0), a1 = RNNC_BIAS(bias, 1), a2 = RNNC_BIAS(bias, 2), a3 = RNNC_BIAS(bias, 3);
  const int16_t *vp = v;
  int32_t g;
  (void)pre_shift;
  for (g = 0; g < groups; g++) {
    int32_t v01 = RNNC_DSP_LD_S16X2(vp);
    a0 = RNNC_DSP_SMLAD(RNNC_DSP_LD_S16X2(w), v01, a0);
    a1 = RNNC_DSP_SMLAD(RNNC_DSP_LD_S16X2(w + 2), v01, a1);
    a2 = RNNC_DSP_SMLAD(RNNC_DSP_LD_S16X2(w + 4), v01, a2);
    a3 = RNNC_DSP_SMLAD(RNNC_DSP_LD_S16X2(w + 6), v01, a3);
    w += 8;
    vp += 2;
  }
  if (tail) {
    int32_t x = *vp;
    a0 += (int32_t)w[0] * x;
    a1 += (int32_t)w[1] * x;
    a2 += (int32_t)w[2] * x;
    a3 += (int32_t)w[3] * x;
  }
  out[0] = rnnc_dsp_requant_row(a0, mult, shift, 0, t_all);
  out[1] = rnnc_dsp_requant_row(a1, mult, shift, 1, t_all);
  out[2] = rnnc_dsp_requant_row(a2, mult, shift, 2, t_all);
  out[3] = rnnc_dsp_requant_row(a3, mult, shift, 3, t_all);
}

/** rnnc_dsp_block4k_s16_s32 with every row's shift from the table. */
RNNC_DSP_INLINE void rnnc_dsp_block4_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult,
    const uint8_t *shift, int32_t pre_shift, const int16_t *v, int32_t cols, int32_t *out) {
  rnnc_dsp_block4k_s16_s32(w, bias, mult, shift, 0, 0, pre_shift, v, cols, out);
}

/** int16 weights (pairs as stored, dsp block order), int32 accumulator. */
static inline void rnnc_dsp_matmul_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                           const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                           int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3, groups = cols >> 1, tail = cols & 1;
  int32_t r, g;
  for (r = 0; r < full; r += 4) {
    rnnc_dsp_block4_s16_s32(w, RNNC_BIAS_AT(bias, r), mult + r, shift + r, pre_shift, v, cols, out + r);
    w += 4 * cols;
  }
  for (r = full; r < rows; r++) {
    int32_t a = RNNC_BIAS(bias, r);
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      a = RNNC_DSP_SMLAD(RNNC_DSP_LD_S16X2(w), RNNC_DSP_LD_S16X2(vp), a);
      w += 2;
      vp += 2;
    }
    if (tail) a += (int32_t)(*w++) * (int32_t)(*vp);
    out[r] = rnnc_dsp_requant_s32(a, mult[r], shift[r]);
  }
}

/** One 4-row block of int16 weights, int64 accumulators, two rows at a time (four int64
 *  accumulators, the pointers and the loaded words would need more registers than the
 *  core has). */
RNNC_DSP_INLINE void rnnc_dsp_block4k_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                  const uint8_t *shift, int32_t t_all, int32_t narrow_exact, int32_t pre_shift, const int16_t *v,
                                  int32_t cols, int32_t *out) {
  const int32_t groups = cols >> 1, tail = cols & 1;
  int32_t g, j;
  for (j = 0; j < 4; j += 2) {
    int64_t a0 = RNNC_BIAS(bias, j), a1 = RNNC_BIAS(bias, j + 1);
    const int16_t *wp = w + 2 * j;
    const int16_t *vp = v;
    g = groups;
#if RNNC_DSP_ASM
    for (; g & 3; g--) {
      int32_t v01 = RNNC_DSP_LD_S16X2(vp);
      a0 = RNNC_DSP_SMLALD(RNNC_DSP_LD_S16X2(wp), v01, a0);
      a1 = RNNC_DSP_SMLALD(RNNC_DSP_LD_S16X2(wp + 2), v01, a1);
      wp += 8;
      vp += 2;
    }
    if (g > 0) {
      /* Four groups (16 MACs) in 18 instructions: the two rows' words of a group by one
       * LDRD (wp is word-aligned: RNNC_DSP_ALIGNED and 8-byte blocks), inputs by
       * post-incremented LDR (any alignment), one counter. The C it replaces (the loop
       * above) takes gcc 8 per group. */
      int32_t n = g >> 2, x, q0, q1;
      uint32_t l0 = (uint32_t)a0, l1 = (uint32_t)a1;
      int32_t h0 = (int32_t)(a0 >> 32), h1 = (int32_t)(a1 >> 32);
#define RNNC_DSP_S16_GROUP2 \
          "ldr %[x], [%[vp]], #4\n\t" \
          "ldrd %[q0], %[q1], [%[wp]], #16\n\t" \
          "smlald %[l0], %[h0], %[q0], %[x]\n\t" \
          "smlald %[l1], %[h1], %[q1], %[x]\n\t"
      __asm__(
          "1:\n\t"
          RNNC_DSP_S16_GROUP2 RNNC_DSP_S16_GROUP2 RNNC_DSP_S16_GROUP2 RNNC_DSP_S16_GROUP2
          "subs %[n], %[n], #1\n\t"
          "bne 1b\n\t"
          : [l0] "+r"(l0), [h0] "+r"(h0), [l1] "+r"(l1), [h1] "+r"(h1), [wp] "+r"(wp), [vp] "+r"(vp), [n] "+r"(n),
            [x] "=&r"(x), [q0] "=&r"(q0), [q1] "=&r"(q1)
          :
          : "cc", "memory");
#undef RNNC_DSP_S16_GROUP2
      a0 = (int64_t)(((uint64_t)(uint32_t)h0 << 32) | l0);
      a1 = (int64_t)(((uint64_t)(uint32_t)h1 << 32) | l1);
    }
#else
    for (; g > 0; g--) {
      int32_t v01 = RNNC_DSP_LD_S16X2(vp);
      a0 = RNNC_DSP_SMLALD(RNNC_DSP_LD_S16X2(wp), v01, a0);
      a1 = RNNC_DSP_SMLALD(RNNC_DSP_LD_S16X2(wp + 2), v01, a1);
      wp += 8;
      vp += 2;
    }
#endif
    if (tail) {
      a0 += (int32_t)w[8 * groups + j] * (int32_t)(*vp);
      a1 += (int32_t)w[8 * groups + j + 1] * (int32_t)(*vp);
    }
    out[j] = rnnc_dsp_requant_row_v(rnnc_dsp_narrow_s64(a0, pre_shift, narrow_exact), mult, shift, j, t_all);
    out[j + 1] = rnnc_dsp_requant_row_v(rnnc_dsp_narrow_s64(a1, pre_shift, narrow_exact), mult, shift, j + 1, t_all);
  }
}

/** rnnc_dsp_block4k_s16_s64 with every row's shift from the table. */
static inline void rnnc_dsp_block4_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult,
    const uint8_t *shift, int32_t pre_shift, const int16_t *v, int32_t cols, int32_t *out) {
  rnnc_dsp_block4k_s16_s64(w, bias, mult, shift, 0, 0, pre_shift, v, cols, out);
}

/** int16 weights (pairs as stored, dsp block order), int64 accumulator narrowed by pre_shift. */
static inline void rnnc_dsp_matmul_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                           const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                           int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3, groups = cols >> 1, tail = cols & 1;
  int32_t r, g;
  for (r = 0; r < full; r += 4) {
    rnnc_dsp_block4_s16_s64(w, RNNC_BIAS_AT(bias, r), mult + r, shift + r, pre_shift, v, cols, out + r);
    w += 4 * cols;
  }
  for (r = full; r < rows; r++) {
    int64_t a = RNNC_BIAS(bias, r);
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      a = RNNC_DSP_SMLALD(RNNC_DSP_LD_S16X2(w), RNNC_DSP_LD_S16X2(vp), a);
      w += 2;
      vp += 2;
    }
    if (tail) a += (int32_t)(*w++) * (int32_t)(*vp);
    out[r] = rnnc_dsp_requant_s32(rnnc_rshr_sat_s64(a, (int)pre_shift), mult[r], shift[r]);
  }
}

/* ---- The fused LSTM unit's elementwise step (templates/cells/lstm.c.hbs) ----
 * The same integers as the composition of the rnnc_fixed.h twins the portable template
 * uses (the fallback below is that composition), with every intermediate in an int32
 * register: int16_t values between inlined functions cost a sign extension each, and the
 * table lookup's rare branch and the general rescale are not needed. Each identity used is
 * proved where it is used; test/parity/dsp-epilogue.parity.test.ts checks the helpers
 * against the twins on every int16 input on a Cortex-M4 under QEMU, and the host (the
 * fallback) against src/fixed/ops.ts through the on-host equivalence tests. */

/** sat16(x) as an int32 (one SSAT). */
RNNC_DSP_INLINE int32_t rnnc_dsp_ssat16(int32_t x) {
#if RNNC_DSP_ACLE
  int32_t r;
  __asm__("ssat %0, #16, %1" : "=r"(r) : "r"(x));
  return r;
#else
  return rnnc_sat_s16(x);
#endif
}

/** rnnc_lut_lookup_q15 at ux = |x|, ux in [0, 2^15], as an int32. Without the branch:
 *  with s = 15 - n, idx = ux >> s <= 2^n, and idx = 2^n only at ux = 2^15, where
 *  frac = 0 and the twin returns T[2^n]. Reading that point as the end of the last
 *  interval, idx' = min(ux >> s, 2^n - 1) and frac' = ux - idx' * 2^s (equal to idx, frac
 *  below 2^15; 2^n - 1 and 2^s at 2^15) give there T[2^n - 1] + rshr((T[2^n] -
 *  T[2^n - 1]) * 2^s, s) = T[2^n], a rounding shift of an exact multiple of 2^s being
 *  exact. idx' is one USAT (saturate ux >> s to n unsigned bits) where the shift is a
 *  compile-time constant, else (ux - (ux >> 15)) >> s (ux less 1 at 2^15 only).
 *  rshr(p, s) = (p >> s) + ((p >> (s - 1)) & 1) = (p + 2^(s-1)) >> s: both are
 *  floor((p + 2^(s-1)) / 2^s) (p = q 2^s + r: bit s - 1 of p is [r >= 2^(s-1)]); |p| <=
 *  65535 * 2^11 keeps the sum in int32. With lo = T[idx'], hi = T[idx' + 1], f = frac',
 *  adding lo * 2^s (a multiple of 2^s) inside the floor:
 *    y = lo + (((hi - lo) * f + 2^(s-1)) >> s) = (lo * (2^s - f) + hi * f + 2^(s-1)) >> s
 *  which the DSP cores form in one SMLAD where n is a compile-time constant: one word load
 *  at T + idx' holds lo and hi as its halves (little-endian; these cores load words at any
 *  halfword address, as the kernels above do); pk = (f << 16) + (2^s - f) holds the
 *  halves (2^s - f, f), both in [0, 2^s] (f <= 2^s: no borrow between them); each product
 *  is at most 2^15 * 2^11 in magnitude, so the sum does not wrap. */
RNNC_DSP_INLINE int32_t rnnc_dsp_lut_abs_q15(const int16_t *table, int log2n, int32_t ux) {
  const int s = 15 - log2n;
  int32_t idx, frac, lo;
#if RNNC_DSP_ACLE && defined(__OPTIMIZE__)
  if (__builtin_constant_p(log2n)) {
    __asm__("usat %0, %1, %2, asr %3" : "=r"(idx) : "n"(log2n), "r"(ux), "n"(15 - log2n));
  } else
#endif
  {
    idx = (ux - (ux >> 15)) >> s;
  }
  frac = ux - (idx << s);
#if RNNC_DSP_ACLE
  if (__builtin_constant_p(log2n)) {
    const int32_t w = rnnc_dsp_ld32(table + idx);
    const int32_t pk = (int32_t)(((uint32_t)frac << 16) + (uint32_t)(((int32_t)1 << s) - frac));
    return __smlad(w, pk, (int32_t)1 << (s - 1)) >> s;
  }
#endif
  lo = table[idx];
  return lo + (((table[idx + 1] - lo) * frac + ((int32_t)1 << (s - 1))) >> s);
}

/** rnnc_lut_sigmoid_q15(table, log2n, p), p in [-2^15, 2^15), as an int32 in [0, 32767].
 *  |p| = (p ^ m) - m with m = p >> 31 (0 or -1). */
RNNC_DSP_INLINE int32_t rnnc_dsp_sigmoid_q15(const int16_t *table, int log2n, int32_t p) {
  const int32_t y = rnnc_dsp_lut_abs_q15(table, log2n, (p ^ (p >> 31)) - (p >> 31));
  return p < 0 ? 32768 - y : y;
}

/** rnnc_lut_tanh_q15(table, log2n, p), p in [-2^15, 2^15), as an int32: -y for p < 0 is
 *  (y ^ m) - m with m = p >> 31. */
RNNC_DSP_INLINE int32_t rnnc_dsp_tanh_q15(const int16_t *table, int log2n, int32_t p) {
  const int32_t m = p >> 31;
  return (rnnc_dsp_lut_abs_q15(table, log2n, (p ^ m) - m) ^ m) - m;
}

/** rnnc_rescale_s16(c, from, 12) of c in [-2^15, 2^15) (an int16 cell), as an int32.
 *  Widening by k = 12 - from in [1, 15]: sat16(c * 2^k), |c * 2^k| <= 2^30 fits int32,
 *  one SSAT with LSL where k is a compile-time constant. Narrowing by k >= 1:
 *  rshr(c, k) = (c + 2^(k-1)) >> k is within [-2^14, 2^14] (c + 2^(k-1) <= 2^15 - 1 + 2^14
 *  for k = 1, and smaller shifts of smaller sums above), so the twin's saturation never
 *  acts. k = 0: c. Wider shifts: the twin. */
RNNC_DSP_INLINE int32_t rnnc_dsp_rescale_pre_s16(int32_t c, int from) {
  if (from == 12) return c;
  if (from > 12 && from - 12 <= 30) return (c + ((int32_t)1 << (from - 13))) >> (from - 12);
  if (from < 12 && 12 - from <= 15) {
#if RNNC_DSP_ACLE && defined(__OPTIMIZE__)
    if (__builtin_constant_p(from)) {
      int32_t r;
      __asm__("ssat %0, #16, %1, lsl %2" : "=r"(r) : "r"(c), "n"(12 - from));
      return r;
    }
#endif
    return rnnc_dsp_ssat16(c * ((int32_t)1 << (12 - from)));
  }
  return rnnc_rescale_s16(c, from, 12);
}

/** One LSTM unit with an int16 cell, from its 4 requantized gate rows (i, f, g, o) of each
 *  product: updates *c and returns h'. The twins' composition (the portable template):
 *    p_k = sat16(qadd(xg[k], hg[k]));  i, f, o = sigmoid(p), g = tanh(p)
 *    c' = rnnc_lstm_cell_s16(f, c, i, g, ig_shift)
 *    h' = rnnc_mul_rshr_s16(o, tanh(rescale(c', cell_frac -> 12)), 15)
 *  In int32: the cell update is sat16(((f * c + 2^14) >> 15) + rshr(i * g, s)) (the twin's
 *  own form), with rshr(i * g, s) = (i * g + 2^(s-1)) >> s for s >= 1 (see
 *  rnnc_dsp_lut_abs_q15; |i * g| <= 32767 * 32768 < 2^30, and 2^(s-1) <= 2^30, so the sum
 *  fits); h' = sat16((o * t + 2^14) >> 15), |o * t| <= 2^30. */
RNNC_DSP_INLINE int16_t rnnc_dsp_lstm_unit_s16(const int16_t *sig, const int16_t *tanh_t, int log2n, const int32_t *xg,
                                               const int32_t *hg, int16_t *c, int ig_shift, int cell_frac) {
#if RNNC_DSP_ACLE
  const int32_t i = rnnc_dsp_sigmoid_q15(sig, log2n, rnnc_dsp_ssat16(__qadd(xg[0], hg[0])));
  const int32_t f = rnnc_dsp_sigmoid_q15(sig, log2n, rnnc_dsp_ssat16(__qadd(xg[1], hg[1])));
  const int32_t g = rnnc_dsp_tanh_q15(tanh_t, log2n, rnnc_dsp_ssat16(__qadd(xg[2], hg[2])));
  const int32_t o = rnnc_dsp_sigmoid_q15(sig, log2n, rnnc_dsp_ssat16(__qadd(xg[3], hg[3])));
  const int32_t ig = ig_shift == 0 ? i * g : (i * g + ((int32_t)1 << (ig_shift - 1))) >> ig_shift;
  const int32_t cn = rnnc_dsp_ssat16(((f * (int32_t)*c + 16384) >> 15) + ig);
  const int32_t t = rnnc_dsp_tanh_q15(tanh_t, log2n, rnnc_dsp_rescale_pre_s16(cn, cell_frac));
  *c = (int16_t)cn;
  return (int16_t)rnnc_dsp_ssat16((o * t + 16384) >> 15);
#else
  const int16_t i = rnnc_lut_sigmoid_q15(sig, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xg[0], hg[0])));
  const int16_t f = rnnc_lut_sigmoid_q15(sig, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xg[1], hg[1])));
  const int16_t g = rnnc_lut_tanh_q15(tanh_t, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xg[2], hg[2])));
  const int16_t o = rnnc_lut_sigmoid_q15(sig, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xg[3], hg[3])));
  *c = rnnc_lstm_cell_s16(f, *c, i, g, ig_shift);
  return rnnc_mul_rshr_s16(o, rnnc_lut_tanh_q15(tanh_t, log2n, rnnc_rescale_s16(*c, cell_frac, 12)), 15);
#endif
}

/** One LSTM unit with an int32 cell: the gates as rnnc_dsp_lstm_unit_s16, the cell update
 *  and its rescale by the twins (the int64 sum of rnnc_lstm_cell_s32). */
RNNC_DSP_INLINE int16_t rnnc_dsp_lstm_unit_s32(const int16_t *sig, const int16_t *tanh_t, int log2n, const int32_t *xg,
                                               const int32_t *hg, int32_t *c, int ig_shift, int cell_frac) {
#if RNNC_DSP_ACLE
  const int32_t i = rnnc_dsp_sigmoid_q15(sig, log2n, rnnc_dsp_ssat16(__qadd(xg[0], hg[0])));
  const int32_t f = rnnc_dsp_sigmoid_q15(sig, log2n, rnnc_dsp_ssat16(__qadd(xg[1], hg[1])));
  const int32_t g = rnnc_dsp_tanh_q15(tanh_t, log2n, rnnc_dsp_ssat16(__qadd(xg[2], hg[2])));
  const int32_t o = rnnc_dsp_sigmoid_q15(sig, log2n, rnnc_dsp_ssat16(__qadd(xg[3], hg[3])));
  const int32_t cn = rnnc_lstm_cell_s32((int16_t)f, *c, (int16_t)i, (int16_t)g, ig_shift);
  const int32_t t = rnnc_dsp_tanh_q15(tanh_t, log2n, rnnc_rescale_s16(cn, cell_frac, 12));
  *c = cn;
  return (int16_t)rnnc_dsp_ssat16((o * t + 16384) >> 15);
#else
  const int16_t i = rnnc_lut_sigmoid_q15(sig, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xg[0], hg[0])));
  const int16_t f = rnnc_lut_sigmoid_q15(sig, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xg[1], hg[1])));
  const int16_t g = rnnc_lut_tanh_q15(tanh_t, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xg[2], hg[2])));
  const int16_t o = rnnc_lut_sigmoid_q15(sig, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xg[3], hg[3])));
  *c = rnnc_lstm_cell_s32(f, *c, i, g, ig_shift);
  return rnnc_mul_rshr_s16(o, rnnc_lut_tanh_q15(tanh_t, log2n, rnnc_rescale_s16(*c, cell_frac, 12)), 15);
#endif
}

/** One unit of a fused reset-after GRU (templates/cells/gru-fused.c.hbs) from its r, z and
 *  n rows of each product: h'. The twins' composition (the portable expressions):
 *    r = sigmoid(sat16(qadd(xr, hr))), z = sigmoid(sat16(qadd(xz, hz)))
 *    n = tanh(sat16(qadd(xn, rnnc_mul_q15_s32(r, hn)))),  h' = rnnc_lerp_q15(z, h, n)
 *  In int32 as rnnc_dsp_lstm_unit_s16 (the lookups) and with the twins' own forms for the
 *  reset product and the blend (int32 already). */
RNNC_DSP_INLINE int16_t rnnc_dsp_gru_unit(const int16_t *sig, const int16_t *tanh_t, int log2n, int32_t xr, int32_t hr,
                                          int32_t xz, int32_t hz, int32_t xn, int32_t hn, int16_t h) {
#if RNNC_DSP_ACLE
  const int32_t r = rnnc_dsp_sigmoid_q15(sig, log2n, rnnc_dsp_ssat16(__qadd(xr, hr)));
  const int32_t z = rnnc_dsp_sigmoid_q15(sig, log2n, rnnc_dsp_ssat16(__qadd(xz, hz)));
  const int32_t n = rnnc_dsp_tanh_q15(tanh_t, log2n, rnnc_dsp_ssat16(__qadd(xn, rnnc_mul_q15_s32(r, hn))));
  return (int16_t)rnnc_dsp_ssat16(n + ((z * ((int32_t)h - n) + 16384) >> 15));
#else
  const int16_t r = rnnc_lut_sigmoid_q15(sig, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xr, hr)));
  const int16_t z = rnnc_lut_sigmoid_q15(sig, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xz, hz)));
  const int16_t n = rnnc_lut_tanh_q15(tanh_t, log2n, rnnc_sat_s16(rnnc_add_sat_s32(xn, rnnc_mul_q15_s32(r, hn))));
  return rnnc_lerp_q15(z, h, n);
#endif
}

#endif /* RNNC_DSP_H */
