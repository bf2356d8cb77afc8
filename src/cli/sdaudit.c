/* Unit sandbox settings against autoseal: verdicts and remedies. */
#include "sdaudit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *sd_verdict_name(int kind)
{
    static const char *const names[SD_NKINDS] = {"killed", "not-loaded", "refused",
                                                 "not-preloaded", "sealed"};
    return kind >= 0 && kind < SD_NKINDS ? names[kind] : "?";
}

static const struct {
    const char *name;
    int value;
} errnos[] = {{"EPERM", EPERM}, {"ENOSYS", ENOSYS}, {"EACCES", EACCES}, {"EINVAL", EINVAL},
              {"ENOTSUP", ENOTSUP}, {"EOPNOTSUPP", EOPNOTSUPP}, {NULL, 0}};

static const char *errno_name(int e)
{
    for (size_t i = 0; errnos[i].name; i++) {
        if (errnos[i].value == e) {
            return errnos[i].name;
        }
    }
    return "an errno";
}

int sd_parse_errno(const char *v)
{
    if (v == NULL || *v == '\0' || !strcasecmp(v, "kill")) {
        return 0;
    }
    char *end;
    long n = strtol(v, &end, 10);
    if (end != v && *end == '\0') {
        return n == 2147483646 ? 0 : (n > 0 && n < 4096 ? (int)n : -1);
    }
    for (size_t i = 0; errnos[i].name; i++) {
        if (!strcasecmp(v, errnos[i].name)) {
            return errnos[i].value;
        }
    }
    return -1;
}

/* Append to buf (NUL-terminated, size n), truncating. */
static void __attribute__((format(printf, 3, 4))) cat_printf(char *buf, size_t n, const char *fmt,
                                                              ...)
{
    size_t l = strlen(buf);
    if (l + 1 >= n) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + l, n - l, fmt, ap);
    va_end(ap);
}

static void platform_text(const struct sd_platform *pf, char *b, size_t n)
{
    char sd[32] = "systemd (version unknown)";
    if (pf->systemd) {
        snprintf(sd, sizeof sd, "systemd %d", pf->systemd);
    }
    snprintf(b, n, "%s with libseccomp %s", sd, pf->libseccomp[0] ? pf->libseccomp : "(unknown)");
}

void sd_unit_verdict(const struct unit_info *u, const struct sd_platform *pf, const char *lib,
                     struct sd_verdict *out)
{
    memset(out, 0, sizeof *out);
    char plat[96];
    platform_text(pf, plat, sizeof plat);
    bool preloaded = pf->global_preload || (u->ld_preload && strstr(u->ld_preload, "libautoseal"));
    int kind = SD_SEALED, err = 0;
    /* 1. what its seccomp filter does once the library loads */
    {
        bool unit_blocks = (u->syscall_allow && !u->allow_has_mseal) || u->deny_has_mseal;
        int e = unit_blocks ? sd_parse_errno(u->syscall_errno) : -2;
        const char *list = u->deny_has_mseal ? "denies mseal" : "is an allow-list without mseal";
        if (e == 0) {
            /* the unit's own filter kills (a kill beats any errno of an outer filter) */
            kind = SD_KILLED;
            snprintf(out->why, sizeof out->why,
                     "SystemCallFilter= %s and SystemCallErrorNumber= is unset (kill): the "
                     "first mseal kills the service with SIGSYS", list);
        } else if (unit_blocks) {
            /* the unit's own filter answers with an errno (the newest filter's
             * errno wins over an outer one's) */
            kind = SD_REFUSED;
            err = e > 0 ? e : EPERM;
            snprintf(out->why, sizeof out->why,
                     "SystemCallFilter= %s and SystemCallErrorNumber=%s (%s): mseal fails, the "
                     "service runs with nothing sealed", list, u->syscall_errno, errno_name(err));
        } else if (pf->outer_errno) {
            /* a filter around everything here (the container manager's) */
            kind = SD_REFUSED;
            err = pf->outer_errno;
            snprintf(out->why, sizeof out->why,
                     "mseal fails with %s for every process here, this tool included: a seccomp "
                     "filter outside the unit (the container manager's) refuses it; the kernel "
                     "is not the cause when 'autoseal probe' on the host says available",
                     errno_name(err));
            snprintf(out->remedy, sizeof out->remedy,
                     "allow mseal in the container manager (systemd-nspawn: SYSTEMD_SECCOMP=0, "
                     "or --system-call-filter=mseal where its libseccomp knows mseal)");
        }
        if (kind != SD_SEALED && out->remedy[0] == '\0') {
            if (u->deny_has_mseal) {
                snprintf(out->remedy, sizeof out->remedy, "remove mseal from the unit's deny-list");
            } else if (pf->mseal_parsable == 1) {
                snprintf(out->remedy, sizeof out->remedy,
                         "SystemCallFilter=mseal in the drop-in (%s resolves mseal)", plat);
                snprintf(out->dropin, sizeof out->dropin, "SystemCallFilter=mseal");
            } else if (kind == SD_KILLED) {
                snprintf(out->remedy, sizeof out->remedy,
                         "SystemCallErrorNumber=EPERM in the drop-in (%s cannot parse mseal in a "
                         "filter): the service then runs unsealed instead of being killed, and "
                         "any other call outside its filter fails with EPERM instead of killing "
                         "it; or a program section with mode = off in autoseal.conf", plat);
                snprintf(out->dropin, sizeof out->dropin, "SystemCallErrorNumber=EPERM");
            } else {
                snprintf(out->remedy, sizeof out->remedy,
                         "none on %s (mseal cannot be named in a filter): it runs unsealed; a "
                         "libseccomp that knows mseal makes SystemCallFilter=mseal work", plat);
            }
        }
    }
    /* 2. can the loader map the library at all?  If not, nothing else matters
     * today, but the drop-in must also fix what comes next. */
    if (lib && unit_noexec_covers(u, lib)) {
        char dir[200], next[sizeof out->why + 64], rem[sizeof out->remedy], dl[sizeof out->dropin];
        snprintf(dir, sizeof dir, "%s", lib);
        char *sl = strrchr(dir, '/');
        if (sl && sl != dir) {
            *sl = '\0';
        }
        snprintf(next, sizeof next, "%s", kind == SD_SEALED ? "" : out->why);
        snprintf(rem, sizeof rem, "%s", out->remedy);
        snprintf(dl, sizeof dl, "%s", out->dropin);
        out->why[0] = out->remedy[0] = out->dropin[0] = '\0';
        cat_printf(out->why, sizeof out->why,
                   "NoExecPaths= covers %s: ld.so cannot map it, the service runs without "
                   "autoseal%s%s", lib, next[0] ? "; once it loads: " : "", next);
        cat_printf(out->remedy, sizeof out->remedy, "ExecPaths=%s in the drop-in%s%s", dir,
                   rem[0] ? "; then: " : "", rem);
        cat_printf(out->dropin, sizeof out->dropin, "ExecPaths=%s%s%s", dir, dl[0] ? "\n" : "",
                   dl);
        kind = SD_NOT_LOADED; /* today: not loaded, so neither sealed nor killed */
    }
    if (!preloaded) {
        out->if_preloaded = kind;
        char w[sizeof out->why];
        memcpy(w, out->why, sizeof w);
        out->why[0] = '\0';
        cat_printf(out->why, sizeof out->why,
                   "autoseal is not preloaded (no /etc/ld.so.preload entry, no LD_PRELOAD)%s%s",
                   w[0] ? "; once preloaded: " : "", w);
        if (kind == SD_SEALED) {
            snprintf(out->remedy, sizeof out->remedy, "autoseal systemd UNIT");
        }
        kind = SD_NOT_PRELOADED;
    }
    out->kind = kind;
    out->err = err;
}
