/* Raw system calls used by libautoseal.
 *
 * Everything here leaves errno untouched and returns 0/positive or a
 * negative errno, so that interposers and the constructor can call it
 * without disturbing the host program.  No symbol lookup, no allocation. */
#ifndef AUTOSEAL_SYS_H
#define AUTOSEAL_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#ifndef __NR_mseal
#define __NR_mseal 462 /* x86-64, arm64 and every asm-generic architecture */
#endif

/* Small variables the constructor touches: kept together in .data, in the
 * page ld.so writes anyway (relocations, zeroing the tail of the page), so
 * that startup takes no page faults on scattered .bss pages. */
#define AS_HOT __attribute__((section(".data.autoseal_hot")))

/* PR_SET_MDWE (Linux 6.3+), not in every libc's headers. */
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN (1UL << 0)
#endif
#ifndef PR_MDWE_NO_INHERIT
#define PR_MDWE_NO_INHERIT (1UL << 1)
#endif

long as_syscall6(long nr, long a, long b, long c, long d, long e, long f);

static inline long as_syscall3(long nr, long a, long b, long c)
{
    return as_syscall6(nr, a, b, c, 0, 0, 0);
}

/* mseal(2): 0 or -errno. */
static inline int as_sys_mseal(uintptr_t addr, size_t len)
{
    return (int)as_syscall3(__NR_mseal, (long)addr, (long)len, 0);
}

static inline int as_sys_mprotect(uintptr_t addr, size_t len, int prot)
{
    return (int)as_syscall3(__NR_mprotect, (long)addr, (long)len, prot);
}

/* Current time in microseconds (CLOCK_MONOTONIC), via the vDSO. */
uint64_t as_now_us(void);

#endif
