/*
 * rnnc board support: the few calls a benchmark or test harness needs on every
 * target, so one harness source builds for the host and for each emulated board.
 *
 *   rnnc_board_counter_start();
 *   ... code to measure ...
 *   uint64_t n = rnnc_board_counter_read();   // instructions executed in between
 *
 * On the QEMU boards the count is exact: it is the number of guest instructions
 * executed between the two calls, with the cost of an empty measurement already
 * subtracted (an empty region reads 0). On the host there is no counter and every
 * read returns 0. Counting method and limits: docs/targets.md.
 *
 * Output goes to the console (semihosting on the boards, stdout on the host);
 * printf from <stdio.h> works as well and writes to the same stream.
 */
#ifndef RNNC_BOARD_H
#define RNNC_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Exit code of a program stopped by a CPU fault (HardFault, unaligned access...). */
#define RNNC_BOARD_EXIT_FAULT 99

/** Starts (restarts) the instruction counter. */
void rnnc_board_counter_start(void);

/** Instructions executed since the last rnnc_board_counter_start(); 0 on the host. */
uint64_t rnnc_board_counter_read(void);

/** Instructions an empty measurement costs, already subtracted by every read (0 on the host). */
uint64_t rnnc_board_counter_overhead(void);

/** 1 when rnnc_board_counter_read() counts instructions, 0 on the host. */
int rnnc_board_has_counter(void);

/** Writes the NUL-terminated string s to the console as is (no newline added). */
void rnnc_board_print(const char *s);

/** Flushes output and stops the program; the emulator (or process) exits with code. */
void rnnc_board_exit(int code)
#if defined(__GNUC__)
    __attribute__((noreturn))
#endif
    ;

#ifdef __cplusplus
}
#endif

#endif /* RNNC_BOARD_H */
