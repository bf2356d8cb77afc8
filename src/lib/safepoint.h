/* Safe points: where objects loaded after startup are promoted and sealed.
 *
 * Only where the program enters the loader itself: the entry of dlopen,
 * dlmopen, dlsym and dlclose (the trampolines), and fork() (an atfork
 * prepare handler).  The memory interposers never get here: a program may
 * hold its own locks around mmap while another thread is inside dlopen.
 *
 * One thread at a time does the work, holding autoseal's safe-point lock,
 * on autoseal's own stack (the caller's stack pays a few hundred bytes).
 * fork() takes the lock in its prepare handler and holds it across the
 * fork, so no autoseal walk is ever in flight in a child; the child starts
 * with the lock free. */
#ifndef AUTOSEAL_SAFEPOINT_H
#define AUTOSEAL_SAFEPOINT_H

#include "objects.h"

/* Before the constructor has stored the frozen page (no safe point can run
 * yet, so autoseal's work stack is free): fn(arg) on that stack.  For the
 * policy's resolution at the first entry into autoseal, which may be any
 * interposed call on any stack. */
void as_safe_point_run_early(void (*fn)(void *), void *arg);

/* A dl* entry.  sp: the caller's stack pointer at the call. */
void as_safe_point_dl(void *sp);

/* The constructor: register the fork handlers, then handle what other
 * libraries' constructors dlopen'ed before it. */
void as_safe_point_startup(void);

/* dl_iterate_phdr's dlpi_adds and dlpi_subs now.  The constructor records
 * them in the ledger with the startup objects it sealed, so the first
 * dl* call of a program that loads nothing later has nothing to do. */
void as_safe_point_counters(unsigned long c[2]);

/* dlopen=keep: remember that the program opened path with RTLD_NODELETE. */
void as_safe_point_note_keep(const char *path);

#endif
