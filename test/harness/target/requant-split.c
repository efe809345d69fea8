/*
 * rnnc_mul_hi_s32 (the high word of a * m from 16-bit halves) and rnnc_requant_s32 on the
 * split path (RNNC_SPLIT_MUL: the default on Armv6-M, forced elsewhere by -DRNNC_SPLIT_MUL)
 * against the int64 product they replace: every pair of edge operands (a around 0, +-2^15,
 * +-2^16, +-2^31; m = 0 and around 2^15, 2^16, 2^30, 2^31 - 1) and xorshift32 pseudo-random
 * ones (m over [0, 2^31) and over the contract's [2^30, 2^31)), requantization at every
 * shift 1..62. Builds for the host and for every board (no board API needed: prints with
 * printf, returns the verdict). Prints
 *   split <what> <checks> <mismatches>
 * per check, the first mismatches, then "split total <checks> <mismatches>"; exit 0 only
 * when there are none.
 */
#include <stdio.h>
#include <stdint.h>
#include "rnnc_fixed.h"

#ifndef RNNC_SPLIT_MUL
#error "RNNC_SPLIT_MUL is not defined: the split path is not the one compiled"
#endif
#ifndef CASES
#define CASES 200000L
#endif

static uint32_t rng_state = 0x9E3779B9u;
static long checks, mismatches, shown;

/* xorshift32 */
static uint32_t next(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static const int32_t A_EDGES[] = { 0, 1, -1, 2, -2, 32767, -32767, 32768, -32768, 32769, -32769, 65535, -65535, 65536, -65536,
                                   65537, -65537, 0x7FFF0000, -0x7FFF0000, 0x12345678, -0x12345678, 1073741823, -1073741824,
                                   2147483646, -2147483647, 2147483647, (-2147483647 - 1) };
static const int32_t M_EDGES[] = { 0, 1, 32767, 32768, 65535, 65536, 65537, 0x7FFF, 0xFFFF, 0x10000, 1073741824, 1073741825,
                                   1518500250, 0x7FFF0000, 0x7FFF8000, 0x7FFFFFFF, 0x4000FFFF, 0x7FFEFFFF };
#define N_A (sizeof A_EDGES / sizeof A_EDGES[0])
#define N_M (sizeof M_EDGES / sizeof M_EDGES[0])

/* The reference: the int64 product (__aeabi_lmul on Armv6-M). */
static int32_t hi_ref(int32_t a, int32_t m) {
  return (int32_t)(((int64_t)a * (int64_t)m) >> 32);
}

static int32_t requant_ref(int32_t acc, int32_t m, int t) {
  int64_t p = (int64_t)acc * (int64_t)m;
  return rnnc_sat_s32((p >> t) + ((p >> (t - 1)) & 1));
}

static void check_hi(const char *what, int32_t a, int32_t m) {
  int32_t got = rnnc_mul_hi_s32(a, m), want = hi_ref(a, m);
  checks++;
  if (got != want) {
    mismatches++;
    if (shown++ < 10) printf("MISMATCH %s a=%ld m=%ld got %ld want %ld\n", what, (long)a, (long)m, (long)got, (long)want);
  }
}

static void check_requant(const char *what, int32_t a, int32_t m, int t) {
  int32_t got = rnnc_requant_s32(a, m, t), want = requant_ref(a, m, t);
  checks++;
  if (got != want) {
    mismatches++;
    if (shown++ < 10) printf("MISMATCH %s acc=%ld m=%ld t=%d got %ld want %ld\n", what, (long)a, (long)m, t, (long)got, (long)want);
  }
}

static void report(const char *what, long c0, long m0) {
  printf("split %s %ld %ld\n", what, checks - c0, mismatches - m0);
}

int main(void) {
  long c0, m0, i;
  size_t ia, im;
  int t;

  c0 = checks; m0 = mismatches;
  for (ia = 0; ia < N_A; ia++)
    for (im = 0; im < N_M; im++) check_hi("mul_hi edges", A_EDGES[ia], M_EDGES[im]);
  for (i = 0; i < CASES; i++) {
    check_hi("mul_hi random", (int32_t)next(), (int32_t)(next() & 0x7FFFFFFFu));
    check_hi("mul_hi random", (int32_t)next(), (int32_t)(0x40000000u | (next() & 0x3FFFFFFFu)));
    check_hi("mul_hi random", (int32_t)next() >> (next() & 31), (int32_t)((next() & 0x7FFFFFFFu) >> (next() & 31)));
  }
  report("mul_hi", c0, m0);

  c0 = checks; m0 = mismatches;
  for (ia = 0; ia < N_A; ia++)
    for (im = 0; im < N_M; im++) {
      int32_t m = M_EDGES[im];
      if (m != 0 && m < 1073741824) continue; /* the contract: m in [2^30, 2^31) or 0 */
      for (t = 1; t <= 62; t++) check_requant("requant edges", A_EDGES[ia], m, t);
    }
  for (i = 0; i < CASES / 4; i++) {
    int32_t m = (next() & 63u) == 0 ? 0 : (int32_t)(0x40000000u | (next() & 0x3FFFFFFFu));
    int32_t a = (int32_t)next() >> (next() & 31);
    for (t = 1; t <= 62; t += 1 + (int)(next() & 7)) check_requant("requant random", a, m, t);
  }
  report("requant", c0, m0);

  printf("split total %ld %ld\n", checks, mismatches);
  return mismatches == 0 ? 0 : 1;
}
