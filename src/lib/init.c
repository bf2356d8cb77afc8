/* The constructor: resolve the policy, seal what is loaded, lock the
 * policy page.  The host program must see nothing but the seals: errno is
 * preserved, nothing is printed unless the policy asks, no threads, no
 * signal handlers, no descriptors kept. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "seal.h"
#include "startup.h"
#include "state.h"
#include "sys.h"
#include "tracker.h"
#include "inherit.h"

/* The policy page lives in autoseal's own RELRO: read-only from the start
 * (ld.so applies RELRO before any constructor), made writable for the one
 * moment the policy is stored, and sealed with the rest of autoseal's image.
 * (A read-only page in .bss would split the anonymous mappings there, which
 * made every later mmap/munmap pair of the program about 50% slower.) */
union as_policy_page as_page
    __attribute__((aligned(AS_PAGE_ALIGN), section(".data.rel.ro.autoseal_policy"))) = {
        .f = {.policy = {.mode = AS_MODE_ENFORCE, .loglevel = AS_LEVEL_WARN}}};

static struct as_frozen staged;

/* 0: nothing yet, 1: being initialised, 2: policy ready */
static int init_state;

#define AS_MAX_PENDING 8
static char pending[AS_MAX_PENDING][256];
static int npending;
static int dropped;

static void collect_error(void *ctx, const char *msg)
{
    (void)ctx;
    if (npending < AS_MAX_PENDING) {
        size_t l = strlen(msg);
        if (l >= sizeof pending[0]) {
            l = sizeof pending[0] - 1;
        }
        memcpy(pending[npending], msg, l);
        pending[npending][l] = '\0';
        npending++;
    } else {
        dropped++;
    }
}

#ifndef AUTOSEAL_SYSCONF
#define AUTOSEAL_SYSCONF AS_CONFIG_PATH
#endif

/* The executable's real path, for program sections; NULL if unknown. */
static const char *exe_path(char *buf, size_t len)
{
    long n = as_syscall3(__NR_readlink, (long)"/proc/self/exe", (long)buf, (long)(len - 1));
    if (n > 0) {
        buf[n] = '\0';
        static const char deleted[] = " (deleted)";
        size_t dl = sizeof deleted - 1;
        if ((size_t)n > dl && strcmp(buf + n - dl, deleted) == 0) {
            buf[n - dl] = '\0';
        }
        return buf;
    }
    /* no /proc: the path the program was started with, if absolute */
    const char *fn = (const char *)getauxval(AT_EXECFN);
    return fn && fn[0] == '/' ? fn : NULL;
}

static struct as_config config;
static const char *config_used = "none";
static char exe_buf[4096];

static int store_error;

/* Copy the staged policy into the read-only page. */
static void store_policy(void)
{
    if (memcmp(&as_page.f.policy, &staged.policy, sizeof staged.policy) == 0) {
        return; /* the built-in defaults, already in the page */
    }
    uintptr_t a = (uintptr_t)&as_page;
    int r = as_sys_mprotect(a, sizeof as_page, PROT_READ | PROT_WRITE);
    if (r != 0) {
        store_error = r; /* the page keeps the built-in default policy */
        return;
    }
    memcpy(&as_page.f, &staged, sizeof staged);
    r = as_sys_mprotect(a, sizeof as_page, PROT_READ);
    if (r != 0) {
        store_error = r;
    }
}

static void resolve_policy(void)
{
    struct as_settings layers[3];
    size_t nlayers = 0;
    bool privileged = getauxval(AT_SECURE) != 0;

    /* The configuration file: the system one, or AUTOSEAL_CONFIG for
     * programs that are not privileged.  The system file must be owned by
     * root and not writable by others (a looser file could weaken every
     * root daemon); a file with any error is ignored as a whole and the
     * built-in defaults apply. */
    const char *cfg_path = AUTOSEAL_SYSCONF;
    bool strict_owner = true;
    if (!privileged) {
        const char *env_cfg = as_env_find("AUTOSEAL_CONFIG");
        if (env_cfg != NULL && env_cfg[0] != '\0') {
            cfg_path = env_cfg;
            strict_owner = geteuid() == 0;
        }
    }
    /* Nothing is read (not even /proc/self/exe) when there is no file */
    int cr = -ENOENT;
    if (as_syscall3(__NR_faccessat, AT_FDCWD, (long)cfg_path, F_OK) == 0) {
        const char *exe = exe_path(exe_buf, sizeof exe_buf);
        memset(&config, 0, sizeof config);
        cr = as_config_load(cfg_path, strict_owner, exe, &config, collect_error, NULL);
    }
    if (cr == 0) {
        layers[nlayers++] = config.global;
        layers[nlayers++] = config.program;
        config_used = cfg_path;
    } else if (cr != -ENOENT) {
        collect_error(NULL, "configuration file ignored: built-in defaults apply");
    } else if (cfg_path != (const char *)AUTOSEAL_SYSCONF) {
        collect_error(NULL, "AUTOSEAL_CONFIG names a file that does not exist: built-in defaults apply");
    }
    if (!privileged) {
        const char *opts = as_env_find("AUTOSEAL_OPTIONS");
        if (opts != NULL) {
            memset(&layers[nlayers], 0, sizeof layers[0]);
            as_options_parse(&layers[nlayers], opts, collect_error, NULL);
            nlayers++;
        }
    }
    as_policy_resolve(&staged.policy, layers, nlayers);
    store_policy();
    as_tracker_snapshot(); /* what is loaded now is what loaded at startup */
    as_log_configure(&as_page.f.policy, privileged);
    for (int i = 0; i < npending; i++) {
        as_log(AS_LEVEL_WARN, "event=bad-config msg=\"%s\"", pending[i]);
    }
    if (dropped) {
        as_log(AS_LEVEL_WARN, "event=bad-config msg=\"%d more problems not shown\"", dropped);
    }
    if (store_error) {
        as_log(AS_LEVEL_ERROR, "event=policy-store-failed error=%d msg=\"the built-in default policy applies\"",
               -store_error);
    }
}

void as_init_policy(void)
{
    if (__atomic_load_n(&init_state, __ATOMIC_ACQUIRE) == 2) {
        return;
    }
    int expected = 0;
    if (__atomic_compare_exchange_n(&init_state, &expected, 1, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        int saved = errno;
        resolve_policy();
        __atomic_store_n(&init_state, 2, __ATOMIC_RELEASE);
        errno = saved;
        return;
    }
    /* another thread is initialising: wait for it (it never blocks) */
    while (__atomic_load_n(&init_state, __ATOMIC_ACQUIRE) != 2) {
        sched_yield();
    }
}

/* The page is read-only since the policy was stored, and the startup walk
 * seals it with autoseal's image - unless an exclude= glob left that image
 * out: then it is sealed on its own. */
static void seal_policy_page(void)
{
    int r = as_sys_mseal((uintptr_t)&as_page, sizeof as_page);
    if (r != 0 && r != -ENOSYS && r != -EPERM) {
        as_log(AS_LEVEL_WARN, "event=policy-seal-failed error=%d", -r);
    }
}

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN (1UL << 0)
#endif
#ifndef PR_MDWE_NO_INHERIT
#define PR_MDWE_NO_INHERIT (1UL << 1)
#endif

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

__attribute__((constructor)) static void autoseal_ctor(void)
{
    int saved = errno;
    as_init_policy();
    const struct as_policy *p = &as_page.f.policy;
    if (p->mode == AS_MODE_OFF) {
        /* read-only (RELRO), but nothing at all sealed in this process */
        if (p->inherit == AS_INHERIT_NO) {
            as_drop_from_environment();
        }
        as_log(AS_LEVEL_INFO, "event=startup mode=off config=%s section=%u", config_used,
               config.section_line);
        errno = saved;
        return;
    }
    /* the clock (vDSO pages) only when the summary line will be written */
    bool timed = as_log_enabled(AS_LEVEL_INFO);
    uint64_t t0 = timed ? as_now_us() : 0;
    struct as_walk_result res;
    memset(&res, 0, sizeof res);
    as_tracker_startup(p, &res); /* audit: logs what it would seal */
    if (p->mode == AS_MODE_ENFORCE && !res.st.unavailable && p->nexclude > 0) {
        seal_policy_page();
    }
    if (p->execmem == AS_EXECMEM_KERNEL && p->mode == AS_MODE_ENFORCE) {
        enable_kernel_mdwe();
    }
    uint64_t t1 = timed ? as_now_us() : 0;
    if (res.st.unavailable) {
        as_log(AS_LEVEL_WARN,
               "event=unavailable reason=%s msg=\"mseal(2) is not available here (%s); nothing is sealed\"",
               res.st.unavailable == -ENOSYS ? "ENOSYS" : "EPERM",
               res.st.unavailable == -ENOSYS ? "kernel before 6.10 or 32-bit"
                                             : "refused, probably by a seccomp filter");
    }
    if (p->inherit == AS_INHERIT_NO) {
        as_drop_from_environment();
    }
    as_log(AS_LEVEL_INFO,
           "event=startup mode=%s profile=%s config=%s section=%u objects=%lu sealed=%lu partial=%lu bytes=%lu calls=%lu holes=%lu us=%lu",
           as_mode_name(p->mode), as_profile_name(p->profile), config_used, config.section_line, res.objects, res.objects_sealed,
           res.objects_partial, res.st.bytes, res.st.calls, res.st.holes, (unsigned long)(t1 - t0));
    errno = saved;
}

/* Lets tools and tests ask whether libautoseal is loaded in a process
 * (dlsym(RTLD_DEFAULT, "autoseal_preload_abi")). */
__attribute__((visibility("default"))) const int autoseal_preload_abi = 1;
