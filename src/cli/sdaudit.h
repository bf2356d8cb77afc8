/* What a systemd unit's sandbox settings do to autoseal, on this platform
 * (systemd and libseccomp versions), and which remedies work there.  The
 * verdict is pure (unit-tested); the platform is detected by the caller. */
#ifndef AUTOSEAL_CLI_SDAUDIT_H
#define AUTOSEAL_CLI_SDAUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "unitfile.h"

struct sd_platform {
    int systemd;             /* major version, 0 unknown */
    char libseccomp[32];     /* "2.5.4", "" unknown */
    int mseal_parsable;      /* libseccomp resolves "mseal": 1, 0, -1 unknown */
    int service_group_mseal; /* @system-service contains mseal: 1, 0, -1 unknown */
    int outer_errno;         /* mseal refused for this tool too (a container's
                                filter): EPERM/ENOSYS, 0 = mseal works here */
    bool global_preload;     /* /etc/ld.so.preload names libautoseal */
};

/* Worst first. */
enum sd_verdict_kind {
    SD_KILLED = 0,      /* the unit's filter kills on mseal: SIGSYS at startup */
    SD_NOT_LOADED,      /* NoExecPaths= keeps the library from loading */
    SD_REFUSED,         /* mseal refused with an errno: runs, nothing sealed */
    SD_NOT_PRELOADED,   /* autoseal is not preloaded into it */
    SD_SEALED,          /* nothing in its way */
    SD_NKINDS
};

struct sd_verdict {
    int kind;
    int err;               /* SD_REFUSED: the errno mseal gets */
    int if_preloaded;      /* SD_NOT_PRELOADED: the verdict once preloaded */
    char why[512];
    char remedy[512];      /* "" when none works on this platform */
    /* drop-in lines that make it work on this platform ("" none) */
    char dropin[256];
};

const char *sd_verdict_name(int kind);

/* SystemCallErrorNumber= value: an errno (> 0), 0 for kill (unset,
 * "kill", systemd's 2147483646), -1 unparsable. */
int sd_parse_errno(const char *v);

/* The verdict for unit u with the library at lib (preloaded: the unit's own
 * LD_PRELOAD or the platform's ld.so.preload names it). */
void sd_unit_verdict(const struct unit_info *u, const struct sd_platform *pf, const char *lib,
                     struct sd_verdict *out);

#endif
