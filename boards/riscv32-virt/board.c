/*
 * Board support for qemu-system-riscv32 -M virt, on picolibc with its semihosting
 * library (--specs=picolibc.specs --oslib=semihost): picolibc's crt0 copies .data
 * and zeroes .bss, stdio and exit go through semihosting.
 *
 * The counter is minstret. QEMU runs with -icount shift=0, under which minstret
 * counts virtual nanoseconds at one per instruction: it is the exact instruction
 * count. (Without -icount it counts host time and means nothing.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "rnnc_board.h"

#if RNNC_BOARD_ICOUNT_SHIFT != 0
#error "the riscv32 counter assumes -icount shift=0 (one count per instruction)"
#endif

/* A 64-bit reading taken as high, low, high: the low read is the instant measured.
 * If the high word changed in between, the low word tells which side of the carry
 * it was read on. */
struct sample {
    uint32_t hi_before, lo, hi_after;
};

static struct sample start_sample;
static uint64_t empty_cost;

/* csrr needs Zicsr, which gcc 12 does not imply for -march=rv32imac. */
#define READ_CSR(name, var) \
    __asm__ volatile(".option push\n\t.option arch, +zicsr\n\tcsrr %0, " name "\n\t.option pop" : "=r"(var))

static uint64_t sample_count(const struct sample *s)
{
    uint32_t hi = s->hi_before == s->hi_after || s->lo >= 0x80000000u ? s->hi_before : s->hi_after;
    return ((uint64_t)hi << 32) | s->lo;
}

/* Everything between the two low-word reads is counted, so the code around them
 * takes a fixed number of instructions (no branches). */
__attribute__((noinline)) void rnnc_board_counter_start(void)
{
    uint32_t hi_before, lo, hi_after;
    READ_CSR("minstreth", hi_before);
    READ_CSR("minstret", lo);
    READ_CSR("minstreth", hi_after);
    start_sample.hi_before = hi_before;
    start_sample.lo = lo;
    start_sample.hi_after = hi_after;
}

__attribute__((noinline)) uint64_t rnnc_board_counter_read(void)
{
    struct sample end;
    READ_CSR("minstreth", end.hi_before);
    READ_CSR("minstret", end.lo);
    READ_CSR("minstreth", end.hi_after);
    return sample_count(&end) - sample_count(&start_sample) - empty_cost;
}

uint64_t rnnc_board_counter_overhead(void)
{
    return empty_cost;
}

int rnnc_board_has_counter(void)
{
    return 1;
}

/* Any trap (misaligned or bad address, illegal instruction...) stops the program
 * with one line and RNNC_BOARD_EXIT_FAULT, as on the Cortex-M boards. */
__attribute__((interrupt("machine"), aligned(4))) static void trap_handler(void)
{
    uint32_t mcause, mepc, mtval;
    READ_CSR("mcause", mcause);
    READ_CSR("mepc", mepc);
    READ_CSR("mtval", mtval);
    printf("\nrnnc-board: fault mcause=0x%08lx pc=0x%08lx mtval=0x%08lx\n", (unsigned long)mcause, (unsigned long)mepc,
           (unsigned long)mtval);
    rnnc_board_exit(RNNC_BOARD_EXIT_FAULT);
}

/* Runs before main (picolibc's crt0 calls the init array): installs the trap
 * handler and measures the cost of an empty measurement, which every read then
 * subtracts. */
__attribute__((constructor)) static void board_init(void)
{
    __asm__ volatile(".option push\n\t.option arch, +zicsr\n\tcsrw mtvec, %0\n\t.option pop" : : "r"(trap_handler));
    rnnc_board_counter_start();
    empty_cost = rnnc_board_counter_read();
}

void rnnc_board_print(const char *s)
{
    fputs(s, stdout);
    fflush(stdout);
}

void rnnc_board_exit(int code)
{
    fflush(stdout);
    exit(code);
}
