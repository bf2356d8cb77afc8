/* What runs at load: the constructor.  It resolves the policy (if no
 * earlier entry point did), seals every object loaded at startup, stores
 * the frozen page (policy, real dl* functions, the mseal verdict) in one
 * write window and seals it, then arms the safe points.  The host program
 * sees nothing but the seals: errno is preserved, nothing is printed unless
 * the policy asks, no threads, no signal handlers, no descriptors kept. */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "avail.h"
#include "dlwrap.h"
#include "frozen.h"
#include "ledger.h"
#include "inherit.h"
#include "log.h"
#include "objects.h"
#include "procmaps.h"
#include "resolve.h"
#include "safepoint.h"
#include "sys.h"

/* Lets tools and tests ask whether libautoseal is loaded in a process
 * (dlsym(RTLD_DEFAULT, "autoseal_preload_abi")). */
__attribute__((visibility("default"))) extern const int autoseal_preload_abi;
const int autoseal_preload_abi = 1;
extern const int as_own_abi __attribute__((alias("autoseal_preload_abi"), visibility("hidden")));

/* Two copies of libautoseal in one process (/etc/ld.so.preload and a
 * service's own LD_PRELOAD of another install): only the first in the
 * lookup scope - the one the program's mmap binds to - acts; the others
 * seal nothing and arm nothing. */
static bool acting_instance(void)
{
    const int *global = &autoseal_preload_abi; /* through the GOT: the scope's first */
    __asm__("" : "+r"(global));
    return global == &as_own_abi;
}


/* execmem=kernel: the kernel's own W^X (Linux 6.3+), so that raw system
 * calls are covered too.  NO_INHERIT (6.6+) keeps it from children. */
static void mdwe_in_child(void)
{
    /* NO_INHERIT drops MDWE in fork()ed children (so that programs they
     * exec are not bound by it); the child itself keeps running our
     * policy, so turn it on again there */
    (void)as_syscall6(__NR_prctl, PR_SET_MDWE,
                      (long)(PR_MDWE_REFUSE_EXEC_GAIN | PR_MDWE_NO_INHERIT), 0, 0, 0, 0);
}

static void enable_kernel_mdwe(void)
{
    (void)pthread_atfork(NULL, NULL, mdwe_in_child);
    long r = as_syscall6(__NR_prctl, PR_SET_MDWE,
                         (long)(PR_MDWE_REFUSE_EXEC_GAIN | PR_MDWE_NO_INHERIT), 0, 0, 0, 0);
    if (r != 0) {
        as_log(AS_LEVEL_WARN, "event=mdwe-unavailable error=%d msg=\"PR_SET_MDWE refused; execmem is enforced for libc calls only\"",
               (int)-r);
    }
}

/* vdso=seal (opt-in): the kernel's own mappings, [vdso], [vvar] and
 * [vvar_vclock], as the kernel's MSEAL_SYSTEM_MAPPINGS and OpenBSD do.
 * Breaks CRIU and rr (they remap the vDSO). */
static bool seal_system_cb(uintptr_t start, uintptr_t end, const char *path, void *ctx)
{
    struct as_seal_stats *st = ctx;
    if (strcmp(path, "[vdso]") == 0 || strncmp(path, "[vvar", 5) == 0) {
        int r = as_sys_mseal(start, end - start);
        if (r == 0) {
            st->calls++;
            st->bytes += end - start;
        } else {
            st->failures++;
            st->last_error = r;
        }
    }
    return true;
}

static void seal_system_mappings(void)
{
    struct as_seal_stats st;
    memset(&st, 0, sizeof st);
    if (!as_maps_each(seal_system_cb, &st)) {
        as_log(AS_LEVEL_WARN, "event=vdso-not-sealed msg=\"/proc/self/maps cannot be read\"");
    } else if (st.failures) {
        as_log(AS_LEVEL_WARN, "event=vdso-not-sealed error=%d", -st.last_error);
    } else {
        as_log(AS_LEVEL_INFO, "event=vdso-sealed calls=%lu bytes=%lu", st.calls, st.bytes);
    }
}

static int avail_of(int err)
{
    return err == -ENOSYS ? AS_AVAIL_NO_ENOSYS : AS_AVAIL_NO_EPERM;
}

static const char *avail_reason(int avail)
{
    switch (avail) {
    case AS_AVAIL_NO_ENOSYS: return "ENOSYS";
    case AS_AVAIL_NO_EPERM: return "EPERM";
    case AS_AVAIL_NO_KILL: return "seccomp-kill";
    default: return "seccomp-unprobed";
    }
}

/* Store the staged frozen page: everything but the marker first. */
static void store_frozen(const struct as_frozen *st)
{
    struct as_frozen *f = &as_page.f;
    f->policy = st->policy;
    f->avail = st->avail;
    f->filters_at_start = st->filters_at_start;
    f->acting = st->acting;
    f->adds0 = st->adds0;
    f->subs0 = st->subs0;
    f->ledger = st->ledger;
    memcpy(f->dl_real, st->dl_real, sizeof f->dl_real);
    __atomic_store_n(&f->stored, AS_FROZEN_MAGIC, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void autoseal_ctor(void)
{
    int saved = errno;
    as_resolve_policy_ctor();
    struct as_frozen *st = as_frozen_staging();
    const struct as_policy *p = &st->policy;
    st->acting = acting_instance();
    as_dl_resolve_all();
    bool enforce = st->acting && p->mode == AS_MODE_ENFORCE;
    bool audit = st->acting && p->mode == AS_MODE_AUDIT;
    st->avail = AS_AVAIL_YES;
    st->filters_at_start = 0;
    if (enforce) {
        st->avail = as_avail_at_startup(&st->filters_at_start);
    }
    struct as_walk_result res;
    memset(&res, 0, sizeof res);

    /* the clock (vDSO pages) only when the summary line will be written;
     * asked of the staging policy (the one about to be stored), not through
     * the frozen page: that page is first touched inside the window, by a
     * write - one page fault, where a read first would cost two */
    bool timed = as_log_enabled_for(p, AS_LEVEL_INFO);
    uint64_t t0 = timed ? as_now_us() : 0;
    int wr = as_frozen_open();
    if (wr != 0) {
        /* the policy cannot be made tamper-proof here: seal nothing rather
         * than run with decisions in writable memory (and say so) */
        as_log(AS_LEVEL_ERROR, "event=policy-store-failed error=%d msg=\"cannot write autoseal's protected page; nothing is sealed\"",
               -wr);
        errno = saved;
        return;
    }
    as_frozen_touch();
    if ((enforce && st->avail == AS_AVAIL_YES) || audit) {
        const uintptr_t *keys = NULL;
        size_t nkeys = 0;
        bool early = as_dl_early_snapshot(&keys, &nkeys);
        unsigned long cnt[2];
        as_safe_point_counters(cnt);
        as_seal_loaded(p, early ? keys : NULL, nkeys, &res); /* audit: logs what it would seal */
        if (res.st.unavailable) {
            st->avail = avail_of(res.st.unavailable);
        } else if (!early) {
            /* nothing was dlopen'ed before us: the first dl* call of a
             * program that loads nothing later has nothing to do */
            st->adds0 = cnt[0];
            st->subs0 = cnt[1];
        }
    }
    if (((enforce && st->avail == AS_AVAIL_YES) || audit) && p->dlopen != AS_DLOPEN_OFF) {
        st->ledger = as_ledger_reserve();
        if (st->ledger == NULL) {
            as_log(AS_LEVEL_WARN, "event=ledger-failed msg=\"cannot reserve the ledger; objects loaded later are not sealed\"");
        }
    }
    struct as_range own;
    bool own_known = as_objects_own_relro(&own) && res.st.unavailable == 0;
    if (own_known && enforce) {
        as_ledger_add_span(own.start, own.end); /* the madvise rule covers it too */
    }
    store_frozen(st);
    int cr = as_frozen_close();
    if (cr != 0) {
        as_log(AS_LEVEL_ERROR, "event=policy-store-failed error=%d msg=\"autoseal's protected page stays writable\"",
               -cr);
    }
    if (enforce && st->avail == AS_AVAIL_YES) {
        /* autoseal's RELRO with the frozen page in it, in one call (or the
         * frozen page alone when exclude= left autoseal out of the walk) */
        int sr = own_known ? as_sys_mseal(own.start, own.end - own.start) : as_frozen_seal();
        if (sr != 0) {
            as_log(AS_LEVEL_WARN, "event=policy-seal-failed error=%d", -sr);
        }
    }
    /* from here on every decision reads the frozen page */
    const struct as_frozen *f = as_frozen();
    p = &f->policy;
    if (enforce && f->avail == AS_AVAIL_YES && p->vdso == AS_VDSO_SEAL) {
        seal_system_mappings();
    }
    if (enforce && p->execmem == AS_EXECMEM_KERNEL) {
        enable_kernel_mdwe();
    }
    as_safe_point_startup();
    uint64_t t1 = timed ? as_now_us() : 0;
    if (enforce && f->avail != AS_AVAIL_YES) {
        char why[320];
        as_avail_describe(f->avail, f->filters_at_start != 0, why, sizeof why);
        as_log(AS_LEVEL_WARN, "event=unavailable reason=%s filters=%d msg=\"%s\"",
               avail_reason(f->avail), f->filters_at_start, why);
    }
    /* a set-id program ignored the caller's AUTOSEAL_*: its children (not
     * set-id themselves) must not honour them either */
    if (p->inherit == AS_INHERIT_NO || as_privileged()) {
        as_drop_from_environment(p->inherit == AS_INHERIT_NO);
    }
    if (!as_log_enabled(AS_LEVEL_INFO)) {
        /* nothing to say: not even the arguments are worth computing */
    } else if (!st->acting) {
        as_log(AS_LEVEL_INFO, "event=startup mode=dormant msg=\"another copy of libautoseal is loaded first and acts\"");
    } else if (p->mode == AS_MODE_OFF) {
        as_log(AS_LEVEL_INFO, "event=startup mode=off config=%s section=%u", as_config_used(),
               as_config_section_line());
    } else {
        as_log(AS_LEVEL_INFO,
               "event=startup mode=%s profile=%s config=%s section=%u objects=%lu sealed=%lu partial=%lu bytes=%lu calls=%lu holes=%lu us=%lu",
               as_mode_name(p->mode), as_profile_name(p->profile), as_config_used(),
               as_config_section_line(), res.objects, res.objects_sealed, res.objects_partial,
               res.st.bytes, res.st.calls, res.st.holes, (unsigned long)(t1 - t0));
    }
    errno = saved;
}
