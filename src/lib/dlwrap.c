/* The dl* trampolines' C side.
 *
 * dlopen's lookup is never wrapped: the trampolines tail-call the real
 * function, so glibc sees the program as the caller (RPATH/RUNPATH,
 * $ORIGIN, namespace, RTLD_NEXT).  A safe point reached while a dlopen of
 * this thread is still running (a constructor of an object being loaded
 * calls dlsym, say) is not safe: the trampolines record the caller's stack
 * pointer and dlopen's return address, and as_dl_nested() tells whether
 * that dlopen has returned (see still_running()). */
#define _GNU_SOURCE
#include "dlwrap.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <string.h>

#include "log.h"
#include "safepoint.h"
#include "sys.h"

/* no pointer tables: nothing for ld.so to relocate */
static const char fn_names[AS_DL_COUNT][8] = {"dlopen", "dlmopen", "dlsym", "dlclose"};

/* What a trampoline jumps to when the real function cannot be found: a
 * function of autoseal's own text that fails (dlerror() then says nothing
 * useful, but nothing jumps through writable memory). */
static void *unresolved(void)
{
    return NULL;
}

static void *lookup(int which)
{
    /* dlvsym is not interposed: RTLD_NEXT from here finds libc's (or the
     * next preloaded wrapper's) definition. */
    static const char versions[][12] = {"GLIBC_2.34", "GLIBC_2.2.5", "GLIBC_2.17"};
    void *f = NULL;
    for (size_t i = 0; i < sizeof versions / sizeof versions[0] && f == NULL; i++) {
        f = dlvsym(RTLD_NEXT, fn_names[which], versions[i]);
    }
    if (f == NULL) {
        as_log(AS_LEVEL_ERROR, "event=resolve-failed fn=%s", fn_names[which]);
        void *(*fb)(void) = unresolved;
        memcpy(&f, &fb, sizeof f);
    }
    return f;
}

void *as_dl_real(int which)
{
    if (as_frozen_ready()) {
        void *f = as_frozen()->dl_real[which];
        if (f != NULL) {
            return f;
        }
        void *(*fb)(void) = unresolved;
        memcpy(&f, &fb, sizeof f);
        return f;
    }
    void **slot = &as_frozen_staging()->dl_real[which];
    void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (f == NULL) {
        f = lookup(which);
        __atomic_store_n(slot, f, __ATOMIC_RELEASE);
    }
    return f;
}

void as_dl_resolve_all(void)
{
    /* the constructor, before it stores the frozen page: straight into
     * the staging copy (as_dl_real would read the frozen page first, and a
     * read before the constructor's write costs it a second page fault) */
    for (int i = 0; i < AS_DL_COUNT; i++) {
        void **slot = &as_frozen_staging()->dl_real[i];
        if (__atomic_load_n(slot, __ATOMIC_ACQUIRE) == NULL) {
            __atomic_store_n(slot, lookup(i), __ATOMIC_RELEASE);
        }
    }
}

uintptr_t as_object_key(const struct dl_phdr_info *info)
{
    return ((uintptr_t)info->dlpi_phdr ^ (info->dlpi_addr << 1)) | 2u;
}

/* ---- the early snapshot (before the constructor) ---- */

#define EARLY_MAX 1024
static uintptr_t early_keys[EARLY_MAX];
AS_HOT static size_t nearly;
AS_HOT static int early_state; /* 0 none, 1 taking, 2 taken, 3 too many objects */

static int early_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    if (nearly == EARLY_MAX) {
        early_state = 3;
        return 1;
    }
    early_keys[nearly++] = as_object_key(info);
    return 0;
}

static void take_early_snapshot(void)
{
    int expected = 0;
    if (!__atomic_compare_exchange_n(&early_state, &expected, 1, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        return;
    }
    dl_iterate_phdr(early_cb, NULL);
    if (early_state == 1) {
        __atomic_store_n(&early_state, 2, __ATOMIC_RELEASE);
    }
}

bool as_dl_early_snapshot(const uintptr_t **keys, size_t *n)
{
    int s = __atomic_load_n(&early_state, __ATOMIC_ACQUIRE);
    if (s == 0) {
        return false;
    }
    /* too many to remember: no object counts as a startup object, so
     * every one is promoted first (more work, never less) */
    *keys = early_keys;
    *n = s == 2 ? nearly : 0;
    return true;
}

/* ---- which dlopen calls of this thread are still running ---- */

#define MAX_RECS 16
struct dl_rec {
    uintptr_t sp; /* the caller's stack pointer at the call */
    void *ra;     /* dlopen's return address into the caller */
};
static __thread struct dl_rec recs[MAX_RECS] __attribute__((tls_model("initial-exec")));
static __thread int nrecs __attribute__((tls_model("initial-exec")));

#if defined(__aarch64__)
/* How far below the caller's stack pointer the real dlopen saves its
 * return address (glibc 2.36: the first frame record of dlopen, 48 bytes
 * down; another preloaded dlopen wrapper's frame may be larger). */
#define RA_WINDOW 512
/* a code address without pointer-authentication bits (user space text is
 * below 2^48 with 48- and 52-bit address spaces alike) */
#define AS_VA_MASK (((uintptr_t)1 << 48) - 1)
#endif

/* Is the dlopen recorded in r still running, seen from sp (an address in
 * the current frame)?  Only a frame deeper than the dlopen's can be inside
 * it.
 *  x86-64: the call pushed the return address at r->sp; while the dlopen
 *  runs the slot holds it, and once it returned the caller's next call
 *  overwrites it.
 *  aarch64: the return address is in x30; the real dlopen saves it in its
 *  frame record below r->sp.  Running: some word of that window above sp
 *  holds it (pointer authentication bits stripped).  A stale copy left by
 *  a dlopen that returned makes it look running: the safe point waits for
 *  a later one (more delay, never sealing inside a dlopen). */
static bool still_running(const struct dl_rec *r, uintptr_t sp)
{
    if (sp >= r->sp) {
        return false;
    }
#if defined(__aarch64__)
    uintptr_t lo = r->sp - RA_WINDOW;
    if (lo <= sp) {
        lo = (sp + 8) & ~(uintptr_t)7;
    }
    uintptr_t want = (uintptr_t)r->ra & AS_VA_MASK;
    for (uintptr_t a = lo; a < r->sp; a += 8) {
        if ((*(const volatile uintptr_t *)a & AS_VA_MASK) == want) {
            return true;
        }
    }
    return false;
#else
    return *(void *const volatile *)r->sp == r->ra;
#endif
}

bool as_dl_nested(void *sp)
{
    if (nrecs > MAX_RECS) {
        nrecs = MAX_RECS;
    }
    while (nrecs > 0) {
        if (still_running(&recs[nrecs - 1], (uintptr_t)sp)) {
            return true;
        }
        nrecs--;
    }
    return false;
}

/* regs: the saved argument registers, in the trampoline's order */
static long arg(const long *regs, int i)
{
#if defined(__x86_64__)
    return regs[5 - i]; /* r9 r8 rcx rdx rsi rdi */
#else
    return regs[i]; /* x0 .. x7 */
#endif
}

void *as_dl_enter(long which, void *sp, void *ra, long *regs)
{
    int saved = errno;
    if (which < 0 || which >= AS_DL_COUNT) {
        which = AS_DL_DLSYM;
    }
    void *fn = as_dl_real((int)which);
    bool opens = which == AS_DL_DLOPEN || which == AS_DL_DLMOPEN;
    if (!as_frozen_ready()) {
        /* Before the constructor nothing is sealed by the tracker.  A
         * dlopen now (another library's constructor) is remembered, so
         * the constructor promotes what it loads.  Nothing else: the caller
         * may be a sanitizer runtime initialising itself (ASan looks up its
         * interceptors with dlsym while its own string functions cannot be
         * called yet). */
        if (opens) {
            take_early_snapshot();
        }
        errno = saved;
        return fn;
    }
    as_safe_point_dl(sp);
    if (opens) {
        int first = which == AS_DL_DLOPEN ? 0 : 1; /* dlmopen(lmid, file, mode) */
        const char *file = (const char *)arg(regs, first);
        long mode = arg(regs, first + 1);
        if ((mode & RTLD_NODELETE) && file != NULL) {
            as_safe_point_note_keep(file);
        }
        /* deeper than MAX_RECS: not recorded, but the outer ones still
         * running make any safe point inside it nested too */
        if (nrecs < MAX_RECS) {
            recs[nrecs].sp = (uintptr_t)sp;
            recs[nrecs].ra = ra;
            nrecs++;
        }
    }
    errno = saved;
    return fn;
}

#if !defined(__x86_64__) && !defined(__aarch64__)
void as_run_on_stack(void (*fn)(void *), void *arg, void *top)
{
    (void)top;
    fn(arg);
}
#endif
