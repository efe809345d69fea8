/*
 * The board API on the machine running rnnc: stdio output, process exit, and no
 * instruction counter (reads return 0), so a harness written for the boards also
 * builds and runs natively.
 */
#include <stdio.h>
#include <stdlib.h>
#include "rnnc_board.h"

void rnnc_board_counter_start(void) {}

uint64_t rnnc_board_counter_read(void)
{
    return 0;
}

uint64_t rnnc_board_counter_overhead(void)
{
    return 0;
}

int rnnc_board_has_counter(void)
{
    return 0;
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
