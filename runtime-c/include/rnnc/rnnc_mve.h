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
 *
 * Portable fallback: without integer MVE (__ARM_FEATURE_MVE undefined or without bit 0:
 * an x86 or other host for unit tests, a Cortex-M4 or M33), or when RNNC_NO_INTRINSICS is
 * defined, the same kernels run in plain C99: the vector is 8 int16 lanes in a struct,
 * the predicate 16 bits (one per byte lane, as VPR.P0), and each intrinsic used (VCTP16,
 * VLDRH.S16 and VLDRB.S16 zeroing-predicated, VMLADAVA.S16 and VMLALDAVA.S16
 * predicated) is a function computing its Arm ARM definition, wrap-around included, so
 * both paths give the same integers bit for bit. Masked lanes are not read either.
 */
#ifndef RNNC_MVE_H
#define RNNC_MVE_H

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1) && !defined(RNNC_NO_INTRINSICS)
#define RNNC_MVE_HELIUM 1
#include <arm_mve.h>
#else
#define RNNC_MVE_HELIUM 0
#endif
#include "rnnc_kernels.h"

#if defined(__GNUC__)
#define RNNC_MVE_INLINE static inline __attribute__((always_inline))
#else
#define RNNC_MVE_INLINE static inline
#endif

#if RNNC_MVE_HELIUM

/* The vector and predicate types and the instructions the kernels use: the ACLE MVE
 * intrinsics. */
typedef int16x8_t rnnc_mve_s16x8;
typedef mve_pred16_t rnnc_mve_pred;
#define RNNC_MVE_VCTP16(n) vctp16q(n)
#define RNNC_MVE_VLDRH_Z_S16(p, pred) vldrhq_z_s16(p, pred)
#define RNNC_MVE_VLDRB_Z_S16(p, pred) vldrbq_z_s16(p, pred)
#define RNNC_MVE_VMLADAVA_P_S16(acc, x, y, pred) vmladavaq_p_s16(acc, x, y, pred)
#define RNNC_MVE_VMLALDAVA_P_S16(acc, x, y, pred) vmlaldavaq_p_s16(acc, x, y, pred)

#else /* portable fallback */

/** A Q register as 8 int16 lanes, lane 0 at the lowest bits. */
typedef struct {
  int16_t lane[8];
} rnnc_mve_s16x8;

/** VPR.P0: one bit per byte of the vector; 16-bit lane e is active when bit 2e is set. */
typedef uint16_t rnnc_mve_pred;

/** 1 when 16-bit lane e (0..7) is active in pred (bit 2e), else 0. */
static inline uint32_t rnnc_mve_active(rnnc_mve_pred pred, uint32_t e) {
  return ((uint32_t)pred >> (2u * e)) & 1u;
}

/** VCTP16 n: bits 2e and 2e + 1 set for every lane e < n (all 16 bits when n >= 8). */
static inline rnnc_mve_pred rnnc_mve_vctp16(uint32_t n) {
  return (rnnc_mve_pred)(n >= 8u ? 0xFFFFu : (1u << (2u * n)) - 1u);
}

/** VLDRH.S16 Qd, [p] with zeroing predicate: lane e = p[e] if active, else 0 (not read). */
static inline rnnc_mve_s16x8 rnnc_mve_vldrh_z_s16(const int16_t *p, rnnc_mve_pred pred) {
  rnnc_mve_s16x8 r;
  uint32_t e;
  for (e = 0; e < 8u; e++) r.lane[e] = rnnc_mve_active(pred, e) ? p[e] : (int16_t)0;
  return r;
}

/** VLDRB.S16 Qd, [p] with zeroing predicate: lane e = SignExtend(p[e]) if active, else 0
 *  (not read). */
static inline rnnc_mve_s16x8 rnnc_mve_vldrb_z_s16(const int8_t *p, rnnc_mve_pred pred) {
  rnnc_mve_s16x8 r;
  uint32_t e;
  for (e = 0; e < 8u; e++) r.lane[e] = rnnc_mve_active(pred, e) ? (int16_t)p[e] : (int16_t)0;
  return r;
}

/** The int32 whose two's complement bits are u, without C's implementation-defined
 *  unsigned-to-signed conversion: u - 2^32 when u >= 2^31. */
static inline int32_t rnnc_mve_s32(uint32_t u) {
  return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)(UINT32_MAX - u) - 1;
}

/** The int64 whose two's complement bits are u: u - 2^64 when u >= 2^63. */
static inline int64_t rnnc_mve_s64(uint64_t u) {
  return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(UINT64_MAX - u) - 1;
}

/** VMLADAVA.S16 Rda, Qn, Qm, predicated:
 *    result = SInt(Rda) + sum over active lanes e of SInt(Qn[e]) * SInt(Qm[e])
 *    Rda = result<31:0>   (modulo 2^32, formed in uint32; each product fits int32) */
static inline int32_t rnnc_mve_vmladava_p_s16(int32_t acc, rnnc_mve_s16x8 x, rnnc_mve_s16x8 y, rnnc_mve_pred pred) {
  uint32_t r = (uint32_t)acc;
  uint32_t e;
  for (e = 0; e < 8u; e++) {
    if (rnnc_mve_active(pred, e)) r += (uint32_t)((int32_t)x.lane[e] * (int32_t)y.lane[e]);
  }
  return rnnc_mve_s32(r);
}

/** VMLALDAVA.S16 RdaLo, RdaHi, Qn, Qm, predicated:
 *    result = SInt(RdaHi:RdaLo) + sum over active lanes e of SInt(Qn[e]) * SInt(Qm[e])
 *    RdaHi:RdaLo = result<63:0>   (modulo 2^64, formed in uint64) */
static inline int64_t rnnc_mve_vmlaldava_p_s16(int64_t acc, rnnc_mve_s16x8 x, rnnc_mve_s16x8 y, rnnc_mve_pred pred) {
  uint64_t r = (uint64_t)acc;
  uint32_t e;
  for (e = 0; e < 8u; e++) {
    if (rnnc_mve_active(pred, e)) r += (uint64_t)((int32_t)x.lane[e] * (int32_t)y.lane[e]);
  }
  return rnnc_mve_s64(r);
}

#define RNNC_MVE_VCTP16(n) rnnc_mve_vctp16(n)
#define RNNC_MVE_VLDRH_Z_S16(p, pred) rnnc_mve_vldrh_z_s16(p, pred)
#define RNNC_MVE_VLDRB_Z_S16(p, pred) rnnc_mve_vldrb_z_s16(p, pred)
#define RNNC_MVE_VMLADAVA_P_S16(acc, x, y, pred) rnnc_mve_vmladava_p_s16(acc, x, y, pred)
#define RNNC_MVE_VMLALDAVA_P_S16(acc, x, y, pred) rnnc_mve_vmlaldava_p_s16(acc, x, y, pred)

#endif /* RNNC_MVE_HELIUM */

/** One block of 4 rows (int8 weights, row-major, 4 * cols entries at w), int32 accumulators. */
RNNC_MVE_INLINE void rnnc_mve_block4_s8_s32(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  int32_t a0 = RNNC_BIAS(bias, 0), a1 = RNNC_BIAS(bias, 1), a2 = RNNC_BIAS(bias, 2), a3 = RNNC_BIAS(bias, 3);
  int32_t k;
  (void)pre_shift;
  for (k = 0; k < cols; k += 8) {
    rnnc_mve_pred p = RNNC_MVE_VCTP16((uint32_t)(cols - k));
    rnnc_mve_s16x8 x = RNNC_MVE_VLDRH_Z_S16(v + k, p);
    a0 = RNNC_MVE_VMLADAVA_P_S16(a0, RNNC_MVE_VLDRB_Z_S16(w + k, p), x, p);
    a1 = RNNC_MVE_VMLADAVA_P_S16(a1, RNNC_MVE_VLDRB_Z_S16(w + cols + k, p), x, p);
    a2 = RNNC_MVE_VMLADAVA_P_S16(a2, RNNC_MVE_VLDRB_Z_S16(w + 2 * cols + k, p), x, p);
    a3 = RNNC_MVE_VMLADAVA_P_S16(a3, RNNC_MVE_VLDRB_Z_S16(w + 3 * cols + k, p), x, p);
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
  for (r = 0; r < full; r += 4) rnnc_mve_block4_s8_s32(w + r * cols, RNNC_BIAS_AT(bias, r), mult + r, shift + r, pre_shift, v, cols, out + r);
  for (r = full; r < rows; r++) {
    const int8_t *row = w + r * cols;
    int32_t a = RNNC_BIAS(bias, r);
    for (k = 0; k < cols; k += 8) {
      rnnc_mve_pred p = RNNC_MVE_VCTP16((uint32_t)(cols - k));
      a = RNNC_MVE_VMLADAVA_P_S16(a, RNNC_MVE_VLDRB_Z_S16(row + k, p), RNNC_MVE_VLDRH_Z_S16(v + k, p), p);
    }
    out[r] = rnnc_requant_s32(a, mult[r], shift[r]);
  }
}

/** One block of 4 rows (int8 weights, row-major, 4 * cols entries at w), int64 accumulators. */
RNNC_MVE_INLINE void rnnc_mve_block4_s8_s64(const int8_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  int64_t a0 = RNNC_BIAS(bias, 0), a1 = RNNC_BIAS(bias, 1), a2 = RNNC_BIAS(bias, 2), a3 = RNNC_BIAS(bias, 3);
  int32_t k;
  for (k = 0; k < cols; k += 8) {
    rnnc_mve_pred p = RNNC_MVE_VCTP16((uint32_t)(cols - k));
    rnnc_mve_s16x8 x = RNNC_MVE_VLDRH_Z_S16(v + k, p);
    a0 = RNNC_MVE_VMLALDAVA_P_S16(a0, RNNC_MVE_VLDRB_Z_S16(w + k, p), x, p);
    a1 = RNNC_MVE_VMLALDAVA_P_S16(a1, RNNC_MVE_VLDRB_Z_S16(w + cols + k, p), x, p);
    a2 = RNNC_MVE_VMLALDAVA_P_S16(a2, RNNC_MVE_VLDRB_Z_S16(w + 2 * cols + k, p), x, p);
    a3 = RNNC_MVE_VMLALDAVA_P_S16(a3, RNNC_MVE_VLDRB_Z_S16(w + 3 * cols + k, p), x, p);
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
  for (r = 0; r < full; r += 4) rnnc_mve_block4_s8_s64(w + r * cols, RNNC_BIAS_AT(bias, r), mult + r, shift + r, pre_shift, v, cols, out + r);
  for (r = full; r < rows; r++) {
    const int8_t *row = w + r * cols;
    int64_t a = RNNC_BIAS(bias, r);
    for (k = 0; k < cols; k += 8) {
      rnnc_mve_pred p = RNNC_MVE_VCTP16((uint32_t)(cols - k));
      a = RNNC_MVE_VMLALDAVA_P_S16(a, RNNC_MVE_VLDRB_Z_S16(row + k, p), RNNC_MVE_VLDRH_Z_S16(v + k, p), p);
    }
    out[r] = rnnc_requant_s32(rnnc_rshr_sat_s64(a, (int)pre_shift), mult[r], shift[r]);
  }
}

/** One block of 4 rows (int16 weights, row-major, 4 * cols entries at w), int32 accumulators. */
RNNC_MVE_INLINE void rnnc_mve_block4_s16_s32(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  int32_t a0 = RNNC_BIAS(bias, 0), a1 = RNNC_BIAS(bias, 1), a2 = RNNC_BIAS(bias, 2), a3 = RNNC_BIAS(bias, 3);
  int32_t k;
  (void)pre_shift;
  for (k = 0; k < cols; k += 8) {
    rnnc_mve_pred p = RNNC_MVE_VCTP16((uint32_t)(cols - k));
    rnnc_mve_s16x8 x = RNNC_MVE_VLDRH_Z_S16(v + k, p);
    a0 = RNNC_MVE_VMLADAVA_P_S16(a0, RNNC_MVE_VLDRH_Z_S16(w + k, p), x, p);
    a1 = RNNC_MVE_VMLADAVA_P_S16(a1, RNNC_MVE_VLDRH_Z_S16(w + cols + k, p), x, p);
    a2 = RNNC_MVE_VMLADAVA_P_S16(a2, RNNC_MVE_VLDRH_Z_S16(w + 2 * cols + k, p), x, p);
    a3 = RNNC_MVE_VMLADAVA_P_S16(a3, RNNC_MVE_VLDRH_Z_S16(w + 3 * cols + k, p), x, p);
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
  for (r = 0; r < full; r += 4) rnnc_mve_block4_s16_s32(w + r * cols, RNNC_BIAS_AT(bias, r), mult + r, shift + r, pre_shift, v, cols, out + r);
  for (r = full; r < rows; r++) {
    const int16_t *row = w + r * cols;
    int32_t a = RNNC_BIAS(bias, r);
    for (k = 0; k < cols; k += 8) {
      rnnc_mve_pred p = RNNC_MVE_VCTP16((uint32_t)(cols - k));
      a = RNNC_MVE_VMLADAVA_P_S16(a, RNNC_MVE_VLDRH_Z_S16(row + k, p), RNNC_MVE_VLDRH_Z_S16(v + k, p), p);
    }
    out[r] = rnnc_requant_s32(a, mult[r], shift[r]);
  }
}

/** One block of 4 rows (int16 weights, row-major, 4 * cols entries at w), int64 accumulators. */
RNNC_MVE_INLINE void rnnc_mve_block4_s16_s64(const int16_t *w, const int32_t *bias, const int32_t *mult,
                                             const uint8_t *shift, int32_t pre_shift, const int16_t *v,
                                             int32_t cols, int32_t *out) {
  int64_t a0 = RNNC_BIAS(bias, 0), a1 = RNNC_BIAS(bias, 1), a2 = RNNC_BIAS(bias, 2), a3 = RNNC_BIAS(bias, 3);
  int32_t k;
  for (k = 0; k < cols; k += 8) {
    rnnc_mve_pred p = RNNC_MVE_VCTP16((uint32_t)(cols - k));
    rnnc_mve_s16x8 x = RNNC_MVE_VLDRH_Z_S16(v + k, p);
    a0 = RNNC_MVE_VMLALDAVA_P_S16(a0, RNNC_MVE_VLDRH_Z_S16(w + k, p), x, p);
    a1 = RNNC_MVE_VMLALDAVA_P_S16(a1, RNNC_MVE_VLDRH_Z_S16(w + cols + k, p), x, p);
    a2 = RNNC_MVE_VMLALDAVA_P_S16(a2, RNNC_MVE_VLDRH_Z_S16(w + 2 * cols + k, p), x, p);
    a3 = RNNC_MVE_VMLALDAVA_P_S16(a3, RNNC_MVE_VLDRH_Z_S16(w + 3 * cols + k, p), x, p);
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
  for (r = 0; r < full; r += 4) rnnc_mve_block4_s16_s64(w + r * cols, RNNC_BIAS_AT(bias, r), mult + r, shift + r, pre_shift, v, cols, out + r);
  for (r = full; r < rows; r++) {
    const int16_t *row = w + r * cols;
    int64_t a = RNNC_BIAS(bias, r);
    for (k = 0; k < cols; k += 8) {
      rnnc_mve_pred p = RNNC_MVE_VCTP16((uint32_t)(cols - k));
      a = RNNC_MVE_VMLALDAVA_P_S16(a, RNNC_MVE_VLDRH_Z_S16(row + k, p), RNNC_MVE_VLDRH_Z_S16(v + k, p), p);
    }
    out[r] = rnnc_requant_s32(rnnc_rshr_sat_s64(a, (int)pre_shift), mult[r], shift[r]);
  }
}

#endif /* RNNC_MVE_H */
