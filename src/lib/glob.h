/* A small path glob matcher: no allocation, no recursion, bounded time.
 *
 * Syntax (bytes, no locale):
 *   *        any run of bytes except '/', possibly empty
 *   **       any run of bytes including '/', possibly empty; in "/x/ ** /y"
 *            (written without spaces) the "/ ** /" part also matches a
 *            single '/', so "/usr/ ** /java" matches "/usr/java" as well
 *   ?        one byte except '/'
 *   [...]    one byte except '/' from a class: "[abc]", ranges "[a-z]",
 *            negation "[!a-z]" or "[^a-z]"; a ']' right after '[', '[!' or
 *            '[^' is literal; '\' escapes inside a class too
 *   \c       the byte c literally
 *   other    itself
 * The whole string must match.  Matching simulates the pattern as a
 * bit-parallel NFA: a bounded number of word operations per byte of the
 * string, whatever the pattern (no backtracking: "*a*a*a*b" is as fast as
 * any), no allocation, about 3 KiB of stack. */
#ifndef AUTOSEAL_GLOB_H
#define AUTOSEAL_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Longest pattern accepted, in bytes, and most [...] classes in one. */
#define AS_GLOB_PATTERN_MAX 255
#define AS_GLOB_CLASSES_MAX 16

/* Validate a pattern.  0, or -EINVAL (unterminated '[', empty class,
 * reversed range, trailing '\', NUL byte, more than AS_GLOB_CLASSES_MAX
 * classes) or -ENAMETOOLONG; *why (if not
 * NULL) gets a static description of the problem. */
int as_glob_check(const char *pat, size_t plen, const char **why);

/* Does str match pat?  An invalid pattern matches nothing. */
bool as_glob_match(const char *pat, size_t plen, const char *str, size_t slen);

/* True when pat has no wildcard ('*', '?', '[') outside escapes, i.e. it
 * matches exactly one string. */
bool as_glob_is_literal(const char *pat, size_t plen);

/* Number of bytes of pat that match literally (escapes count once,
 * wildcards and classes count zero): the specificity of a glob. */
size_t as_glob_literal_count(const char *pat, size_t plen);

#endif
