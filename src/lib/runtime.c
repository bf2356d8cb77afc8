#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "fdinfo.h"
#include "fmt.h"
#include "log.h"
#include "procmaps.h"
#include "frozen.h"
#include "ledger.h"
#include "resolve.h"
#include "rules.h"
#include "sys.h"

#define AUDIT_PER_SECOND 20

static uint64_t window_start;
static unsigned window_count;
static unsigned suppressed;

/* At most AUDIT_PER_SECOND lines a second (refusals and seal refusals
 * together), so a hot loop cannot flood the log. */
static bool rate_ok(int level)
{
    uint64_t now = as_now_us() / 1000000u;
    uint64_t ws = __atomic_load_n(&window_start, __ATOMIC_RELAXED);
    if (now != ws) {
        __atomic_store_n(&window_start, now, __ATOMIC_RELAXED);
        __atomic_store_n(&window_count, 0, __ATOMIC_RELAXED);
        unsigned s = __atomic_exchange_n(&suppressed, 0, __ATOMIC_RELAXED);
        if (s) {
            as_log(level, "event=suppressed count=%u", s);
        }
    }
    if (__atomic_add_fetch(&window_count, 1, __ATOMIC_RELAXED) > AUDIT_PER_SECOND) {
        __atomic_add_fetch(&suppressed, 1, __ATOMIC_RELAXED);
        return false;
    }
    return true;
}

/* One line per refused (or, in audit mode, would-be refused) call. */
static void report(const char *call, bool audit, const char *would, const char *reason,
                   const void *addr, size_t len, int prot, void *caller)
{
    const int level = AS_LEVEL_WARN;
    if (!as_log_enabled(level)) {
        return;
    }
    if (!rate_ok(level)) {
        return;
    }
    /* the caller's object from /proc/self/maps: never the loader here */
    char from[128];
    as_maps_path_of((uintptr_t)caller, from, sizeof from);
    const char r = (prot & PROT_READ) ? 'r' : '-', w = (prot & PROT_WRITE) ? 'w' : '-',
               x = (prot & PROT_EXEC) ? 'x' : '-';
    if (reason == NULL) {
        as_log(level, "event=%s call=%s would=%s addr=%p len=%zu prot=%c%c%c caller=%p object=%s",
               audit ? "audit" : "deny", call, would, addr, len, r, w, x, caller, from);
    } else if (audit) {
        as_log(level,
               "event=audit call=%s would=%s reason=%s addr=%p len=%zu prot=%c%c%c caller=%p "
               "object=%s",
               call, would, reason, addr, len, r, w, x, caller, from);
    } else {
        as_log(level,
               "event=deny call=%s reason=%s addr=%p len=%zu prot=%c%c%c caller=%p object=%s",
               call, reason, addr, len, r, w, x, caller, from);
    }
}

/* (call, object) pairs already reported as seal-refused: a log line each,
 * once.  Only ever suppresses duplicate log lines; when full, every
 * refusal is logged (within the rate limit). */
#define SEEN_MAX 64
static uint32_t seen[SEEN_MAX];
static unsigned seen_n;
static long seen_pid; /* a forked child starts with an empty table */

static uint32_t fnv1a(uint32_t h, const char *s)
{
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

static bool first_report(uint32_t h)
{
    long pid = as_syscall3(__NR_getpid, 0, 0, 0);
    if (__atomic_exchange_n(&seen_pid, pid, __ATOMIC_ACQ_REL) != pid) {
        __atomic_store_n(&seen_n, 0, __ATOMIC_RELEASE);
    }
    unsigned n = __atomic_load_n(&seen_n, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < n && i < SEEN_MAX; i++) {
        if (__atomic_load_n(&seen[i], __ATOMIC_RELAXED) == h) {
            return false;
        }
    }
    unsigned k = __atomic_fetch_add(&seen_n, 1, __ATOMIC_ACQ_REL);
    if (k < SEEN_MAX) {
        __atomic_store_n(&seen[k], h, __ATOMIC_RELEASE);
    } else {
        __atomic_store_n(&seen_n, SEEN_MAX, __ATOMIC_RELAXED);
    }
    return true;
}

/* The kernel refused a call with EPERM.  If a sealed mapping lies in the
 * range (VmFlags "sl" in /proc/self/smaps: read only here, at most
 * AUDIT_PER_SECOND times a second), say so, naming it by its path (no
 * loader call), once per (call, object), so that the program's failure
 * does not look unrelated.  Seals are only autoseal's unless the program
 * seals memory itself. */
static void seal_refused(const char *call, const void *addr, size_t len)
{
    const struct as_policy *p = as_policy();
    if (p->mode == AS_MODE_OFF || !as_log_enabled(AS_LEVEL_WARN) || !rate_ok(AS_LEVEL_WARN)) {
        return;
    }
    char obj[128];
    uintptr_t s = (uintptr_t)addr & ~(uintptr_t)4095;
    uintptr_t e = (uintptr_t)addr + len;
    if (as_smaps_sealed_in(s, e > s ? e : s + 1, obj, sizeof obj) == 0) {
        return; /* EPERM for another reason (a file seal, mmap_min_addr...) */
    }
    if (!first_report(fnv1a(fnv1a(2166136261u, call), obj))) {
        return;
    }
    as_log(AS_LEVEL_WARN, "event=seal-refused call=%s addr=%p len=%zu object=%s", call, addr,
           len, obj);
}

static bool refuse(const char *call, const struct as_verdict *v, const void *addr, size_t len,
                   int prot, void *caller)
{
    const struct as_policy *p = as_policy();
    if (v->reason == AS_OK || p->mode == AS_MODE_OFF) {
        return false;
    }
    report(call, p->mode == AS_MODE_AUDIT, "refuse", as_reason_name(v->reason), addr, len, prot,
           caller);
    return p->mode == AS_MODE_ENFORCE;
}

static void seal_new(const char *call, uintptr_t addr, size_t len, int prot, void *caller)
{
    const struct as_policy *p = as_policy();
    if (p->mode == AS_MODE_OFF) {
        return;
    }
    if (p->mode == AS_MODE_AUDIT) {
        report(call, true, "seal", NULL, (void *)addr, len, prot, caller);
        return;
    }
    int r = as_sys_mseal(addr, len);
    if (r != 0 && r != -ENOSYS && r != -EPERM) {
        as_log(AS_LEVEL_WARN, "event=seal-failed call=%s addr=%p len=%zu error=%d", call,
               (void *)addr, len, -r);
    }
}

/* data=seal: the program made (part of) its image data read-only; seal
 * the range (the kernel rounds len up to whole pages) so that it can never
 * be made writable again. */
static void seal_tightened(const char *call, uintptr_t addr, size_t len, int prot, void *caller)
{
    size_t rl = (len + 4095) & ~(size_t)4095;
    seal_new(call, addr, rl, prot, caller);
    if (as_policy()->mode == AS_MODE_ENFORCE) {
        as_log(AS_LEVEL_DEBUG, "event=sealed-on-tighten call=%s addr=%p len=%zu", call,
               (void *)addr, rl);
    }
}

static long fail(int err)
{
    errno = err;
    return -1;
}

/* autoseal's own protected page and ledger: never unprotected, remapped
 * or mapped over through libc, in any mode - they hold the decisions
 * (matters where mseal is not available to protect them). */
static bool touches_own(const char *call, uintptr_t start, size_t len)
{
    if (len == 0 || !as_frozen_overlaps(start, start + len)) {
        return false;
    }
    as_log(AS_LEVEL_WARN, "event=deny call=%s reason=autoseal-protected addr=%p len=%zu", call,
           (void *)start, len);
    return true;
}

void *as_do_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off, void *caller)
{
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && touches_own("mmap", (uintptr_t)addr, len)) {
        return (void *)fail(EPERM);
    }
    const struct as_policy *p = as_policy();
    struct as_verdict v = {AS_OK, 0, false};
    if (p->mode != AS_MODE_OFF) {
        struct as_fd_info fi = {0};
        if (as_rule_mmap_needs_fd_info(p, prot, flags, fd)) {
            as_fd_query(fd, &fi);
        }
        v = as_rule_mmap(p, prot, flags, fd, &fi);
        if (refuse("mmap", &v, addr, len, prot, caller)) {
            return (void *)fail(v.err);
        }
    }
    if (off & 4095) { /* as glibc checks before the system call */
        return (void *)fail(EINVAL);
    }
    long r = as_syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, (long)off);
    if (r < 0 && r > -4096) {
        if (r == -EPERM) {
            seal_refused("mmap", addr, len);
        }
        return (void *)fail((int)-r);
    }
    if (v.seal_after) {
        seal_new("mmap", (uintptr_t)r, len, prot, caller);
    }
    return (void *)r;
}

int as_do_mprotect(void *addr, size_t len, int prot, int pkey, void *caller)
{
    if (touches_own("mprotect", (uintptr_t)addr, len)) {
        return (int)fail(EPERM);
    }
    const struct as_policy *p = as_policy();
    struct as_verdict v = {AS_OK, 0, false};
    const char *call = pkey == AS_NO_PKEY ? "mprotect" : "pkey_mprotect";
    bool tighten = false; /* data=seal: seal what the program made read-only */
    if (p->mode != AS_MODE_OFF) {
        struct as_region_info ri = {0};
        bool tighten_info = as_rule_tighten_needs_info(p, prot);
        if (as_rule_mprotect_needs_info(p, prot) || tighten_info) {
            size_t rl = (len + 4095) & ~(size_t)4095;
            as_region_query((uintptr_t)addr, (uintptr_t)addr + rl, &ri);
        }
        v = as_rule_mprotect(p, prot, &ri);
        if (refuse(call, &v, addr, len, prot, caller)) {
            return (int)fail(v.err);
        }
        tighten = tighten_info && as_rule_tighten(p, prot, &ri);
    }
    /* glibc's pkey_mprotect(-1) is a plain mprotect */
    long r = pkey < 0 ? as_syscall3(__NR_mprotect, (long)addr, (long)len, prot)
                        : as_syscall6(__NR_pkey_mprotect, (long)addr, (long)len, prot, pkey, 0, 0);
    if (r < 0) {
        if (r == -EPERM) {
            seal_refused(call, addr, len);
        }
        return (int)fail((int)-r);
    }
    if (v.seal_after) {
        seal_new(call, (uintptr_t)addr, len, prot, caller);
    }
    if (tighten) {
        seal_tightened(call, (uintptr_t)addr, len, prot, caller);
    }
    return 0;
}

void *as_do_mremap(void *old, size_t oldlen, size_t newlen, int flags, void *newaddr)
{
    as_resolve_policy_once();
    if (touches_own("mremap", (uintptr_t)old, oldlen) ||
        ((flags & MREMAP_FIXED) && touches_own("mremap", (uintptr_t)newaddr, newlen))) {
        return (void *)fail(EPERM);
    }
    long r = as_syscall6(__NR_mremap, (long)old, (long)oldlen, (long)newlen, flags,
                         (long)newaddr, 0);
    if (r < 0 && r > -4096) {
        if (r == -EPERM) {
            seal_refused("mremap", old, oldlen ? oldlen : 1);
            if (flags & MREMAP_FIXED) {
                seal_refused("mremap", newaddr, newlen);
            }
        }
        return (void *)fail((int)-r);
    }
    return (void *)r;
}

void *as_do_shmat(int id, const void *addr, int flg, void *caller)
{
    const struct as_policy *p = as_policy();
    if (p->mode != AS_MODE_OFF) {
        struct as_verdict v = as_rule_shmat(p, flg);
        if (refuse("shmat", &v, addr, 0, PROT_READ | PROT_EXEC, caller)) {
            return (void *)fail(v.err);
        }
    }
#ifdef __NR_shmat
    long r = as_syscall3(__NR_shmat, id, (long)addr, flg);
#else
    long r = -ENOSYS;
#endif
    if (r < 0 && r > -4096) {
        return (void *)fail((int)-r);
    }
    return (void *)r;
}

/* Does [s, e) overlap RELRO that autoseal sealed?  From the frozen page
 * and the ledger; when they overflowed, anything that may be file-backed
 * counts (fail closed). */
static bool relro_overlaps(uintptr_t s, uintptr_t e)
{
    int o = as_ledger_span_overlap(s, e);
    if (o >= 0) {
        return o == 1;
    }
    struct as_region_info ri = {0};
    as_region_query(s, e, &ri);
    return !ri.known || ri.file_backed;
}

int as_do_madvise(void *addr, size_t len, int advice, void *caller)
{
    const struct as_policy *p = as_policy();
    if (p->mode != AS_MODE_OFF) {
        size_t rl = (len + 4095) & ~(size_t)4095;
        bool overlap = relro_overlaps((uintptr_t)addr, (uintptr_t)addr + rl);
        struct as_verdict v = as_rule_madvise(p, advice, overlap);
        if (refuse("madvise", &v, addr, len, 0, caller)) {
            return (int)fail(v.err);
        }
    }
    long r = as_syscall3(__NR_madvise, (long)addr, (long)len, advice);
    if (r < 0) {
        if (r == -EPERM && advice != MADV_HWPOISON) { /* HWPOISON: EPERM without the capability */
            seal_refused("madvise", addr, len);
        }
        return (int)fail((int)-r);
    }
    return 0;
}

int as_do_munmap(void *addr, size_t len)
{
    if (touches_own("munmap", (uintptr_t)addr, len)) {
        return (int)fail(EPERM);
    }
    long r = as_syscall3(__NR_munmap, (long)addr, (long)len, 0);
    if (r < 0) {
        if (r == -EPERM) {
            seal_refused("munmap", addr, len);
        }
        return (int)fail((int)-r);
    }
    return 0;
}

int as_do_personality(unsigned long persona, void *caller)
{
    const struct as_policy *p = as_policy();
    if (p->mode != AS_MODE_OFF) {
        struct as_verdict v = as_rule_personality(p, persona);
        if (refuse("personality", &v, NULL, 0, 0, caller)) {
            return (int)fail(v.err);
        }
    }
    /* never fails in the kernel: the previous persona */
    return (int)as_syscall3(__NR_personality, (long)(unsigned)persona, 0, 0);
}

#ifndef __NR_process_madvise
#define __NR_process_madvise 440
#endif

/* Does pidfd refer to this process?  Its "Pid:" line in
 * /proc/self/fdinfo/FD (read only on the rare refusal path); anything
 * unreadable or unexpected is AS_TARGET_UNKNOWN, which counts as self. */
static int pidfd_target(int pidfd)
{
    char path[48];
    as_fmt(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
    int fd = (int)as_syscall3(__NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return AS_TARGET_UNKNOWN;
    }
    char buf[512];
    long n = as_syscall3(__NR_read, fd, (long)buf, (long)sizeof buf - 1);
    as_syscall3(__NR_close, fd, 0, 0);
    if (n <= 0) {
        return AS_TARGET_UNKNOWN;
    }
    buf[n] = '\0';
    for (long i = 0; i + 5 < n; i++) {
        if ((i == 0 || buf[i - 1] == '\n') && buf[i] == 'P' && buf[i + 1] == 'i' &&
            buf[i + 2] == 'd' && buf[i + 3] == ':') {
            const char *q = buf + i + 4;
            while (*q == ' ' || *q == '\t') {
                q++;
            }
            if (*q < '0' || *q > '9') {
                return AS_TARGET_UNKNOWN; /* -1: exited, or not a pidfd */
            }
            long pid = 0;
            while (*q >= '0' && *q <= '9' && pid < 100000000) {
                pid = pid * 10 + (*q++ - '0');
            }
            return pid == as_syscall3(__NR_getpid, 0, 0, 0) ? AS_TARGET_SELF : AS_TARGET_OTHER;
        }
    }
    return AS_TARGET_UNKNOWN;
}

/* Does any of the caller's iovecs overlap sealed RELRO?  The iovecs are
 * copied with process_vm_readv on ourselves, so a bad pointer gives the
 * kernel's EFAULT (from the real call) instead of a crash here; where
 * process_vm_readv is not allowed (seccomp), they are read directly. */
static bool iov_overlaps_relro(const struct iovec *iov, size_t n)
{
    const long self = as_syscall3(__NR_getpid, 0, 0, 0);
    struct iovec chunk[16];
    for (size_t i = 0; i < n; i += 16) {
        size_t k = n - i < 16 ? n - i : 16;
        struct iovec local = {chunk, k * sizeof chunk[0]};
        struct iovec remote = {(void *)(iov + i), k * sizeof chunk[0]};
        long r = as_syscall6(__NR_process_vm_readv, self, (long)&local, 1, (long)&remote, 1, 0);
        if (r == -EFAULT || (r >= 0 && r != (long)(k * sizeof chunk[0]))) {
            return false; /* the kernel will answer EFAULT */
        }
        if (r < 0) {
            __builtin_memcpy(chunk, iov + i, k * sizeof chunk[0]);
        }
        for (size_t j = 0; j < k; j++) {
            uintptr_t s = (uintptr_t)chunk[j].iov_base;
            size_t rl = (chunk[j].iov_len + 4095) & ~(size_t)4095;
            if (rl && relro_overlaps(s, s + rl)) {
                return true;
            }
        }
    }
    return false;
}

ssize_t as_do_process_madvise(int pidfd, const struct iovec *iov, size_t n, int advice,
                              unsigned flags, void *caller)
{
    const struct as_policy *p = as_policy();
    /* the kernel takes at most UIO_MAXIOV (1024) iovecs, else EINVAL */
    if (p->mode != AS_MODE_OFF && !as_rule_madvise_harmless(advice) && n <= 1024 &&
        iov_overlaps_relro(iov, n)) {
        struct as_verdict v = as_rule_process_madvise(p, advice, true, pidfd_target(pidfd));
        if (refuse("process_madvise", &v, n ? iov[0].iov_base : NULL, 0, 0, caller)) {
            return fail(v.err);
        }
    }
    long r = as_syscall6(__NR_process_madvise, pidfd, (long)iov, (long)n, advice, flags, 0);
    if (r < 0 && r > -4096) {
        return fail((int)-r);
    }
    return r;
}
