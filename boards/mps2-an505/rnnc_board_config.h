/* MPS2 AN505: Cortex-M33 (IoTKit), booting in Secure state with the SAU off. */
#define RNNC_CMSDK_TIMER_BASE 0x40000000
#define RNNC_CMSDK_TIMER_IRQ 3
/* TIMER0 runs at 20 MHz: one tick = 50 ns = 50/128 instruction = 25/2^6 */
#define RNNC_TICKS_NUM 25u
#define RNNC_TICKS_SHIFT 6
