/* Sealing objects that are loaded after startup.
 *
 * Rules (see docs/design.md):
 *  - dlopen's lookup is never wrapped: the dl* entry points are assembly
 *    trampolines that tail-call the real function, so glibc sees the
 *    program as the caller (RPATH/RUNPATH, $ORIGIN, namespace, RTLD_NEXT).
 *  - New objects are noticed through dl_iterate_phdr's dlpi_adds counter at
 *    safe points: entry of dlopen, dlmopen, dlsym, dlclose (always) and of
 *    the memory interposers (at most every few milliseconds).
 *  - A safe point reached while a dlopen of this thread is still running
 *    (a constructor of an object being loaded calls dlsym, say) is not safe:
 *    the trampolines record the stack slot of dlopen's return address; while
 *    it still holds that address and we are deeper on the stack, the dlopen
 *    has not returned, and we wait for a later safe point.
 *  - An object is made non-unloadable with dlopen(RTLD_NOLOAD|RTLD_NODELETE)
 *    (only for objects whose loading completed, so no constructor runs),
 *    and sealed afterwards. */
#define _GNU_SOURCE
#include "tracker.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <string.h>

#include "log.h"
#include "state.h"
#include "sys.h"

/* ---- table of objects already handled, keyed by load address ---- */

#define TABLE_SIZE 8192 /* power of two; far more than objects in a process */
enum { SLOT_EMPTY = 0, SLOT_DONE, SLOT_TOMB };

struct slot {
    uintptr_t key;
    int state;
    int seen;
};

static struct slot table[TABLE_SIZE];
static unsigned long last_adds, last_subs;
static bool startup_done;
static int busy; /* one thread processes at a time; others skip */

static uintptr_t key_of(const struct dl_phdr_info *info)
{
    return (uintptr_t)info->dlpi_phdr ^ (info->dlpi_addr << 1);
}

static struct slot *lookup(uintptr_t key, bool insert)
{
    size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & (TABLE_SIZE - 1);
    struct slot *tomb = NULL;
    for (size_t i = 0; i < TABLE_SIZE; i++) {
        struct slot *s = &table[(h + i) & (TABLE_SIZE - 1)];
        if (s->state == SLOT_EMPTY) {
            if (!insert) {
                return NULL;
            }
            s = tomb ? tomb : s;
            s->key = key;
            return s;
        }
        if (s->state == SLOT_TOMB) {
            tomb = tomb ? tomb : s;
            continue;
        }
        if (s->key == key) {
            return s;
        }
    }
    if (insert && tomb) {
        tomb->key = key;
        return tomb;
    }
    return NULL;
}

/* ---- the real dl* functions ---- */

static void *real_fn[AS_DL_COUNT];
static const char *const fn_names[AS_DL_COUNT] = {"dlopen", "dlmopen", "dlsym", "dlclose"};

static void *fallback_dlopen(const char *f, int m)
{
    (void)f;
    (void)m;
    return NULL;
}

static void *resolve(int which)
{
    void *f = __atomic_load_n(&real_fn[which], __ATOMIC_ACQUIRE);
    if (f != NULL) {
        return f;
    }
    /* dlvsym is not interposed: RTLD_NEXT from here finds libc's (or the
     * next preloaded wrapper's) definition. */
    static const char *const versions[] = {"GLIBC_2.34", "GLIBC_2.2.5", "GLIBC_2.17", NULL};
    for (int i = 0; versions[i] && f == NULL; i++) {
        f = dlvsym(RTLD_NEXT, fn_names[which], versions[i]);
    }
    if (f == NULL) {
        as_log(AS_LEVEL_ERROR, "event=resolve-failed fn=%s", fn_names[which]);
        void *(*fb)(const char *, int) = fallback_dlopen;
        memcpy(&f, &fb, sizeof f);
    }
    __atomic_store_n(&real_fn[which], f, __ATOMIC_RELEASE);
    return f;
}

/* ---- which dlopen calls of this thread are still running ---- */

#define MAX_RECS 16
struct dl_rec {
    void **slot;
    void *ra;
};
static __thread struct dl_rec recs[MAX_RECS] __attribute__((tls_model("initial-exec")));
static __thread int nrecs __attribute__((tls_model("initial-exec")));
static __thread int overflow __attribute__((tls_model("initial-exec")));
static __thread int in_tracker __attribute__((tls_model("initial-exec")));

/* True if a dlopen of this thread has not returned yet. */
static bool nested(void *sp)
{
    while (nrecs > 0) {
        struct dl_rec *r = &recs[nrecs - 1];
        if ((uintptr_t)sp < (uintptr_t)r->slot && *(void *volatile *)r->slot == r->ra) {
            return true;
        }
        nrecs--;
    }
    if (overflow) {
        overflow = 0; /* every recorded call returned: the lost ones too */
    }
    return false;
}

/* ---- snapshot and processing ---- */

static int counters_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    unsigned long *c = data;
    (void)size;
    c[0] = info->dlpi_adds;
    c[1] = info->dlpi_subs;
    return 1;
}

/* The startup objects: a sorted array (compact: the hash table's pages are
 * touched only once objects are loaded later).  Startup objects are never
 * unloaded, so entries never go stale. */
#define STARTUP_MAX 4096
static uintptr_t startup_keys[STARTUP_MAX];
static size_t nstartup; /* beyond STARTUP_MAX, objects count as loaded later */

static int snapshot_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    if (nstartup < STARTUP_MAX) {
        startup_keys[nstartup++] = key_of(info);
    }
    last_adds = info->dlpi_adds;
    last_subs = info->dlpi_subs;
    return 0;
}

void as_tracker_snapshot(void)
{
    dl_iterate_phdr(snapshot_cb, NULL);
    /* shell sort: no allocation (qsort may allocate) */
    for (size_t gap = nstartup / 2; gap > 0; gap /= 2) {
        for (size_t i = gap; i < nstartup; i++) {
            uintptr_t k = startup_keys[i];
            size_t j = i;
            while (j >= gap && startup_keys[j - gap] > k) {
                startup_keys[j] = startup_keys[j - gap];
                j -= gap;
            }
            startup_keys[j] = k;
        }
    }
}

static bool is_startup(uintptr_t key)
{
    size_t lo = 0, hi = nstartup;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (startup_keys[mid] == key) {
            return true;
        }
        if (startup_keys[mid] < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return false;
}

static bool select_startup(const struct dl_phdr_info *info)
{
    return is_startup(key_of(info));
}

#define BATCH 32
struct pending {
    uintptr_t key;
    uintptr_t addr;
    uintptr_t probe; /* an address inside the object */
    bool nodelete;   /* DF_1_NODELETE in its dynamic section */
    char name[256];
};

struct collect_ctx {
    struct pending *p;
    int n;
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
    if (is_startup(key_of(info))) {
        return 0;
    }
    struct slot *s = lookup(key_of(info), false);
    if (s != NULL) {
        s->seen = 1;
        return 0;
    }
    if (c->n == BATCH) {
        c->more = true;
        return 0;
    }
    struct pending *p = &c->p[c->n++];
    memset(p, 0, sizeof *p);
    p->key = key_of(info);
    p->addr = info->dlpi_addr;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type == PT_LOAD) {
            p->probe = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
            break;
        }
    }
    p->nodelete = has_df1_nodelete(info);
    size_t l = info->dlpi_name ? strlen(info->dlpi_name) : 0;
    if (l >= sizeof p->name) {
        l = 0; /* cannot name it: it will not be promoted */
    }
    memcpy(p->name, info->dlpi_name ? info->dlpi_name : "", l);
    p->name[l] = '\0';
    return 0;
}

struct seal_sel {
    const uintptr_t *keys;
    int n;
    struct as_walk_result *res;
    struct as_seal_ctx sc;
    const struct pending *pend;
};

static int seal_selected_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct seal_sel *s = data;
    (void)size;
    uintptr_t k = key_of(info);
    for (int i = 0; i < s->n; i++) {
        if (s->keys[i] == k) {
            return as_seal_object(&s->sc, info, s->pend[i].name, s->res);
        }
    }
    return 0;
}

static void *real_dlopen(const char *name, int mode)
{
    void *(*fn)(const char *, int);
    void *r = resolve(AS_DL_DLOPEN);
    memcpy(&fn, &r, sizeof fn);
    return fn(name, mode);
}

static void *real_dlmopen(Lmid_t lmid, const char *name, int mode)
{
    void *(*fn)(Lmid_t, const char *, int);
    void *r = resolve(AS_DL_DLMOPEN);
    memcpy(&fn, &r, sizeof fn);
    return fn(lmid, name, mode);
}

static void real_dlclose(void *h)
{
    int (*fn)(void *);
    void *r = resolve(AS_DL_DLCLOSE);
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

/* keep mode: names given to dlopen with RTLD_NODELETE by the program */
#define KEEP_MAX 64
static char keep_names[KEEP_MAX][128];
static int keep_next;

static bool keep_listed(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (int i = 0; i < KEEP_MAX; i++) {
        const char *k = keep_names[i];
        if (k[0] == '\0') {
            continue;
        }
        const char *kb = strrchr(k, '/');
        kb = kb ? kb + 1 : k;
        if (strcmp(kb, base) == 0) {
            return true;
        }
    }
    return false;
}

static int purge_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    struct slot *s = lookup(key_of(info), false);
    if (s) {
        s->seen = 1;
    }
    return 0;
}

static void purge_unloaded(void)
{
    for (size_t i = 0; i < TABLE_SIZE; i++) {
        table[i].seen = 0;
    }
    dl_iterate_phdr(purge_cb, NULL);
    for (size_t i = 0; i < TABLE_SIZE; i++) {
        if (table[i].state == SLOT_DONE && !table[i].seen) {
            table[i].state = SLOT_TOMB;
        }
    }
}

static void process_new(const struct as_policy *pol, struct as_walk_result *res)
{
    struct pending pend[BATCH];
    for (int round = 0; round < 64; round++) {
        struct collect_ctx c = {.p = pend};
        dl_iterate_phdr(collect_cb, &c);
        if (c.n == 0) {
            return;
        }
        uintptr_t keys[BATCH];
        int nk = 0;
        struct pending sealp[BATCH];
        for (int i = 0; i < c.n; i++) {
            bool seal = false;
            if (pol->dlopen == AS_DLOPEN_PROMOTE) {
                seal = promote(pend[i].name, pend[i].probe, pend[i].addr);
            } else if (pol->dlopen == AS_DLOPEN_KEEP) {
                seal = pend[i].nodelete || keep_listed(pend[i].name);
            }
            struct slot *s = lookup(pend[i].key, true);
            if (s) {
                s->state = SLOT_DONE;
            }
            if (seal) {
                sealp[nk] = pend[i];
                keys[nk++] = pend[i].key;
            } else if (pol->dlopen != AS_DLOPEN_OFF) {
                as_log(AS_LEVEL_DEBUG, "event=not-sealed object=%s reason=%s", pend[i].name,
                       pol->dlopen == AS_DLOPEN_KEEP ? "unloadable" : "promotion-failed");
            }
        }
        if (nk > 0) {
            struct seal_sel s = {.keys = keys, .n = nk, .res = res, .pend = sealp};
            as_seal_ctx_init(&s.sc, pol);
            dl_iterate_phdr(seal_selected_cb, &s);
        }
        if (!c.more) {
            return;
        }
    }
}

/* ---- objects in other link-map namespaces (dlmopen) ----
 * dl_iterate_phdr shows a caller only its own namespace.  The other
 * namespaces are reached through _r_debug's r_next chain (glibc 2.35+),
 * read while dl_iterate_phdr holds the loader's list lock. */
#define NS_BATCH 32
struct ns_pending {
    struct link_map *lm;
    char name[256];
};

struct ns_collect {
    struct ns_pending *p;
    int n;
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
    for (struct r_debug_extended *ns = r->r_next; ns != NULL; ns = ns->r_next) {
        for (struct link_map *lm = ns->base.r_map; lm != NULL; lm = lm->l_next) {
            uintptr_t key = (uintptr_t)lm | 1u;
            if (lookup(key, false) != NULL || lm->l_name == NULL || lm->l_name[0] != '/') {
                continue;
            }
            if (c->n == NS_BATCH) {
                return 1;
            }
            size_t l = strlen(lm->l_name);
            if (l >= sizeof c->p[0].name) {
                continue;
            }
            c->p[c->n].lm = lm;
            memcpy(c->p[c->n].name, lm->l_name, l + 1);
            c->n++;
        }
    }
    return 1;
}

static void process_other_namespaces(const struct as_policy *pol, struct as_walk_result *res)
{
    struct ns_pending pend[NS_BATCH];
    struct ns_collect c = {.p = pend};
    dl_iterate_phdr(ns_collect_cb, &c);
    struct as_seal_ctx sc;
    as_seal_ctx_init(&sc, pol);
    for (int i = 0; i < c.n; i++) {
        struct link_map *lm = pend[i].lm;
        struct slot *s = lookup((uintptr_t)lm | 1u, true);
        if (s) {
            s->state = SLOT_DONE;
        }
        if (pol->dlopen != AS_DLOPEN_PROMOTE) {
            continue; /* keep: no cheap way to know; left alone */
        }
        if (!promote(pend[i].name, (uintptr_t)lm->l_ld, lm->l_addr)) {
            as_log(AS_LEVEL_DEBUG, "event=not-sealed object=%s reason=promotion-failed", pend[i].name);
            continue;
        }
        /* the program headers, from the ELF header at the object's base */
        Dl_info di;
        if (!dladdr((void *)lm->l_ld, &di) || di.dli_fbase == NULL) {
            continue;
        }
        const ElfW(Ehdr) *eh = di.dli_fbase;
        if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_phentsize != sizeof(ElfW(Phdr)) ||
            eh->e_phnum == 0 || eh->e_phoff > 65536) {
            continue;
        }
        struct dl_phdr_info info;
        memset(&info, 0, sizeof info);
        info.dlpi_addr = lm->l_addr;
        info.dlpi_name = pend[i].name;
        info.dlpi_phdr = (const ElfW(Phdr) *)(const void *)((const char *)eh + eh->e_phoff);
        info.dlpi_phnum = eh->e_phnum;
        if (as_seal_object(&sc, &info, pend[i].name, res)) {
            return; /* mseal not available */
        }
    }
}

static void run_safe_point(const struct as_policy *pol)
{
    unsigned long cnt[2] = {0, 0};
    dl_iterate_phdr(counters_cb, cnt);
    if (cnt[0] == last_adds && cnt[1] == last_subs) {
        return;
    }
    if (cnt[1] != last_subs) {
        purge_unloaded();
    }
    struct as_walk_result res;
    memset(&res, 0, sizeof res);
    process_new(pol, &res);
    process_other_namespaces(pol, &res);
    last_adds = cnt[0];
    last_subs = cnt[1];
    if (res.objects) {
        as_log(AS_LEVEL_INFO, "event=dlopen-sealed objects=%lu sealed=%lu bytes=%lu calls=%lu",
               res.objects, res.objects_sealed, res.st.bytes, res.st.calls);
    }
}

static uint64_t last_check_us;
#define CHECK_INTERVAL_US 5000
#define CHECK_EVERY_CALLS 16 /* power of two */
static __thread unsigned calls_since_check __attribute__((tls_model("initial-exec")));

void as_safe_point(void *sp, bool force)
{
#if !defined(__x86_64__)
    /* without the trampolines nested dlopen calls cannot be told apart:
     * objects loaded later are left unsealed on this architecture */
    (void)sp;
    (void)force;
    return;
#endif
    if (!__atomic_load_n(&startup_done, __ATOMIC_ACQUIRE) || in_tracker) {
        return;
    }
    const struct as_policy *pol = &as_page.f.policy;
    if (pol->mode != AS_MODE_ENFORCE || pol->dlopen == AS_DLOPEN_OFF) {
        return;
    }
    if (!force) {
        /* cheap first: the clock is read on every 16th call of a thread */
        if ((++calls_since_check & (CHECK_EVERY_CALLS - 1)) != 0) {
            return;
        }
        uint64_t now = as_now_us();
        if (now - __atomic_load_n(&last_check_us, __ATOMIC_RELAXED) < CHECK_INTERVAL_US) {
            return;
        }
        __atomic_store_n(&last_check_us, now, __ATOMIC_RELAXED);
    }
    if (nested(sp) || overflow) {
        return; /* a dlopen of this thread is still running */
    }
    if (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE)) {
        return; /* another thread is at it */
    }
    int saved = errno;
    in_tracker = 1;
    run_safe_point(pol);
    in_tracker = 0;
    __atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
    errno = saved;
}

/* fork() is a safe point too: objects that libc loaded by itself (NSS
 * modules for getpwnam, say) get sealed in the parent before a server
 * forks its workers, even if the program never calls dl* or mmap again. */
static void before_fork(void)
{
    as_safe_point(__builtin_frame_address(0), true);
}

void as_tracker_startup(const struct as_policy *p, struct as_walk_result *res)
{
    if (p->mode == AS_MODE_ENFORCE && p->dlopen != AS_DLOPEN_OFF) {
        (void)pthread_atfork(before_fork, NULL, NULL);
    }
    as_seal_objects(p, select_startup, res);
    __atomic_store_n(&startup_done, true, __ATOMIC_RELEASE);
    if (p->mode == AS_MODE_ENFORCE && p->dlopen != AS_DLOPEN_OFF && !res->st.unavailable) {
        /* objects dlopen'ed after the snapshot by constructors that ran
         * before ours */
        in_tracker = 1;
        run_safe_point(p);
        in_tracker = 0;
    }
}

void *as_dl_enter(long which, void **ra_slot, long *regs)
{
    int saved = errno;
    if (which < 0 || which >= AS_DL_COUNT) {
        which = AS_DL_DLSYM;
    }
    void *fn = resolve((int)which);
    /* Before our constructor nothing is tracked, so do nothing else: the
     * caller may be a sanitizer runtime initialising itself (ASan looks up
     * its interceptors with dlsym while its own string functions cannot be
     * called yet). */
    if (!__atomic_load_n(&startup_done, __ATOMIC_ACQUIRE)) {
        errno = saved;
        return fn;
    }
    if (!in_tracker) {
        as_safe_point((void *)ra_slot, true);
        if (which == AS_DL_DLOPEN || which == AS_DL_DLMOPEN) {
            const struct as_policy *p = &as_page.f.policy;
            /* regs: r9 r8 rcx rdx rsi rdi */
            const char *file = (const char *)(which == AS_DL_DLOPEN ? regs[5] : regs[4]);
            long mode = which == AS_DL_DLOPEN ? regs[4] : regs[3];
            if (p->dlopen == AS_DLOPEN_KEEP && (mode & RTLD_NODELETE) && file != NULL) {
                size_t l = strlen(file);
                if (l < sizeof keep_names[0]) {
                    int i = __atomic_fetch_add(&keep_next, 1, __ATOMIC_RELAXED) % KEEP_MAX;
                    memcpy(keep_names[i], file, l + 1);
                }
            }
            if (nrecs < MAX_RECS) {
                recs[nrecs].slot = ra_slot;
                recs[nrecs].ra = *ra_slot;
                nrecs++;
            } else {
                overflow = 1;
            }
        }
    }
    errno = saved;
    return fn;
}
