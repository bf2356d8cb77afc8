/* Resolving the policy from the configuration file and the environment. */
#define _GNU_SOURCE
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "config.h"
#include "fmt.h"
#include "inherit.h"
#include "log.h"
#include "sys.h"
#include "sysconf.h"


/* 0: nothing yet, 1: being resolved, 2: resolved.  Forging it only makes
 * autoseal resolve again into the staging copy, which is no longer read
 * once the frozen page is stored. */
AS_HOT static int resolve_state;

#define AS_MAX_PENDING 8
static char pending[AS_MAX_PENDING][256];
AS_HOT static int npending;
AS_HOT static int dropped;

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

static char exe_buf[4096];
AS_HOT static int exe_state; /* 0 unknown, 1 known, -1 unavailable */

const char *as_program_path(void)
{
    if (exe_state == 0) {
        /* readlinkat: aarch64 has no readlink system call */
        long n = as_syscall6(__NR_readlinkat, AT_FDCWD, (long)"/proc/self/exe", (long)exe_buf,
                             (long)(sizeof exe_buf - 1), 0, 0);
        if (n > 0) {
            exe_buf[n] = '\0';
            static const char deleted[] = " (deleted)";
            size_t dl = sizeof deleted - 1;
            if ((size_t)n > dl && strcmp(exe_buf + n - dl, deleted) == 0) {
                exe_buf[n - dl] = '\0';
            }
            exe_state = 1;
        } else {
            /* no /proc: the path the program was started with, if absolute */
            const char *fn = (const char *)getauxval(AT_EXECFN);
            size_t l = fn ? strlen(fn) : 0;
            if (fn && fn[0] == '/' && l < sizeof exe_buf) {
                memcpy(exe_buf, fn, l + 1);
                exe_state = 1;
            } else {
                exe_state = -1;
            }
        }
    }
    return exe_state == 1 ? exe_buf : NULL;
}

bool as_privileged(void)
{
    return getauxval(AT_SECURE) != 0;
}

static struct as_config config;
static const char *config_used = "none";

const char *as_config_used(void)
{
    return config_used;
}

unsigned as_config_section_line(void)
{
    return config.section_line;
}

static const char *errno_name(int e)
{
    switch (e) {
    case EACCES: return "EACCES";
    case ELOOP: return "ELOOP";
    case ENOTDIR: return "ENOTDIR";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EPERM: return "EPERM";
    case EIO: return "EIO";
    case ENOENT: return "ENOENT";
    default: return "error";
    }
}

static void resolve_policy(void)
{
    struct as_settings layers[3];
    size_t nlayers = 0;
    bool privileged = as_privileged();

    /* The configuration file: the system one, or AUTOSEAL_CONFIG for
     * programs that are not privileged.  The system file must be owned by
     * root and not writable by others (a looser file could weaken every
     * root daemon); a file with any error is ignored as a whole, the
     * built-in defaults apply, and every problem is logged. */
    const char *cfg_path = as_sysconf_path;
    bool from_env = false;
    bool strict_owner = true;
    if (!privileged) {
        const char *env_cfg = as_env_find("AUTOSEAL_CONFIG");
        if (env_cfg != NULL && env_cfg[0] != '\0') {
            cfg_path = env_cfg;
            from_env = true;
            strict_owner = geteuid() == 0;
        }
    }
    /* Nothing is read (not even /proc/self/exe) when there is no file */
    int cr = -ENOENT;
    long acc = as_syscall3(__NR_faccessat, AT_FDCWD, (long)cfg_path, F_OK);
    if (acc == 0) {
        memset(&config, 0, sizeof config);
        cr = as_config_load(cfg_path, strict_owner, as_program_path(), &config, collect_error,
                            NULL);
    } else if (acc != -ENOENT) {
        cr = (int)acc; /* a symlink loop, a directory we may not search... */
    }
    char msg[320];
    if (cr == 0) {
        layers[nlayers++] = config.global;
        layers[nlayers++] = config.program;
        config_used = cfg_path;
    } else if (cr == -EINVAL) {
        as_fmt(msg, sizeof msg, "configuration file %s ignored (problems above): built-in defaults apply",
               cfg_path);
        collect_error(NULL, msg);
    } else if (cr != -ENOENT) {
        as_fmt(msg, sizeof msg, "configuration file %s cannot be read (%s): built-in defaults apply",
               cfg_path, errno_name(-cr));
        collect_error(NULL, msg);
    } else if (from_env) {
        as_fmt(msg, sizeof msg, "AUTOSEAL_CONFIG names %s, which does not exist: built-in defaults apply",
               cfg_path);
        collect_error(NULL, msg);
    }
    if (!privileged) {
        const char *opts = as_env_find("AUTOSEAL_OPTIONS");
        if (opts != NULL) {
            memset(&layers[nlayers], 0, sizeof layers[0]);
            as_options_parse(&layers[nlayers], opts, collect_error, NULL);
            nlayers++;
        }
    }
    struct as_frozen *st = as_frozen_staging();
    as_policy_resolve(&st->policy, layers, nlayers);
    as_log_configure(&st->policy, privileged);
    for (int i = 0; i < npending; i++) {
        as_log(AS_LEVEL_WARN, "event=bad-config msg=\"%s\"", pending[i]);
    }
    if (dropped) {
        as_log(AS_LEVEL_WARN, "event=bad-config msg=\"%d more problems not shown\"", dropped);
    }
}

void as_resolve_policy_once(void)
{
    if (__atomic_load_n(&resolve_state, __ATOMIC_ACQUIRE) == 2) {
        return;
    }
    int expected = 0;
    if (__atomic_compare_exchange_n(&resolve_state, &expected, 1, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        int saved = errno;
        resolve_policy();
        __atomic_store_n(&resolve_state, 2, __ATOMIC_RELEASE);
        errno = saved;
        return;
    }
    /* another thread is resolving: wait for it (it never blocks) */
    while (__atomic_load_n(&resolve_state, __ATOMIC_ACQUIRE) != 2) {
        sched_yield();
    }
}
