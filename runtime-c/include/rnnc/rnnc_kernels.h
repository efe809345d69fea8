/* rnnc runtime: portable matrix-product kernels, the C twins of matmulRows in
 * src/fixed/matmul.ts. Per row r of a row-major rows x cols weight matrix:
 *   acc_r   = bias[r] + sum_k W[r,k] * v[k]          (int32, or int64 for the _s64 kernels;
 *                                                     bias NULL: no bias, acc_r starts at 0)
 *   acc32_r = acc_r, or rnnc_rshr_sat_s64(acc_r, pre_shift)
 *   out[r]  = rnnc_requant_s32(acc32_r, mult[r], shift[r])
 * The code generator picks int32 kernels only where the compile-time bound
 * sum_k |W[r,k]| * 32768 + |bias[r]| fits int32, so no accumulator ever wraps: every
 * partial sum, in any order, is bounded by the same sum of magnitudes, so the kernels
 * may add the products in any order and get the one exact value.
 * Weight formats: _s8 (int8) and _s16 (int16); inputs are int16.
 * Rows go 4 at a time (rnnc_block4_*): one pass over the columns loads each v[k] once for
 * 4 rows, 4 columns per iteration; leftover rows of rnnc_matmul_* go one at a time. On
 * Armv6-M the int8 x int32 pass is a Thumb-1 loop (rnnc_m0_dot4_s8), the same sums.
 * Target kernel families (DSP, MVE) replace these behind the same signature.
 */
#ifndef RNNC_KERNELS_H
#define RNNC_KERNELS_H

#include <stddef.h>
#include "rnnc_fixed.h"

/* A product without bias passes bias = NULL (no all-zero table): row r starts from 0.
 * Read once per row or 4-row block, never in the multiply-accumulate loop; where the call
 * is inlined with a literal NULL or a table's address the test folds away. */
#define RNNC_BIAS(bias, r) ((bias) != NULL ? (bias)[r] : 0)
/* The bias of rows r.. for a block call (NULL stays NULL: no arithmetic on a null pointer). */
#define RNNC_BIAS_AT(bias, r) ((bias) != NULL ? (bias) + (r) : (bias))

#if defined(__GNUC__)
#define RNNC_KERNEL_INLINE static inline __attribute__((always_inline))
#else
#define RNNC_KERNEL_INLINE static inline
#endif

/* Four rows r0..r3 (cols weights each) times v: a0..a3 += W[r, k] * v[k], v[k] loaded once
 * for the four rows, four columns per iteration. Each product is an exact int32 (int8 or
 * int16 times int16: |p| <= 2^30). */
#define RNNC_MAC4_(ACC, r0, r1, r2, r3, k, x, a0, a1, a2, a3)                             \
  a0 += (ACC)((int32_t)(r0)[k] * (x));                                                   \
  a1 += (ACC)((int32_t)(r1)[k] * (x));                                                   \
  a2 += (ACC)((int32_t)(r2)[k] * (x));                                                   \
  a3 += (ACC)((int32_t)(r3)[k] * (x))
#define RNNC_DOT4_(ACC, r0, r1, r2, r3, v, cols, a0, a1, a2, a3)                          \
  do {                                                                                   \
    const int32_t full_ = (cols) & ~3;                                                   \
    int32_t k_;                                                                          \
    for (k_ = 0; k_ < full_; k_ += 4) {                                                  \
      int32_t x0_ = (v)[k_], x1_ = (v)[k_ + 1], x2_ = (v)[k_ + 2], x3_ = (v)[k_ + 3];    \
      RNNC_MAC4_(ACC, r0, r1, r2, r3, k_, x0_, a0, a1, a2, a3);                          \
      RNNC_MAC4_(ACC, r0, r1, r2, r3, k_ + 1, x1_, a0, a1, a2, a3);                      \
      RNNC_MAC4_(ACC, r0, r1, r2, r3, k_ + 2, x2_, a0, a1, a2, a3);                      \
      RNNC_MAC4_(ACC, r0, r1, r2, r3, k_ + 3, x3_, a0, a1, a2, a3);                      \
    }                                                                                    \
    for (; k_ < (cols); k_++) {                                                          \
      int32_t x0_ = (v)[k_];                                                             \
      RNNC_MAC4_(ACC, r0, r1, r2, r3, k_, x0_, a0, a1, a2, a3);                          \
    }                                                                                    \
  } while (0)

/* Cortex-M0/M0+/M1 (Armv6-M, Thumb-1): gcc keeps the four accumulators of the C loop above
 * in memory (8 low registers), about 7.5 instructions per MAC. This loop keeps them in
 * r8-r11 and reads every operand with one register-offset load: per column one LDRSH of
 * v[k] and, per row, LDRSB + MULS + ADD, then two index steps: 31 instructions per 8 MACs
 * (two columns per iteration). The same products added in another order, all in 32 bits:
 * the sums are the C loop's, bit for bit (the int32 bound: module comment). a[0..3] hold
 * the starting values and receive the sums; rows at w, w + cols, w + 2 cols, w + 3 cols;
 * cols >= 1. Naked (a real call, its own register saves): independent of -O level and
 * frame pointers. */
#if defined(__ARM_ARCH_6M__) && defined(__GNUC__) && !defined(RNNC_NO_INTRINSICS)
#define RNNC_M0_DOT4 1
#define RNNC_M0_ARG_ __attribute__((unused)) /* read by the asm, in r0..r3 */
static __attribute__((naked, noinline, unused)) void rnnc_m0_dot4_s8(const int8_t *w RNNC_M0_ARG_,
                                                                   const int16_t *v RNNC_M0_ARG_,
                                                                   int32_t cols RNNC_M0_ARG_, int32_t *a RNNC_M0_ARG_) {
  __asm__ volatile(
      ".syntax unified\n\t"
      "push {r4, r5, r6, r7, lr}\n\t"
      "mov r4, r8\n\t"
      "mov r5, r9\n\t"
      "mov r6, r10\n\t"
      "mov r7, r11\n\t"
      "push {r4, r5, r6, r7}\n\t"
      "push {r3}\n\t"
      "ldr r4, [r3, #0]\n\t"
      "mov r8, r4\n\t"
      "ldr r4, [r3, #4]\n\t"
      "mov r9, r4\n\t"
      "ldr r4, [r3, #8]\n\t"
      "mov r10, r4\n\t"
      "ldr r4, [r3, #12]\n\t"
      "mov r11, r4\n\t"
      /* r0..r3: ends of rows 0..3; k = r4 from -cols up to 0; v[j] at r5 + k, r5 = v + cols + j bytes */
      "adds r5, r1, r2\n\t"
      "adds r0, r0, r2\n\t"
      "adds r1, r0, r2\n\t"
      "rsbs r4, r2, #0\n\t"
      "adds r2, r1, r2\n\t"
      "subs r3, r2, r4\n\t"
      "lsls r6, r4, #31\n\t"
      "beq 2f\n\t"
      /* odd cols: one column first */
      "ldrsh r6, [r5, r4]\n\t"
      "ldrsb r7, [r0, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r8, r7\n\t"
      "ldrsb r7, [r1, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r9, r7\n\t"
      "ldrsb r7, [r2, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r10, r7\n\t"
      "ldrsb r7, [r3, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r11, r7\n\t"
      "adds r5, #1\n\t"
      "adds r4, #1\n\t"
      "beq 3f\n"
      "2:\n\t"
      "ldrsh r6, [r5, r4]\n\t"
      "ldrsb r7, [r0, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r8, r7\n\t"
      "ldrsb r7, [r1, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r9, r7\n\t"
      "ldrsb r7, [r2, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r10, r7\n\t"
      "ldrsb r7, [r3, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r11, r7\n\t"
      "adds r5, #1\n\t"
      "adds r4, #1\n\t"
      "ldrsh r6, [r5, r4]\n\t"
      "ldrsb r7, [r0, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r8, r7\n\t"
      "ldrsb r7, [r1, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r9, r7\n\t"
      "ldrsb r7, [r2, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r10, r7\n\t"
      "ldrsb r7, [r3, r4]\n\t"
      "muls r7, r6, r7\n\t"
      "add r11, r7\n\t"
      "adds r5, #1\n\t"
      "adds r4, #1\n\t"
      "bne 2b\n"
      "3:\n\t"
      "pop {r3}\n\t"
      "mov r4, r8\n\t"
      "str r4, [r3, #0]\n\t"
      "mov r4, r9\n\t"
      "str r4, [r3, #4]\n\t"
      "mov r4, r10\n\t"
      "str r4, [r3, #8]\n\t"
      "mov r4, r11\n\t"
      "str r4, [r3, #12]\n\t"
      "pop {r4, r5, r6, r7}\n\t"
      "mov r8, r4\n\t"
      "mov r9, r5\n\t"
      "mov r10, r6\n\t"
      "mov r11, r7\n\t"
      "pop {r4, r5, r6, r7, pc}\n\t");
}
#endif

/* One family member: rnnc_block4_sWB_sAB (4 rows at w) and rnnc_matmul_sWB_sAB (4-row
 * blocks, then leftover rows one at a time). NARROW turns the accumulator into the int32
 * the requantization takes (int32: as is; int64: rnnc_rshr_sat_s64 by pre_shift). */
#define RNNC_PORTABLE_KERNELS_(WB, WT, AB, ACC, NARROW, DOT4)                                                  \
  RNNC_KERNEL_INLINE void rnnc_block4_s##WB##_s##AB(const WT *w, const int32_t *bias, const int32_t *mult, \
                                                  const uint8_t *shift, int32_t pre_shift,               \
                                                  const int16_t *v, int32_t cols, int32_t *out) {        \
    ACC a0 = RNNC_BIAS(bias, 0), a1 = RNNC_BIAS(bias, 1), a2 = RNNC_BIAS(bias, 2), a3 = RNNC_BIAS(bias, 3); \
    (void)pre_shift;                                                                                     \
    DOT4(ACC, w, w + cols, w + 2 * cols, w + 3 * cols, v, cols, a0, a1, a2, a3);                        \
    out[0] = rnnc_requant_s32(NARROW(a0), mult[0], shift[0]);                                            \
    out[1] = rnnc_requant_s32(NARROW(a1), mult[1], shift[1]);                                            \
    out[2] = rnnc_requant_s32(NARROW(a2), mult[2], shift[2]);                                            \
    out[3] = rnnc_requant_s32(NARROW(a3), mult[3], shift[3]);                                            \
  }                                                                                                      \
  static inline void rnnc_matmul_s##WB##_s##AB(const WT *w, const int32_t *bias, const int32_t *mult,   \
                                               const uint8_t *shift, int32_t pre_shift, const int16_t *v, \
                                               int32_t rows, int32_t cols, int32_t *out) {               \
    const int32_t full = RNNC_BLOCK_ROWS_##AB(rows);                                                     \
    int32_t r, k;                                                                                        \
    (void)pre_shift;                                                                                     \
    for (r = 0; r < full; r += 4)                                                                        \
      rnnc_block4_s##WB##_s##AB(w + r * cols, RNNC_BIAS_AT(bias, r), mult + r, shift + r, pre_shift, v, cols, out + r); \
    for (r = full; r < rows; r++) {                                                                      \
      const WT *row = w + r * cols;                                                                      \
      ACC acc = RNNC_BIAS(bias, r);                                                                      \
      for (k = 0; k < cols; k++) acc += (ACC)((int32_t)row[k] * (int32_t)v[k]);                          \
      out[r] = rnnc_requant_s32(NARROW(acc), mult[r], shift[r]);                                         \
    }                                                                                                    \
  }

/* Row at a time (the int64 kernels on Armv6-M, where four int64 accumulators do not fit
 * the registers and the 4-row pass costs more than it saves): rnnc_block4_* is 4 rows of
 * rnnc_matmul_*, each row one pass over v. */
#define RNNC_ROWWISE_KERNELS_(WB, WT, AB, ACC, NARROW)                                                   \
  static inline void rnnc_matmul_s##WB##_s##AB(const WT *w, const int32_t *bias, const int32_t *mult,   \
                                               const uint8_t *shift, int32_t pre_shift, const int16_t *v, \
                                               int32_t rows, int32_t cols, int32_t *out) {               \
    int32_t r, k;                                                                                        \
    (void)pre_shift;                                                                                     \
    for (r = 0; r < rows; r++) {                                                                         \
      const WT *row = w + r * cols;                                                                      \
      ACC acc = RNNC_BIAS(bias, r);                                                                      \
      for (k = 0; k < cols; k++) acc += (ACC)((int32_t)row[k] * (int32_t)v[k]);                          \
      out[r] = rnnc_requant_s32(NARROW(acc), mult[r], shift[r]);                                         \
    }                                                                                                    \
  }                                                                                                      \
  RNNC_KERNEL_INLINE void rnnc_block4_s##WB##_s##AB(const WT *w, const int32_t *bias, const int32_t *mult, \
                                                  const uint8_t *shift, int32_t pre_shift,               \
                                                  const int16_t *v, int32_t cols, int32_t *out) {        \
    rnnc_matmul_s##WB##_s##AB(w, bias, mult, shift, pre_shift, v, 4, cols, out);                         \
  }

/* The int8 x int32 pass: the Armv6-M loop above where it is built, else the C one. */
#if defined(RNNC_M0_DOT4)
#define RNNC_DOT4_S8_S32_(ACC, r0, r1, r2, r3, v, cols, a0, a1, a2, a3)                    \
  do {                                                                                   \
    int32_t a_[4];                                                                       \
    a_[0] = a0; a_[1] = a1; a_[2] = a2; a_[3] = a3;                                      \
    (void)(r1); (void)(r2); (void)(r3);                                                  \
    if ((cols) > 0) rnnc_m0_dot4_s8(r0, v, cols, a_);                                    \
    a0 = a_[0]; a1 = a_[1]; a2 = a_[2]; a3 = a_[3];                                      \
  } while (0)
#else
#define RNNC_DOT4_S8_S32_ RNNC_DOT4_
#endif

#if defined(__ARM_ARCH_6M__)
#define RNNC_S64_KERNELS_(WB, WT, AB, ACC, NARROW, DOT4) RNNC_ROWWISE_KERNELS_(WB, WT, AB, ACC, NARROW)
#else
#define RNNC_S64_KERNELS_ RNNC_PORTABLE_KERNELS_
#endif

/* Rows of rnnc_matmul_* done in 4-row blocks (the rest one at a time). At -Os on Thumb the
 * int64 kernels go row by row there: gcc does not inline them, and the 4-row pass with a
 * column count only known at run time spills its four int64 accumulators on the Cortex-M3
 * (the unfused GRU with int16 weights took 15 % more instructions; on riscv32 it takes a
 * third fewer). rnnc_block4_* (the fused cells, columns known at compile time) keeps its
 * 4-row pass. */
#define RNNC_BLOCK_ROWS_32(rows) ((rows) & ~3)
#if defined(__OPTIMIZE_SIZE__) && defined(__thumb__)
#define RNNC_BLOCK_ROWS_64(rows) 0
#else
#define RNNC_BLOCK_ROWS_64(rows) ((rows) & ~3)
#endif

#define RNNC_NARROW_S32_(a) (a)
#define RNNC_NARROW_S64_(a) rnnc_rshr_sat_s64((a), (int)pre_shift)

/** int8 weights, int32 accumulator.  TS twin: matmulRows (acc "int32"). */
RNNC_PORTABLE_KERNELS_(8, int8_t, 32, int32_t, RNNC_NARROW_S32_, RNNC_DOT4_S8_S32_)
/** int8 weights, int64 accumulator narrowed by pre_shift.  TS twin: matmulRows (acc "int64"). */
RNNC_S64_KERNELS_(8, int8_t, 64, int64_t, RNNC_NARROW_S64_, RNNC_DOT4_)
/** int16 weights, int32 accumulator.  TS twin: matmulRows (acc "int32"). */
RNNC_PORTABLE_KERNELS_(16, int16_t, 32, int32_t, RNNC_NARROW_S32_, RNNC_DOT4_)
/** int16 weights, int64 accumulator narrowed by pre_shift.  TS twin: matmulRows (acc "int64"). */
RNNC_S64_KERNELS_(16, int16_t, 64, int64_t, RNNC_NARROW_S64_, RNNC_DOT4_)

/* The attention of an encoder-decoder (src/fixed/seq2seq.ts), C twins of dotWide,
 * weightedSum and argmaxS16 (src/fixed/matmul.ts, src/fixed/seq2seq.ts); the generated
 * decoders compare them with the fixed-point reference, bit for bit. */

/** sum_i a[i] * b[i] of two int16 vectors, exact in int64 (|sum| <= n * 2^30).
 *  TS twin: dotWide. */
static inline int64_t rnnc_dot_wide_s16(const int16_t *a, const int16_t *b, int32_t n) {
  int64_t acc = 0;
  int32_t i;
  for (i = 0; i < n; i++) acc += (int32_t)a[i] * (int32_t)b[i];
  return acc;
}

/** out[i] = sum_j w[j] * v[j * n + i] over T rows of n int16 values, with Q0.15 weights
 *  w[j] >= 0 from rnnc_softmax_q15: sum_j w[j] <= 2^15 + T/2, so |out[i]| < 2^31 for
 *  T <= 4096 and the int32 sums are exact.  TS twin: weightedSum. */
static inline void rnnc_weighted_sum_q15(const int16_t *w, const int16_t *v, int32_t T, int32_t n, int32_t *out) {
  int32_t i, j;
  for (i = 0; i < n; i++) out[i] = 0;
  for (j = 0; j < T; j++) {
    const int16_t *m = v + j * n;
    const int32_t wj = w[j];
    for (i = 0; i < n; i++) out[i] += wj * (int32_t)m[i];
  }
}

/** Index of the first largest of n >= 1 int16 values.  TS twin: argmaxS16. */
static inline int32_t rnnc_argmax_s16(const int16_t *v, int32_t n) {
  int32_t best = 0, i;
  for (i = 1; i < n; i++) if (v[i] > v[best]) best = i;
  return best;
}

#endif /* RNNC_KERNELS_H */
