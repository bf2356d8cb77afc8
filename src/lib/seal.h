/* Applying seals to ranges, with the hole fallback.  The sealing primitive
 * is a parameter so unit tests can simulate holes and kernel answers. */
#ifndef AUTOSEAL_SEAL_H
#define AUTOSEAL_SEAL_H

#include <stddef.h>
#include <stdint.h>

/* Seal [start, start+len): 0 or -errno (the mseal(2) contract). */
typedef int (*as_sealer_fn)(uintptr_t start, size_t len, void *ctx);

struct as_seal_stats {
    unsigned long calls;     /* sealing calls made */
    unsigned long bytes;     /* bytes sealed */
    unsigned long holes;     /* pages skipped because nothing was mapped */
    unsigned long failures;  /* ranges that failed for another reason */
    int unavailable;         /* -ENOSYS/-EPERM seen: mseal not available */
    int last_error;          /* last unexpected error (negative errno) */
};

/* The real primitive: mseal(2) via a raw system call. */
int as_sealer_mseal(uintptr_t start, size_t len, void *ctx);

/* Seal [start, end).  On -ENOMEM (a hole somewhere) the range is split in
 * two page-aligned halves and each is retried, down to single pages, so
 * that everything mapped gets sealed.  -ENOSYS and -EPERM mean mseal is not
 * available: stats->unavailable is set and nothing more is attempted.
 * Returns 0 when the whole range was sealed, -ENOMEM if holes were skipped,
 * -ENOSYS/-EPERM if unavailable, another -errno on other failures. */
int as_seal_range(uintptr_t start, uintptr_t end, size_t pagesize,
                  as_sealer_fn fn, void *ctx, struct as_seal_stats *stats);

#endif
