/* What decides whether autoseal seals or refuses, kept where a
 * memory-corruption bug cannot write it.
 *
 * The frozen page(s): in autoseal's own RELRO (read-only from the moment
 * ld.so applies RELRO, before any constructor runs).  The effective
 * policy, the real dl* functions the trampolines jump to, the startup
 * verdict on mseal(2), the RELRO ranges sealed at startup (for the madvise
 * rule), and where the ledger is.  Written once, by the constructor (one
 * mprotect window), then sealed.
 *
 * The ledger: an anonymous mapping the constructor reserves read-only (its
 * address is in the frozen page).  What the tracker has handled since:
 * objects found sealed, RELRO ranges sealed later, the dl_iterate_phdr
 * counters last processed.  Made writable only by the thread that holds
 * the safe-point lock, for the moment it records something
 * (as_ledger_open/close); never sealed.
 *
 * Nothing else autoseal keeps in writable memory can make it do less: see
 * docs/design.md, "What is writable". */
#ifndef AUTOSEAL_FROZEN_H
#define AUTOSEAL_FROZEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#if defined(__aarch64__) || defined(__powerpc64__)
#define AS_PAGE_ALIGN 65536
#else
#define AS_PAGE_ALIGN 4096
#endif

enum as_dl_fn { AS_DL_DLOPEN = 0, AS_DL_DLMOPEN, AS_DL_DLSYM, AS_DL_DLCLOSE, AS_DL_COUNT };

/* May autoseal call mseal(2) in this process? (decided at startup) */
enum as_avail {
    AS_AVAIL_YES = 0,     /* yes (no filter, or a filter that allows it) */
    AS_AVAIL_NO_ENOSYS,   /* mseal answered ENOSYS */
    AS_AVAIL_NO_EPERM,    /* mseal answered EPERM */
    AS_AVAIL_NO_KILL,     /* a seccomp filter kills (or traps) mseal */
    AS_AVAIL_NO_PROBE,    /* a filter is active and could not be probed */
};

#define AS_FROZEN_MAGIC 0x4c414553u /* "SEAL" */

struct as_span {
    uintptr_t start, end;
};

#define AS_FROZEN_SPANS 300 /* sealed RELRO ranges of startup objects */
#define AS_FROZEN_PAGES 2

struct as_ledger;

struct as_frozen {
    struct as_policy policy; /* first: tools find it at the page's start */
    uint32_t stored;         /* AS_FROZEN_MAGIC once the constructor stored it */
    int avail;               /* enum as_avail */
    int filters_at_start;    /* seccomp filters at startup (-1: unknown) */
    bool acting;             /* this copy of libautoseal is the one that acts */
    void *dl_real[AS_DL_COUNT];
    unsigned long adds0, subs0; /* dl_iterate_phdr counters the startup walk covered */
    struct as_ledger *ledger;   /* NULL: no tracker in this process */
};

/* RELRO ranges sealed at startup: written straight into the frozen page
 * inside the constructor's window (no staging copy) */
struct as_frozen_spans {
    bool overflow; /* more startup RELRO ranges than spans */
    unsigned n;
    struct as_span s[AS_FROZEN_SPANS];
};

/* Objects the startup walk sealed whole (their keys, as_object_key):
 * safe points need not ask the kernel about them.  More objects than
 * keys: the rest are asked (more work, never less).  Before the spans, so
 * that a small program writes only the frozen page's first page. */
#define AS_FROZEN_OBJS 96
struct as_frozen_objs {
    unsigned n;
    uintptr_t key[AS_FROZEN_OBJS];
};

union as_frozen_page {
    struct {
        struct as_frozen f;
        struct as_frozen_objs objs;
        struct as_frozen_spans spans;
    };
    unsigned char pad[AS_FROZEN_PAGES * AS_PAGE_ALIGN];
};

#define AS_LEDGER_OBJS 2048 /* power of two; more objects: probed each time */
#define AS_LEDGER_SPANS 1024
#define AS_LEDGER_FIRST 64
#define AS_KEEP_MAX 64
#define AS_KEEP_NAME 256

struct as_ledger {
    bool ready;               /* initialised by the first safe point */
    bool filter_later;        /* a seccomp filter appeared after startup */
    bool spans_overflow;      /* more sealed RELRO than spans: rule falls back */
    unsigned long adds, subs; /* dl_iterate_phdr counters last processed */
    unsigned nspans;
    unsigned keep_next;
    unsigned nobjs;  /* keys in objs */
    unsigned nfirst; /* keys in first */
    /* the first objects found sealed, listed in the page that holds the
     * counters (a program that dlopens a few plugins writes one ledger
     * page); the hash table only beyond them */
    uintptr_t first[AS_LEDGER_FIRST];
    struct as_span spans[AS_LEDGER_SPANS];
    uintptr_t objs[AS_LEDGER_OBJS]; /* keys of objects found sealed; 0 empty */
    char keep[AS_KEEP_MAX][AS_KEEP_NAME]; /* dlopen=keep: opened RTLD_NODELETE */
};

#define AS_LEDGER_BYTES \
    ((sizeof(struct as_ledger) + AS_PAGE_ALIGN - 1) & ~(size_t)(AS_PAGE_ALIGN - 1))

/* The frozen page(s) (named as_page: tests and tools find it by that). */
extern union as_frozen_page as_page;

static inline const struct as_frozen *as_frozen(void)
{
    return &as_page.f;
}

/* Has the constructor stored the frozen page?  Read from the page itself. */
static inline bool as_frozen_ready(void)
{
    return __atomic_load_n(&as_page.f.stored, __ATOMIC_ACQUIRE) == AS_FROZEN_MAGIC;
}

/* The ledger (NULL before the constructor, or when there is none). */
static inline struct as_ledger *as_ledger(void)
{
    return as_frozen_ready() ? as_page.f.ledger : NULL;
}

/* Does [start, end) touch the frozen page(s) or the ledger?  libc's
 * mprotect/mremap/mmap(MAP_FIXED) are refused there in every mode. */
bool as_frozen_overlaps(uintptr_t start, uintptr_t end);

/* The constructor's write window over the frozen page(s): 0 or -errno.
 * Closing makes them read-only again; sealing follows. */
int as_frozen_open(void);
int as_frozen_close(void);
/* Inside the window: the first access to the page, a write (one fault). */
void as_frozen_touch(void);
int as_frozen_seal(void);

/* Is key among the first *count (at most max) keys of list?  (The count
 * is read once, bounded: a list being appended to is read safely.) */
static inline bool as_keys_have(const uintptr_t *list, const unsigned *count, unsigned max,
                                uintptr_t key)
{
    unsigned n = __atomic_load_n(count, __ATOMIC_ACQUIRE);
    n = n > max ? max : n;
    for (unsigned i = 0; i < n; i++) {
        if (list[i] == key) {
            return true;
        }
    }
    return false;
}

/* Was this object sealed whole by the startup walk?  (sealed memory) */
static inline bool as_frozen_obj_sealed(uintptr_t key)
{
    const struct as_frozen_objs *o = &as_page.objs;
    return as_keys_have(o->key, &o->n, AS_FROZEN_OBJS, key);
}

/* The startup walk, inside the constructor's window: note a sealed object. */
static inline void as_frozen_note_sealed(uintptr_t key)
{
    struct as_frozen_objs *o = &as_page.objs;
    if (!as_frozen_ready() && o->n < AS_FROZEN_OBJS) {
        o->key[o->n] = key;
        __atomic_store_n(&o->n, o->n + 1, __ATOMIC_RELEASE);
    }
}

/* The constructor reserves the ledger (read-only, zero); NULL on failure. */
struct as_ledger *as_ledger_reserve(void);

/* The ledger's write window; only with the safe-point lock held. */
int as_ledger_open(void);
void as_ledger_close(void);

/* The writable copy of the frozen page the constructor fills in. */
struct as_frozen *as_frozen_staging(void);

#endif
