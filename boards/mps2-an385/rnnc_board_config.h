/* MPS2 AN385: Cortex-M3 (also runs the cortex-m0 build). */
#define RNNC_CMSDK_TIMER_BASE 0x40000000
#define RNNC_CMSDK_TIMER_IRQ 8
/* TIMER0 runs at 25 MHz: one tick = 40 ns = 40/128 instruction = 5/2^4 */
#define RNNC_TICKS_NUM 5u
#define RNNC_TICKS_SHIFT 4
