/*
 * Instruction counter from the CMSDK APB TIMER0 of the MPS2 boards.
 *
 * QEMU runs with -icount shift=7: every guest instruction advances virtual time by
 * exactly 2^7 = 128 ns, and the timer counts virtual time. So
 *     insns = round(ticks * tick_ns / 128)
 * is exact as long as one tick is shorter than half an instruction (see
 * docs/targets.md). The board's rnnc_board_config.h gives tick_ns/128 as
 * RNNC_TICKS_NUM / 2^RNNC_TICKS_SHIFT.
 *
 * The timer is a 32-bit down-counter reloaded from 0xFFFFFFFF; its interrupt
 * counts the wraps, giving a 64-bit count. The interrupt handler executes exactly
 * IRQ_INSNS instructions, which are subtracted once per wrap inside the region.
 */
#include <stdint.h>
#include "rnnc_board_config.h"
#include "rnnc_board.h"
#include "rnnc_arm.h"

#if RNNC_BOARD_ICOUNT_SHIFT != 7
#error "rnnc_board_config.h converts timer ticks for -icount shift=7"
#endif

#ifndef RNNC_CMSDK_TIMER_RELOAD
#define RNNC_CMSDK_TIMER_RELOAD 0xFFFFFFFF
#endif

#define TIMER_CTRL (*(volatile uint32_t *)(RNNC_CMSDK_TIMER_BASE + 0x0u))
#define TIMER_VALUE (*(volatile uint32_t *)(RNNC_CMSDK_TIMER_BASE + 0x4u))
#define TIMER_RELOAD (*(volatile uint32_t *)(RNNC_CMSDK_TIMER_BASE + 0x8u))
#define TIMER_INTSTATUS (*(volatile uint32_t *)(RNNC_CMSDK_TIMER_BASE + 0xCu))
#define TIMER_CTRL_ENABLE 0x1u
#define TIMER_CTRL_IRQ_ENABLE 0x8u
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)

/* Instructions in the interrupt handler below, from its first to its bx lr. */
#define IRQ_INSNS 8u

/* A timer sample: the down-counter, the wraps counted so far, and whether a wrap
 * is pending (its interrupt not yet taken). */
struct sample {
    uint32_t value, wraps, pending;
};

volatile uint32_t rnnc_cmsdk_wraps;
static struct sample start_sample;
static uint64_t empty_cost;

void RNNC_IRQ_HANDLER(RNNC_CMSDK_TIMER_IRQ)(void) __attribute__((naked));
void RNNC_IRQ_HANDLER(RNNC_CMSDK_TIMER_IRQ)(void)
{
    /* Hand-written so its length is fixed whatever the compiler flags. Thumb-1 only,
     * for the M0 build. r0-r3 are saved by the exception entry. */
    __asm__ volatile(
        ".syntax unified\n\t"
        "ldr r0, =" RNNC_STR(RNNC_CMSDK_TIMER_BASE) "\n\t"
        "movs r1, #1\n\t"
        "str r1, [r0, #12]\n\t" /* INTCLR */
        "ldr r0, =rnnc_cmsdk_wraps\n\t"
        "ldr r1, [r0]\n\t"
        "adds r1, r1, #1\n\t"
        "str r1, [r0]\n\t"
        "bx lr\n\t"
        ".ltorg\n\t"
        ".syntax divided\n\t");
}

/* Total ticks at a sample. A pending wrap has already happened if the counter has
 * reloaded (its value is in the upper half). */
static uint64_t sample_ticks(const struct sample *s)
{
    uint32_t wraps = s->wraps + (s->pending != 0u && s->value > RNNC_CMSDK_TIMER_RELOAD / 2u ? 1u : 0u);
    return (uint64_t)wraps * ((uint64_t)RNNC_CMSDK_TIMER_RELOAD + 1u) + (RNNC_CMSDK_TIMER_RELOAD - s->value);
}

/* Everything between the two VALUE reads is counted, so the code around them takes
 * a fixed number of instructions (no branches); interrupts are masked so the
 * three reads are consistent. */
__attribute__((noinline)) void rnnc_board_counter_start(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
    uint32_t value = TIMER_VALUE;
    uint32_t wraps = rnnc_cmsdk_wraps;
    uint32_t pending = TIMER_INTSTATUS;
    __asm__ volatile("cpsie i" ::: "memory");
    start_sample.value = value;
    start_sample.wraps = wraps;
    start_sample.pending = pending;
}

__attribute__((noinline)) uint64_t rnnc_board_counter_read(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
    struct sample end;
    end.value = TIMER_VALUE;
    end.wraps = rnnc_cmsdk_wraps;
    end.pending = TIMER_INTSTATUS;
    __asm__ volatile("cpsie i" ::: "memory");
    uint64_t ticks = sample_ticks(&end) - sample_ticks(&start_sample);
    uint64_t insns = (ticks * RNNC_TICKS_NUM + (1u << (RNNC_TICKS_SHIFT - 1))) >> RNNC_TICKS_SHIFT;
    uint64_t handler = (uint64_t)(end.wraps - start_sample.wraps) * IRQ_INSNS;
    return insns - handler - empty_cost;
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
    TIMER_CTRL = 0;
    TIMER_RELOAD = RNNC_CMSDK_TIMER_RELOAD;
    TIMER_VALUE = RNNC_CMSDK_TIMER_RELOAD;
    TIMER_INTSTATUS = 1u; /* INTCLR */
    TIMER_CTRL = TIMER_CTRL_ENABLE | TIMER_CTRL_IRQ_ENABLE;
    NVIC_ISER0 = 1u << RNNC_CMSDK_TIMER_IRQ;
    rnnc_board_counter_start();
    empty_cost = rnnc_board_counter_read();
}
