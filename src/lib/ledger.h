/* The ledger's contents: objects the tracker found sealed, the sealed RELRO
 * ranges (for the madvise rule), dlopen=keep names.  Readers need nothing;
 * writers hold the safe-point lock with the ledger open (as_ledger_open),
 * or are the constructor inside its window.  A full table makes autoseal
 * do more work (probe again, or fall back to /proc/self/maps), never less. */
#ifndef AUTOSEAL_LEDGER_H
#define AUTOSEAL_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

/* Sealed RELRO ranges. */
void as_ledger_add_span(uintptr_t start, uintptr_t end);
/* 1: overlaps a recorded span; 0: none; -1: unknown (spans overflowed). */
int as_ledger_span_overlap(uintptr_t start, uintptr_t end);

/* Objects found sealed, by key (never 0). */
bool as_ledger_has_obj(uintptr_t key);
void as_ledger_add_obj(uintptr_t key);
void as_ledger_clear_objs(void);

/* dlopen=keep: names the program opened with RTLD_NODELETE. */
void as_ledger_add_keep(const char *path);
bool as_ledger_keep_listed(const char *path);

#endif
