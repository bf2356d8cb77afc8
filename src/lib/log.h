/* The one logging module of libautoseal.  Every message is one line of
 * key=value fields, written with libc's write, socket, sendto, open and
 * close (log.c): no allocation, no stdio, no descriptor left open, errno
 * preserved. */
#ifndef AUTOSEAL_LOG_H
#define AUTOSEAL_LOG_H

#include "policy.h"

/* Point the logger at the effective policy (read on every message). */
void as_log_configure(const struct as_policy *p, bool privileged);

/* Log one message at level (enum as_log_level). */
void as_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Would a message at this level be written? */
bool as_log_enabled(int level);
/* The same for a given policy (the constructor asks its staging copy). */
bool as_log_enabled_for(const struct as_policy *p, int level);

/* journald native-protocol fields for one message (log=journal): PRIORITY,
 * SYSLOG_IDENTIFIER=autoseal, SYSLOG_FACILITY and one AUTOSEAL_KEY=value
 * line per key=value word of msg (key upper-cased, '-' as '_', a quoted
 * value without its quotes), then AUTOSEAL_PROFILE and AUTOSEAL_MODE unless
 * msg had them.  Whole fields only: one that does not fit in len is left
 * out.  Returns the bytes written.  Pure, for unit tests. */
size_t as_journal_fields(char *buf, size_t len, int level, const char *msg, size_t n,
                         const char *profile, const char *mode);

#endif
