/* The one logging module of libautoseal.  Every message is one line of
 * key=value fields, written with raw system calls only: no allocation, no
 * stdio, no descriptors left open, errno preserved. */
#ifndef AUTOSEAL_LOG_H
#define AUTOSEAL_LOG_H

#include "policy.h"

/* Point the logger at the effective policy (read on every message). */
void as_log_configure(const struct as_policy *p, bool privileged);

/* Log one message at level (enum as_log_level). */
void as_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Would a message at this level be written? */
bool as_log_enabled(int level);

#endif
