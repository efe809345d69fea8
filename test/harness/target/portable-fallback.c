/*
 * The portable fallbacks of the runtime against the instructions they replace, on a core
 * that has both (Cortex-M55: DSP extension and Helium). Built with RNNC_NO_INTRINSICS, so
 * rnnc_dsp.h, rnnc_mve.h and rnnc_fixed.h give their plain C; the reference is the ACLE
 * intrinsic (or the instruction itself) on the same operands. Edge operands (0, +-1,
 * INT16/INT32 limits, sums that wrap) and xorshift32 pseudo-random ones, random
 * predicates too (not only the VCTP16 ones the kernels use). Prints
 *   fallback <op> <checks> <mismatches>
 * per op, the first mismatches, and exits 0 only when there are none.
 */
#ifndef RNNC_NO_INTRINSICS
#error "build with -DRNNC_NO_INTRINSICS: this program compares the fallbacks with the instructions"
#endif
#if !defined(__ARM_FEATURE_DSP) || !defined(__ARM_FEATURE_MVE)
#error "build for a core with the DSP extension and MVE (cortex-m55)"
#endif

#include <stdio.h>
#include <string.h>
#include <arm_acle.h>
#include <arm_mve.h>
#include "rnnc_dsp.h"
#include "rnnc_mve.h"

#define CASES 4000

static uint32_t rng_state = 0x2545F491u;
static long checks, mismatches, shown;

/* xorshift32 */
static uint32_t next(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static const uint32_t EDGES[] = { 0x00000000u, 0x00000001u, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0x80008000u,
                                  0x7FFF7FFFu, 0x80007FFFu, 0x7FFF8000u, 0x00008000u, 0x80000001u, 0x807F7F80u,
                                  0x7F807F80u, 0x01000100u, 0xFF80FF80u, 0x40004000u };
#define NEDGES ((int)(sizeof EDGES / sizeof EDGES[0]))

/* Operand i of a run: every pair of edge values first, then random words. */
static uint32_t operand(int i, int which) {
  if (i < NEDGES * NEDGES) return EDGES[which == 0 ? i / NEDGES : i % NEDGES];
  return next();
}

static int32_t s32(uint32_t u) {
  int32_t v;
  memcpy(&v, &u, 4);
  return v;
}

static void check(const char *op, int i, uint64_t got, uint64_t want) {
  checks++;
  if (got == want) return;
  mismatches++;
  if (shown++ < 10) {
    printf("MISMATCH %s case %d: fallback 0x%08lx%08lx, instruction 0x%08lx%08lx\n", op, i, (unsigned long)(got >> 32),
           (unsigned long)(got & 0xFFFFFFFFu), (unsigned long)(want >> 32), (unsigned long)(want & 0xFFFFFFFFu));
  }
}

static void report(const char *op, long before_checks, long before_mismatches) {
  printf("fallback %s %ld %ld\n", op, checks - before_checks, mismatches - before_mismatches);
}

static int32_t hw_sxtb16_ror8(int32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

/* SSAT #16 (the __ssat macro of gcc 12 trips -Wsign-conversion). */
static int32_t hw_ssat16(int32_t x) {
  int32_t r;
  __asm__("ssat %0, #16, %1" : "=r"(r) : "r"(x));
  return r;
}

static void dsp_ops(void) {
  int i;
  long c, m;
  c = checks, m = mismatches;
  for (i = 0; i < CASES; i++) {
    const int32_t x = s32(operand(i, 0));
    check("sxtb16", i, (uint32_t)rnnc_dsp_sxtb16(x), (uint32_t)__sxtb16(x));
    check("sxtb16_ror8", i, (uint32_t)rnnc_dsp_sxtb16_ror8(x), (uint32_t)hw_sxtb16_ror8(x));
  }
  report("sxtb16", c, m);
  c = checks, m = mismatches;
  for (i = 0; i < CASES; i++) {
    const int32_t x = s32(operand(i, 0)), y = s32(operand(i, 1)), acc = s32(i % 3 == 0 ? EDGES[i % NEDGES] : next());
    check("smlad", i, (uint32_t)rnnc_dsp_smlad(x, y, acc), (uint32_t)__smlad(x, y, acc));
  }
  report("smlad", c, m);
  c = checks, m = mismatches;
  for (i = 0; i < CASES; i++) {
    const int32_t x = s32(operand(i, 0)), y = s32(operand(i, 1));
    const uint64_t edge64[] = { 0u, 0x7FFFFFFFFFFFFFFFu, 0x8000000000000000u, 0xFFFFFFFFFFFFFFFFu, 0x000000007FFFFFFFu };
    uint64_t a = i % 4 == 0 ? edge64[(i / 4) % 5] : ((uint64_t)next() << 32 | next());
    int64_t acc;
    memcpy(&acc, &a, 8);
    check("smlald", i, (uint64_t)rnnc_dsp_smlald(x, y, acc), (uint64_t)__smlald(x, y, acc));
  }
  report("smlald", c, m);
  c = checks, m = mismatches;
  for (i = 0; i < CASES; i++) {
    int8_t b[4];
    int16_t h[2];
    int32_t word;
    const uint32_t u = operand(i, 0);
    memcpy(b, &u, 4);
    memcpy(h, &u, 4);
    memcpy(&word, &u, 4); /* what LDR reads on this (little-endian) core */
    check("ld_s8x4", i, (uint32_t)rnnc_dsp_ld_s8x4(b), (uint32_t)word);
    check("ld_s16x2", i, (uint32_t)rnnc_dsp_ld_s16x2(h), (uint32_t)word);
  }
  report("ld", c, m);
  c = checks, m = mismatches;
  for (i = 0; i < CASES; i++) {
    const int32_t x = s32(operand(i, 0)), y = s32(operand(i, 1));
    {
      const int32_t f = rnnc_sat_s16(x);
      check("ssat16", i, (uint32_t)f, (uint32_t)hw_ssat16(x));
    }
    check("qadd", i, (uint32_t)rnnc_add_sat_s32(x, y), (uint32_t)__qadd(x, y));
  }
  report("ssat_qadd", c, m);
}

static void mve_ops(void) {
  int i, e;
  long c, m;
  int16_t h[8], out[8];
  int8_t b[8];
  c = checks, m = mismatches;
  for (i = 0; i < 40; i++) {
    const uint32_t n = i < 20 ? (uint32_t)i : next();
    check("vctp16", i, rnnc_mve_vctp16(n), vctp16q(n));
  }
  report("vctp16", c, m);
  c = checks, m = mismatches;
  for (i = 0; i < CASES; i++) {
    /* Half the predicates from VCTP16, half any 16 bits (odd bits alone included). */
    const mve_pred16_t p = (mve_pred16_t)(i % 2 == 0 ? vctp16q((uint32_t)(i / 2) % 10u) : next() & 0xFFFFu);
    rnnc_mve_s16x8 fx, fy;
    int16x8_t hx, hy;
    uint32_t acc = operand(i, 0);
    for (e = 0; e < 8; e++) {
      const uint32_t r = e < 4 && i < NEDGES * NEDGES ? operand(i, e & 1) : next();
      memcpy(&h[e], &r, 2);
      memcpy(&b[e], &r, 1);
    }
    fx = rnnc_mve_vldrh_z_s16(h, p);
    hx = vldrhq_z_s16(h, p);
    vstrhq_s16(out, hx);
    for (e = 0; e < 8; e++) check("vldrh_z_s16", i, (uint16_t)fx.lane[e], (uint16_t)out[e]);
    fy = rnnc_mve_vldrb_z_s16(b, p);
    hy = vldrbq_z_s16(b, p);
    vstrhq_s16(out, hy);
    for (e = 0; e < 8; e++) check("vldrb_z_s16", i, (uint16_t)fy.lane[e], (uint16_t)out[e]);
    /* Full vectors for the sums, so the predicate of the sum itself decides the lanes. */
    fx = rnnc_mve_vldrh_z_s16(h, 0xFFFF);
    hx = vldrhq_z_s16(h, 0xFFFF);
    for (e = 0; e < 8; e++) {
      const uint32_t r = next();
      memcpy(&h[e], &r, 2);
    }
    if (i < 64) { /* extreme lanes: every product 2^30, sums far beyond int32 */
      for (e = 0; e < 8; e++) h[e] = INT16_MIN;
      fx = rnnc_mve_vldrh_z_s16(h, 0xFFFF);
      hx = vldrhq_z_s16(h, 0xFFFF);
    }
    fy = rnnc_mve_vldrh_z_s16(h, 0xFFFF);
    hy = vldrhq_z_s16(h, 0xFFFF);
    check("vmladava_p_s16", i, (uint32_t)rnnc_mve_vmladava_p_s16(s32(acc), fx, fy, p), (uint32_t)vmladavaq_p_s16(s32(acc), hx, hy, p));
    {
      uint64_t a = (uint64_t)next() << 32 | next();
      int64_t acc64;
      if (i % 8 == 1) a = 0x7FFFFFFFFFFFFFFFu;
      if (i % 8 == 3) a = 0x8000000000000000u;
      memcpy(&acc64, &a, 8);
      check("vmlaldava_p_s16", i, (uint64_t)rnnc_mve_vmlaldava_p_s16(acc64, fx, fy, p), (uint64_t)vmlaldavaq_p_s16(acc64, hx, hy, p));
    }
  }
  report("mve", c, m);
}

int main(void) {
  dsp_ops();
  mve_ops();
  printf("fallback total %ld %ld\n", checks, mismatches);
  return mismatches == 0 ? 0 : 1;
}
