/*
 * The fused LSTM step's helpers of rnnc_dsp.h (rnnc_dsp_requant_row, rnnc_dsp_sigmoid_q15,
 * rnnc_dsp_tanh_q15, rnnc_dsp_rescale_pre_s16, rnnc_dsp_narrow_s64, rnnc_dsp_lstm_unit_s16/_s32, and the fused
 * GRU's rnnc_dsp_gru_unit) against the
 * rnnc_fixed.h twins they replace (each tied to src/fixed/ops.ts by
 * test/parity/ops.parity.test.ts): every int16 input of the lookups at three table sizes,
 * every int16 cell at every rescale the cells use, the requantization at every shift above
 * 32 on edge and xorshift32 operands, and whole units on edge and pseudo-random gate rows
 * and cells. The tables come from dsp-epilogue-luts.h (written by the test from
 * src/fixed/lut.ts). Built for the host (the portable fallback) and for the DSP cores
 * (SSAT, USAT, SMLAD, SMMLA, QADD) under QEMU. Prints
 *   epilogue <what> <checks> <mismatches>
 * per check, the first mismatches, then "epilogue total <checks> <mismatches>"; exit 0 only
 * when there are none. Shifts, table sizes and formats are literals, as in generated code
 * (the helpers take their compile-time forms only for constants).
 */
#include <stdio.h>
#include <stdint.h>
#include "rnnc_dsp.h"
#include "dsp-epilogue-luts.h"

#ifndef CASES
#define CASES 20000L
#endif

static uint32_t rng_state = 0x2545F491u;
/* A row index the compiler cannot see (the int64 blocks' two-row loops): 0 or 3. */
static volatile int row_v_src = 3;
static int row_v;
static long checks, mismatches, shown;

/* xorshift32 */
static uint32_t next(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static int32_t s32(uint32_t u) {
  return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)(UINT32_MAX - u) - 1;
}

static void check(const char *what, long a, long b, long got, long want) {
  checks++;
  if (got != want) {
    mismatches++;
    if (shown++ < 10) printf("MISMATCH %s %ld %ld got %ld want %ld\n", what, a, b, got, want);
  }
}

static void report(const char *what, long c0, long m0) {
  printf("epilogue %s %ld %ld\n", what, checks - c0, mismatches - m0);
}

/* Every int16 input of both lookups on the tables of 2^N + 1 entries. */
#define CHECK_LUTS(N)                                                                                                   \
  for (p = -32768; p <= 32767; p++) {                                                                                   \
    check("sigmoid" #N, p, 0, rnnc_dsp_sigmoid_q15(SIG_##N, N, p), rnnc_lut_sigmoid_q15(SIG_##N, N, (int16_t)p));        \
    check("tanh" #N, p, 0, rnnc_dsp_tanh_q15(TANH_##N, N, p), rnnc_lut_tanh_q15(TANH_##N, N, (int16_t)p));                \
  }

/* Every int16 cell at one format. */
#define CHECK_RESCALE(F)                                                                                                \
  for (p = -32768; p <= 32767; p++) check("rescale" #F, p, F, rnnc_dsp_rescale_pre_s16(p, F), rnnc_rescale_s16(p, F, 12));

/* Requantization of a (acc, m) pair at shift T: one shift for the product, every shift
 * above 32, the general path, and (T <= 55) the (multiplier, shift word) pairs as rows 0
 * and 3 of a block. */
static const uint8_t SHIFTS[63] = { 0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                    21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41,
                                    42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62 };
#define CHECK_REQUANT_T(T)                                                                                              \
  {                                                                                                                     \
    const int32_t want = rnnc_requant_s32(acc, m, T);                                                                   \
    check("requant_one" #T, acc, m, rnnc_dsp_requant_row(acc, &m, SHIFTS + (T), 0, T), want);                          \
    check("requant_above32", acc, m, rnnc_dsp_requant_row(acc, &m, SHIFTS + (T), 0, -1), want);                        \
    check("requant_table", acc, m, rnnc_dsp_requant_row(acc, &m, SHIFTS + (T), 0, 0), want);                            \
    if ((T) <= 55) {                                                                                                    \
      const int32_t wd = (int32_t)((((uint32_t)1 << ((T) - 33)) << 8) | (uint32_t)((T) - 32));                          \
      const int32_t pr[8] = { m, wd, 0, 0, 0, 0, m, wd };                                                               \
      check("requant_pairs0", acc, m, rnnc_dsp_requant_row(acc, pr, SHIFTS + (T), 0, -2), want);                       \
      check("requant_pairs3", acc, m, rnnc_dsp_requant_row(acc, pr, SHIFTS, 3, -2), want);                             \
      check("requant_pairs_v", acc, m, rnnc_dsp_requant_row_v(acc, pr, SHIFTS, row_v, -2), want);                       \
    }                                                                                                                   \
  }
#define CHECK_REQUANT_ALL                                                                                               \
  CHECK_REQUANT_T(33) CHECK_REQUANT_T(34) CHECK_REQUANT_T(35) CHECK_REQUANT_T(36) CHECK_REQUANT_T(37)                   \
  CHECK_REQUANT_T(38) CHECK_REQUANT_T(39) CHECK_REQUANT_T(40) CHECK_REQUANT_T(41) CHECK_REQUANT_T(42)                   \
  CHECK_REQUANT_T(43) CHECK_REQUANT_T(44) CHECK_REQUANT_T(45) CHECK_REQUANT_T(46) CHECK_REQUANT_T(47)                   \
  CHECK_REQUANT_T(48) CHECK_REQUANT_T(49) CHECK_REQUANT_T(50) CHECK_REQUANT_T(51) CHECK_REQUANT_T(52)                   \
  CHECK_REQUANT_T(53) CHECK_REQUANT_T(54) CHECK_REQUANT_T(55) CHECK_REQUANT_T(56) CHECK_REQUANT_T(57)                   \
  CHECK_REQUANT_T(58) CHECK_REQUANT_T(59) CHECK_REQUANT_T(60) CHECK_REQUANT_T(61) CHECK_REQUANT_T(62)

/* The twins' composition of one unit (the portable template's lines). */
static int16_t unit_s16_ref(const int32_t *xg, const int32_t *hg, int16_t *c, int igs, int cf) {
  const int16_t i = rnnc_lut_sigmoid_q15(SIG_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[0], hg[0])));
  const int16_t f = rnnc_lut_sigmoid_q15(SIG_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[1], hg[1])));
  const int16_t g = rnnc_lut_tanh_q15(TANH_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[2], hg[2])));
  const int16_t o = rnnc_lut_sigmoid_q15(SIG_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[3], hg[3])));
  *c = rnnc_lstm_cell_s16(f, *c, i, g, igs);
  return rnnc_mul_rshr_s16(o, rnnc_lut_tanh_q15(TANH_8, 8, rnnc_rescale_s16(*c, cf, 12)), 15);
}

static int16_t unit_s32_ref(const int32_t *xg, const int32_t *hg, int32_t *c, int igs, int cf) {
  const int16_t i = rnnc_lut_sigmoid_q15(SIG_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[0], hg[0])));
  const int16_t f = rnnc_lut_sigmoid_q15(SIG_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[1], hg[1])));
  const int16_t g = rnnc_lut_tanh_q15(TANH_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[2], hg[2])));
  const int16_t o = rnnc_lut_sigmoid_q15(SIG_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[3], hg[3])));
  *c = rnnc_lstm_cell_s32(f, *c, i, g, igs);
  return rnnc_mul_rshr_s16(o, rnnc_lut_tanh_q15(TANH_8, 8, rnnc_rescale_s16(*c, cf, 12)), 15);
}

static int16_t gru_unit_ref(const int32_t *xg, const int32_t *hg, int16_t h) {
  const int16_t r = rnnc_lut_sigmoid_q15(SIG_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[0], hg[0])));
  const int16_t z = rnnc_lut_sigmoid_q15(SIG_8, 8, rnnc_sat_s16(rnnc_add_sat_s32(xg[1], hg[1])));
  const int16_t pn = rnnc_sat_s16(rnnc_add_sat_s32(xg[2], rnnc_mul_q15_s32(r, hg[2])));
  const int16_t nv = rnnc_lut_tanh_q15(TANH_8, 8, pn);
  return rnnc_lerp_q15(z, h, nv);
}

/* A gate row: mostly within a few times int16 (the saturation of X + H acts sometimes),
 * sometimes anything (QADD saturates). */
static int32_t row(void) {
  const uint32_t r = next();
  if ((r & 15u) == 0u) return s32(next());
  return (int32_t)(next() % 196608u) - 98304;
}

/* Cell formats (ig shift = 30 - frac), as the generator emits them. */
#define CHECK_UNIT16(IGS, CF)                                                                                           \
  {                                                                                                                     \
    int16_t c1 = c16, c2 = c16;                                                                                         \
    const int16_t got = rnnc_dsp_lstm_unit_s16(SIG_8, TANH_8, 8, xg, hg, &c1, IGS, CF);                                 \
    const int16_t want = unit_s16_ref(xg, hg, &c2, IGS, CF);                                                            \
    check("unit_s16_h" #CF, c16, xg[0], got, want);                                                                     \
    check("unit_s16_c" #CF, c16, xg[1], c1, c2);                                                                        \
  }
#define CHECK_UNIT32(IGS, CF)                                                                                           \
  {                                                                                                                     \
    int32_t c1 = c32, c2 = c32;                                                                                         \
    const int16_t got = rnnc_dsp_lstm_unit_s32(SIG_8, TANH_8, 8, xg, hg, &c1, IGS, CF);                                 \
    const int16_t want = unit_s32_ref(xg, hg, &c2, IGS, CF);                                                            \
    check("unit_s32_h" #CF, c32, xg[0], got, want);                                                                     \
    check("unit_s32_c" #CF, c32, xg[1], c1, c2);                                                                        \
  }

static const int32_t ROW_EDGES[] = { 0, 1, -1, 32767, -32768, 32768, -32769, 65535, -65536, 2147483647, (-2147483647 - 1) };
static const int16_t C_EDGES[] = { 0, 1, -1, 16383, -16384, 32767, -32768 };
#define N_ROW (sizeof ROW_EDGES / sizeof ROW_EDGES[0])
#define N_C (sizeof C_EDGES / sizeof C_EDGES[0])

int main(void) {
  long c0, m0, i;
  int32_t p;
  size_t a, b;

  c0 = checks; m0 = mismatches;
  CHECK_LUTS(4) CHECK_LUTS(8) CHECK_LUTS(12)
  report("luts", c0, m0);

  c0 = checks; m0 = mismatches;
  CHECK_RESCALE(0) CHECK_RESCALE(1) CHECK_RESCALE(5) CHECK_RESCALE(8) CHECK_RESCALE(10) CHECK_RESCALE(11)
  CHECK_RESCALE(12) CHECK_RESCALE(13) CHECK_RESCALE(14) CHECK_RESCALE(15) CHECK_RESCALE(20) CHECK_RESCALE(27)
  report("rescale", c0, m0);

  c0 = checks; m0 = mismatches;
  row_v = row_v_src;
  for (a = 0; a < N_ROW; a++) {
    static const int32_t MS[] = { 0, 1073741824, 1073741825, 1518500250, 2147483647 };
    for (b = 0; b < sizeof MS / sizeof MS[0]; b++) {
      const int32_t acc = ROW_EDGES[a], m = MS[b];
      CHECK_REQUANT_ALL
    }
  }
  for (i = 0; i < CASES; i++) {
    const int32_t acc = (i & 1) ? s32(next()) : (int32_t)(next() >> (next() & 31u)) * ((i & 2) ? -1 : 1);
    const int32_t m = (i % 50 == 0) ? 0 : (int32_t)(1073741824u + (next() & 0x3FFFFFFFu));
    CHECK_REQUANT_ALL
  }
  report("requant", c0, m0);

  /* The int64 narrowing without its saturation, where the accumulator bound B makes it
   * impossible: |acc| <= B, B / 2^k <= 2^31 - 1 (edges at +-B and random accumulators). */
  c0 = checks; m0 = mismatches;
  {
    static const int KS[] = { 1, 2, 5, 13, 21, 31 };
    size_t kk;
    for (kk = 0; kk < sizeof KS / sizeof KS[0]; kk++) {
      const int k = KS[kk];
      const int64_t bound = (int64_t)2147483647 << k;
      static const int64_t EDGE[] = { 0, 1, -1, 2, -2 };
      size_t e;
      for (e = 0; e < sizeof EDGE / sizeof EDGE[0]; e++) {
        const int64_t accs[] = { EDGE[e], bound - EDGE[e] * EDGE[e], -bound + EDGE[e] * EDGE[e], ((int64_t)1 << (k - 1)) + EDGE[e],
                                 -((int64_t)1 << (k - 1)) + EDGE[e] };
        size_t q;
        for (q = 0; q < sizeof accs / sizeof accs[0]; q++)
          check("narrow", (long)k, (long)(accs[q] >> 32), rnnc_dsp_narrow_s64(accs[q], k, 1), rnnc_rshr_sat_s64(accs[q], k));
      }
      for (i = 0; i < CASES / 8; i++) {
        const int64_t acc = (int64_t)(((uint64_t)next() << 32) | next()) % (bound + 1);
        check("narrow", (long)k, (long)(acc >> 32), rnnc_dsp_narrow_s64(acc, k, 1), rnnc_rshr_sat_s64(acc, k));
      }
    }
  }
  report("narrow", c0, m0);

  c0 = checks; m0 = mismatches;
  for (i = 0; i < CASES; i++) {
    int32_t xg[4], hg[4];
    int16_t c16;
    int32_t c32;
    int k;
    for (k = 0; k < 4; k++) {
      xg[k] = (i < 121) ? ROW_EDGES[(size_t)(i + k) % N_ROW] : row();
      hg[k] = (i < 121) ? ROW_EDGES[(size_t)(i / 11 + k) % N_ROW] : row();
    }
    c16 = (i % 7 == 0) ? C_EDGES[(size_t)(i / 7) % N_C] : (int16_t)((int32_t)(next() % 65536u) - 32768);
    c32 = (i % 7 == 0) ? (int32_t)C_EDGES[(size_t)(i / 7) % N_C] * 65536 : s32(next());
    CHECK_UNIT16(19, 11) CHECK_UNIT16(18, 12) CHECK_UNIT16(22, 8) CHECK_UNIT16(30, 0) CHECK_UNIT16(15, 15)
    CHECK_UNIT16(14, 16) CHECK_UNIT16(0, 30) CHECK_UNIT16(29, 1)
    CHECK_UNIT32(11, 19) CHECK_UNIT32(18, 12) CHECK_UNIT32(6, 24) CHECK_UNIT32(22, 8)
    check("gru_unit", c16, xg[2], rnnc_dsp_gru_unit(SIG_8, TANH_8, 8, xg[0], hg[0], xg[1], hg[1], xg[2], hg[2], c16),
          gru_unit_ref(xg, hg, c16));
  }
  report("units", c0, m0);

  printf("epilogue total %ld %ld\n", checks, mismatches);
  return mismatches == 0 ? 0 : 1;
}
