/* inherit=no: take autoseal out of the environment so that programs this
 * one starts run without it. */
#ifndef AUTOSEAL_INHERIT_H
#define AUTOSEAL_INHERIT_H

#include <stdbool.h>
#include <stddef.h>

/* Pure: remove from the LD_PRELOAD value s (edited in place) every entry
 * whose file name is `base`.  Entries are separated by ':' or spaces, as
 * ld.so accepts them.  Returns the new length. */
size_t as_preload_strip(char *s, const char *base);

/* The value of environment variable name, or NULL.  Works before libc has
 * set environ (a .preinit_array function, e.g. ASan's runtime, may enter
 * autoseal first): then the environment is read from the initial stack. */
char *as_env_find(const char *name);

/* Remove AUTOSEAL_OPTIONS and AUTOSEAL_CONFIG from the environment, and
 * with preload libautoseal's LD_PRELOAD entry too. */
void as_drop_from_environment(bool preload);

#endif
