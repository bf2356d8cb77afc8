/* The C side of the dl* trampolines (dlwrap_<arch>.S): which real function
 * to jump to, and which dlopen calls of this thread are still running. */
#ifndef AUTOSEAL_DLWRAP_H
#define AUTOSEAL_DLWRAP_H

#include <stdbool.h>

#include "frozen.h"

/* Trampolines call this with the caller's stack pointer at the call, the
 * return address into the caller and the saved argument registers; returns
 * the function to tail-call. */
void *as_dl_enter(long which, void *sp, void *ra, long *regs);

/* The real function: from the frozen page once stored (never writable
 * after that), else looked up into the staging copy. */
void *as_dl_real(int which);

/* The constructor: look up every real function into the staging copy. */
void as_dl_resolve_all(void);

/* True while a dlopen/dlmopen of this thread entered through a trampoline
 * has not returned (sp: an address in the caller's current frame). */
bool as_dl_nested(void *sp);

/* Before the constructor: the keys of the objects that were loaded when a
 * dl* function was first entered (a constructor of another library
 * dlopen'ing early).  Objects not in it are promoted before sealing.
 * Returns false when no such snapshot was taken (then every object loaded
 * at the constructor is a startup object). */
bool as_dl_early_snapshot(const uintptr_t **keys, size_t *n);

/* The key the tracker gives an object (load bias and program headers). */
struct dl_phdr_info;
uintptr_t as_object_key(const struct dl_phdr_info *info);

/* x86-64 and aarch64: run fn(arg) with the stack pointer at top
 * (autoseal's own stack for safe-point work); elsewhere fn(arg) is simply
 * called. */
void as_run_on_stack(void (*fn)(void *), void *arg, void *top);

#endif
