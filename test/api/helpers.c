#define _GNU_SOURCE
#include "helpers.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/audit.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

uintptr_t page_of(const void *p)
{
    uintptr_t ps = (uintptr_t)sysconf(_SC_PAGESIZE);
    return (uintptr_t)p & ~(ps - 1);
}

static int has_token(const char *line, const char *tok)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", line);
    char *save = NULL;
    for (char *t = strtok_r(buf, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
        if (strcmp(t, tok) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Walk smaps; cb(start, end, header, vmflags, ctx) returns nonzero to stop. */
typedef int (*smaps_cb)(uintptr_t s, uintptr_t e, const char *hdr, const char *flags, void *ctx);

static int smaps_walk(smaps_cb cb, void *ctx)
{
    FILE *f = fopen("/proc/self/smaps", "re");
    if (!f) {
        return -1;
    }
    char line[1024], hdr[1024] = "";
    uintptr_t s = 0, e = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long a, b;
        if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            s = a;
            e = b;
            snprintf(hdr, sizeof hdr, "%s", line);
        } else if (strncmp(line, "VmFlags:", 8) == 0) {
            rc = cb(s, e, hdr, line + 8, ctx);
            if (rc) {
                break;
            }
        }
    }
    fclose(f);
    return rc;
}

struct find_ctx {
    uintptr_t addr;
    int result;
};

static int find_cb(uintptr_t s, uintptr_t e, const char *hdr, const char *flags, void *ctx)
{
    (void)hdr;
    struct find_ctx *fc = ctx;
    if (fc->addr >= s && fc->addr < e) {
        fc->result = has_token(flags, "sl");
        return 1;
    }
    return 0;
}

int smaps_sealed(const void *addr)
{
    struct find_ctx fc = {(uintptr_t)addr, -1};
    if (smaps_walk(find_cb, &fc) < 0) {
        return -1;
    }
    return fc.result;
}

struct any_ctx {
    char *where;
    size_t n;
};

static int any_cb(uintptr_t s, uintptr_t e, const char *hdr, const char *flags, void *ctx)
{
    (void)s;
    (void)e;
    struct any_ctx *ac = ctx;
    static const char *const kernel_maps[] = {"[vdso]", "[vvar]", "[vvar_vclock]",
                                              "[vsyscall]", "[uprobes]"};
    if (!has_token(flags, "sl")) {
        return 0;
    }
    for (size_t i = 0; i < sizeof kernel_maps / sizeof kernel_maps[0]; i++) {
        if (has_token(hdr, kernel_maps[i])) {
            return 0; /* CONFIG_MSEAL_SYSTEM_MAPPINGS seals these */
        }
    }
    snprintf(ac->where, ac->n, "%s", hdr);
    return 1;
}

int smaps_any_user_sealed(char *where, size_t n)
{
    struct any_ctx ac = {where, n};
    return smaps_walk(any_cb, &ac);
}

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
    siglongjmp(fault_jmp, sig);
}

static int run_faulting(void (*fn)(int), volatile int *p, int v)
{
    struct sigaction sa, old_segv, old_bus;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fault;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    volatile int faulted = 0;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        if (fn) {
            fn(v);
        } else {
            *p = v;
        }
    } else {
        faulted = 1;
    }
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    return faulted;
}

int write_faults(volatile int *p, int v)
{
    return run_faulting(NULL, p, v);
}

int call_faults(void (*fn)(int), int v)
{
    return run_faulting(fn, NULL, v);
}

int try_mprotect(void *page, size_t len, int prot)
{
    return mprotect(page, len, prot) == 0 ? 0 : errno;
}

int try_munmap(void *page, size_t len)
{
    return munmap(page, len) == 0 ? 0 : errno;
}

int try_mremap_shrink(void *page, size_t len)
{
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    void *r = mremap(page, len, len - ps, 0);
    return r == MAP_FAILED ? errno : 0;
}

int try_mmap_fixed(void *page, size_t len)
{
    void *r = mmap(page, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return r == MAP_FAILED ? errno : 0;
}

int install_mseal_filter(int err)
{
#if defined(__x86_64__)
    const unsigned arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
    const unsigned arch = AUDIT_ARCH_AARCH64;
#else
#error "unsupported architecture for the seccomp test filter"
#endif
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 462, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {(unsigned short)(sizeof code / sizeof code[0]), code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return errno;
    }
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        return errno;
    }
    return 0;
}

int raw_mseal_probe(void)
{
    return syscall(462, 0L, 0L, 0L) == 0 ? 0 : errno;
}

int maps_line(const void *addr, char *buf, size_t n)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f) {
        return -1;
    }
    char line[1024];
    int rc = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e;
        if (sscanf(line, "%lx-%lx", &s, &e) == 2 && (uintptr_t)addr >= s && (uintptr_t)addr < e) {
            snprintf(buf, n, "%s", line);
            rc = 0;
            break;
        }
    }
    fclose(f);
    return rc;
}
