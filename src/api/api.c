/* libautoseal-api: the public sealing API (include/autoseal.h).
 *
 * No constructor: loading this library changes nothing in the process.
 * mseal(2) is reached through a raw system call (glibc 2.36 has no
 * wrapper); mprotect/mmap/munmap go through libc so that an LD_PRELOAD
 * policy (libautoseal.so) still sees them.  errno is preserved by every
 * function but autoseal_alloc(). */
#define AUTOSEAL_NO_SECTION_HOOK 1
#include "autoseal.h"

#include "sys.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#define AS_MAX_SECTIONS 64

static size_t page_size(void)
{
    static atomic_size_t cached;
    size_t ps = atomic_load_explicit(&cached, memory_order_relaxed);
    if (ps == 0) {
        ps = (size_t)getauxval(AT_PAGESZ);
        if (ps == 0) {
            ps = 4096;
        }
        atomic_store_explicit(&cached, ps, memory_order_relaxed);
    }
    return ps;
}

size_t autoseal_pagesize(void)
{
    return page_size();
}

/* 0: range is a non-empty, page-aligned, non-wrapping range; else -EINVAL. */
static int check_range(uintptr_t addr, size_t len)
{
    size_t ps = page_size();
    if (len == 0 || (addr & (ps - 1)) != 0 || (len & (ps - 1)) != 0) {
        return -EINVAL;
    }
    if (addr + len < addr) {
        return -EINVAL;
    }
    return 0;
}

/* Probe cache: 0 unknown, 1 available, 2 unavailable. */
static atomic_int avail_state;

static int map_seal_error(int rc)
{
    if (rc == -ENOSYS || rc == -EPERM) {
        /* EPERM: the kernel's mseal never answers it; a seccomp filter
         * (container default profiles) does.  Both mean: cannot seal. */
        atomic_store_explicit(&avail_state, 2, memory_order_relaxed);
        return -ENOSYS;
    }
    return rc;
}

static int raw_seal(uintptr_t addr, size_t len)
{
    int rc = as_sys_mseal(addr, len);
    if (rc == 0) {
        atomic_store_explicit(&avail_state, 1, memory_order_relaxed);
        return 0;
    }
    return map_seal_error(rc);
}

int autoseal_available(void)
{
    int st = atomic_load_explicit(&avail_state, memory_order_relaxed);
    if (st == 0) {
        /* mseal(0, 0, 0): checks flags and alignment, seals nothing. */
        int rc = as_sys_mseal(0, 0);
        st = rc == 0 ? 1 : 2;
        atomic_store_explicit(&avail_state, st, memory_order_relaxed);
    }
    return st == 1;
}

int autoseal_seal(void *addr, size_t len)
{
    int rc = check_range((uintptr_t)addr, len);
    if (rc != 0) {
        return rc;
    }
    return raw_seal((uintptr_t)addr, len);
}

static int do_mprotect(void *addr, size_t len, int prot)
{
    int saved = errno;
    int rc = mprotect(addr, len, prot) == 0 ? 0 : -errno;
    errno = saved;
    return rc;
}

int autoseal_protect(void *addr, size_t len, int prot)
{
    int rc = check_range((uintptr_t)addr, len);
    if (rc != 0) {
        return rc;
    }
    if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) != 0) {
        return -EINVAL;
    }
    rc = do_mprotect(addr, len, prot);
    if (rc != 0) {
        return rc;
    }
    rc = raw_seal((uintptr_t)addr, len);
    return rc == 0 ? 0 : -rc; /* positive: protected, not sealed */
}

void *autoseal_alloc(size_t size)
{
    size_t ps = page_size();
    if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (size > SIZE_MAX - (ps - 1)) {
        errno = ENOMEM;
        return NULL;
    }
    size = (size + ps - 1) & ~(ps - 1);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int autoseal_free(void *addr, size_t size)
{
    if (addr == NULL) {
        return 0;
    }
    size_t ps = page_size();
    if (size == 0 || ((uintptr_t)addr & (ps - 1)) != 0 || size > SIZE_MAX - (ps - 1)) {
        return -EINVAL;
    }
    size = (size + ps - 1) & ~(ps - 1);
    int saved = errno;
    int rc = munmap(addr, size) == 0 ? 0 : -errno;
    errno = saved;
    return rc;
}

/* ---- AUTOSEAL_RO_AFTER_INIT sections ---------------------------------- */

enum sect_state {
    SECT_FREE = 0,
    SECT_PENDING, /* registered, still writable */
    SECT_BAD,     /* not page-aligned at both ends: never touched */
    SECT_RO,      /* read-only, not (yet) sealed */
    SECT_SEALED,  /* read-only and sealed */
};

struct sect {
    uintptr_t start;
    uintptr_t end;
    unsigned refs; /* one per translation unit of the object */
    enum sect_state state;
};

/* Static storage: no allocation.  Registration happens in constructors,
 * locking whenever the program asks; one mutex orders them. */
static pthread_mutex_t sect_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sect sects[AS_MAX_SECTIONS];
static int sect_overflow; /* registrations that did not fit */

int autoseal__register(void *start, void *stop)
{
    uintptr_t s = (uintptr_t)start, e = (uintptr_t)stop;
    size_t ps = page_size();
    int rc = 0;
    if (s >= e) {
        return 0;
    }
    pthread_mutex_lock(&sect_lock);
    struct sect *slot = NULL;
    for (size_t i = 0; i < AS_MAX_SECTIONS; i++) {
        if (sects[i].state != SECT_FREE && sects[i].start == s) {
            sects[i].refs++;
            goto out;
        }
        if (slot == NULL && sects[i].state == SECT_FREE) {
            slot = &sects[i];
        }
    }
    if (slot == NULL) {
        sect_overflow++;
        rc = -ENOSPC;
        goto out;
    }
    slot->start = s;
    slot->end = e;
    slot->refs = 1;
    slot->state = ((s | e) & (ps - 1)) != 0 ? SECT_BAD : SECT_PENDING;
out:
    pthread_mutex_unlock(&sect_lock);
    return rc;
}

void autoseal__unregister(void *start, void *stop)
{
    uintptr_t s = (uintptr_t)start;
    if (s >= (uintptr_t)stop) {
        return;
    }
    pthread_mutex_lock(&sect_lock);
    for (size_t i = 0; i < AS_MAX_SECTIONS; i++) {
        if (sects[i].state != SECT_FREE && sects[i].start == s) {
            if (--sects[i].refs == 0) {
                sects[i].state = SECT_FREE;
            }
            goto out;
        }
    }
    /* Not found: it was one of the registrations that did not fit. */
    if (sect_overflow > 0) {
        sect_overflow--;
    }
out:
    pthread_mutex_unlock(&sect_lock);
}

/* Keep the most significant error: anything hard beats -ENOSYS. */
static void note_error(int *acc, int rc)
{
    if (rc == 0) {
        return;
    }
    if (*acc == 0 || *acc == -ENOSYS) {
        *acc = rc;
    }
}

int autoseal_lock(void)
{
    int result = 0;
    pthread_mutex_lock(&sect_lock);
    for (size_t i = 0; i < AS_MAX_SECTIONS; i++) {
        struct sect *sc = &sects[i];
        size_t len = sc->end - sc->start;
        int rc;
        switch (sc->state) {
        case SECT_FREE:
        case SECT_SEALED:
            continue;
        case SECT_BAD:
            note_error(&result, -EINVAL);
            continue;
        case SECT_PENDING:
            rc = do_mprotect((void *)sc->start, len, PROT_READ);
            if (rc != 0) {
                note_error(&result, rc);
                continue;
            }
            sc->state = SECT_RO;
            __attribute__((fallthrough));
        case SECT_RO:
            rc = raw_seal(sc->start, len);
            if (rc == 0) {
                sc->state = SECT_SEALED;
            }
            note_error(&result, rc);
            continue;
        }
    }
    if (sect_overflow > 0) {
        note_error(&result, -ENOSPC);
    }
    pthread_mutex_unlock(&sect_lock);
    return result;
}
