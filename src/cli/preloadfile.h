/* /etc/ld.so.preload editing for `autoseal enable/disable --system`: pure
 * functions on the file's bytes (no I/O), unit-tested.
 *
 * ld.so reads the file as names separated by white space or ':'.  It also
 * strips '#' comments, but glibc (2.36 at least) mis-strips a second comment
 * in the same file and then tries to preload its tail as a library, so
 * autoseal never writes comments: enable appends "PATH\n" (after a newline
 * when the last line had none).  What autoseal created is known from the
 * backup: disable restores the backup byte for byte when the file is still
 * exactly what enable made of it, and otherwise removes the entry. */
#ifndef AUTOSEAL_CLI_PRELOADFILE_H
#define AUTOSEAL_CLI_PRELOADFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Is path usable as an ld.so.preload entry (absolute, no separator, '#',
 * control character or '$')? */
bool preload_path_ok(const char *path);

/* How many entries of the file name exactly path; *other_autoseal gets the
 * first entry that is another libautoseal.so (malloc'd) or NULL. */
int preload_count(const char *buf, size_t len, const char *path, char **other_autoseal);

/* The file with path appended (buf NULL: no file yet).  malloc'd. */
char *preload_add(const char *buf, size_t len, const char *path, size_t *outlen);

/* The file without path (every entry equal to it; a line left with nothing
 * but separators is dropped).  malloc'd. */
char *preload_remove(const char *buf, size_t len, const char *path, size_t *outlen);

/* What disable writes: *remove_file, or the returned bytes (malloc'd).
 * bak is the backup enable left (NULL: none, enable created the file). */
char *preload_disable(const char *cur, size_t len, const char *bak, size_t baklen,
                      const char *path, size_t *outlen, bool *remove_file);

#endif
