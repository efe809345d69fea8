/* MPS3 AN547: Cortex-M55 (SSE-300), booting in Secure state with the SAU off. */
/* System counter at 32 MHz: one tick = 31.25 ns = 31.25/128 instruction = 125/2^9 */
#define RNNC_TICKS_NUM 125u
#define RNNC_TICKS_SHIFT 9
