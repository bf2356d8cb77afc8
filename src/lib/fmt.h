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

/* The same for log lines: every %s value is written so that it cannot
 * forge a field.  A value of only [A-Za-z0-9._/+:,@~%*?[]-] is written
 * bare; any other is written in double quotes with '"' and '\' escaped,
 * newline and tab as \n and \t, other control characters as \xHH.  A %s
 * that the format already puts between double quotes (msg="%s") gets the
 * escapes without extra quotes. */
size_t as_vfmt_log(char *buf, size_t len, const char *fmt, va_list ap);
size_t as_fmt_log(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
