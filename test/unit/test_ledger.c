/* Unit tests of the ledger's object list (ledger.c) on a real ledger
 * mapping: the first objects stay in the ledger's first page, the hash
 * table takes the rest, clearing forgets both; and the mapping is one of
 * its own (MAP_NORESERVE: never merged with a writable neighbour). */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frozen.h"
#include "ledger.h"

static struct as_ledger *L;

static void setup(void)
{
    ck_assert_int_eq(as_frozen_open(), 0);
    L = as_ledger_reserve();
    ck_assert_ptr_nonnull(L);
    as_page.f.ledger = L;
    as_page.f.stored = AS_FROZEN_MAGIC;
    ck_assert_int_eq(as_ledger_open(), 0);
}

static uintptr_t key(unsigned i)
{
    return ((uintptr_t)(i + 1) * 0x10040u) | 2u;
}

/* pages of the ledger that were ever written (resident) */
static unsigned resident_pages(void)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t n = AS_LEDGER_BYTES / pg;
    unsigned char vec[64];
    ck_assert_uint_le(n, sizeof vec);
    ck_assert_int_eq(mincore(L, AS_LEDGER_BYTES, vec), 0);
    unsigned r = 0;
    for (size_t i = 0; i < n; i++) {
        r += vec[i] & 1;
    }
    return r;
}

START_TEST(first_objects_in_one_page)
{
    for (unsigned i = 0; i < AS_LEDGER_FIRST; i++) {
        ck_assert(!as_ledger_has_obj(key(i)));
        as_ledger_add_obj(key(i));
        as_ledger_add_obj(key(i)); /* twice: listed once */
    }
    as_ledger_add_span(0x100000, 0x101000);
    for (unsigned i = 0; i < AS_LEDGER_FIRST; i++) {
        ck_assert(as_ledger_has_obj(key(i)));
    }
    ck_assert_uint_eq(L->nfirst, AS_LEDGER_FIRST);
    ck_assert_uint_eq(L->nobjs, 0);
    /* a program that dlopens a few plugins writes one ledger page */
    ck_assert_uint_eq(resident_pages(), 1);
}
END_TEST

START_TEST(more_objects_in_the_table)
{
    unsigned n = AS_LEDGER_FIRST + 500;
    for (unsigned i = 0; i < n; i++) {
        as_ledger_add_obj(key(i));
    }
    for (unsigned i = 0; i < n; i++) {
        ck_assert_msg(as_ledger_has_obj(key(i)), "object %u lost", i);
    }
    ck_assert(!as_ledger_has_obj(key(n)));
    ck_assert_uint_eq(L->nobjs, n - AS_LEDGER_FIRST);
    as_ledger_clear_objs();
    for (unsigned i = 0; i < n; i++) {
        ck_assert(!as_ledger_has_obj(key(i)));
    }
    as_ledger_add_obj(key(7));
    ck_assert(as_ledger_has_obj(key(7)));
    ck_assert(!as_ledger_has_obj(key(8)));
}
END_TEST

START_TEST(mapping_of_its_own)
{
    FILE *f = fopen("/proc/self/smaps", "re");
    ck_assert_ptr_nonnull(f);
    char line[512], want[32];
    snprintf(want, sizeof want, "%lx-", (unsigned long)(uintptr_t)L);
    bool in = false, found = false;
    while (fgets(line, sizeof line, f)) {
        if (strchr(line, '-') && strchr(line, ' ') && strchr(line, '-') < strchr(line, ' ')) {
            in = strncmp(line, want, strlen(want)) == 0;
        } else if (in && strncmp(line, "VmFlags:", 8) == 0) {
            found = true;
            ck_assert_msg(strstr(line, " nr") != NULL, "ledger without MAP_NORESERVE: %s", line);
        }
    }
    fclose(f);
    ck_assert(found);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ledger");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, first_objects_in_one_page);
    tcase_add_test(t, more_objects_in_the_table);
    tcase_add_test(t, mapping_of_its_own);
    suite_add_tcase(s, t);
    return s;
}

#include "../lib/check_main.h"
