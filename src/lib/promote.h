/* Objects loaded after startup: find the ones not handled yet, make them
 * non-unloadable (promote), seal them.  Called by a safe point only: with
 * the safe-point lock held, the ledger open, on autoseal's stack. */
#ifndef AUTOSEAL_PROMOTE_H
#define AUTOSEAL_PROMOTE_H

#include "objects.h"

/* Scratch memory for the safe point before as_promote_new (the batch's
 * name buffers, not in use until it collects): *size bytes. */
char *as_promote_scratch(size_t *size);

/* The caller's namespace (what dl_iterate_phdr shows). */
void as_promote_new(const struct as_policy *pol, struct as_walk_result *res);

/* Other link-map namespaces (dlmopen), through _r_debug's r_next chain. */
void as_promote_other_namespaces(const struct as_policy *pol, struct as_walk_result *res);

#endif
