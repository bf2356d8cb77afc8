/* Small helpers shared by the autoseal subcommands: messages, allocation,
 * file reading, growable strings and JSON string output. */
#ifndef AUTOSEAL_CLI_UTIL_H
#define AUTOSEAL_CLI_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes shared by every subcommand. */
enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2 };

#define AS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define AS_NORETURN __attribute__((noreturn))

/* "autoseal: " + message + newline on stderr. */
void warnx_(const char *fmt, ...) AS_PRINTF(1, 2);
/* Same with ": strerror(errno)" appended. */
void warn_errno(const char *fmt, ...) AS_PRINTF(1, 2);
/* warnx_ then exit(status). */
AS_NORETURN void die(int status, const char *fmt, ...) AS_PRINTF(2, 3);
/* Usage error: message, hint to --help, exit 2. */
AS_NORETURN void die_usage(const char *cmd, const char *fmt, ...) AS_PRINTF(2, 3);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
/* calloc(n, size): zeroed; out of memory or an overflowing size: die(). */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) AS_PRINTF(1, 2);

/* Read a whole file into a malloc'd, NUL-terminated buffer.  Only regular
 * files (or /proc files) are read; max bounds the size.  Returns 0 or a
 * negative errno (-EISDIR, -EFBIG, -EINVAL for non-regular files...). */
int read_file(const char *path, size_t max, bool regular_only, char **out, size_t *len);

/* Growable string. */
struct sbuf {
    char *s;
    size_t len, cap;
};
void sb_add(struct sbuf *b, const char *s, size_t n);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) AS_PRINTF(2, 3);
void sb_free(struct sbuf *b);
/* Read fd to its end (retrying EINTR), keeping at most limit bytes. */
void sb_read_fd(struct sbuf *b, int fd, size_t limit);

/* Write s as a JSON string literal (with quotes). */
void json_str(FILE *f, const char *s);
void sb_json_str(struct sbuf *b, const char *s);

/* Path of the preload library this tool belongs to (see docs/cli.md).
 * Returns a malloc'd string; *how says which rule found it. */
char *autoseal_library_path(const char **how);

/* True when the option at argv[*i] matches name (e.g. "--profile") and
 * takes a value: either "--profile=X" or "--profile X". */
bool opt_value(int argc, char **argv, int *i, const char *name, const char **val,
               const char *cmd);

#endif
