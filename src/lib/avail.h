/* Whether this process may call mseal(2), found out without risking it.
 *
 * Under a seccomp filter an mseal call can kill the process (systemd 252's
 * @system-service does not list mseal, and SystemCallFilter= kills by
 * default).  So when a filter is active, the first mseal is made by a
 * short-lived child (raw clone, no atfork handlers), which dies instead of
 * the host if the filter kills.  Without a filter nothing extra happens
 * but one read of /proc/self/status. */
#ifndef AUTOSEAL_AVAIL_H
#define AUTOSEAL_AVAIL_H

#include <stdbool.h>
#include <stddef.h>

/* How many seccomp filters this process runs under, from
 * /proc/self/status (Seccomp_filters; 1 for strict mode or when the
 * kernel does not count): 0 none, -1 unknown (no /proc). */
int as_seccomp_state(void);
/* The same, reading into buf (size bytes, at least 4096 for a whole file). */
int as_seccomp_state_buf(char *buf, size_t size);

/* Pure: the same from the text of a status file. */
int as_seccomp_parse(const char *status);

/* The startup verdict (enum as_avail).  *filters: as as_seccomp_state();
 * with a filter (or no /proc to tell) mseal is tried in a child first. */
int as_avail_at_startup(int *filters);

/* Pure: map what the probe child reported to enum as_avail.
 * exited: the child exited with code; else it died of signal sig. */
int as_avail_from_child(bool exited, int code, int sig);

/* A log message saying why mseal is not available: the kernel release,
 * whether a filter is active, and what most likely refused.  Pure except
 * for uname(2). */
void as_avail_describe(int avail, bool filter, char *buf, size_t len);

/* Pure: the explanation for a kernel release string (for tests). */
void as_avail_explain(int avail, bool filter, const char *release, char *buf, size_t len);

#endif
