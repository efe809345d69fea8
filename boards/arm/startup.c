/*
 * Startup for the Cortex-M QEMU boards: vector table, reset handler, fault report.
 * The memory layout comes from the board's link.ld (which INCLUDEs arm/sections.ld),
 * the counter and its interrupt from arm/counter_*.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include "rnnc_board.h"
#include "rnnc_arm.h"

extern uint32_t __stack_top, __data_start, __data_end, __data_load, __bss_start, __bss_end;
extern int main(void);
extern void __libc_init_array(void);

/* newlib calls these around the init/fini arrays; crti.o is not linked. */
void _init(void);
void _fini(void);
void _init(void) {}
void _fini(void) {}

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)

void rnnc_reset_handler(void);
void rnnc_fault_entry(void);
void rnnc_fault_report(const uint32_t *frame);

/* Which hardware the reset handler must switch on before C code may use it. */
static void enable_core_features(void)
{
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
    /* CP10 and CP11 full access: FP and MVE instructions fault (NOCP) without it. */
    SCB_CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
#if defined(__ARM_ARCH_6M__)
    /* Armv6-M code runs on the M3 core, which allows unaligned LDR/LDRH/STR/STRH.
     * A real M0 HardFaults on them: UNALIGN_TRP makes the M3 fault the same way. */
    SCB_CCR |= 1u << 3;
#endif
}

void rnnc_reset_handler(void)
{
    enable_core_features();
    for (uint32_t *src = &__data_load, *dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
    rnnc_semihost_init();
    rnnc_counter_init();
    __libc_init_array();
    exit(main());
}

/* Hands the stacked exception frame (r0-r3, r12, lr, pc, xpsr) to the report. */
__attribute__((naked)) void rnnc_fault_entry(void)
{
    __asm__ volatile(
        "mrs r0, msp\n\t"
        "bl rnnc_fault_report\n\t");
}

static void print_hex(const char *label, uint32_t v)
{
    char buf[24];
    int n = 0;
    while (label[n] != '\0' && n < 12) {
        buf[n] = label[n];
        n++;
    }
    buf[n++] = '0';
    buf[n++] = 'x';
    for (int shift = 28; shift >= 0; shift -= 4) buf[n++] = "0123456789abcdef"[(v >> shift) & 0xFu];
    buf[n] = '\0';
    rnnc_semihost_write0(buf);
}

/* Reports which exception stopped the program and where, then exits with
 * RNNC_BOARD_EXIT_FAULT. Uses only semihosting, not the C library, whose state
 * may be what went wrong. */
void rnnc_fault_report(const uint32_t *frame)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    rnnc_semihost_write0("\nrnnc-board: fault");
    print_hex(" exception=", ipsr & 0x1FFu);
    print_hex(" pc=", frame[6]);
    print_hex(" cfsr=", SCB_CFSR);
    print_hex(" hfsr=", SCB_HFSR);
    print_hex(" bfar=", SCB_BFAR);
    rnnc_semihost_write0("\n");
    rnnc_semihost_exit(RNNC_BOARD_EXIT_FAULT);
}

/* Interrupt handlers: each slot is a weak alias of the fault report, so an
 * unexpected interrupt is reported; a counter that needs its interrupt defines
 * the strong rnnc_irq_<n> (RNNC_IRQ_HANDLER in rnnc_arm.h). */
#define WEAK_IRQ(n) void rnnc_irq_##n(void) __attribute__((weak, alias("rnnc_fault_entry")));
WEAK_IRQ(0) WEAK_IRQ(1) WEAK_IRQ(2) WEAK_IRQ(3) WEAK_IRQ(4) WEAK_IRQ(5) WEAK_IRQ(6) WEAK_IRQ(7)
WEAK_IRQ(8) WEAK_IRQ(9) WEAK_IRQ(10) WEAK_IRQ(11) WEAK_IRQ(12) WEAK_IRQ(13) WEAK_IRQ(14) WEAK_IRQ(15)

/* One vector: the initial stack pointer or a handler. A union keeps it ISO C. */
union vector {
    void (*handler)(void);
    const void *stack;
};

#define FAULT {.handler = rnnc_fault_entry}
#define IRQ(n) {.handler = rnnc_irq_##n}

__attribute__((section(".vectors"), used)) static const union vector vectors[32] = {
    {.stack = &__stack_top}, {.handler = rnnc_reset_handler},
    FAULT, FAULT, FAULT, FAULT, FAULT, FAULT, FAULT, FAULT, FAULT, FAULT, FAULT, FAULT, FAULT, FAULT,
    IRQ(0), IRQ(1), IRQ(2), IRQ(3), IRQ(4), IRQ(5), IRQ(6), IRQ(7),
    IRQ(8), IRQ(9), IRQ(10), IRQ(11), IRQ(12), IRQ(13), IRQ(14), IRQ(15),
};
