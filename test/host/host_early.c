/* Preloaded after libautoseal (LD_PRELOAD=libautoseal.so:libhost_early.so),
 * so its constructor runs before autoseal's: its mmap is the first entry
 * into autoseal, which resolves the policy (configuration file, program
 * section, AUTOSEAL_OPTIONS) inside that call.  The call runs on a stack
 * of this library's, filled with a pattern, and host_check early-stack
 * reads how deep it went (host_early_used): the caller's stack an
 * interposed call may use is about 2 KiB. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define STK (256 * 1024)
#define PATTERN 0xA5

size_t host_early_used;
int host_early_sealed_before; /* libc's text already sealed: autoseal's constructor ran first */
size_t host_stack_depth(void (*fn)(void));

static unsigned char *stk;
static ucontext_t back, there;
static void (*target)(void);
static volatile uintptr_t call_sp;

static void trampoline(void)
{
    volatile char mark = 0;
    call_sp = (uintptr_t)&mark;
    target();
}

/* How many bytes below the calling frame fn used (the pattern overwritten). */
size_t host_stack_depth(void (*fn)(void))
{
    if (stk == NULL) {
        /* the raw system call: not a call into autoseal */
        long p = syscall(SYS_mmap, 0L, (long)STK, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1L, 0L);
        if (p < 0) {
            return (size_t)-1;
        }
        stk = (unsigned char *)p;
    }
    memset(stk, PATTERN, STK);
    target = fn;
    getcontext(&there);
    there.uc_stack.ss_sp = stk;
    there.uc_stack.ss_size = STK;
    there.uc_link = &back;
    makecontext(&there, trampoline, 0);
    swapcontext(&back, &there);
    size_t i = 0;
    while (i < STK && stk[i] == PATTERN) {
        i++;
    }
    return call_sp - (uintptr_t)(stk + i);
}

static void one_mmap(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
        munmap(p, 4096);
    }
}

/* Is the page of this function's caller in libc sealed already?  mseal'd
 * text refuses a same-size mremap in place (EPERM), unsealed text takes it. */
static int libc_text_sealed(void)
{
    pid_t (*fn)(void) = getpid;
    uintptr_t a;
    memcpy(&a, &fn, sizeof a);
    uintptr_t pg = a & ~(uintptr_t)4095;
    long r = syscall(SYS_mremap, pg, 4096L, 4096L, 0L, 0L);
    return r == -1;
}

__attribute__((constructor)) static void early(void)
{
    host_early_sealed_before = libc_text_sealed();
    host_early_used = host_stack_depth(one_mmap);
}
