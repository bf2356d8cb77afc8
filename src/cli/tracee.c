#include "tracee.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>

void tracee_postpone(struct tracee *t, int sig)
{
    for (size_t i = 0; i < t->npending; i++) {
        if (t->pending[i] == sig && sig < SIGRTMIN) {
            return; /* standard signals do not queue */
        }
    }
    if (t->npending < TRACEE_PENDING_MAX) {
        t->pending[t->npending++] = sig;
    }
}

#if defined(__x86_64__)

#include <sys/user.h>

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#define PTRACE_SYSCALL_INFO_ENTRY 1
#define PTRACE_SYSCALL_INFO_EXIT 2
#endif

bool tracee_supported(void)
{
    return true;
}

int tracee_find_syscall(struct tracee *t, uintptr_t lo, uintptr_t hi)
{
    unsigned char buf[65536];
    unsigned char prev = 0;
    for (uintptr_t a = lo; a < hi;) {
        size_t n = hi - a < sizeof buf ? hi - a : sizeof buf;
        struct iovec l = {buf, n}, r = {(void *)a, n};
        ssize_t got = process_vm_readv(t->pid, &l, 1, &r, 1, 0);
        if (got <= 0) {
            /* process_vm_readv filtered (systemd's @system-service lacks it):
             * the same through PTRACE_PEEKTEXT, a word at a time */
            got = 0;
            for (size_t k = 0; k + sizeof(long) <= n; k += sizeof(long)) {
                errno = 0;
                long w = ptrace(PTRACE_PEEKTEXT, t->pid, (void *)(a + k), 0);
                if (w == -1 && errno) {
                    break;
                }
                memcpy(buf + k, &w, sizeof w);
                got = (ssize_t)(k + sizeof w);
            }
            if (got <= 0) {
                return -EIO;
            }
        }
        for (ssize_t i = 0; i < got; i++) {
            if (prev == 0x0f && buf[i] == 0x05) {
                t->sysinsn = a + (uintptr_t)i - 1;
                return 0;
            }
            prev = buf[i];
        }
        a += (uintptr_t)got;
    }
    return -ENOENT;
}

static int wait_stop(struct tracee *t, int *sig)
{
    for (;;) {
        int st;
        pid_t w = waitpid(t->pid, &st, __WALL);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            t->exited = true;
            t->wstatus = st;
            return -ESRCH;
        }
        if (WIFSTOPPED(st)) {
            *sig = st >> 8;
            return 0;
        }
    }
}

int tracee_syscall(struct tracee *t, long nr, const long args[6], long *ret)
{
    struct user_regs_struct saved, r;
    if (t->sysinsn == 0) {
        return -EINVAL;
    }
    if (ptrace(PTRACE_GETREGS, t->pid, 0, &saved) != 0) {
        return -errno;
    }
    r = saved;
    r.rip = t->sysinsn;
    r.rax = (unsigned long long)nr;
    r.orig_rax = (unsigned long long)-1; /* no system call restart on the way out */
    r.rdi = (unsigned long long)args[0];
    r.rsi = (unsigned long long)args[1];
    r.rdx = (unsigned long long)args[2];
    r.r10 = (unsigned long long)args[3];
    r.r8 = (unsigned long long)args[4];
    r.r9 = (unsigned long long)args[5];
    if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0) {
        return -errno;
    }
    int rc = -EIO;
    for (int tries = 0; tries < 64; tries++) {
        if (ptrace(PTRACE_SINGLESTEP, t->pid, 0, 0) != 0) {
            rc = -errno;
            break;
        }
        int sig = 0;
        rc = wait_stop(t, &sig);
        if (rc != 0) {
            return rc;
        }
        struct user_regs_struct now;
        if (ptrace(PTRACE_GETREGS, t->pid, 0, &now) != 0) {
            rc = -errno;
            break;
        }
        int s = sig & 0x7f;
        if (s != SIGTRAP) {
            siginfo_t si;
            /* a signal-delivery-stop (not a group-stop): deliver it later */
            if (ptrace(PTRACE_GETSIGINFO, t->pid, 0, &si) == 0) {
                tracee_postpone(t, s);
            }
        }
        if (now.rip == t->sysinsn + 2) {
            *ret = (long)now.rax;
            rc = 0;
            break;
        }
        if (now.rip != t->sysinsn) {
            rc = -EIO; /* somewhere unexpected: give up, registers restored */
            break;
        }
    }
    if (ptrace(PTRACE_SETREGS, t->pid, 0, &saved) != 0 && rc == 0) {
        rc = -errno;
    }
    return rc;
}

int tracee_syscall_info(pid_t pid, struct tracee_sc *sc)
{
    struct {
        uint8_t op;
        uint8_t pad[3];
        uint32_t arch;
        uint64_t ip, sp;
        union {
            struct {
                uint64_t nr;
                uint64_t args[6];
            } entry;
            struct {
                int64_t rval;
                uint8_t is_error;
            } exit;
            uint64_t raw[8];
        } u;
    } info;
    memset(&info, 0, sizeof info);
    memset(sc, 0, sizeof *sc);
    long n = ptrace((enum __ptrace_request)PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof info, &info);
    if (n < 0) {
        return -errno;
    }
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
        sc->entry = true;
        sc->nr = (long)info.u.entry.nr;
        memcpy(sc->args, info.u.entry.args, sizeof sc->args);
    } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
        sc->exit = true;
        sc->rval = (long)info.u.exit.rval;
    }
    return 0;
}

#else /* not x86-64: the launcher refuses before it gets here */

bool tracee_supported(void)
{
    return false;
}

int tracee_find_syscall(struct tracee *t, uintptr_t lo, uintptr_t hi)
{
    (void)t, (void)lo, (void)hi;
    return -ENOTSUP;
}

int tracee_syscall(struct tracee *t, long nr, const long args[6], long *ret)
{
    (void)t, (void)nr, (void)args, (void)ret;
    return -ENOTSUP;
}

int tracee_syscall_info(pid_t pid, struct tracee_sc *sc)
{
    (void)pid;
    memset(sc, 0, sizeof *sc);
    return -ENOTSUP;
}

#endif
