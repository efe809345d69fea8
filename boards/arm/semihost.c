/*
 * Console output and exit through Arm semihosting (bkpt 0xab), and the newlib
 * system calls built on it, so printf and exit work. QEMU runs with
 * -semihosting-config enable=on,target=native: output goes to its stdout and
 * SYS_EXIT_EXTENDED makes QEMU itself exit with the program's code.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include "rnnc_board.h"
#include "rnnc_arm.h"

#define SYS_WRITE0 0x04u
#define SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

extern char __heap_start, __stack_limit;

/* Prototypes for the newlib hooks, which newlib declares nowhere public. */
int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int offset, int whence);
void *_sbrk(ptrdiff_t incr);
int _kill(int pid, int sig);
int _getpid(void);
void _exit(int code) __attribute__((noreturn));

static uint32_t semihost_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void rnnc_semihost_write0(const char *s)
{
    semihost_call(SYS_WRITE0, s);
}

void rnnc_semihost_exit(int code)
{
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    semihost_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}

void rnnc_semihost_init(void)
{
    /* Unbuffered: printf output and rnnc_board_print appear in program order. */
    setvbuf(stdout, NULL, _IONBF, 0);
}

void rnnc_board_print(const char *s)
{
    fflush(stdout);
    rnnc_semihost_write0(s);
}

void rnnc_board_exit(int code)
{
    fflush(stdout);
    rnnc_semihost_exit(code);
}

/* SYS_WRITE0 takes a NUL-terminated string: send the bytes in NUL-terminated
 * chunks (a NUL byte in the data is dropped). */
int _write(int fd, const char *buf, int len)
{
    char chunk[128];
    size_t n = 0;
    (void)fd;
    for (int i = 0; i < len; i++) {
        if (buf[i] != '\0') chunk[n++] = buf[i];
        if (n == sizeof chunk - 1 || (i == len - 1 && n > 0)) {
            chunk[n] = '\0';
            rnnc_semihost_write0(chunk);
            n = 0;
        }
    }
    return len;
}

int _read(int fd, char *buf, int len)
{
    (void)fd;
    (void)buf;
    (void)len;
    return 0;
}

int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    (void)fd;
    return 1;
}

int _lseek(int fd, int offset, int whence)
{
    (void)fd;
    (void)offset;
    (void)whence;
    return 0;
}

/* The heap grows from the end of .bss up to the stack's reserved area. */
void *_sbrk(ptrdiff_t incr)
{
    static char *brk = &__heap_start;
    char *old = brk;
    if (incr > &__stack_limit - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    brk += incr;
    return old;
}

int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

int _getpid(void)
{
    return 1;
}

void _exit(int code)
{
    rnnc_semihost_exit(code);
}
