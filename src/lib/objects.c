/* Sealing one loaded ELF object, and walks over the loaded objects.  Used
 * by the constructor (startup objects) and by the tracker (objects loaded
 * later).  Callers have the ledger open: sealed RELRO is recorded there. */
#define _GNU_SOURCE
#include "objects.h"

#include <errno.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "glob.h"
#include "ldso.h"
#include "log.h"
#include "ranges.h"
#include "dlwrap.h"
#include "frozen.h"
#include "ledger.h"
#include "resolve.h"
#include "sys.h"

struct walk_ctx {
    struct as_seal_ctx sc;
    struct as_walk_result *res;
    const uintptr_t *keys; /* NULL: every object */
    size_t nkeys;
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

AS_HOT static struct as_range own_relro; /* autoseal's own RELRO, found by the walk */

bool as_objects_own_relro(struct as_range *out)
{
    *out = own_relro;
    return own_relro.end > own_relro.start;
}

static bool is_main_program(const struct dl_phdr_info *info)
{
    return info->dlpi_name == NULL || info->dlpi_name[0] == '\0';
}

static const char *object_name(const struct dl_phdr_info *info)
{
    if (!is_main_program(info)) {
        return info->dlpi_name;
    }
    /* the main program: its real path (argv[0] is the caller's choice) */
    const char *p = as_program_path();
    return p ? p : "(program)";
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

static bool excluded(const struct as_seal_ctx *c, const struct dl_phdr_info *info,
                     const char *name, const char **glob)
{
    /* exclude= never applies to a set-id program's own image: its name
     * is under the control of the unprivileged caller */
    unsigned nexcl = is_main_program(info) && as_privileged() ? 0 : c->p->nexclude;
    if (nexcl > 0 && name == NULL) {
        name = object_name(info); /* the program's real path: only when needed */
    }
    for (unsigned g = 0; g < nexcl; g++) {
        const char *pat = c->p->exclude[g];
        if (as_glob_match(pat, strlen(pat), name, strlen(name))) {
            *glob = pat;
            return true;
        }
    }
    return false;
}

bool as_object_wanted(const struct as_seal_ctx *c, const struct dl_phdr_info *info)
{
    const char *glob;
    return !as_is_vdso(c, info) && !excluded(c, info, NULL, &glob);
}

#define AS_SMALL_RANGES 16
static int seal_ranges(const struct as_seal_ctx *c, const struct dl_phdr_info *info,
                       const char *name, const struct as_layout_opts *op,
                       const struct as_range *ranges, int n, struct as_walk_result *res,
                       bool is_ldso);
static int seal_many_ranges(const struct as_seal_ctx *c, const struct dl_phdr_info *info,
                            const char *name, const struct as_layout_opts *op,
                            struct as_walk_result *res, bool is_ldso);

int as_seal_object(const struct as_seal_ctx *c, const struct dl_phdr_info *info, const char *name,
                   struct as_walk_result *res)
{
#define NAME (name != NULL ? name : object_name(info))
    if (as_is_vdso(c, info)) {
        return 0;
    }
    const char *glob;
    if (excluded(c, info, name, &glob)) {
        as_log(AS_LEVEL_INFO, "event=excluded object=%s glob=%s", NAME, glob);
        return 0;
    }
    res->objects++;

    struct as_range excl[9];
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
    /* autoseal itself: its RELRO holds the frozen page(s), written after
     * this walk; the constructor seals the whole RELRO once they are
     * stored (as_objects_own_relro) */
    if (object_contains(info, (uintptr_t)&as_page)) {
        struct as_range rr;
        if (as_relro_range(info->dlpi_phdr, info->dlpi_phnum, info->dlpi_addr, c->page, &rr) &&
            rr.start <= (uintptr_t)&as_page && rr.end >= (uintptr_t)&as_page + sizeof as_page) {
            own_relro = rr;
        } else {
            rr.start = (uintptr_t)&as_page;
            rr.end = (uintptr_t)&as_page + sizeof as_page;
        }
        excl[o.nexclude] = rr;
        excl[o.nexclude].kinds = AS_R_RELRO;
        o.exclude = excl;
        o.nexclude++;
    }
    /* a small array first: the worst case (AS_RANGES_MAX(64), 6 KiB) only
     * for an object that needs it, so that the walk stays within the
     * stack pages already touched (a fresh stack page is a page fault) */
    struct as_range ranges[AS_SMALL_RANGES];
    int n = as_object_ranges(info->dlpi_phdr, info->dlpi_phnum, info->dlpi_addr, &o, ranges,
                             sizeof ranges / sizeof ranges[0]);
    if (n == -E2BIG) {
        return seal_many_ranges(c, info, name, &o, res, is_ldso);
    }
    return seal_ranges(c, info, name, &o, ranges, n, res, is_ldso);
}

static int seal_ranges(const struct as_seal_ctx *c, const struct dl_phdr_info *info,
                       const char *name, const struct as_layout_opts *op,
                       const struct as_range *ranges, int n, struct as_walk_result *res,
                       bool is_ldso)
{
    if (n < 0) {
        res->objects_partial++;
        as_log(AS_LEVEL_WARN, "event=skip object=%s reason=bad-program-headers error=%d",
               NAME, -n);
        return 0;
    }
    if (c->dry_run) {
        unsigned long bytes = 0;
        for (int i = 0; i < n; i++) {
            bytes += (unsigned long)(ranges[i].end - ranges[i].start);
        }
        as_log(AS_LEVEL_WARN, "event=audit would=seal object=%s ranges=%d bytes=%lu",
               NAME, n, bytes);
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
                as_ledger_add_span(s, e);
            }
        }
        if (r == -ENOMEM) {
            /* holes: everything mapped was sealed, page by page if needed */
            as_log(AS_LEVEL_DEBUG, "event=holes object=%s start=%p end=%p", NAME,
                   (void *)ranges[i].start, (void *)ranges[i].end);
        } else if (r != 0) {
            ok = false;
            as_log(AS_LEVEL_WARN, "event=seal-failed object=%s start=%p end=%p error=%d",
                   NAME, (void *)ranges[i].start, (void *)ranges[i].end, -r);
        }
    }
    if (ok) {
        res->objects_sealed++;
    } else {
        res->objects_partial++;
    }
    if (as_log_enabled(AS_LEVEL_DEBUG)) {
        as_log(AS_LEVEL_DEBUG, "event=sealed object=%s ranges=%d bytes=%lu ldso=%d excluded=%zu",
               NAME, n, res->st.bytes - before, is_ldso ? 1 : 0, op->nexclude);
    }
    return 0;
}

static __attribute__((noinline)) int seal_many_ranges(const struct as_seal_ctx *c,
                                                      const struct dl_phdr_info *info,
                                                      const char *name,
                                                      const struct as_layout_opts *op,
                                                      struct as_walk_result *res, bool is_ldso)
{
    struct as_range ranges[AS_RANGES_MAX(64)];
    int n = as_object_ranges(info->dlpi_phdr, info->dlpi_phnum, info->dlpi_addr, op, ranges,
                             sizeof ranges / sizeof ranges[0]);
    return seal_ranges(c, info, name, op, ranges, n, res, is_ldso);
}
#undef NAME

static int walk_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct walk_ctx *c = data;
    (void)size;
    /* the program and ld.so are never dlopen'ed (and cannot be promoted):
     * always startup objects, even when the early snapshot overflowed */
    bool fixed = is_main_program(info) ||
                 (c->sc.ldso_base && object_contains(info, c->sc.ldso_base));
    if (c->keys != NULL && !fixed) {
        uintptr_t k = as_object_key(info);
        size_t i = 0;
        while (i < c->nkeys && c->keys[i] != k) {
            i++;
        }
        if (i == c->nkeys) {
            return 0; /* loaded by an early dlopen: promoted first, later */
        }
    }
    /* NULL: the main program's name is looked up only if something needs it */
    unsigned long sealed = c->res->objects_sealed;
    int r = as_seal_object(&c->sc, info, is_main_program(info) ? NULL : info->dlpi_name, c->res);
    if (!c->sc.dry_run && c->res->objects_sealed > sealed && c->res->st.unavailable == 0) {
        as_frozen_note_sealed(as_object_key(info)); /* safe points need not probe it */
    }
    return r;
}

void as_seal_loaded(const struct as_policy *p, const uintptr_t *keys, size_t nkeys,
                    struct as_walk_result *res)
{
    struct walk_ctx c = {.res = res, .keys = keys, .nkeys = nkeys};
    as_seal_ctx_init(&c.sc, p);
    dl_iterate_phdr(walk_cb, &c);
}

const char *as_object_name(const struct dl_phdr_info *info)
{
    return object_name(info);
}

int as_object_probe_sealed(const struct dl_phdr_info *info, size_t page)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) || ph->p_memsz == 0) {
            continue;
        }
        /* an mremap to the same size, in place, changes nothing - and is
         * refused with EPERM on a sealed mapping */
        uintptr_t pg = as_align_down(info->dlpi_addr + ph->p_vaddr, page);
        long r = as_syscall6(__NR_mremap, (long)pg, (long)page, (long)page, 0, 0, 0);
        if (r == -EPERM) {
            return 1;
        }
        return r == (long)pg ? 0 : -1;
    }
    return -1;
}
