/* Parity harness for runtime-c/include/rnnc/rnnc_fixed.h (not shipped).
 * stdin: one call per line, "<op> <args...>" with integer args, or
 * "table <n> <v0> ... <vn>" to set the LUT (n + 1 entries) used by the lut_* ops.
 * stdout: one integer per call, in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rnnc/rnnc_fixed.h"

static int16_t table[4097];
static int16_t table2[4097];
static int log2n;

int main(void) {
  char op[32];
  while (scanf("%31s", op) == 1) {
    long long a = 0, b = 0, c = 0;
    if (strcmp(op, "table") == 0 || strcmp(op, "table2") == 0) {
      /* "table2" sets the second table of the two-table ops (exp_neg_q15's coarse one). */
      int16_t *t = op[5] == '2' ? table2 : table;
      int n, i;
      if (scanf("%d", &n) != 1 || n < 16 || n > 4096) return 2;
      for (log2n = 0; (1 << log2n) < n; log2n++) {}
      for (i = 0; i <= n; i++) {
        int v;
        if (scanf("%d", &v) != 1) return 2;
        t[i] = (int16_t)v;
      }
      continue;
    }
    if (strcmp(op, "sat_s16") == 0 && scanf("%lld", &a) == 1) printf("%d\n", rnnc_sat_s16((int32_t)a));
    else if (strcmp(op, "sat_s32") == 0 && scanf("%lld", &a) == 1) printf("%ld\n", (long)rnnc_sat_s32((int64_t)a));
    else if (strcmp(op, "add_sat_s32") == 0 && scanf("%lld %lld", &a, &b) == 2) printf("%ld\n", (long)rnnc_add_sat_s32((int32_t)a, (int32_t)b));
    else if (strcmp(op, "rshr_s32") == 0 && scanf("%lld %lld", &a, &b) == 2) printf("%ld\n", (long)rnnc_rshr_s32((int32_t)a, (int)b));
    else if (strcmp(op, "mul_rshr_s16") == 0 && scanf("%lld %lld %lld", &a, &b, &c) == 3) printf("%d\n", rnnc_mul_rshr_s16((int16_t)a, (int16_t)b, (int)c));
    else if (strcmp(op, "mul_q15_s32") == 0 && scanf("%lld %lld", &a, &b) == 2) printf("%ld\n", (long)rnnc_mul_q15_s32((int32_t)a, (int32_t)b));
    else if (strcmp(op, "div_q15") == 0 && scanf("%lld %lld", &a, &b) == 2) printf("%d\n", rnnc_div_q15((int32_t)a, (int32_t)b));
    else if (strcmp(op, "requant_s32") == 0 && scanf("%lld %lld %lld", &a, &b, &c) == 3) printf("%ld\n", (long)rnnc_requant_s32((int32_t)a, (int32_t)b, (int)c));
    else if (strcmp(op, "rshr_sat_s64") == 0 && scanf("%lld %lld", &a, &b) == 2) printf("%ld\n", (long)rnnc_rshr_sat_s64((int64_t)a, (int)b));
    else if (strcmp(op, "rescale_s16") == 0 && scanf("%lld %lld %lld", &a, &b, &c) == 3) printf("%d\n", rnnc_rescale_s16((int32_t)a, (int)b, (int)c));
    else if (strcmp(op, "lut_lookup_q15") == 0 && scanf("%lld", &a) == 1) printf("%d\n", rnnc_lut_lookup_q15(table, log2n, (int16_t)a));
    else if (strcmp(op, "lut_tanh_q15") == 0 && scanf("%lld", &a) == 1) printf("%d\n", rnnc_lut_tanh_q15(table, log2n, (int16_t)a));
    else if (strcmp(op, "lut_sigmoid_q15") == 0 && scanf("%lld", &a) == 1) printf("%d\n", rnnc_lut_sigmoid_q15(table, log2n, (int16_t)a));
    else if (strcmp(op, "silu_s16") == 0 && scanf("%lld %lld", &a, &b) == 2) printf("%d\n", rnnc_silu_s16(table, log2n, (int16_t)a, (int)b));
    else if (strcmp(op, "softplus_q15") == 0 && scanf("%lld", &a) == 1) printf("%ld\n", (long)rnnc_softplus_q15(table, log2n, (int16_t)a));
    else if (strcmp(op, "exp_neg_q15") == 0 && scanf("%lld", &a) == 1) printf("%d\n", rnnc_exp_neg_q15(table, table2, log2n, (int32_t)a));
    else if (strcmp(op, "mul_rshr_s32_s16") == 0 && scanf("%lld %lld %lld", &a, &b, &c) == 3) printf("%ld\n", (long)rnnc_mul_rshr_s32_s16((int32_t)a, (int16_t)b, (int)c));
    else if (strcmp(op, "mul_rshr_s16_s32") == 0 && scanf("%lld %lld %lld", &a, &b, &c) == 3) printf("%ld\n", (long)rnnc_mul_rshr_s16_s32((int16_t)a, (int16_t)b, (int)c));
    else if (strcmp(op, "hard_sigmoid_q15") == 0 && scanf("%lld %lld", &a, &b) == 2) printf("%d\n", rnnc_hard_sigmoid_q15((int32_t)a, (int16_t)b));
    else if (strcmp(op, "relu_s16") == 0 && scanf("%lld", &a) == 1) printf("%d\n", rnnc_relu_s16((int16_t)a));
    else if (strcmp(op, "avg_s16") == 0 && scanf("%lld %lld", &a, &b) == 2) printf("%d\n", rnnc_avg_s16((int16_t)a, (int16_t)b));
    else if (strcmp(op, "lerp_q15") == 0 && scanf("%lld %lld %lld", &a, &b, &c) == 3) printf("%d\n", rnnc_lerp_q15((int16_t)a, (int16_t)b, (int16_t)c));
    else if ((strcmp(op, "lstm_cell_s16") == 0 || strcmp(op, "lstm_cell_s32") == 0) && scanf("%lld %lld %lld", &a, &b, &c) == 3) {
      long long g = 0, s = 0;
      if (scanf("%lld %lld", &g, &s) != 2) return 2;
      if (op[11] == '1') printf("%d\n", rnnc_lstm_cell_s16((int16_t)a, (int16_t)b, (int16_t)c, (int16_t)g, (int)s));
      else printf("%ld\n", (long)rnnc_lstm_cell_s32((int16_t)a, (int32_t)b, (int16_t)c, (int16_t)g, (int)s));
    }
    else if (strcmp(op, "softmax_q15") == 0 && scanf("%lld %lld %lld", &a, &b, &c) == 3) {
      /* softmax_q15 <logit_frac> <exp_frac> <n> <acc...>: n outputs, on the current table */
      int32_t acc[64];
      int16_t y[64];
      int32_t j, n = (int32_t)c;
      if (n < 0 || n > 64) return 2;
      for (j = 0; j < n; j++) {
        long long v;
        if (scanf("%lld", &v) != 1) return 2;
        acc[j] = (int32_t)v;
      }
      rnnc_softmax_q15(table, log2n, acc, y, n, (int)a, (int)b);
      for (j = 0; j < n; j++) printf("%d\n", y[j]);
    }
    else { fprintf(stderr, "bad call %s\n", op); return 2; }
  }
  return 0;
}
