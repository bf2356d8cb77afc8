#define _GNU_SOURCE
#include "startup.h"

#include <errno.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "glob.h"
#include "ldso.h"
#include "log.h"
#include "ranges.h"
#include "registry.h"

struct walk_ctx {
    struct as_seal_ctx sc;
    as_select_fn select;
    struct as_walk_result *res;
    unsigned long index;
};

static bool object_contains(const struct dl_phdr_info *info, uintptr_t addr)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD) {
            continue;
        }
        uintptr_t s = info->dlpi_addr + ph->p_vaddr;
        if (addr >= s && addr - s < ph->p_memsz) {
            return true;
        }
    }
    return false;
}

static const char *object_name(const struct dl_phdr_info *info, unsigned long index)
{
    if (info->dlpi_name && info->dlpi_name[0]) {
        return info->dlpi_name;
    }
    return index == 0 ? program_invocation_name : "?";
}

bool as_is_vdso(const struct as_seal_ctx *c, const struct dl_phdr_info *info)
{
    return info->dlpi_phnum == 0 || (c->vdso && object_contains(info, c->vdso));
}

void as_seal_ctx_init(struct as_seal_ctx *c, const struct as_policy *p)
{
    c->p = p;
    c->vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
    c->ldso_base = (uintptr_t)getauxval(AT_BASE);
    c->page = (size_t)getauxval(AT_PAGESZ);
    if (c->page == 0) {
        c->page = 4096;
    }
    c->dry_run = p->mode == AS_MODE_AUDIT;
}

int as_seal_object(const struct as_seal_ctx *c, const struct dl_phdr_info *info, const char *name,
                   struct as_walk_result *res)
{
    if (as_is_vdso(c, info)) {
        res->skipped++;
        return 0;
    }
    for (unsigned g = 0; g < c->p->nexclude; g++) {
        const char *pat = c->p->exclude[g];
        if (as_glob_match(pat, strlen(pat), name, strlen(name))) {
            res->skipped++;
            as_log(AS_LEVEL_INFO, "event=excluded object=%s glob=%s", name, pat);
            return 0;
        }
    }
    res->objects++;

    struct as_range excl[8];
    /* writable data is never sealed here: data=seal seals on tighten (runtime.c) */
    struct as_layout_opts o = {.pagesize = c->page};
    bool is_ldso = c->ldso_base && object_contains(info, c->ldso_base);
    /* The kernel maps the program and ld.so itself and leaves the gaps
     * between their segments unmapped; ld.so maps the others with the
     * gaps as PROT_NONE mappings. */
    o.no_gaps = is_ldso || info->dlpi_name == NULL || info->dlpi_name[0] == '\0';
    if (is_ldso && c->p->ldso == AS_LDSO_SAFE) {
        struct as_range relro;
        if (as_relro_range(info->dlpi_phdr, info->dlpi_phnum, info->dlpi_addr, c->page, &relro)) {
            const ElfW(Phdr) *rp = NULL;
            for (int i = 0; i < info->dlpi_phnum; i++) {
                if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
                    rp = &info->dlpi_phdr[i];
                }
            }
            if (rp != NULL) {
                uintptr_t s = info->dlpi_addr + rp->p_vaddr;
                int n = as_ldso_stack_prot_pages(relro.start, relro.end, s, s + rp->p_memsz,
                                                 c->page, excl, 8);
                o.exclude = excl;
                o.nexclude = (size_t)n;
            }
        }
    }
    struct as_range ranges[AS_RANGES_MAX(64)];
    int n = as_object_ranges(info->dlpi_phdr, info->dlpi_phnum, info->dlpi_addr, &o, ranges,
                             sizeof ranges / sizeof ranges[0]);
    if (n < 0) {
        res->objects_partial++;
        as_log(AS_LEVEL_WARN, "event=skip object=%s reason=bad-program-headers error=%d",
               name, -n);
        return 0;
    }
    if (c->dry_run) {
        unsigned long bytes = 0;
        for (int i = 0; i < n; i++) {
            bytes += (unsigned long)(ranges[i].end - ranges[i].start);
        }
        as_log(AS_LEVEL_WARN, "event=audit would=seal object=%s ranges=%d bytes=%lu",
               name, n, bytes);
        return 0;
    }
    bool ok = true;
    unsigned long before = res->st.bytes;
    for (int i = 0; i < n; i++) {
        int r = as_seal_range(ranges[i].start, ranges[i].end, c->page, as_sealer_mseal, NULL,
                              &res->st);
        if (r == -ENOSYS || r == -EPERM) {
            return 1; /* not available: stop the walk */
        }
        if (r == 0 && (ranges[i].kinds & AS_R_RELRO)) {
            /* remember sealed RELRO for the madvise rule */
            struct as_range rr;
            if (as_relro_range(info->dlpi_phdr, info->dlpi_phnum, info->dlpi_addr, c->page, &rr)) {
                uintptr_t s = rr.start > ranges[i].start ? rr.start : ranges[i].start;
                uintptr_t e = rr.end < ranges[i].end ? rr.end : ranges[i].end;
                (void)as_relro_add(s, e);
            }
        }
        if (r == -ENOMEM) {
            /* holes: everything mapped was sealed, page by page if needed */
            as_log(AS_LEVEL_DEBUG, "event=holes object=%s start=%p end=%p", name,
                   (void *)ranges[i].start, (void *)ranges[i].end);
        } else if (r != 0) {
            ok = false;
            as_log(AS_LEVEL_WARN, "event=seal-failed object=%s start=%p end=%p error=%d",
                   name, (void *)ranges[i].start, (void *)ranges[i].end, -r);
        }
    }
    if (ok) {
        res->objects_sealed++;
    } else {
        res->objects_partial++;
    }
    as_log(AS_LEVEL_DEBUG, "event=sealed object=%s ranges=%d bytes=%lu ldso=%d excluded=%zu",
           name, n, res->st.bytes - before, is_ldso ? 1 : 0, o.nexclude);
    return 0;
}

static int walk_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct walk_ctx *c = data;
    unsigned long idx = c->index++;
    (void)size;
    if (c->select && !c->select(info)) {
        return 0;
    }
    return as_seal_object(&c->sc, info, object_name(info, idx), c->res);
}

void as_seal_objects(const struct as_policy *p, as_select_fn select, struct as_walk_result *res)
{
    struct walk_ctx c = {.select = select, .res = res};
    as_seal_ctx_init(&c.sc, p);
    dl_iterate_phdr(walk_cb, &c);
}
