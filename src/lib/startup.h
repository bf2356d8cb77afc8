/* Sealing the ELF objects that are loaded (dl_iterate_phdr walk). */
#ifndef AUTOSEAL_STARTUP_H
#define AUTOSEAL_STARTUP_H

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
    unsigned long skipped;        /* vDSO and objects without segments */
    struct as_seal_stats st;
};

/* Which objects a walk handles (NULL: all). */
typedef bool (*as_select_fn)(const struct dl_phdr_info *info);

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

/* Seal the loaded objects that select accepts, according to policy p. */
void as_seal_objects(const struct as_policy *p, as_select_fn select, struct as_walk_result *res);

#endif
