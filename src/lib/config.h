/* The configuration file (/etc/autoseal.conf): parser and safe reader.
 *
 * Format (see docs/autoseal.conf.5):
 *
 *     # comment
 *     mode = enforce            <- global section: lines before any header
 *     [global]                  <- or under an explicit [global] header
 *     log = syslog
 *     [/usr/bin/node]           <- a program section: a glob matched
 *     profile = jit                against the executable's real path
 *     [/opt/legacy/app]
 *     mode = off
 *
 * Keys and values are exactly those of AUTOSEAL_OPTIONS (as_settings_set()).
 * A file with any error is ignored as a whole: as_config_parse() then leaves
 * both layers empty, so the built-in defaults (which still seal) apply, and
 * every problem has been reported as "FILE:LINE: problem".
 *
 * Nothing here allocates, prints or uses stdio. */
#ifndef AUTOSEAL_CONFIG_H
#define AUTOSEAL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

#define AS_CONFIG_SIZE_MAX 65536u /* bytes: a larger file is refused */
#define AS_CONFIG_LINE_MAX 1024u  /* bytes per line, newline excluded */
#define AS_CONFIG_SECTIONS_MAX 256u /* section headers per file */
#define AS_CONFIG_MATCH_MAX 32u   /* program sections matching one program */
#define AS_CONFIG_ERRORS_MAX 20u  /* problems reported before giving up */

/* The configuration as it applies to one program. */
struct as_config {
    struct as_settings global;  /* the global section */
    struct as_settings program; /* matching program sections, merged: the
                                   most specific one wins key by key */
    unsigned errors;            /* problems found (0: the layers apply) */
    unsigned matched;           /* program sections that matched */
    unsigned section_line;      /* line of the most specific one, or 0 */
};

/* Parse len bytes of text (no NUL terminator needed; any bytes accepted)
 * read from the file called name (used in messages only), for the program
 * whose executable's real path is exe (NULL: no program section matches).
 * Each problem goes to fn (may be NULL) as one "NAME:LINE: problem"
 * message, at most AS_CONFIG_ERRORS_MAX of them.  Returns 0, or -EINVAL
 * when there was any problem: then out->errors > 0 and both layers are
 * empty (set == 0), i.e. the file is ignored. */
int as_config_parse(const char *text, size_t len, const char *name, const char *exe,
                    struct as_config *out, as_error_fn fn, void *ctx);

/* Read the file at path into buf (at most buflen bytes, and at most
 * AS_CONFIG_SIZE_MAX) and parse it as above.
 *
 * The file is opened with O_RDONLY|O_CLOEXEC|O_NOCTTY|O_NONBLOCK (a FIFO
 * does not block) and must be a regular file no larger than the limit.
 * When strict_owner is true (the system file, or any file a root program
 * reads) it must
 * also be owned by root and not writable by group or others.  Symbolic
 * links are followed; the checks apply to the file finally opened.
 *
 * Returns 0 (parsed, out filled), -ENOENT (no file: nothing reported, not an
 * error, out empty), or a negative errno with one message through fn and
 * out empty (errors > 0):
 *   -EISDIR      a directory
 *   -EINVAL      not a regular file (FIFO, device, socket), or parse errors
 *   -EFBIG       larger than the limit
 *   -EPERM       strict_owner and not owned by root / group or other writable
 *   other        from open(2) or read(2), e.g. -EACCES, -ELOOP, -EIO
 * errno is preserved; the descriptor is always closed. */
int as_config_load_buf(const char *path, bool strict_owner, const char *exe, char *buf,
                       size_t buflen, struct as_config *out, as_error_fn fn, void *ctx);

/* The same with a static buffer of AS_CONFIG_SIZE_MAX bytes: not
 * reentrant, meant for the library constructor. */
int as_config_load(const char *path, bool strict_owner, const char *exe,
                   struct as_config *out, as_error_fn fn, void *ctx);

#endif
