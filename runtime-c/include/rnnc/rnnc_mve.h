/* rnnc runtime: matrix-product kernels for Armv8.1-M with Helium (MVE, Cortex-M55).
 * Same signature and same integers as the portable kernels of rnnc_kernels.h (TS twin:
 * matmulRows in src/fixed/matmul.ts). Weights are row-major as for the portable
 * kernels (fused cells order the rows unit by unit, src/codegen/pack.ts).
 *
 * Per 8 columns: the int16 inputs (VLDRH), each row's weights widened to int16 (VLDRB.S16
 * for int8, VLDRH for int16), and VMLADAVA (int32) or VMLALDAVA (int64) adds the 8
 * products to the row's accumulator. The last, partial chunk is predicated (VCTP16):
 * masked lanes are neither loaded nor added, so no padding is needed.
 *
 * Exactness: VMLADAVA sums modulo 2^32; the generator picks int32 kernels only where
 * sum |W| * 32768 + |bias| < 2^31, so the wrapped result is the exact one. VMLALDAVA
 * accumulates in int64.
 */
#ifndef RNNC_MVE_H
#define RNNC_MVE_H

#include <arm_mve.h>
#include "rnnc_kernels.h"

#if !defined(__ARM_FEATURE_MVE)
#error "rnnc_mve.h needs Helium (MVE): Cortex-M55 or later"
#endif

#if defined(__GNUC__)
#define RNNC_MVE_INLINE static inline __attribute__((always_inline))
#else
#define RNNC_MVE_INLINE static inline
#endif

/** One block of 4 rows (int8 weights, row-major, 4 * cols entries at w), int32 accumulators. */
RNNC_MVE_INLINE void rnnc_mve_block4_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
  int32_t k;
  (void)pre_shift;
  for (k = 0; k < cols; k += 8) {
    mve_pred16_t p = vctp16q((uint32_t)(cols - k));
    int16x8_t x = vldrhq_z_s16(v + k, p);
    a0 = vmladavaq_p_s16(a0, vldrbq_z_s16(w + k, p), x, p);
    a1 = vmladavaq_p_s16(a1, vldrbq_z_s16(w + cols + k, p), x, p);
    a2 = vmladavaq_p_s16(a2, vldrbq_z_s16(w + 2 * cols + k, p), x, p);
    a3 = vmladavaq_p_s16(a3, vldrbq_z_s16(w + 3 * cols + k, p), x, p);
  }
  out[0] = rnnc_requant_s32(a0, mult[0], shift[0]);
  out[1] = rnnc_requant_s32(a1, mult[1], shift[1]);
  out[2] = rnnc_requant_s32(a2, mult[2], shift[2]);
  out[3] = rnnc_requant_s32(a3, mult[3], shift[3]);
}

/** int8 weights (row-major), int32 accumulator. */
static inline void rnnc_mve_matmul_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                           const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                           int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3;
  int32_t r, k;
  for (r = 0; r < full; r += 4) rnnc_mve_block4_s8_s32(w + r * cols, bias + r, mult + r, shift + r, pre_shift, v, cols, out + r);
  for (r = full; r < rows; r++) {
    const int8_t *row = w + r * cols;
    int32_t a = bias[r];
    for (k = 0; k < cols; k += 8) {
      mve_pred16_t p = vctp16q((uint32_t)(cols - k));
      a = vmladavaq_p_s16(a, vldrbq_z_s16(row + k, p), vldrhq_z_s16(v + k, p), p);
    }
    out[r] = rnnc_requant_s32(a, mult[r], shift[r]);
  }
}

/** One block of 4 rows (int8 weights, row-major, 4 * cols entries at w), int64 accumulators. */
RNNC_MVE_INLINE void rnnc_mve_block4_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  int64_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
  int32_t k;
  for (k = 0; k < cols; k += 8) {
    mve_pred16_t p = vctp16q((uint32_t)(cols - k));
    int16x8_t x = vldrhq_z_s16(v + k, p);
    a0 = vmlaldavaq_p_s16(a0, vldrbq_z_s16(w + k, p), x, p);
    a1 = vmlaldavaq_p_s16(a1, vldrbq_z_s16(w + cols + k, p), x, p);
    a2 = vmlaldavaq_p_s16(a2, vldrbq_z_s16(w + 2 * cols + k, p), x, p);
    a3 = vmlaldavaq_p_s16(a3, vldrbq_z_s16(w + 3 * cols + k, p), x, p);
  }
  out[0] = rnnc_requant_s32(rnnc_rshr_sat_s64(a0, (int)pre_shift), mult[0], shift[0]);
  out[1] = rnnc_requant_s32(rnnc_rshr_sat_s64(a1, (int)pre_shift), mult[1], shift[1]);
  out[2] = rnnc_requant_s32(rnnc_rshr_sat_s64(a2, (int)pre_shift), mult[2], shift[2]);
  out[3] = rnnc_requant_s32(rnnc_rshr_sat_s64(a3, (int)pre_shift), mult[3], shift[3]);
}

/** int8 weights (row-major), int64 accumulator narrowed by pre_shift. */
static inline void rnnc_mve_matmul_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                           const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                           int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3;
  int32_t r, k;
  for (r = 0; r < full; r += 4) rnnc_mve_block4_s8_s64(w + r * cols, bias + r, mult + r, shift + r, pre_shift, v, cols, out + r);
  for (r = full; r < rows; r++) {
    const int8_t *row = w + r * cols;
    int64_t a = bias[r];
    for (k = 0; k < cols; k += 8) {
      mve_pred16_t p = vctp16q((uint32_t)(cols - k));
      a = vmlaldavaq_p_s16(a, vldrbq_z_s16(row + k, p), vldrhq_z_s16(v + k, p), p);
    }
    out[r] = rnnc_requant_s32(rnnc_rshr_sat_s64(a, (int)pre_shift), mult[r], shift[r]);
  }
}

/** One block of 4 rows (int16 weights, row-major, 4 * cols entries at w), int32 accumulators. */
RNNC_MVE_INLINE void rnnc_mve_block4_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
  int32_t k;
  (void)pre_shift;
  for (k = 0; k < cols; k += 8) {
    mve_pred16_t p = vctp16q((uint32_t)(cols - k));
    int16x8_t x = vldrhq_z_s16(v + k, p);
    a0 = vmladavaq_p_s16(a0, vldrhq_z_s16(w + k, p), x, p);
    a1 = vmladavaq_p_s16(a1, vldrhq_z_s16(w + cols + k, p), x, p);
    a2 = vmladavaq_p_s16(a2, vldrhq_z_s16(w + 2 * cols + k, p), x, p);
    a3 = vmladavaq_p_s16(a3, vldrhq_z_s16(w + 3 * cols + k, p), x, p);
  }
  out[0] = rnnc_requant_s32(a0, mult[0], shift[0]);
  out[1] = rnnc_requant_s32(a1, mult[1], shift[1]);
  out[2] = rnnc_requant_s32(a2, mult[2], shift[2]);
  out[3] = rnnc_requant_s32(a3, mult[3], shift[3]);
}

/** int16 weights (row-major), int32 accumulator. */
static inline void rnnc_mve_matmul_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                           const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                           int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3;
  int32_t r, k;
  for (r = 0; r < full; r += 4) rnnc_mve_block4_s16_s32(w + r * cols, bias + r, mult + r, shift + r, pre_shift, v, cols, out + r);
  for (r = full; r < rows; r++) {
    const int16_t *row = w + r * cols;
    int32_t a = bias[r];
    for (k = 0; k < cols; k += 8) {
      mve_pred16_t p = vctp16q((uint32_t)(cols - k));
      a = vmladavaq_p_s16(a, vldrhq_z_s16(row + k, p), vldrhq_z_s16(v + k, p), p);
    }
    out[r] = rnnc_requant_s32(a, mult[r], shift[r]);
  }
}

/** One block of 4 rows (int16 weights, row-major, 4 * cols entries at w), int64 accumulators. */
RNNC_MVE_INLINE void rnnc_mve_block4_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  int64_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
  int32_t k;
  for (k = 0; k < cols; k += 8) {
    mve_pred16_t p = vctp16q((uint32_t)(cols - k));
    int16x8_t x = vldrhq_z_s16(v + k, p);
    a0 = vmlaldavaq_p_s16(a0, vldrhq_z_s16(w + k, p), x, p);
    a1 = vmlaldavaq_p_s16(a1, vldrhq_z_s16(w + cols + k, p), x, p);
    a2 = vmlaldavaq_p_s16(a2, vldrhq_z_s16(w + 2 * cols + k, p), x, p);
    a3 = vmlaldavaq_p_s16(a3, vldrhq_z_s16(w + 3 * cols + k, p), x, p);
  }
  out[0] = rnnc_requant_s32(rnnc_rshr_sat_s64(a0, (int)pre_shift), mult[0], shift[0]);
  out[1] = rnnc_requant_s32(rnnc_rshr_sat_s64(a1, (int)pre_shift), mult[1], shift[1]);
  out[2] = rnnc_requant_s32(rnnc_rshr_sat_s64(a2, (int)pre_shift), mult[2], shift[2]);
  out[3] = rnnc_requant_s32(rnnc_rshr_sat_s64(a3, (int)pre_shift), mult[3], shift[3]);
}

/** int16 weights (row-major), int64 accumulator narrowed by pre_shift. */
static inline void rnnc_mve_matmul_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                           const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                           int32_t rows, int32_t cols, int32_t *out) {
  const int32_t full = rows & ~3;
  int32_t r, k;
  for (r = 0; r < full; r += 4) rnnc_mve_block4_s16_s64(w + r * cols, bias + r, mult + r, shift + r, pre_shift, v, cols, out + r);
  for (r = full; r < rows; r++) {
    const int16_t *row = w + r * cols;
    int64_t a = bias[r];
    for (k = 0; k < cols; k += 8) {
      mve_pred16_t p = vctp16q((uint32_t)(cols - k));
      a = vmlaldavaq_p_s16(a, vldrhq_z_s16(row + k, p), vldrhq_z_s16(v + k, p), p);
    }
    out[r] = rnnc_requant_s32(rnnc_rshr_sat_s64(a, (int)pre_shift), mult[r], shift[r]);
  }
}

#endif /* RNNC_MVE_H */
