/* Checks shared by `autoseal probe` and `autoseal enable` (cmd_probe.c). */
#ifndef AUTOSEAL_CLI_PROBE_H
#define AUTOSEAL_CLI_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct mseal_result {
    const char *status; /* available, enosys, eperm, sigsys, error */
    int err;
    char detail[160];
};

/* mseal on a fresh page in a child process, proven by mprotect's EPERM. */
void probe_mseal(struct mseal_result *r);

/* Run /bin/true (inside root when root is neither NULL, "" nor "/") with
 * lib in LD_PRELOAD (NULL: no LD_PRELOAD, only /etc/ld.so.preload) and
 * AUTOSEAL_OPTIONS=log=stderr,loglevel=info; true when autoseal's startup
 * line came out.  line gets that line, why the reason otherwise; *stderr_out
 * (when not NULL) the child's whole stderr, malloc'd. */
bool probe_library(const char *root, const char *lib, char *line, size_t linelen, char *why,
                   size_t whylen, char **stderr_out);

#endif
