/*
 * Board check, one program per target: console output, the instruction counter
 * and the exit code. Prints lines the test parses:
 *   hello <text>
 *   counter <0|1>              whether counts are real (0 on the host)
 *   overhead <insns>           cost of an empty measurement (already subtracted)
 *   empty <insns>              an empty region measured from C: must be 0
 *   loop <n> <insns>           a loop of exactly 2n instructions: must read 2n
 * then the smoke lines of smoke.c, and exits with code 42.
 */
/* stdio.h first: with newlib and -std=c99, <inttypes.h> alone lacks the PRI*64 macros. */
#include <stdio.h>
#include <inttypes.h>
#include "rnnc_board.h"

void smoke_print(void);

static volatile uint64_t result;

/* An empty region as a user writes it. */
__attribute__((noinline)) static void measure_empty(void)
{
    rnnc_board_counter_start();
    result = rnnc_board_counter_read();
}

/* start, exactly 2n loop instructions, read: all in one asm block, so no compiler
 * scheduling can add instructions to the region. The board functions use only
 * integer registers, so the clobbers cover what they may change. */
static uint64_t measure_loop(uint32_t n)
{
    uint32_t lo, hi;
#if defined(__arm__)
    __asm__ volatile(
        ".syntax unified\n\t"
        "mov r4, %[n]\n\t"
        "bl rnnc_board_counter_start\n"
        "1:\n\t"
        "subs r4, r4, #1\n\t"
        "bne 1b\n\t"
        "bl rnnc_board_counter_read\n\t"
        "mov %[lo], r0\n\t"
        "mov %[hi], r1\n\t"
        ".syntax divided\n\t"
        : [lo] "=r"(lo), [hi] "=r"(hi)
        : [n] "r"(n)
        : "r0", "r1", "r2", "r3", "r4", "r12", "lr", "cc", "memory");
#elif defined(__riscv)
    __asm__ volatile(
        "mv s1, %[n]\n\t"
        "call rnnc_board_counter_start\n"
        "1:\n\t"
        "addi s1, s1, -1\n\t"
        "bnez s1, 1b\n\t"
        "call rnnc_board_counter_read\n\t"
        "mv %[lo], a0\n\t"
        "mv %[hi], a1\n\t"
        : [lo] "=r"(lo), [hi] "=r"(hi)
        : [n] "r"(n)
        : "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s1",
          "memory");
#else
    /* The host has no counter: run the same region through the C API. */
    rnnc_board_counter_start();
    for (volatile uint32_t k = n; k != 0; k--) {
    }
    uint64_t c = rnnc_board_counter_read();
    lo = (uint32_t)c;
    hi = (uint32_t)(c >> 32);
#endif
    return ((uint64_t)hi << 32) | lo;
}

static const uint32_t big_loops[] = {1000, 4096, 65537, 1000000, 10000000};

int main(void)
{
    rnnc_board_print("hello from rnnc_board_print\n");
    printf("counter %d\n", rnnc_board_has_counter());
    printf("overhead %" PRIu64 "\n", rnnc_board_counter_overhead());
    measure_empty();
    printf("empty %" PRIu64 "\n", result);
    for (uint32_t n = 1; n <= 40; n++) printf("loop %" PRIu32 " %" PRIu64 "\n", n, measure_loop(n));
    for (unsigned i = 0; i < sizeof big_loops / sizeof big_loops[0]; i++) {
        printf("loop %" PRIu32 " %" PRIu64 "\n", big_loops[i], measure_loop(big_loops[i]));
    }
    smoke_print();
    return 42;
}
