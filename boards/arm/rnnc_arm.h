/* What the Cortex-M board files share: semihosting calls and the counter hooks. */
#ifndef RNNC_ARM_BOARD_H
#define RNNC_ARM_BOARD_H

#include <stdint.h>

/* Semihosting (arm/semihost.c). */
void rnnc_semihost_init(void);
void rnnc_semihost_write0(const char *s);
void rnnc_semihost_exit(int code) __attribute__((noreturn));

/* Called once by the reset handler before main: starts the hardware counter and
 * measures the cost of an empty measurement. */
void rnnc_counter_init(void);

/* Interrupt handler for device interrupt n, overriding the weak default in startup.c. */
#define RNNC_IRQ_NAME_(n) rnnc_irq_##n
#define RNNC_IRQ_HANDLER(n) RNNC_IRQ_NAME_(n)

#define RNNC_STR_(x) #x
#define RNNC_STR(x) RNNC_STR_(x)

#endif
