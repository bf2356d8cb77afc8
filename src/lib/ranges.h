/* Pure computation of the address ranges of one ELF object that autoseal
 * seals.  No system calls: unit tests drive this with synthetic headers. */
#ifndef AUTOSEAL_RANGES_H
#define AUTOSEAL_RANGES_H

#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum as_range_kind {
    AS_R_TEXT = 1u << 0,  /* non-writable PT_LOAD (text, rodata) */
    AS_R_RELRO = 1u << 1, /* PT_GNU_RELRO, rounded as glibc rounds it */
    AS_R_GAP = 1u << 2,   /* PROT_NONE gap between two PT_LOAD segments */
    AS_R_DATA = 1u << 3,  /* writable PT_LOAD incl. the bss tail (data=seal, static programs) */
};

struct as_range {
    uintptr_t start; /* page aligned */
    uintptr_t end;   /* page aligned, exclusive */
    unsigned kinds;  /* AS_R_* bits of what the range holds */
};

struct as_layout_opts {
    size_t pagesize;
    bool seal_data;                 /* also seal writable segments (autoseal run's launcher, data=seal) */
    bool no_gaps;                   /* gaps are holes (kernel-mapped objects) */
    const struct as_range *exclude; /* pages never to seal (may be NULL) */
    size_t nexclude;
};

/* Upper bound of ranges as_object_ranges() may need for phnum headers. */
#define AS_RANGES_MAX(phnum) (4 * (phnum) + 8)

/* Compute the coalesced, sorted ranges to seal for one object.
 * Returns the number of ranges written to out, or -EINVAL (bad page size,
 * address overflow) or -E2BIG (more than max ranges). */
int as_object_ranges(const ElfW(Phdr) *ph, size_t phnum, uintptr_t bias,
                     const struct as_layout_opts *opts, struct as_range *out,
                     size_t max);

/* The RELRO range exactly as glibc's _dl_protect_relro() rounds it:
 * start rounded down, end rounded down.  Returns false if there is none
 * or it is empty after rounding. */
bool as_relro_range(const ElfW(Phdr) *ph, size_t phnum, uintptr_t bias,
                    size_t pagesize, struct as_range *out);

/* Sort by start and merge overlapping or adjacent ranges in place.
 * Returns the new count. */
size_t as_ranges_coalesce(struct as_range *r, size_t n);

/* Remove [xs, xe) from every range; may split ranges.  Returns the new
 * count or -E2BIG if cap would be exceeded. */
int as_ranges_subtract(struct as_range *r, size_t n, size_t cap,
                       uintptr_t xs, uintptr_t xe);

static inline uintptr_t as_align_down(uintptr_t v, size_t page)
{
    return v & ~(uintptr_t)(page - 1);
}

#endif
