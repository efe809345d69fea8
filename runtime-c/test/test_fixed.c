/* Hand-checked values of the runtime primitives (no Node needed: make test-c).
 * The exhaustive comparison with the TypeScript spec is test/parity/ops.parity.test.ts. */
#include <stdio.h>
#include "rnnc/rnnc_kernels.h"

static int failures;

static void check(const char *what, long got, long want) {
  if (got != want) {
    printf("FAIL %s: got %ld, want %ld\n", what, got, want);
    failures++;
  }
}

int main(void) {
  static const int16_t ramp[17] = { 0, 2048, 4096, 6144, 8192, 10240, 12288, 14336, 16384,
                                    18432, 20480, 22528, 24576, 26624, 28672, 30720, 32767 };
  static const int8_t w[6] = { 127, -128, 1, -1, 0, 2 };
  static const int32_t bias[2] = { 5, -5 };
  static const int32_t mult[2] = { 1073741824, 1073741824 };
  static const uint8_t shift[2] = { 31, 31 };
  static const int16_t v[3] = { 32767, -32768, 1 };
  int32_t out[2];
  check("sat_s16 high", rnnc_sat_s16(40000), 32767);
  check("sat_s16 low", rnnc_sat_s16(-40000), -32768);
  check("add_sat_s32", rnnc_add_sat_s32(INT32_MAX, 1), INT32_MAX);
  check("rshr_s32 -1.5 rounds up", rnnc_rshr_s32(-3, 1), -1);
  check("rshr_s32 1.5 rounds up", rnnc_rshr_s32(3, 1), 2);
  check("mul_rshr_s16 -1*-1", rnnc_mul_rshr_s16(INT16_MIN, INT16_MIN, 15), 32767);
  check("mul_q15_s32", rnnc_mul_q15_s32(16384, -3), -1);
  check("div_q15 1/3", rnnc_div_q15(1, 3), 10923);
  check("div_q15 1/1 saturates", rnnc_div_q15(7, 7), 32767);
  check("requant 1.5", rnnc_requant_s32(3, 1073741824, 31), 2);
  check("requant -1.5", rnnc_requant_s32(-3, 1073741824, 31), -1);
  check("rshr_sat_s64", rnnc_rshr_sat_s64((int64_t)1 << 40, 4), INT32_MAX);
  check("rescale widen saturates", rnnc_rescale_s16(5000, 8, 12), 32767);
  check("rescale narrow", rnnc_rescale_s16(-24, 15, 12), -3);
  check("lut midpoint", rnnc_lut_lookup_q15(ramp, 4, 1024), 1024);
  check("lut end", rnnc_lut_lookup_q15(ramp, 4, INT16_MIN), 32767);
  check("tanh odd", rnnc_lut_tanh_q15(ramp, 4, -4096), -4096);
  check("sigmoid symmetric", rnnc_lut_sigmoid_q15(ramp, 4, -4096), 32768 - 4096);
  /* row 0: 5 + 127*32767 - 128*-32768 + 1 = 8355720 -> /2 half up = 4177860 */
  rnnc_matmul_s8_s32(w, bias, mult, shift, 0, v, 2, 3, out);
  check("matmul row 0", out[0], 4177860);
  /* row 1: -5 - 32767 + 0 + 2 = -32770 -> -16385 */
  check("matmul row 1", out[1], -16385);
  if (failures == 0) printf("runtime-c test_fixed: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
