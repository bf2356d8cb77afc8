/* Promoting and sealing objects loaded after startup.
 *
 * A new object is first made non-unloadable with
 * dlopen(path, RTLD_NOLOAD | RTLD_NODELETE) (dlmopen for other namespaces;
 * the reference is dropped again, the flag stays) - only for objects whose
 * loading completed (the safe point checks that no dlopen of this thread
 * is running), so no constructor runs early - and then sealed like a
 * startup object.  Without that, dlclose would leak a sealed object.
 *
 * Which objects are done is asked of the kernel: an object whose first
 * non-writable page is sealed needs nothing (a startup object, or one
 * sealed at an earlier safe point).  The ledger only remembers those
 * answers; an object that could not be promoted or sealed is not recorded
 * and is tried again at the next safe point that sees a change. */
#define _GNU_SOURCE
#include "promote.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <string.h>

#include "dlwrap.h"
#include "frozen.h"
#include "ledger.h"
#include "log.h"

#define BATCH 16

struct pending {
    uintptr_t key;
    uintptr_t addr;
    uintptr_t probe; /* an address inside the object */
    bool nodelete;   /* DF_1_NODELETE in its dynamic section */
    bool named;      /* name holds its full path */
    char name[PATH_MAX];
};

/* Static, not on the stack: used only with the safe-point lock held. */
static struct pending pend[BATCH];
static uintptr_t sel_keys[BATCH];
static int sel_idx[BATCH];

char *as_promote_scratch(size_t *size)
{
    *size = sizeof pend[0].name;
    return pend[0].name; /* in the page the first candidate is written to */
}

struct collect_ctx {
    struct as_seal_ctx sc;
    int n;
    unsigned skip; /* candidates left unsealed by earlier rounds */
    unsigned idx;
    bool more;
};

static bool has_df1_nodelete(const struct dl_phdr_info *info)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type != PT_DYNAMIC) {
            continue;
        }
        const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
        for (; d->d_tag != DT_NULL; d++) {
            if (d->d_tag == DT_FLAGS_1 && (d->d_un.d_val & DF_1_NODELETE)) {
                return true;
            }
        }
    }
    return false;
}

static int collect_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct collect_ctx *c = data;
    (void)size;
    uintptr_t key = as_object_key(info);
    /* the frozen list first: it is mapped already, the ledger's table may not be */
    if (as_frozen_obj_sealed(key) || !as_object_wanted(&c->sc, info) || as_ledger_has_obj(key)) {
        return 0;
    }
    if (as_object_probe_sealed(info, c->sc.page) == 1) {
        as_ledger_add_obj(key); /* sealed already: a startup object, or done */
        return 0;
    }
    if (c->idx++ < c->skip) {
        return 0;
    }
    if (c->n == BATCH) {
        c->more = true;
        return 0;
    }
    struct pending *p = &pend[c->n++];
    p->key = key;
    p->addr = info->dlpi_addr;
    p->probe = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type == PT_LOAD) {
            p->probe = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
            break;
        }
    }
    p->nodelete = has_df1_nodelete(info);
    const char *nm = info->dlpi_name ? info->dlpi_name : "";
    size_t l = strlen(nm);
    p->named = l > 0 && l < sizeof p->name;
    l = p->named ? l : 0;
    memcpy(p->name, nm, l);
    p->name[l] = '\0';
    return 0;
}

struct seal_sel {
    int n;
    struct as_walk_result *res;
    struct as_seal_ctx sc;
    bool stop;
    unsigned recorded; /* objects added to the ledger (they drop out) */
};

static int seal_selected_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct seal_sel *s = data;
    (void)size;
    uintptr_t k = as_object_key(info);
    for (int i = 0; i < s->n; i++) {
        if (sel_keys[i] != k) {
            continue;
        }
        unsigned long before = s->res->objects_sealed;
        if (as_seal_object(&s->sc, info, pend[sel_idx[i]].name, s->res)) {
            s->stop = true;
            return 1; /* mseal not available */
        }
        if (s->res->objects_sealed > before || s->sc.dry_run) {
            as_ledger_add_obj(k); /* audit: logged once */
            s->recorded++;
        }
        return 0;
    }
    return 0;
}

static void *real_dlopen(const char *name, int mode)
{
    void *(*fn)(const char *, int);
    void *r = as_dl_real(AS_DL_DLOPEN);
    memcpy(&fn, &r, sizeof fn);
    return fn(name, mode);
}

static void *real_dlmopen(Lmid_t lmid, const char *name, int mode)
{
    void *(*fn)(Lmid_t, const char *, int);
    void *r = as_dl_real(AS_DL_DLMOPEN);
    memcpy(&fn, &r, sizeof fn);
    return fn(lmid, name, mode);
}

static void real_dlclose(void *h)
{
    int (*fn)(void *);
    void *r = as_dl_real(AS_DL_DLCLOSE);
    memcpy(&fn, &r, sizeof fn);
    (void)fn(h);
}

/* Make the object named name, loaded at addr (load bias) and containing
 * the address probe, non-unloadable, in whatever namespace it lives.
 * Returns true if it now is. */
static bool promote(const char *name, uintptr_t probe, uintptr_t addr)
{
    if (name[0] == '\0') {
        return false;
    }
    Dl_info di;
    struct link_map *lm = NULL;
    Lmid_t lmid = LM_ID_BASE;
    if (dladdr1((void *)probe, &di, (void **)&lm, RTLD_DL_LINKMAP) && lm != NULL) {
        /* glibc's handles are link maps */
        if (dlinfo(lm, RTLD_DI_LMID, &lmid) != 0) {
            lmid = LM_ID_BASE;
        }
    }
    int mode = RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE;
    void *h = lmid == LM_ID_BASE ? real_dlopen(name, mode) : real_dlmopen(lmid, name, mode);
    if (h == NULL) {
        return false;
    }
    struct link_map *got = NULL;
    bool same = dlinfo(h, RTLD_DI_LINKMAP, &got) == 0 && got != NULL && got->l_addr == addr;
    real_dlclose(h); /* drop our reference; RTLD_NODELETE stays */
    return same;
}

void as_promote_new(const struct as_policy *pol, struct as_walk_result *res)
{
    unsigned skip = 0;
    for (int round = 0; round < 4096; round++) {
        struct collect_ctx c = {.n = 0, .skip = skip};
        as_seal_ctx_init(&c.sc, pol);
        dl_iterate_phdr(collect_cb, &c);
        int nk = 0;
        for (int i = 0; i < c.n; i++) {
            struct pending *p = &pend[i];
            bool seal = false;
            const char *why = "unloadable";
            if (!p->named) {
                why = "no-usable-name";
            } else if (c.sc.dry_run) {
                seal = true; /* audit: logged, never promoted or sealed */
            } else if (pol->dlopen == AS_DLOPEN_PROMOTE) {
                seal = promote(p->name, p->probe, p->addr);
                why = "promotion-failed";
            } else if (pol->dlopen == AS_DLOPEN_KEEP) {
                seal = p->nodelete || as_ledger_keep_listed(p->name);
            }
            if (seal) {
                sel_keys[nk] = p->key;
                sel_idx[nk] = i;
                nk++;
            } else {
                /* not recorded: tried again at the next change */
                as_log(pol->dlopen == AS_DLOPEN_KEEP ? AS_LEVEL_DEBUG : AS_LEVEL_INFO,
                       "event=not-sealed object=%s reason=%s", p->named ? p->name : "?", why);
            }
        }
        unsigned recorded = 0;
        if (nk > 0) {
            struct seal_sel s = {.n = nk, .res = res};
            as_seal_ctx_init(&s.sc, pol);
            dl_iterate_phdr(seal_selected_cb, &s);
            if (s.stop) {
                return;
            }
            recorded = s.recorded;
        }
        if (!c.more) {
            return;
        }
        /* the ones recorded this round drop out of the candidates */
        skip += (unsigned)c.n - recorded;
    }
}

/* ---- objects in other link-map namespaces (dlmopen) ----
 * dl_iterate_phdr shows a caller only its own namespace.  The other
 * namespaces are reached through _r_debug's r_next chain (glibc 2.35+),
 * read while dl_iterate_phdr holds the loader's list lock. */
struct ns_pending {
    struct link_map *lm;
    uintptr_t l_addr, l_ld;
    char name[PATH_MAX];
};
static struct ns_pending ns_pend[BATCH];

struct ns_collect {
    int n;
    unsigned skip; /* entries already looked at in earlier rounds */
    bool more;
};

static int ns_collect_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct ns_collect *c = data;
    (void)info;
    (void)size;
    /* _r_debug is declared as struct r_debug but is the first
     * r_debug_extended since glibc 2.35 (r_version 2) */
    void *rp = &_r_debug;
    __asm__("" : "+r"(rp));
    struct r_debug_extended *r = rp;
    if (r->base.r_version < 2) {
        return 1;
    }
    unsigned idx = 0;
    for (struct r_debug_extended *ns = r->r_next; ns != NULL; ns = ns->r_next) {
        for (struct link_map *lm = ns->base.r_map; lm != NULL; lm = lm->l_next) {
            uintptr_t key = (uintptr_t)lm | 1u;
            if (as_ledger_has_obj(key) || lm->l_name == NULL || lm->l_name[0] != '/') {
                continue;
            }
            if (idx++ < c->skip) {
                continue;
            }
            if (c->n == BATCH) {
                c->more = true;
                return 1;
            }
            size_t l = strlen(lm->l_name);
            if (l >= sizeof ns_pend[0].name) {
                as_log(AS_LEVEL_WARN, "event=not-sealed reason=path-too-long namespace=other");
                continue;
            }
            ns_pend[c->n].lm = lm;
            ns_pend[c->n].l_addr = lm->l_addr;
            ns_pend[c->n].l_ld = (uintptr_t)lm->l_ld;
            memcpy(ns_pend[c->n].name, lm->l_name, l + 1);
            c->n++;
        }
    }
    return 1;
}

static bool ns_info(const struct ns_pending *p, struct dl_phdr_info *info)
{
    /* the program headers, from the ELF header at the object's base */
    Dl_info di;
    if (!dladdr((void *)p->l_ld, &di) || di.dli_fbase == NULL) {
        return false;
    }
    const ElfW(Ehdr) *eh = di.dli_fbase;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_phentsize != sizeof(ElfW(Phdr)) ||
        eh->e_phnum == 0 || eh->e_phoff > 65536) {
        return false;
    }
    memset(info, 0, sizeof *info);
    info->dlpi_addr = p->l_addr;
    info->dlpi_name = p->name;
    info->dlpi_phdr = (const ElfW(Phdr) *)(const void *)((const char *)eh + eh->e_phoff);
    info->dlpi_phnum = eh->e_phnum;
    return true;
}

void as_promote_other_namespaces(const struct as_policy *pol, struct as_walk_result *res)
{
    if (pol->dlopen != AS_DLOPEN_PROMOTE) {
        return; /* keep: no cheap way to know; left alone */
    }
    struct as_seal_ctx sc;
    as_seal_ctx_init(&sc, pol);
    unsigned skip = 0;
    for (int round = 0; round < 4096; round++) {
        struct ns_collect c = {.n = 0, .skip = skip};
        dl_iterate_phdr(ns_collect_cb, &c);
        unsigned recorded = 0;
        for (int i = 0; i < c.n; i++) {
            struct ns_pending *p = &ns_pend[i];
            uintptr_t key = (uintptr_t)p->lm | 1u;
            struct dl_phdr_info info;
            if (!ns_info(p, &info) || !as_object_wanted(&sc, &info)) {
                continue;
            }
            if (as_object_probe_sealed(&info, sc.page) == 1) {
                as_ledger_add_obj(key);
                recorded++;
                continue;
            }
            if (sc.dry_run) {
                (void)as_seal_object(&sc, &info, p->name, res); /* logs would=seal */
                as_ledger_add_obj(key);
                recorded++;
                continue;
            }
            if (!promote(p->name, p->l_ld, p->l_addr)) {
                as_log(AS_LEVEL_INFO, "event=not-sealed object=%s reason=promotion-failed", p->name);
                continue;
            }
            unsigned long before = res->objects_sealed;
            if (as_seal_object(&sc, &info, p->name, res)) {
                return; /* mseal not available */
            }
            if (res->objects_sealed > before) {
                as_ledger_add_obj(key);
                recorded++;
            }
        }
        if (!c.more) {
            return;
        }
        skip += (unsigned)c.n - recorded;
    }
}
