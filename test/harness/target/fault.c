/*
 * Fault reporting. First a 32-bit load from an address that is 1 mod 4: a real
 * Cortex-M0 HardFaults on it, and so must the cortex-m0 board build
 * (CCR.UNALIGN_TRP); Armv7-M and later load the word (so does QEMU's riscv32).
 * Then an undefined instruction, which every board must report as a fault and
 * exit with RNNC_BOARD_EXIT_FAULT. Prints "before", "loaded <hex>", and "after"
 * only where nothing faulted (the host).
 */
#include <stdio.h>
#include <stdint.h>
#include "rnnc_board.h"

static union {
    uint32_t word[2];
    uint8_t byte[8];
} data = {.byte = {1, 2, 3, 4, 5, 6, 7, 8}};

/* volatile, so the compiler cannot see the misalignment and split the load */
static volatile uintptr_t offset = 1;

int main(void)
{
    rnnc_board_print("before\n");
    const volatile uint32_t *p = (const volatile uint32_t *)(const void *)(data.byte + offset);
    printf("loaded %08lx\n", (unsigned long)*p);
    fflush(stdout);
#if defined(__arm__)
    __asm__ volatile("udf #0");
#elif defined(__riscv)
    __asm__ volatile("unimp");
#endif
    printf("after\n");
    return 0;
}
