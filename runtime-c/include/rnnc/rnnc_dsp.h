/* rnnc runtime: matrix-product kernels for Arm cores with the DSP extension
 * (Cortex-M4, M7, M33, M55), using the ACLE dual 16x16 multiply-accumulate SMLAD /
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
 */
#ifndef RNNC_DSP_H
#define RNNC_DSP_H

#include <arm_acle.h>
#include "rnnc_kernels.h"

#if !defined(__ARM_FEATURE_DSP)
#error "rnnc_dsp.h needs the Arm DSP extension (Cortex-M4, M7, M33, M55)"
#endif

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

/** rnnc_requant_s32, always inlined (gcc otherwise keeps it out of line in some
 *  fused cells): the same two paths, the same integers. */
static inline __attribute__((always_inline)) int32_t rnnc_dsp_requant_s32(int32_t acc, int32_t m, int t) {
  int64_t p = (int64_t)acc * (int64_t)m;
  if (RNNC_LIKELY(t > 32)) {
    int32_t hi = (int32_t)(p >> 32);
    return ((hi >> (t - 33)) + 1) >> 1;
  }
  return rnnc_requant_wide_s32(p, t);
}

/* One int8 group (4 columns) into an int32 accumulator. */
#define RNNC_DSP_S8_32(acc, q, v01, v23) \
  acc = __smlad(__sxtb16(q), v01, acc); \
  acc = __smlad(rnnc_dsp_sxtb16_ror8(q), v23, acc)

/* One int8 group into an int64 accumulator. */
#define RNNC_DSP_S8_64(acc, q, v01, v23) \
  acc = __smlald(__sxtb16(q), v01, acc); \
  acc = __smlald(rnnc_dsp_sxtb16_ror8(q), v23, acc)

#if defined(__GNUC__)
#define RNNC_DSP_INLINE static inline __attribute__((always_inline))
#else
#define RNNC_DSP_INLINE static inline
#endif

/** One 4-row block of int8 weights (dsp packing, 4 * cols bytes at w), int32
 *  accumulators: out[0..3] for rows bias[0..3]. Always inlined so fused cells keep
 *  their pointers in registers. */
RNNC_DSP_INLINE void rnnc_dsp_block4_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                            const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                            int32_t cols, int32_t *out) {
  const int32_t groups = cols >> 2, tail = cols & 3;
  int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
  const int16_t *vp = v;
  int32_t g, k;
  (void)pre_shift;
  (void)g;
  if (groups > 0) {
    /* 16 MACs in 22 instructions: weights by LDRD (w is word-aligned, see
     * RNNC_DSP_ALIGNED), inputs by post-incremented LDR (any alignment), one counter.
     * The C it replaces: RNNC_DSP_S8_32 on rows 0..3 per group (gcc needs 24). */
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
  }
  for (k = 0; k < tail; k++) {
    int32_t x = vp[k];
    a0 += (int32_t)w[k] * x;
    a1 += (int32_t)w[tail + k] * x;
    a2 += (int32_t)w[2 * tail + k] * x;
    a3 += (int32_t)w[3 * tail + k] * x;
  }
  out[0] = rnnc_dsp_requant_s32(a0, mult[0], shift[0]);
  out[1] = rnnc_dsp_requant_s32(a1, mult[1], shift[1]);
  out[2] = rnnc_dsp_requant_s32(a2, mult[2], shift[2]);
  out[3] = rnnc_dsp_requant_s32(a3, mult[3], shift[3]);
}

/** int8 weights (dsp packing), int32 accumulator. */
static inline void rnnc_dsp_matmul_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                          const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                          int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3, groups = cols >> 2, tail = cols & 3;
  int32_t r, g, k;
  for (r = 0; r < full; r += 4) {
    rnnc_dsp_block4_s8_s32(w, bias + r, mult + r, shift + r, pre_shift, v, cols, out + r);
    w += 4 * cols;
  }
  for (r = full; r < rows; r++) {
    int32_t a = bias[r];
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      int32_t q = rnnc_dsp_ld32(w), v01 = rnnc_dsp_ld32(vp), v23 = rnnc_dsp_ld32(vp + 2);
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
static inline void rnnc_dsp_block4_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                  const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                  int32_t cols, int32_t *out) {
  const int32_t groups = cols >> 2, tail = cols & 3;
  int32_t g, j, k;
  for (j = 0; j < 4; j += 2) {
    int64_t a0 = bias[j], a1 = bias[j + 1];
    const int8_t *wp = w + 4 * j;
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      int32_t v01 = rnnc_dsp_ld32(vp), v23 = rnnc_dsp_ld32(vp + 2), q;
      q = rnnc_dsp_ld32(wp);
      RNNC_DSP_S8_64(a0, q, v01, v23);
      q = rnnc_dsp_ld32(wp + 4);
      RNNC_DSP_S8_64(a1, q, v01, v23);
      wp += 16;
      vp += 4;
    }
    wp = w + 16 * groups + j * tail;
    for (k = 0; k < tail; k++) {
      a0 += (int32_t)wp[k] * (int32_t)vp[k];
      a1 += (int32_t)wp[tail + k] * (int32_t)vp[k];
    }
    out[j] = rnnc_dsp_requant_s32(rnnc_rshr_sat_s64(a0, (int)pre_shift), mult[j], shift[j]);
    out[j + 1] = rnnc_dsp_requant_s32(rnnc_rshr_sat_s64(a1, (int)pre_shift), mult[j + 1], shift[j + 1]);
  }
}

/** int8 weights (dsp packing), int64 accumulator narrowed by pre_shift. */
static inline void rnnc_dsp_matmul_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                          const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                          int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3, groups = cols >> 2, tail = cols & 3;
  int32_t r, g, k;
  for (r = 0; r < full; r += 4) {
    rnnc_dsp_block4_s8_s64(w, bias + r, mult + r, shift + r, pre_shift, v, cols, out + r);
    w += 4 * cols;
  }
  for (r = full; r < rows; r++) {
    int64_t a = bias[r];
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      int32_t q = rnnc_dsp_ld32(w), v01 = rnnc_dsp_ld32(vp), v23 = rnnc_dsp_ld32(vp + 2);
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
RNNC_DSP_INLINE void rnnc_dsp_block4_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  const int32_t groups = cols >> 1, tail = cols & 1;
  int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
  const int16_t *vp = v;
  int32_t g;
  (void)pre_shift;
  for (g = 0; g < groups; g++) {
    int32_t v01 = rnnc_dsp_ld32(vp);
    a0 = __smlad(rnnc_dsp_ld32(w), v01, a0);
    a1 = __smlad(rnnc_dsp_ld32(w + 2), v01, a1);
    a2 = __smlad(rnnc_dsp_ld32(w + 4), v01, a2);
    a3 = __smlad(rnnc_dsp_ld32(w + 6), v01, a3);
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
  out[0] = rnnc_dsp_requant_s32(a0, mult[0], shift[0]);
  out[1] = rnnc_dsp_requant_s32(a1, mult[1], shift[1]);
  out[2] = rnnc_dsp_requant_s32(a2, mult[2], shift[2]);
  out[3] = rnnc_dsp_requant_s32(a3, mult[3], shift[3]);
}

/** int16 weights (pairs as stored, dsp block order), int32 accumulator. */
static inline void rnnc_dsp_matmul_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                           const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                           int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3, groups = cols >> 1, tail = cols & 1;
  int32_t r, g;
  for (r = 0; r < full; r += 4) {
    rnnc_dsp_block4_s16_s32(w, bias + r, mult + r, shift + r, pre_shift, v, cols, out + r);
    w += 4 * cols;
  }
  for (r = full; r < rows; r++) {
    int32_t a = bias[r];
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      a = __smlad(rnnc_dsp_ld32(w), rnnc_dsp_ld32(vp), a);
      w += 2;
      vp += 2;
    }
    if (tail) a += (int32_t)(*w++) * (int32_t)(*vp);
    out[r] = rnnc_dsp_requant_s32(a, mult[r], shift[r]);
  }
}

/** One 4-row block of int16 weights, int64 accumulators, two rows at a time. */
static inline void rnnc_dsp_block4_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                  const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                  int32_t cols, int32_t *out) {
  const int32_t groups = cols >> 1, tail = cols & 1;
  int32_t g, j;
  for (j = 0; j < 4; j += 2) {
    int64_t a0 = bias[j], a1 = bias[j + 1];
    const int16_t *wp = w + 2 * j;
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      int32_t v01 = rnnc_dsp_ld32(vp);
      a0 = __smlald(rnnc_dsp_ld32(wp), v01, a0);
      a1 = __smlald(rnnc_dsp_ld32(wp + 2), v01, a1);
      wp += 8;
      vp += 2;
    }
    if (tail) {
      a0 += (int32_t)w[8 * groups + j] * (int32_t)(*vp);
      a1 += (int32_t)w[8 * groups + j + 1] * (int32_t)(*vp);
    }
    out[j] = rnnc_dsp_requant_s32(rnnc_rshr_sat_s64(a0, (int)pre_shift), mult[j], shift[j]);
    out[j + 1] = rnnc_dsp_requant_s32(rnnc_rshr_sat_s64(a1, (int)pre_shift), mult[j + 1], shift[j + 1]);
  }
}

/** int16 weights (pairs as stored, dsp block order), int64 accumulator narrowed by pre_shift. */
static inline void rnnc_dsp_matmul_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                           const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                           int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3, groups = cols >> 1, tail = cols & 1;
  int32_t r, g;
  for (r = 0; r < full; r += 4) {
    rnnc_dsp_block4_s16_s64(w, bias + r, mult + r, shift + r, pre_shift, v, cols, out + r);
    w += 4 * cols;
  }
  for (r = full; r < rows; r++) {
    int64_t a = bias[r];
    const int16_t *vp = v;
    for (g = 0; g < groups; g++) {
      a = __smlald(rnnc_dsp_ld32(w), rnnc_dsp_ld32(vp), a);
      w += 2;
      vp += 2;
    }
    if (tail) a += (int32_t)(*w++) * (int32_t)(*vp);
    out[r] = rnnc_dsp_requant_s32(rnnc_rshr_sat_s64(a, (int)pre_shift), mult[r], shift[r]);
  }
}

#endif /* RNNC_DSP_H */
