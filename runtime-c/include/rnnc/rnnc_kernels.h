/* rnnc runtime: portable matrix-product kernels, the C twins of matmulRows in
 * src/fixed/matmul.ts. Per row r of a row-major rows x cols weight matrix:
 *   acc_r   = bias[r] + sum_k W[r,k] * v[k]          (int32, or int64 for the _s64 kernels;
 *                                                     bias NULL: no bias, acc_r starts at 0)
 *   acc32_r = acc_r, or rnnc_rshr_sat_s64(acc_r, pre_shift)
 *   out[r]  = rnnc_requant_s32(acc32_r, mult[r], shift[r])
 * The code generator picks int32 kernels only where the compile-time bound
 * sum_k |W[r,k]| * 32768 + |bias[r]| fits int32, so no accumulator ever wraps.
 * Weight formats: _s8 (int8) and _s16 (int16); inputs are int16.
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

/** int8 weights, int32 accumulator.  TS twin: matmulRows (acc "int32"). */
static inline void rnnc_matmul_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                      const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                      int32_t rows, int32_t cols, int32_t *out) {
  int32_t r, k;
  (void)pre_shift;
  for (r = 0; r < rows; r++) {
    const int8_t *row = w + r * cols;
    int32_t acc = RNNC_BIAS(bias, r);
    for (k = 0; k < cols; k++) acc += (int32_t)row[k] * (int32_t)v[k];
    out[r] = rnnc_requant_s32(acc, mult[r], shift[r]);
  }
}

/** int8 weights, int64 accumulator narrowed by pre_shift.  TS twin: matmulRows (acc "int64"). */
static inline void rnnc_matmul_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                      const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                      int32_t rows, int32_t cols, int32_t *out) {
  int32_t r, k;
  for (r = 0; r < rows; r++) {
    const int8_t *row = w + r * cols;
    int64_t acc = RNNC_BIAS(bias, r);
    for (k = 0; k < cols; k++) acc += (int32_t)row[k] * (int32_t)v[k];
    out[r] = rnnc_requant_s32(rnnc_rshr_sat_s64(acc, (int)pre_shift), mult[r], shift[r]);
  }
}

/** int16 weights, int32 accumulator.  TS twin: matmulRows (acc "int32"). */
static inline void rnnc_matmul_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                       const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                       int32_t rows, int32_t cols, int32_t *out) {
  int32_t r, k;
  (void)pre_shift;
  for (r = 0; r < rows; r++) {
    const int16_t *row = w + r * cols;
    int32_t acc = RNNC_BIAS(bias, r);
    for (k = 0; k < cols; k++) acc += (int32_t)row[k] * (int32_t)v[k];
    out[r] = rnnc_requant_s32(acc, mult[r], shift[r]);
  }
}

/** int16 weights, int64 accumulator narrowed by pre_shift.  TS twin: matmulRows (acc "int64"). */
static inline void rnnc_matmul_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                       const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                       int32_t rows, int32_t cols, int32_t *out) {
  int32_t r, k;
  for (r = 0; r < rows; r++) {
    const int16_t *row = w + r * cols;
    int64_t acc = RNNC_BIAS(bias, r);
    for (k = 0; k < cols; k++) acc += (int32_t)row[k] * (int32_t)v[k];
    out[r] = rnnc_requant_s32(rnnc_rshr_sat_s64(acc, (int)pre_shift), mult[r], shift[r]);
  }
}

/* Blocks of 4 rows (4 * cols weights at w) for the fused LSTM/GRU steps, which compute
 * the gates of one unit (or a group of units) at a time instead of whole-layer gate
 * arrays: the same products as above, so the same results. */
static inline void rnnc_block4_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult, const uint8_t *shift,
                                      int32_t pre_shift, const int16_t *v, int32_t cols, int32_t *out) {
  rnnc_matmul_s8_s32(w, bias, mult, shift, pre_shift, v, 4, cols, out);
}

static inline void rnnc_block4_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult, const uint8_t *shift,
                                      int32_t pre_shift, const int16_t *v, int32_t cols, int32_t *out) {
  rnnc_matmul_s8_s64(w, bias, mult, shift, pre_shift, v, 4, cols, out);
}

static inline void rnnc_block4_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult, const uint8_t *shift,
                                       int32_t pre_shift, const int16_t *v, int32_t cols, int32_t *out) {
  rnnc_matmul_s16_s32(w, bias, mult, shift, pre_shift, v, 4, cols, out);
}

static inline void rnnc_block4_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult, const uint8_t *shift,
                                       int32_t pre_shift, const int16_t *v, int32_t cols, int32_t *out) {
  rnnc_matmul_s16_s64(w, bias, mult, shift, pre_shift, v, 4, cols, out);
}

#endif /* RNNC_KERNELS_H */
