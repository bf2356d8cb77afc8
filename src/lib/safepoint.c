/* Safe points (see safepoint.h for where and why). */
#define _GNU_SOURCE
#include "safepoint.h"

#include <errno.h>
#include <stdint.h>
#include <link.h>
#include <linux/futex.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "avail.h"
#include "dlwrap.h"
#include "frozen.h"
#include "ledger.h"
#include "log.h"
#include "promote.h"
#include "sys.h"

/* ---- the safe-point lock: 0 free, else the owner's thread id, with
 * LOCK_WAITERS set when someone waits ----
 * Waiting is bounded: if the lock cannot be had in time, either its owner
 * is gone or was never real (a memory bug wrote the word) - then the lock
 * is taken over - or a live owner is stuck (it waits for the loader lock
 * this thread holds): then the safe point is skipped, that is logged, and
 * the objects wait for a later safe point. */
#define LOCK_WAITERS 0x40000000u
AS_HOT static uint32_t sp_lock; /* in the page ld.so dirtied: no fault at the first safe point */
static __thread uint32_t my_tid __attribute__((tls_model("initial-exec")));

static uint32_t self_tid(void)
{
    if (my_tid == 0) {
        my_tid = (uint32_t)as_syscall3(__NR_gettid, 0, 0, 0);
    }
    return my_tid;
}

static void futex_wait(uint32_t *addr, uint32_t val, uint64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000};
    (void)as_syscall6(__NR_futex, (long)addr, FUTEX_WAIT_PRIVATE, (long)val, (long)&ts, 0, 0);
}

static bool owner_gone(uint32_t owner)
{
    long pid = as_syscall3(__NR_getpid, 0, 0, 0);
    return owner == 0 || owner >= LOCK_WAITERS ||
           as_syscall3(__NR_tgkill, pid, (long)owner, 0) == -ESRCH;
}

static bool lock_acquire(uint64_t timeout_us)
{
    uint32_t me = self_tid();
    uint32_t c = 0;
    if (__atomic_compare_exchange_n(&sp_lock, &c, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        return true;
    }
    uint64_t deadline = as_now_us() + timeout_us;
    for (;;) {
        if (c == 0) {
            if (__atomic_compare_exchange_n(&sp_lock, &c, me | LOCK_WAITERS, false,
                                            __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
                return true;
            }
            continue;
        }
        if (!(c & LOCK_WAITERS)) {
            uint32_t cw = c | LOCK_WAITERS;
            if (!__atomic_compare_exchange_n(&sp_lock, &c, cw, false, __ATOMIC_RELAXED,
                                             __ATOMIC_RELAXED)) {
                continue;
            }
            c = cw;
        }
        uint64_t now = as_now_us();
        if (now >= deadline) {
            uint32_t owner = c & ~LOCK_WAITERS;
            if (owner != me && owner_gone(owner)) {
                if (__atomic_compare_exchange_n(&sp_lock, &c, me | LOCK_WAITERS, false,
                                                __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
                    as_log(AS_LEVEL_WARN, "event=safe-point-lock-taken-over owner=%u", owner);
                    return true;
                }
                continue;
            }
            return false;
        }
        futex_wait(&sp_lock, c, deadline - now);
        c = __atomic_load_n(&sp_lock, __ATOMIC_RELAXED);
    }
}

static void lock_release(void)
{
    if (__atomic_exchange_n(&sp_lock, 0, __ATOMIC_RELEASE) & LOCK_WAITERS) {
        (void)as_syscall6(__NR_futex, (long)&sp_lock, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
    }
}

#define DL_WAIT_US 100000u    /* a dl* entry waits at most 100 ms */
#define FORK_WAIT_US 1000000u /* fork() at most 1 s */

static __thread int in_tracker __attribute__((tls_model("initial-exec")));
static __thread int held_for_fork __attribute__((tls_model("initial-exec")));

/* autoseal's own stack for safe-point work (only with the lock held) */
#define WORK_STACK 65536
/* not page aligned: that would align the whole .bss, and the first .bss
 * variable (crtstuff's completed.0, read and written at exit) would leave
 * the .data page ld.so writes anyway (two more page faults per exec) */
static unsigned char work_stack[WORK_STACK] __attribute__((aligned(64)));

AS_HOT static bool ledger_written; /* a safe point has written the ledger */

/* Is there anything for the tracker to do in this process at all?  Only
 * sealed memory decides. */
static bool tracker_on(void)
{
    const struct as_frozen *f = as_frozen();
#if !defined(__x86_64__) && !defined(__aarch64__)
    /* without the trampolines nested dlopen calls cannot be told apart:
     * objects loaded later are left unsealed on this architecture */
    return false;
#endif
    return as_frozen_ready() && f->acting && f->avail == AS_AVAIL_YES && f->ledger != NULL &&
           (f->policy.mode == AS_MODE_ENFORCE || f->policy.mode == AS_MODE_AUDIT) &&
           f->policy.dlopen != AS_DLOPEN_OFF;
}

static int counters_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    unsigned long *c = data;
    (void)size;
    c[0] = info->dlpi_adds;
    c[1] = info->dlpi_subs;
    return 1;
}

void as_safe_point_counters(unsigned long c[2])
{
    c[0] = c[1] = 0;
    dl_iterate_phdr(counters_cb, c);
}

static void stop_for_filter(int now)
{
    struct as_ledger *l = as_ledger();
    if (l != NULL && as_ledger_open() == 0) {
        l->filter_later = true;
        as_ledger_close();
    }
    char why[200];
    as_avail_describe(AS_AVAIL_NO_PROBE, true, why, sizeof why);
    as_log(AS_LEVEL_WARN,
           "event=unavailable reason=seccomp-after-start filters=%d msg=\"a seccomp filter was installed after startup: objects loaded from now on are not sealed (an mseal call could kill the process)\"",
           now);
}

/* The work of one safe point: lock held, on autoseal's stack. */
static void work(void *arg)
{
    (void)arg;
    int saved = errno;
    const struct as_policy *pol = &as_frozen()->policy;
    struct as_ledger *L = as_ledger();
    if (L == NULL) {
        return;
    }
    unsigned long cnt[2] = {0, 0};
    dl_iterate_phdr(counters_cb, cnt);
    /* until the first safe point writes the ledger, the counters are the
     * ones the startup walk covered.  ledger_written only spares the read
     * of a ledger page nobody wrote yet (a page fault on the zero page, and
     * a second one when it is written): if it is wrongly false, the frozen
     * counters differ from the current ones (they only grow, and the
     * ledger is written only when they changed), so the work is done
     * again; if wrongly true, the ledger says not ready */
    bool rd = __atomic_load_n(&ledger_written, __ATOMIC_RELAXED) && L->ready;
    unsigned long adds = rd ? L->adds : as_frozen()->adds0;
    unsigned long subs = rd ? L->subs : as_frozen()->subs0;
    if ((cnt[0] == adds && cnt[1] == subs) || L->filter_later) {
        errno = saved;
        return;
    }
    /* never risk the host: a filter the program installed since startup
     * (a sandbox) may kill on mseal */
    /* read into the batch's first name buffer, not onto this stack: the
     * page is written by the collect walk anyway, a second stack page
     * would be one more page fault at the first dlopen */
    size_t scratch_len;
    char *scratch = as_promote_scratch(&scratch_len);
    int filters = as_seccomp_state_buf(scratch, scratch_len);
    if (filters != as_frozen()->filters_at_start && filters != -1) {
        stop_for_filter(filters);
        errno = saved;
        return;
    }
    int r = as_ledger_open();
    if (r != 0) {
        as_log(AS_LEVEL_ERROR, "event=ledger-failed error=%d msg=\"objects loaded later are not sealed\"",
               -r);
        errno = saved;
        return;
    }
    L->ready = true;
    __atomic_store_n(&ledger_written, true, __ATOMIC_RELAXED);
    if (cnt[1] != subs) {
        /* something was unloaded, and something else may now be at its
         * address: ask the kernel again about every object */
        as_ledger_clear_objs();
    }
    struct as_walk_result res;
    memset(&res, 0, sizeof res);
    as_promote_new(pol, &res);
    as_promote_other_namespaces(pol, &res);
    L->adds = cnt[0];
    L->subs = cnt[1];
    as_ledger_close();
    if (res.objects) {
        as_log(AS_LEVEL_INFO, "event=dlopen-sealed objects=%lu sealed=%lu bytes=%lu calls=%lu",
               res.objects, res.objects_sealed, res.st.bytes, res.st.calls);
    }
    errno = saved;
}

void as_safe_point_run_early(void (*fn)(void *), void *arg)
{
    if (as_frozen_ready()) {
        fn(arg); /* cannot happen: resolution is over before the store */
        return;
    }
    as_run_on_stack(fn, arg, work_stack + sizeof work_stack);
}

static void run_work(void)
{
    in_tracker = 1;
    as_run_on_stack(work, NULL, work_stack + sizeof work_stack);
    in_tracker = 0;
}

static void report_busy(const char *where)
{
    static unsigned reported;
    if (__atomic_fetch_add(&reported, 1, __ATOMIC_RELAXED) < 5) {
        as_log(AS_LEVEL_WARN, "event=safe-point-skipped at=%s reason=busy msg=\"the safe-point lock was not free in time; objects are sealed at a later safe point\"",
               where);
    }
}

void as_safe_point_dl(void *sp)
{
    if (in_tracker || !tracker_on() || as_dl_nested(sp)) {
        return;
    }
    if (!lock_acquire(DL_WAIT_US)) {
        report_busy("dl");
        return;
    }
    run_work();
    lock_release();
}

void as_safe_point_note_keep(const char *path)
{
    if (in_tracker || !tracker_on() || as_frozen()->policy.dlopen != AS_DLOPEN_KEEP) {
        return;
    }
    if (!lock_acquire(DL_WAIT_US)) {
        report_busy("keep");
        return;
    }
    if (as_ledger_open() == 0) {
        as_ledger_add_keep(path);
        as_ledger_close();
    }
    lock_release();
}

/* fork(): objects that libc loaded by itself (NSS modules for getpwnam,
 * say) get sealed before a server forks its workers; and the lock is held
 * across the fork so that no walk of autoseal's is in flight in the child
 * (glibc 2.36 does not reset the loader's list lock in a child). */
static void before_fork(void)
{
    held_for_fork = 0;
    if (in_tracker || !tracker_on()) {
        return;
    }
    int dummy;
    bool nested = as_dl_nested(&dummy);
    /* nested: this thread is inside a dlopen (a constructor forks) and
     * may hold the loader lock, so the holder may be waiting for us:
     * wait briefly only */
    if (!lock_acquire(nested ? DL_WAIT_US : FORK_WAIT_US)) {
        report_busy("fork");
        return;
    }
    held_for_fork = 1;
    if (!nested) {
        run_work();
    }
}

static void after_fork_parent(void)
{
    if (held_for_fork) {
        held_for_fork = 0;
        lock_release();
    }
}

static void after_fork_child(void)
{
    /* the child has one thread, this one: nothing of autoseal's runs */
    __atomic_store_n(&sp_lock, 0, __ATOMIC_RELEASE);
    held_for_fork = 0;
    in_tracker = 0;
    my_tid = 0; /* the child's thread has another id */
}

void as_safe_point_startup(void)
{
    if (!tracker_on()) {
        return;
    }
    (void)pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    /* objects dlopen'ed by constructors that ran before ours */
    const uintptr_t *keys;
    size_t n;
    if (as_dl_early_snapshot(&keys, &n) && lock_acquire(FORK_WAIT_US)) {
        run_work();
        lock_release();
    }
}
