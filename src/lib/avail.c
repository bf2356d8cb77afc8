#define _GNU_SOURCE
#include "avail.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "fmt.h"
#include "frozen.h"
#include "sys.h"

#ifndef __WALL
#define __WALL 0x40000000
#endif

/* The number in "KEY:\tN" of a /proc status text, or -1. */
static long status_field(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    if (p == NULL) {
        return -1;
    }
    p += strlen(key);
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (*p < '0' || *p > '9') {
        return -1;
    }
    long v = 0;
    while (*p >= '0' && *p <= '9' && v < 1000000) {
        v = v * 10 + (*p++ - '0');
    }
    return v;
}

int as_seccomp_parse(const char *status)
{
    long mode = status_field(status, "\nSeccomp:");
    if (mode < 0) {
        return -1;
    }
    if (mode == 0) {
        return 0;
    }
    long n = status_field(status, "\nSeccomp_filters:");
    return n > 0 ? (int)n : 1; /* strict mode, or a kernel without the count */
}

int as_seccomp_state(void)
{
    char buf[4096];
    return as_seccomp_state_buf(buf, sizeof buf);
}

int as_seccomp_state_buf(char *buf, size_t size)
{
    long fd = as_syscall6(__NR_openat, AT_FDCWD, (long)"/proc/self/status",
                          O_RDONLY | O_CLOEXEC | O_NOCTTY, 0, 0, 0);
    if (fd < 0) {
        return -1;
    }
    size_t have = 0;
    while (have < size - 1) {
        long n = as_syscall3(__NR_read, fd, (long)(buf + have), (long)(size - 1 - have));
        if (n == -EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        have += (size_t)n;
    }
    (void)as_syscall3(__NR_close, fd, 0, 0);
    buf[have] = '\0';
    return as_seccomp_parse(buf);
}

int as_avail_from_child(bool exited, int code, int sig)
{
    (void)sig;
    if (!exited) {
        return AS_AVAIL_NO_KILL; /* SIGSYS (kill or trap), or killed for hanging */
    }
    switch (code) {
    case 0: return AS_AVAIL_YES;
    case 1: return AS_AVAIL_NO_ENOSYS;
    case 2: return AS_AVAIL_NO_EPERM;
    default: return AS_AVAIL_NO_PROBE;
    }
}

struct k_sigaction {
    uintptr_t handler;
    unsigned long flags;
    void *restorer;
    unsigned long mask;
};

/* The probe child: raw system calls only (it shares nothing with the
 * parent but a copy of its memory). */
static __attribute__((noreturn)) void probe_child(void)
{
    struct k_sigaction dfl = {0 /* SIG_DFL */, 0, NULL, 0};
    (void)as_syscall6(__NR_rt_sigaction, SIGSYS, (long)&dfl, 0, 8, 0, 0);
    (void)as_syscall6(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0, 0); /* no core dump */
    struct rlimit none = {0, 0};
    (void)as_syscall6(__NR_prlimit64, 0, RLIMIT_CORE, (long)&none, 0, 0, 0);
    long r = as_syscall3(__NR_mseal, 0, 0, 0);
    long code = r == 0 ? 0 : r == -ENOSYS ? 1 : r == -EPERM ? 2 : 3;
    for (;;) {
        (void)as_syscall3(__NR_exit_group, code, 0, 0);
    }
}

static int probe_in_child(void)
{
    /* exit signal 0: never auto-reaped, whatever SIGCHLD's disposition */
    long pid = as_syscall6(__NR_clone, 0, 0, 0, 0, 0, 0);
    if (pid == 0) {
        probe_child();
    }
    if (pid < 0) {
        return AS_AVAIL_NO_PROBE;
    }
    int status = 0;
    long w = 0;
    /* bounded: a filter that hands mseal to a supervisor may never answer */
    for (int i = 0; i < 2000; i++) {
        w = as_syscall6(__NR_wait4, pid, (long)&status, WNOHANG | __WALL, 0, 0, 0);
        if (w != 0 && w != -EINTR) {
            break;
        }
        struct timespec ms = {0, 1000000};
        (void)as_syscall3(__NR_nanosleep, (long)&ms, 0, 0);
    }
    if (w == 0) {
        (void)as_syscall3(__NR_kill, pid, SIGKILL, 0);
        do {
            w = as_syscall6(__NR_wait4, pid, (long)&status, __WALL, 0, 0, 0);
        } while (w == -EINTR);
        return AS_AVAIL_NO_KILL;
    }
    if (w != pid) {
        return AS_AVAIL_NO_PROBE;
    }
    return as_avail_from_child(WIFEXITED(status), WIFEXITED(status) ? WEXITSTATUS(status) : 0,
                               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int as_avail_at_startup(int *filters)
{
    int s = as_seccomp_state();
    *filters = s;
    if (s == 0) {
        return AS_AVAIL_YES; /* the common case: the walk's first mseal tells */
    }
    return probe_in_child();
}

static bool release_at_least(const char *rel, int major, int minor)
{
    int ma = 0, mi = 0;
    const char *p = rel;
    while (*p >= '0' && *p <= '9') {
        ma = ma * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            mi = mi * 10 + (*p++ - '0');
        }
    }
    return ma > major || (ma == major && mi >= minor);
}

void as_avail_explain(int avail, bool filter, const char *release, char *buf, size_t len)
{
    bool has_mseal = release_at_least(release, 6, 10);
    switch (avail) {
    case AS_AVAIL_NO_KILL:
        as_fmt(buf, len, "a seccomp filter kills the process on mseal(2) (kernel %s): nothing is sealed; allow mseal in the filter or make it answer EPERM (systemd: SystemCallErrorNumber=EPERM)",
               release);
        break;
    case AS_AVAIL_NO_PROBE:
        as_fmt(buf, len, "a seccomp filter is active and mseal(2) could not be tried safely (kernel %s): nothing is sealed",
               release);
        break;
    case AS_AVAIL_NO_EPERM:
        as_fmt(buf, len, "mseal(2) answered EPERM (kernel %s, %s): nothing is sealed", release,
               filter ? "refused by the seccomp filter" : "no seccomp filter seen; a security module?");
        break;
    case AS_AVAIL_NO_ENOSYS:
        if (!has_mseal) {
            as_fmt(buf, len, "kernel %s has no mseal(2) (added in 6.10): nothing is sealed", release);
        } else if (filter) {
            as_fmt(buf, len, "mseal(2) answered ENOSYS on kernel %s, which has it: a seccomp filter (container or sandbox) refuses it; nothing is sealed",
                   release);
        } else {
            as_fmt(buf, len, "mseal(2) answered ENOSYS on kernel %s with no seccomp filter: an emulator (qemu-user, valgrind) or a kernel built without it; nothing is sealed",
                   release);
        }
        break;
    default:
        as_fmt(buf, len, "mseal(2) is available");
        break;
    }
}

void as_avail_describe(int avail, bool filter, char *buf, size_t len)
{
    struct utsname u;
    const char *rel = "unknown";
    if (as_syscall3(__NR_uname, (long)&u, 0, 0) == 0) {
        rel = u.release;
    }
    as_avail_explain(avail, filter, rel, buf, len);
}
