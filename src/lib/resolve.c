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
#include "safepoint.h"
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

/* What a configuration file needs, side by side from the start of .bss
 * (which shares the .data page ld.so writes anyway): the program's path
 * (almost always short), the parsed file, and the file's text.  Reading a
 * small file and its section for this program then writes one new page. */
#define EXE_SHORT 512
static struct {
    char exe[EXE_SHORT];
    struct as_config config;
    char text[AS_CONFIG_SIZE_MAX];
    char exe_long[4096]; /* a longer path */
} rs;
AS_HOT static int exe_state; /* 0 unknown, 1 in rs.exe, 2 in rs.exe_long, -1 unavailable */

static long read_exe_link(char *buf, size_t size)
{
    /* readlinkat: aarch64 has no readlink system call */
    return as_syscall6(__NR_readlinkat, AT_FDCWD, (long)"/proc/self/exe", (long)buf,
                       (long)(size - 1), 0, 0);
}

const char *as_program_path(void)
{
    if (exe_state == 0) {
        char *b = rs.exe;
        long n = read_exe_link(b, sizeof rs.exe);
        if (n >= (long)sizeof rs.exe - 1) {
            b = rs.exe_long; /* perhaps cut short: again, with room */
            n = read_exe_link(b, sizeof rs.exe_long);
        }
        if (n > 0) {
            b[n] = '\0';
            static const char deleted[] = " (deleted)";
            size_t dl = sizeof deleted - 1;
            if ((size_t)n > dl && strcmp(b + n - dl, deleted) == 0) {
                b[n - dl] = '\0';
            }
            exe_state = b == rs.exe ? 1 : 2;
        } else {
            /* no /proc: the path the program was started with, if absolute */
            const char *fn = (const char *)getauxval(AT_EXECFN);
            size_t l = fn ? strlen(fn) : 0;
            if (fn && fn[0] == '/' && l < sizeof rs.exe_long) {
                memcpy(rs.exe_long, fn, l + 1);
                exe_state = 2;
            } else {
                exe_state = -1;
            }
        }
    }
    return exe_state == 1 ? rs.exe : exe_state == 2 ? rs.exe_long : NULL;
}

bool as_privileged(void)
{
    return getauxval(AT_SECURE) != 0;
}

static const char *config_used = "none";

const char *as_config_used(void)
{
    return config_used;
}

unsigned as_config_section_line(void)
{
    return rs.config.section_line;
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

/* The configuration file, read into config: 0, or -errno (-ENOENT: no
 * file).  Its own function, and the layers (5.6 KiB) in another one
 * called after it: the parse and its glob matching then run that much
 * higher on the stack, within the pages ld.so's own startup touched. */
static __attribute__((noinline)) int load_config(bool privileged, const char **path,
                                                 bool *from_env)
{

    /* The configuration file: the system one, or AUTOSEAL_CONFIG for
     * programs that are not privileged.  The system file must be owned by
     * root and not writable by others (a looser file could weaken every
     * root daemon); a file with any error is ignored as a whole, the
     * built-in defaults apply, and every problem is logged. */
    const char *cfg_path = as_sysconf_path;
    *from_env = false;
    bool strict_owner = true;
    if (!privileged) {
        const char *env_cfg = as_env_find("AUTOSEAL_CONFIG");
        if (env_cfg != NULL && env_cfg[0] != '\0') {
            cfg_path = env_cfg;
            *from_env = true;
            /* the raw call: libc's geteuid is a text page not touched yet */
            strict_owner = as_syscall3(__NR_geteuid, 0, 0, 0) == 0;
        }
    }
    *path = cfg_path;
    /* Nothing is read (not even /proc/self/exe) when there is no file */
    int cr = -ENOENT;
    long acc = as_syscall3(__NR_faccessat, AT_FDCWD, (long)cfg_path, F_OK);
    if (acc == 0) {
        cr = as_config_load_buf(cfg_path, strict_owner, as_program_path(), rs.text,
                                sizeof rs.text, &rs.config, collect_error, NULL);
    } else if (acc != -ENOENT) {
        cr = (int)acc; /* a symlink loop, a directory we may not search... */
    }
    return cr;
}

/* The layers (config file, AUTOSEAL_OPTIONS) into the staging policy. */
static __attribute__((noinline)) void apply_layers(bool privileged, int cr, const char *cfg_path,
                                                   bool from_env)
{
    struct as_settings layers[3];
    size_t nlayers = 0;
    char msg[320];
    if (cr == 0) {
        layers[nlayers++] = rs.config.global;
        layers[nlayers++] = rs.config.program;
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

static void resolve_policy(void)
{
    bool privileged = as_privileged();
    const char *cfg_path;
    bool from_env;
    int cr = load_config(privileged, &cfg_path, &from_env);
    apply_layers(privileged, cr, cfg_path, from_env);
}

static void resolve_cb(void *arg)
{
    (void)arg;
    resolve_policy();
}

/* The first caller resolves (on its own stack when it is the constructor,
 * else on autoseal's: parsing a configuration file takes ~10 KiB, and an
 * interposed call may use only ~2 KiB of its caller's stack); the others
 * wait for it. */
static void resolve_once(bool ctor)
{
    if (__atomic_load_n(&resolve_state, __ATOMIC_ACQUIRE) == 2) {
        return;
    }
    int expected = 0;
    if (__atomic_compare_exchange_n(&resolve_state, &expected, 1, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        int saved = errno;
        if (ctor) {
            resolve_policy();
        } else {
            as_safe_point_run_early(resolve_cb, NULL);
        }
        __atomic_store_n(&resolve_state, 2, __ATOMIC_RELEASE);
        errno = saved;
        return;
    }
    /* another thread is resolving: wait for it (it never blocks) */
    while (__atomic_load_n(&resolve_state, __ATOMIC_ACQUIRE) != 2) {
        sched_yield();
    }
}

void as_resolve_policy_once(void)
{
    resolve_once(false);
}

void as_resolve_policy_ctor(void)
{
    resolve_once(true);
}
