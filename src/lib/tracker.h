/* Objects loaded after startup (dlopen, dlmopen, libc's own dlopen of NSS,
 * gconv or libgcc_s modules): noticed at safe points, made non-unloadable,
 * then sealed like startup objects.  See docs/design.md, "dlopen". */
#ifndef AUTOSEAL_TRACKER_H
#define AUTOSEAL_TRACKER_H

#include <stdbool.h>

#include "policy.h"
#include "startup.h"

/* Remember which objects are loaded now: they are the startup objects.
 * Called once, at the first entry into autoseal. */
void as_tracker_snapshot(void);

/* The constructor: seal the startup objects, then handle whatever was
 * dlopen'ed before it (by other libraries' constructors). */
void as_tracker_startup(const struct as_policy *p, struct as_walk_result *res);

/* A safe point.  sp: an address in the caller's current stack frame.
 * force: check now (dl* entries); otherwise at most every few ms. */
void as_safe_point(void *sp, bool force);

/* dl* trampolines (dlwrap_*.S) call this with the slot that holds their
 * return address and the saved argument registers; returns the function to
 * tail-call. */
enum as_dl_fn { AS_DL_DLOPEN = 0, AS_DL_DLMOPEN, AS_DL_DLSYM, AS_DL_DLCLOSE, AS_DL_COUNT };
void *as_dl_enter(long which, void **ra_slot, long *regs);

#endif
