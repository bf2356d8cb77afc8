/* The dl* trampolines' nesting judgment (dlwrap.c: as_dl_nested) against
 * the real glibc dlopen of this architecture, without preloading: this
 * program links the trampolines themselves (dlwrap_<arch>.S, dlwrap.c), so
 * its dlopen/dlsym are autoseal's, and a stub safe point records what
 * as_dl_nested() says at every entry.  On aarch64 it runs under qemu-user
 * (scripts/cross-aarch64.sh), where it is the proof that the saved return
 * address is found where dlwrap.c looks for it.
 *
 * - a dlsym called by a constructor while the dlopen runs: nested;
 * - a dlopen inside that constructor: nested, and after it returned the
 *   outer dlopen still counts as running;
 * - a dlsym after dlopen returned, from the same frame: not nested;
 * - the real functions are reached: dlopen loads, dlsym finds;
 * - as_run_on_stack runs a function on the stack it is given. */
#define _GNU_SOURCE
#include <check.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dlwrap.h"
#include "frozen.h"
#include "safepoint.h"

/* ---- stubs of the safe point: record the judgment ---- */
static int entries, nested_entries;
static int last_nested = -1;

void as_safe_point_dl(void *sp)
{
    entries++;
    last_nested = as_dl_nested(sp) ? 1 : 0;
    nested_entries += last_nested;
}

void as_safe_point_note_keep(const char *path)
{
    (void)path;
}

/* ---- what the plugins' constructors report ---- */
static int ctor_calls;

void dlnest_note(const char *where);
void dlnest_note(const char *where)
{
    if (strcmp(where, "constructor") == 0) {
        ctor_calls++;
    }
}

static void make_ready(void)
{
    ck_assert_int_eq(as_frozen_open(), 0);
    as_dl_resolve_all();
    memcpy(as_page.f.dl_real, as_frozen_staging()->dl_real, sizeof as_page.f.dl_real);
    as_page.f.stored = AS_FROZEN_MAGIC;
    ck_assert_int_eq(as_frozen_close(), 0);
    ck_assert(as_frozen_ready());
}

/* dlsym from a frame of its own, called after dlopen returned */
__attribute__((noinline)) static void *lookup_from_here(void *h)
{
    return dlsym(h, "dlnest_inner_value");
}

START_TEST(constructor_dlsym_is_nested)
{
    make_ready();
    setenv("DLNEST_INNER", "", 1);
    entries = nested_entries = 0;
    void *h = dlopen(DLNEST_PLUGIN, RTLD_NOW);
    ck_assert_msg(h != NULL, "dlopen through the trampoline: %s", dlerror());
    ck_assert_int_eq(ctor_calls, 1);
    /* entries: the dlopen itself (not nested), the constructor's dlsym */
    ck_assert_int_ge(entries, 2);
    ck_assert_int_eq(nested_entries, 1);
    ck_assert_int_eq(last_nested, 1);
    /* from the same frame after it returned: not nested */
    void *f = dlsym(h, "dlnest_inner_value");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(last_nested, 0);
    int (*fn)(void);
    memcpy(&fn, &f, sizeof fn);
    ck_assert_int_eq(fn(), 42);
    ck_assert_ptr_nonnull(lookup_from_here(h));
#if defined(__x86_64__)
    /* x86-64 is exact: a deeper frame after the return is not inside it */
    ck_assert_int_eq(last_nested, 0);
#endif
    ck_assert_int_eq(dlclose(h), 0);
}
END_TEST

START_TEST(dlopen_inside_constructor)
{
    make_ready();
    setenv("DLNEST_INNER", DLNEST_PLUGIN2, 1);
    entries = nested_entries = 0;
    void *h = dlopen(DLNEST_PLUGIN, RTLD_NOW);
    ck_assert_msg(h != NULL, "dlopen: %s", dlerror());
    /* the outer constructor: its dlsym (nested), the inner dlopen
     * (nested), the inner constructor's dlsym (nested), the outer
     * constructor's dlsym after the inner dlopen returned (nested: the
     * outer dlopen still runs) */
    ck_assert_int_eq(ctor_calls, 2);
    ck_assert_int_eq(nested_entries, 4);
    void *f = dlsym(h, "dlnest_inner_value");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(last_nested, 0);
    ck_assert_int_eq(dlclose(h), 0);
}
END_TEST

START_TEST(real_functions_reached)
{
    make_ready();
    void *h = dlopen(NULL, RTLD_NOW);
    ck_assert_ptr_nonnull(h);
    ck_assert_ptr_nonnull(dlsym(RTLD_DEFAULT, "malloc"));
    ck_assert_ptr_null(dlsym(RTLD_DEFAULT, "no_such_symbol_anywhere"));
    ck_assert_ptr_null(dlopen("/nonexistent/libnothing.so", RTLD_NOW));
    ck_assert_ptr_nonnull(dlerror());
    void *m = dlmopen(LM_ID_BASE, NULL, RTLD_NOW);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(last_nested, 0);
}
END_TEST

/* as_run_on_stack: the safe points' work runs on autoseal's own stack */
static unsigned char other_stack[16384] __attribute__((aligned(16)));
static uintptr_t seen_sp;
static void *seen_arg;

__attribute__((noinline)) static void on_other_stack(void *arg)
{
    volatile char here = 0;
    seen_sp = (uintptr_t)&here;
    seen_arg = arg;
    /* a call from there, and errno-style libc work */
    ck_assert_ptr_nonnull(dlsym(RTLD_DEFAULT, "malloc"));
}

START_TEST(runs_on_the_given_stack)
{
    int token = 7;
    as_run_on_stack(on_other_stack, &token, other_stack + sizeof other_stack - 8);
    ck_assert_ptr_eq(seen_arg, &token);
    ck_assert_msg(seen_sp > (uintptr_t)other_stack &&
                      seen_sp < (uintptr_t)other_stack + sizeof other_stack,
                  "the function ran at %#lx, not on the given stack", (unsigned long)seen_sp);
    ck_assert_int_eq(token, 7); /* and came back to this frame intact */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dlnest");
    TCase *tc = tcase_create("nesting");
    tcase_add_test(tc, constructor_dlsym_is_nested);
    tcase_add_test(tc, dlopen_inside_constructor);
    tcase_add_test(tc, real_functions_reached);
    tcase_add_test(tc, runs_on_the_given_stack);
    suite_add_tcase(s, tc);
    return s;
}

#include "../lib/check_main.h"
