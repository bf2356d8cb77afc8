/* A tiny, allocation-free, async-signal-safe formatter.
 * Supports %s %.*s %c %d %i %u %x %p %% with the l, ll and z length
 * modifiers.  Always NUL-terminates (len > 0); returns the length the full
 * output would have had, like snprintf. */
#ifndef AUTOSEAL_FMT_H
#define AUTOSEAL_FMT_H

#include <stdarg.h>
#include <stddef.h>

size_t as_vfmt(char *buf, size_t len, const char *fmt, va_list ap);
size_t as_fmt(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
