/*
 * Instruction counter from the SSE-300 system counter (MPS3 AN547).
 *
 * QEMU runs with -icount shift=7: every guest instruction advances virtual time by
 * exactly 2^7 = 128 ns, and the counter counts virtual time at 32 MHz
 * (31.25 ns per tick), so
 *     insns = round(ticks * 31.25 / 128) = round(ticks * 125 / 2^9)
 * which is exact because a tick is shorter than half an instruction. The counter
 * is 64 bits wide: it does not wrap in practice.
 */
#include <stdint.h>
#include "rnnc_board_config.h"
#include "rnnc_board.h"
#include "rnnc_arm.h"

#if RNNC_BOARD_ICOUNT_SHIFT != 7
#error "rnnc_board_config.h converts counter ticks for -icount shift=7"
#endif

/* Control frame (Secure): CNTCR.EN starts the counter, which reads 0 until then. */
#define CNTCR (*(volatile uint32_t *)0x58100000u)
#define CNTCR_CNTCV_LO (*(volatile uint32_t *)0x58100008u)
#define CNTCR_CNTCV_HI (*(volatile uint32_t *)0x5810000Cu)
/* Status frame: the count, low and high words. */
#define CNTCV_LO (*(volatile uint32_t *)0x48101000u)
#define CNTCV_HI (*(volatile uint32_t *)0x48101004u)

/* A 64-bit reading taken as high, low, high: the low read is the instant measured.
 * If the high word changed between the two high reads, the low word tells on
 * which side of the carry it was read. */
struct sample {
    uint32_t hi_before, lo, hi_after;
};

static struct sample start_sample;
static uint64_t empty_cost;

static uint64_t sample_ticks(const struct sample *s)
{
    uint32_t hi = s->hi_before == s->hi_after || s->lo >= 0x80000000u ? s->hi_before : s->hi_after;
    return ((uint64_t)hi << 32) | s->lo;
}

/* Everything between the two low-word reads is counted, so the code around them
 * takes a fixed number of instructions (no branches). */
__attribute__((noinline)) void rnnc_board_counter_start(void)
{
    uint32_t hi_before = CNTCV_HI;
    uint32_t lo = CNTCV_LO;
    uint32_t hi_after = CNTCV_HI;
    start_sample.hi_before = hi_before;
    start_sample.lo = lo;
    start_sample.hi_after = hi_after;
}

__attribute__((noinline)) uint64_t rnnc_board_counter_read(void)
{
    struct sample end;
    end.hi_before = CNTCV_HI;
    end.lo = CNTCV_LO;
    end.hi_after = CNTCV_HI;
    uint64_t ticks = sample_ticks(&end) - sample_ticks(&start_sample);
    uint64_t insns = (ticks * RNNC_TICKS_NUM + (1u << (RNNC_TICKS_SHIFT - 1))) >> RNNC_TICKS_SHIFT;
    return insns - empty_cost;
}

uint64_t rnnc_board_counter_overhead(void)
{
    return empty_cost;
}

int rnnc_board_has_counter(void)
{
    return 1;
}

void rnnc_counter_init(void)
{
#ifdef RNNC_SSE300_COUNTER_PRESET
    /* Test hook: start the count just below a carry into the high word. */
    CNTCR_CNTCV_LO = RNNC_SSE300_COUNTER_PRESET;
    CNTCR_CNTCV_HI = 0u;
#endif
    CNTCR = 1u;
    rnnc_board_counter_start();
    empty_cost = rnnc_board_counter_read();
}
