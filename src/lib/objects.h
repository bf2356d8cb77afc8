/* Sealing one loaded ELF object, and a walk over all loaded objects. */
#ifndef AUTOSEAL_OBJECTS_H
#define AUTOSEAL_OBJECTS_H

#include <link.h>
#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "ranges.h"
#include "seal.h"

struct dl_phdr_info;

struct as_walk_result {
    unsigned long objects;        /* objects considered */
    unsigned long objects_sealed; /* objects with every range sealed */
    unsigned long objects_partial;/* objects with holes or failures */
    struct as_seal_stats st;
};

/* What sealing one object needs to know about the process. */
struct as_seal_ctx {
    const struct as_policy *p;
    uintptr_t vdso;      /* AT_SYSINFO_EHDR */
    uintptr_t ldso_base; /* AT_BASE */
    size_t page;
    bool dry_run;        /* mode=audit: log what would be sealed */
};

void as_seal_ctx_init(struct as_seal_ctx *c, const struct as_policy *p);
bool as_is_vdso(const struct as_seal_ctx *c, const struct dl_phdr_info *info);

/* Seal one object as policy says.  Returns 1 when mseal is not available
 * (callers stop), 0 otherwise; counts go to res. */
int as_seal_object(const struct as_seal_ctx *c, const struct dl_phdr_info *info, const char *name,
                   struct as_walk_result *res);

/* Is the object one autoseal seals at all (not the vDSO, not excluded)? */
bool as_object_wanted(const struct as_seal_ctx *c, const struct dl_phdr_info *info);

/* Seal every loaded object of this namespace (the constructor); with keys,
 * only the objects whose as_object_key() is among them. */
void as_seal_loaded(const struct as_policy *p, const uintptr_t *keys, size_t nkeys,
                    struct as_walk_result *res);

/* The name exclude= globs and logs use: dlpi_name, or for the main
 * program its real path. */
const char *as_object_name(const struct dl_phdr_info *info);

/* autoseal's own RELRO (which holds the frozen page), left out of the walk
 * so the constructor can seal it once the frozen page is stored. */
bool as_objects_own_relro(struct as_range *out);

/* Ask the kernel whether the object's first non-writable page is sealed:
 * 1 sealed, 0 not, -1 cannot tell. */
int as_object_probe_sealed(const struct dl_phdr_info *info, size_t page);

#endif
