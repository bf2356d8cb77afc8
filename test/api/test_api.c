/* Tests of the public API (include/autoseal.h), label `api`.
 *
 * Every test runs in its own forked process (CK_FORK), so seals, locks and
 * seccomp filters of one test never leak into another.  Seals are checked
 * from outside (smaps `sl`) and by trying what they forbid (EPERM). */
#define _GNU_SOURCE
#include "autoseal.h"
#include "helpers.h"
#include "roai_lib.h"
#include "roai_second.h"

#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static AUTOSEAL_RO_AFTER_INIT int roai_value = 41;
static AUTOSEAL_RO_AFTER_INIT char roai_table[5000];
static int plain_value = 5;
static int plain_bss;

static size_t ps;

static void *map_pages(size_t n)
{
    void *p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    return p;
}

/* The page is sealed: smaps says so and what sealing forbids fails. */
static void assert_sealed(void *page, size_t len)
{
    ck_assert_int_eq(smaps_sealed(page), 1);
    ck_assert_int_eq(try_mprotect(page, len, PROT_READ), EPERM);
    ck_assert_int_eq(try_munmap(page, len), EPERM);
    ck_assert_int_eq(try_mmap_fixed(page, ps), EPERM);
}

static void assert_not_sealed(void *page)
{
    ck_assert_int_eq(smaps_sealed(page), 0);
    /* mprotect to the current protection succeeds iff not sealed. */
    ck_assert_int_eq(try_mprotect(page, ps, PROT_READ | PROT_WRITE), 0);
}

/* ---- startup ---------------------------------------------------------- */

START_TEST(t_startup_seals_nothing)
{
    /* This program links libautoseal-api.so and has RO_AFTER_INIT data;
     * before any call nothing may be sealed and that data is writable. */
    char where[512] = "";
    ck_assert_msg(smaps_any_user_sealed(where, sizeof where) == 0, "sealed at startup: %s", where);
    ck_assert_int_eq(write_faults(&roai_value, 43), 0);
    ck_assert_int_eq(roai_value, 43);
    ck_assert_int_eq(smaps_sealed(&roai_value), 0);
}
END_TEST

START_TEST(t_available)
{
    ck_assert_int_eq(autoseal_available(), 1);
    ck_assert_int_eq(autoseal_available(), 1);
    ck_assert_uint_eq(autoseal_pagesize(), ps);
}
END_TEST

/* ---- autoseal_seal ---------------------------------------------------- */

START_TEST(t_seal_ok)
{
    char *p = map_pages(3);
    p[0] = 'x';
    errno = 1234;
    ck_assert_int_eq(autoseal_seal(p, 3 * ps), 0);
    ck_assert_int_eq(errno, 1234);
    assert_sealed(p, 3 * ps);
    ck_assert_int_eq(try_mremap_shrink(p, 3 * ps), EPERM);
    /* Writes stay allowed: sealing does not change protection. */
    ck_assert_int_eq(write_faults((volatile int *)(void *)(p + ps), 9), 0);
    ck_assert_int_eq(p[0], 'x');
}
END_TEST

START_TEST(t_seal_exact_range)
{
    /* Only the pages asked for: neighbours stay unsealed. */
    char *p = map_pages(3);
    ck_assert_int_eq(autoseal_seal(p + ps, ps), 0);
    assert_sealed(p + ps, ps);
    assert_not_sealed(p);
    assert_not_sealed(p + 2 * ps);
}
END_TEST

START_TEST(t_seal_twice)
{
    char *p = map_pages(1);
    ck_assert_int_eq(autoseal_seal(p, ps), 0);
    ck_assert_int_eq(autoseal_seal(p, ps), 0);
    assert_sealed(p, ps);
}
END_TEST

START_TEST(t_seal_unaligned_addr)
{
    char *p = map_pages(2);
    errno = 77;
    ck_assert_int_eq(autoseal_seal(p + 1, ps), -EINVAL);
    ck_assert_int_eq(autoseal_seal(p + ps / 2, ps), -EINVAL);
    ck_assert_int_eq(errno, 77);
    assert_not_sealed(p);
    assert_not_sealed(p + ps);
}
END_TEST

START_TEST(t_seal_unaligned_len)
{
    char *p = map_pages(2);
    ck_assert_int_eq(autoseal_seal(p, ps + 1), -EINVAL);
    ck_assert_int_eq(autoseal_seal(p, ps - 1), -EINVAL);
    ck_assert_int_eq(autoseal_seal(p, 1), -EINVAL);
    assert_not_sealed(p);
    assert_not_sealed(p + ps);
}
END_TEST

START_TEST(t_seal_zero_len)
{
    char *p = map_pages(1);
    ck_assert_int_eq(autoseal_seal(p, 0), -EINVAL);
    assert_not_sealed(p);
}
END_TEST

START_TEST(t_seal_overflow)
{
    uintptr_t hi = UINTPTR_MAX & ~(uintptr_t)(ps - 1);
    ck_assert_int_eq(autoseal_seal((void *)hi, 2 * ps), -EINVAL);
}
END_TEST

START_TEST(t_seal_hole)
{
    char *p = map_pages(3);
    ck_assert_int_eq(munmap(p + ps, ps), 0);
    ck_assert_int_eq(autoseal_seal(p, 3 * ps), -ENOMEM);
    /* Nothing sealed, not even the mapped parts. */
    assert_not_sealed(p);
    assert_not_sealed(p + 2 * ps);
}
END_TEST

START_TEST(t_seal_unmapped)
{
    char *p = map_pages(2);
    ck_assert_int_eq(munmap(p, 2 * ps), 0);
    ck_assert_int_eq(autoseal_seal(p, 2 * ps), -ENOMEM);
    ck_assert_int_eq(autoseal_seal(NULL, ps), -ENOMEM);
}
END_TEST

/* ---- autoseal_protect ------------------------------------------------- */

START_TEST(t_protect_ok)
{
    int *p = map_pages(2);
    p[0] = 1234;
    ck_assert_int_eq(autoseal_protect(p, 2 * ps, PROT_READ), 0);
    ck_assert_int_eq(p[0], 1234);
    ck_assert_int_eq(write_faults(p, 1), 1);
    ck_assert_int_eq(p[0], 1234);
    assert_sealed(p, 2 * ps);
    ck_assert_int_eq(try_mremap_shrink(p, 2 * ps), EPERM);
}
END_TEST

START_TEST(t_protect_none)
{
    int *p = map_pages(1);
    ck_assert_int_eq(autoseal_protect(p, ps, PROT_NONE), 0);
    ck_assert_int_eq(write_faults(p, 1), 1);
    assert_sealed(p, ps);
}
END_TEST

START_TEST(t_protect_bad_prot)
{
    int *p = map_pages(1);
    ck_assert_int_eq(autoseal_protect(p, ps, PROT_READ | 0x1000), -EINVAL);
    ck_assert_int_eq(autoseal_protect(p, ps, PROT_READ | PROT_GROWSDOWN), -EINVAL);
    ck_assert_int_eq(autoseal_protect(p, ps, -1), -EINVAL);
    /* PROT_SEM (0x8): mprotect(2) accepts it, the API does not. */
    ck_assert_int_eq(try_mprotect(p, ps, PROT_READ | PROT_WRITE | 0x8), 0);
    ck_assert_int_eq(autoseal_protect(p, ps, PROT_READ | 0x8), -EINVAL);
    /* Nothing happened: still writable, not sealed. */
    ck_assert_int_eq(write_faults(p, 3), 0);
    assert_not_sealed(p);
}
END_TEST

START_TEST(t_protect_bad_range)
{
    char *p = map_pages(2);
    ck_assert_int_eq(autoseal_protect(p + 8, ps, PROT_READ), -EINVAL);
    ck_assert_int_eq(autoseal_protect(p, ps + 8, PROT_READ), -EINVAL);
    ck_assert_int_eq(autoseal_protect(p, 0, PROT_READ), -EINVAL);
    ck_assert_int_eq(write_faults((volatile int *)(void *)p, 3), 0);
    assert_not_sealed(p);
    ck_assert_int_eq(munmap(p, 2 * ps), 0);
    ck_assert_int_eq(autoseal_protect(p, 2 * ps, PROT_READ), -ENOMEM);
}
END_TEST

START_TEST(t_protect_twice)
{
    int *p = map_pages(1);
    ck_assert_int_eq(autoseal_protect(p, ps, PROT_READ), 0);
    /* A sealed range cannot change protection, not even to the same one. */
    ck_assert_int_eq(autoseal_protect(p, ps, PROT_READ), -EPERM);
    ck_assert_int_eq(autoseal_protect(p, ps, PROT_READ | PROT_WRITE), -EPERM);
    ck_assert_int_eq(write_faults(p, 1), 1);
}
END_TEST

/* ---- autoseal_alloc / autoseal_free ----------------------------------- */

static int mapped(void *p)
{
    /* msync fails with ENOMEM on unmapped memory. */
    return msync(p, ps, MS_ASYNC) == 0;
}

START_TEST(t_alloc_basic)
{
    unsigned char *p = autoseal_alloc(100);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % ps, 0);
    for (size_t i = 0; i < ps; i++) {
        ck_assert_uint_eq(p[i], 0);
    }
    memset(p, 0xaa, ps); /* the whole rounded-up page is usable */
    /* Not heap memory: an anonymous mapping (no inode, no name), not [heap]. */
    char line[512];
    ck_assert_int_eq(maps_line(p, line, sizeof line), 0);
    unsigned long inode = 1;
    char name[256] = "";
    ck_assert_int_ge(sscanf(line, "%*s %*s %*s %*s %lu %255s", &inode, name), 1);
    ck_assert_uint_eq(inode, 0);
    ck_assert_str_eq(name, "");
    ck_assert_int_eq(autoseal_free(p, 100), 0);
    ck_assert_int_eq(mapped(p), 0);
}
END_TEST

START_TEST(t_alloc_errors)
{
    errno = 0;
    ck_assert_ptr_null(autoseal_alloc(0));
    ck_assert_int_eq(errno, EINVAL);
    errno = 0;
    ck_assert_ptr_null(autoseal_alloc(SIZE_MAX));
    ck_assert_int_eq(errno, ENOMEM);
    errno = 0;
    ck_assert_ptr_null(autoseal_alloc(SIZE_MAX / 2));
    ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

START_TEST(t_free_errors)
{
    char *p = autoseal_alloc(2 * ps);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(autoseal_free(NULL, 10), 0);
    ck_assert_int_eq(autoseal_free(p + 1, ps), -EINVAL);
    ck_assert_int_eq(autoseal_free(p, 0), -EINVAL);
    ck_assert_int_eq(mapped(p), 1);
    ck_assert_int_eq(autoseal_free(p, 2 * ps), 0);
    ck_assert_int_eq(mapped(p), 0);
}
END_TEST

START_TEST(t_alloc_freeze)
{
    size_t n = 3 * ps;
    int *p = autoseal_alloc(n);
    ck_assert_ptr_nonnull(p);
    p[0] = 42;
    p[n / sizeof(int) - 1] = 43;
    ck_assert_int_eq(autoseal_protect(p, n, PROT_READ), 0);
    ck_assert_int_eq(write_faults(p, 1), 1);
    ck_assert_int_eq(write_faults(&p[n / sizeof(int) - 1], 1), 1);
    ck_assert_int_eq(p[0], 42);
    ck_assert_int_eq(autoseal_free(p, n), -EPERM);
    ck_assert_int_eq(mapped(p), 1);
    ck_assert_int_eq(p[n / sizeof(int) - 1], 43);
    assert_sealed(p, n);
}
END_TEST

/* ---- AUTOSEAL_RO_AFTER_INIT / autoseal_lock ---------------------------- */

extern char __start_autoseal_ro_after_init[] __attribute__((weak, visibility("hidden")));
extern char __stop_autoseal_ro_after_init[] __attribute__((weak, visibility("hidden")));

START_TEST(t_roai_layout)
{
    uintptr_t s = (uintptr_t)__start_autoseal_ro_after_init;
    uintptr_t e = (uintptr_t)__stop_autoseal_ro_after_init;
    ck_assert_uint_ne(s, 0);
    ck_assert_uint_eq(s % ps, 0);
    ck_assert_uint_eq(e % ps, 0);
    ck_assert((uintptr_t)&roai_value >= s && (uintptr_t)&roai_value < e);
    ck_assert((uintptr_t)roai_table >= s && (uintptr_t)roai_table + sizeof roai_table <= e);
    ck_assert((uintptr_t)&plain_value < s || (uintptr_t)&plain_value >= e);
    ck_assert((uintptr_t)&plain_bss < s || (uintptr_t)&plain_bss >= e);
    /* The library's section is its own, elsewhere. */
    uintptr_t lib = (uintptr_t)roai_lib_addr();
    ck_assert(lib < s || lib >= e);
    ck_assert_uint_ne(page_of((void *)lib), page_of(&roai_value));
}
END_TEST

START_TEST(t_lock)
{
    /* Written during "initialisation". */
    roai_value = 42;
    strcpy(roai_table, "secret table");
    ck_assert_int_eq(smaps_sealed(&roai_value), 0);
    ck_assert_int_eq(autoseal_lock(), 0);
    ck_assert_int_eq(roai_value, 42);
    ck_assert_str_eq(roai_table, "secret table");
    ck_assert_int_eq(write_faults(&roai_value, 666), 1);
    ck_assert_int_eq(write_faults((volatile int *)(void *)&roai_table[4096], 666), 1);
    ck_assert_int_eq(roai_value, 42);
    void *page = (void *)page_of(&roai_value);
    ck_assert_int_eq(smaps_sealed(page), 1);
    ck_assert_int_eq(try_mprotect(page, ps, PROT_READ | PROT_WRITE), EPERM);
    ck_assert_int_eq(try_munmap(page, ps), EPERM);
    ck_assert_int_eq(try_mremap_shrink(page, 2 * ps), EPERM);
    ck_assert_int_eq(try_mmap_fixed(page, ps), EPERM);
    /* Neighbouring ordinary data is untouched. */
    ck_assert_int_eq(write_faults(&plain_value, 6), 0);
    ck_assert_int_eq(write_faults(&plain_bss, 7), 0);
    ck_assert_int_eq(smaps_sealed(&plain_value), 0);
    ck_assert_int_eq(smaps_sealed(&plain_bss), 0);
    /* Twice is harmless. */
    ck_assert_int_eq(autoseal_lock(), 0);
    ck_assert_int_eq(roai_value, 42);
}
END_TEST

START_TEST(t_lock_shared_library)
{
    roai_lib_set(99);
    ck_assert_int_eq(roai_lib_get(), 99);
    ck_assert_str_eq(roai_lib_table(), "library table");
    ck_assert_int_eq(smaps_sealed(roai_lib_addr()), 0);
    ck_assert_int_eq(autoseal_lock(), 0);
    ck_assert_int_eq(call_faults(roai_lib_set, 100), 1);
    ck_assert_int_eq(roai_lib_get(), 99);
    ck_assert_int_eq(smaps_sealed(roai_lib_addr()), 1);
    void *page = (void *)page_of(roai_lib_addr());
    ck_assert_int_eq(try_mprotect(page, ps, PROT_READ | PROT_WRITE), EPERM);
    ck_assert_int_eq(try_munmap(page, ps), EPERM);
    /* The library's ordinary data stays writable. */
    ck_assert_int_eq(call_faults(roai_lib_set_plain, 5), 0);
    ck_assert_int_eq(roai_lib_get_plain(), 5);
    /* And the program's own section was locked by the same call. */
    ck_assert_int_eq(write_faults(&roai_value, 1), 1);
}
END_TEST

START_TEST(t_lock_two_units)
{
    /* Same object, two translation units: one section, locked whole. */
    roai_second_set(12);
    ck_assert((uintptr_t)roai_second_addr() >= (uintptr_t)__start_autoseal_ro_after_init &&
              (uintptr_t)roai_second_addr() < (uintptr_t)__stop_autoseal_ro_after_init);
    ck_assert_int_eq(autoseal_lock(), 0);
    ck_assert_int_eq(call_faults(roai_second_set, 13), 1);
    ck_assert_int_eq(roai_second_get(), 12);
    ck_assert_int_eq(write_faults(&roai_value, 1), 1);
}
END_TEST

struct dl_mod {
    void *handle;
    void (*set)(int);
    int (*get)(void);
    void *(*addr)(void);
};

static void dl_load(struct dl_mod *m)
{
    m->handle = dlopen(ROAI_DL_PATH, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(m->handle != NULL, "dlopen: %s", dlerror());
    *(void **)&m->set = dlsym(m->handle, "roai_dl_set");
    *(void **)&m->get = dlsym(m->handle, "roai_dl_get");
    *(void **)&m->addr = dlsym(m->handle, "roai_dl_addr");
    ck_assert(m->set && m->get && m->addr);
}

START_TEST(t_lock_dlopen_later)
{
    ck_assert_int_eq(autoseal_lock(), 0);
    struct dl_mod m;
    dl_load(&m);
    /* Loaded after the lock: writable until the next lock. */
    ck_assert_int_eq(call_faults(m.set, 4), 0);
    ck_assert_int_eq(smaps_sealed(m.addr()), 0);
    ck_assert_int_eq(autoseal_lock(), 0);
    ck_assert_int_eq(call_faults(m.set, 5), 1);
    ck_assert_int_eq(m.get(), 4);
    ck_assert_int_eq(smaps_sealed(m.addr()), 1);
}
END_TEST

START_TEST(t_lock_after_dlclose)
{
    /* An unloaded module's section is forgotten: lock must not touch
     * memory that is no longer the module's. */
    struct dl_mod m;
    dl_load(&m);
    uintptr_t page = page_of(m.addr());
    ck_assert_int_eq(dlclose(m.handle), 0);
    char line[256];
    ck_assert_int_eq(maps_line((void *)page, line, sizeof line), -1);
    /* Something else now lives there. */
    void *p = mmap((void *)page, ps, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    ck_assert_ptr_eq(p, (void *)page);
    ck_assert_int_eq(autoseal_lock(), 0);
    ck_assert_int_eq(write_faults(p, 1), 0);
    ck_assert_int_eq(smaps_sealed(p), 0);
    ck_assert_int_eq(write_faults(&roai_value, 1), 1);
}
END_TEST

/* ---- kernel without mseal: seccomp answers ENOSYS (or EPERM) ----------- */

static void nosys_filter(void)
{
    ck_assert_int_eq(install_mseal_filter(ENOSYS), 0);
    ck_assert_int_eq(raw_mseal_probe(), ENOSYS);
}

START_TEST(t_nosys_available)
{
    nosys_filter();
    ck_assert_int_eq(autoseal_available(), 0);
}
END_TEST

START_TEST(t_nosys_cache_updates)
{
    /* A filter installed after a positive probe: the first refused seal
     * updates the cached answer. */
    ck_assert_int_eq(autoseal_available(), 1);
    nosys_filter();
    char *p = map_pages(1);
    ck_assert_int_eq(autoseal_seal(p, ps), -ENOSYS);
    ck_assert_int_eq(autoseal_available(), 0);
}
END_TEST

START_TEST(t_nosys_seal)
{
    nosys_filter();
    int *p = map_pages(2);
    ck_assert_int_eq(autoseal_seal(p, 2 * ps), -ENOSYS);
    /* Argument errors are still reported as such. */
    ck_assert_int_eq(autoseal_seal(p, 1), -EINVAL);
    ck_assert_int_eq(write_faults(p, 1), 0);
    assert_not_sealed(p);
}
END_TEST

START_TEST(t_eperm_seal)
{
    ck_assert_int_eq(install_mseal_filter(EPERM), 0);
    ck_assert_int_eq(raw_mseal_probe(), EPERM);
    ck_assert_int_eq(autoseal_available(), 0);
    int *p = map_pages(1);
    ck_assert_int_eq(autoseal_seal(p, ps), -ENOSYS);
    ck_assert_int_eq(autoseal_protect(p, ps, PROT_READ), ENOSYS);
    ck_assert_int_eq(autoseal_lock(), -ENOSYS);
    ck_assert_int_eq(smaps_sealed(p), 0);
}
END_TEST

START_TEST(t_nosys_protect)
{
    nosys_filter();
    int *p = autoseal_alloc(ps);
    ck_assert_ptr_nonnull(p);
    p[0] = 5;
    /* Positive: protection applied, sealing refused. */
    ck_assert_int_eq(autoseal_protect(p, ps, PROT_READ), ENOSYS);
    ck_assert_int_eq(write_faults(p, 1), 1);
    ck_assert_int_eq(p[0], 5);
    ck_assert_int_eq(smaps_sealed(p), 0);
    /* Not sealed: it can be freed. */
    ck_assert_int_eq(autoseal_free(p, ps), 0);
}
END_TEST

START_TEST(t_nosys_lock)
{
    nosys_filter();
    roai_value = 50;
    roai_lib_set(51);
    ck_assert_int_eq(autoseal_lock(), -ENOSYS);
    /* Readable, read-only, but not sealed. */
    ck_assert_int_eq(roai_value, 50);
    ck_assert_int_eq(roai_lib_get(), 51);
    ck_assert_int_eq(write_faults(&roai_value, 1), 1);
    ck_assert_int_eq(call_faults(roai_lib_set, 1), 1);
    ck_assert_int_eq(smaps_sealed(&roai_value), 0);
    ck_assert_int_eq(smaps_sealed(roai_lib_addr()), 0);
    /* Twice: same answer, still harmless. */
    ck_assert_int_eq(autoseal_lock(), -ENOSYS);
    ck_assert_int_eq(roai_value, 50);
    /* Unsealed: mprotect works (a bug could make it writable again). */
    ck_assert_int_eq(try_mprotect((void *)page_of(&roai_value), ps, PROT_READ), 0);
}
END_TEST

/* ---- threads ------------------------------------------------------------ */

#define NTHREADS 8
#define PAGES_PER_THREAD 16

static char *shared_region;
static pthread_barrier_t barrier;

struct thr {
    char *own;
    int errors;
};

static void *seal_worker(void *arg)
{
    struct thr *t = arg;
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < PAGES_PER_THREAD; i++) {
        if (autoseal_seal(t->own + (size_t)i * ps, ps) != 0) {
            t->errors++;
        }
        /* Everyone also seals the same shared pages at once. */
        if (autoseal_seal(shared_region + (size_t)(i % 4) * ps, ps) != 0) {
            t->errors++;
        }
    }
    if (autoseal_lock() != 0) {
        t->errors++;
    }
    return NULL;
}

START_TEST(t_threads)
{
    pthread_t th[NTHREADS];
    struct thr ts[NTHREADS];
    shared_region = map_pages(4);
    ck_assert_int_eq(pthread_barrier_init(&barrier, NULL, NTHREADS), 0);
    for (int i = 0; i < NTHREADS; i++) {
        ts[i].own = map_pages(PAGES_PER_THREAD);
        ts[i].errors = 0;
        ck_assert_int_eq(pthread_create(&th[i], NULL, seal_worker, &ts[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++) {
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
        ck_assert_int_eq(ts[i].errors, 0);
        for (int j = 0; j < PAGES_PER_THREAD; j++) {
            ck_assert_int_eq(smaps_sealed(ts[i].own + (size_t)j * ps), 1);
        }
        ck_assert_int_eq(try_munmap(ts[i].own, PAGES_PER_THREAD * ps), EPERM);
    }
    assert_sealed(shared_region, 4 * ps);
    ck_assert_int_eq(write_faults(&roai_value, 1), 1);
    pthread_barrier_destroy(&barrier);
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc;

    tc = tcase_create("startup");
    tcase_add_test(tc, t_startup_seals_nothing);
    tcase_add_test(tc, t_available);
    suite_add_tcase(s, tc);

    tc = tcase_create("seal");
    tcase_add_test(tc, t_seal_ok);
    tcase_add_test(tc, t_seal_exact_range);
    tcase_add_test(tc, t_seal_twice);
    tcase_add_test(tc, t_seal_unaligned_addr);
    tcase_add_test(tc, t_seal_unaligned_len);
    tcase_add_test(tc, t_seal_zero_len);
    tcase_add_test(tc, t_seal_overflow);
    tcase_add_test(tc, t_seal_hole);
    tcase_add_test(tc, t_seal_unmapped);
    suite_add_tcase(s, tc);

    tc = tcase_create("protect");
    tcase_add_test(tc, t_protect_ok);
    tcase_add_test(tc, t_protect_none);
    tcase_add_test(tc, t_protect_bad_prot);
    tcase_add_test(tc, t_protect_bad_range);
    tcase_add_test(tc, t_protect_twice);
    suite_add_tcase(s, tc);

    tc = tcase_create("alloc");
    tcase_add_test(tc, t_alloc_basic);
    tcase_add_test(tc, t_alloc_errors);
    tcase_add_test(tc, t_free_errors);
    tcase_add_test(tc, t_alloc_freeze);
    suite_add_tcase(s, tc);

    tc = tcase_create("lock");
    tcase_add_test(tc, t_roai_layout);
    tcase_add_test(tc, t_lock);
    tcase_add_test(tc, t_lock_shared_library);
    tcase_add_test(tc, t_lock_two_units);
    tcase_add_test(tc, t_lock_dlopen_later);
    tcase_add_test(tc, t_lock_after_dlclose);
    suite_add_tcase(s, tc);

    tc = tcase_create("nosys");
    tcase_add_test(tc, t_nosys_available);
    tcase_add_test(tc, t_nosys_cache_updates);
    tcase_add_test(tc, t_nosys_seal);
    tcase_add_test(tc, t_eperm_seal);
    tcase_add_test(tc, t_nosys_protect);
    tcase_add_test(tc, t_nosys_lock);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_test(tc, t_threads);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    ps = (size_t)sysconf(_SC_PAGESIZE);
    /* Probe the kernel directly, not through the API, so the tests see a
     * fresh library state.  Without mseal nothing here can be proven. */
    int probe = raw_mseal_probe();
    if (probe != 0) {
        fprintf(stderr, "SKIP: mseal(2) unavailable here (errno %d)\n", probe);
        return 77;
    }
    SRunner *sr = srunner_create(api_suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
