/* Unit tests of the pure range computation on synthetic program headers. */
#include <check.h>
#include <errno.h>
#include <link.h>
#include <stdlib.h>

#include "ranges.h"

#define PG 4096u

static ElfW(Phdr) load(uintptr_t vaddr, size_t memsz, unsigned flags)
{
    ElfW(Phdr) p = {0};
    p.p_type = PT_LOAD;
    p.p_vaddr = vaddr;
    p.p_memsz = memsz;
    p.p_filesz = memsz;
    p.p_flags = flags;
    return p;
}

static ElfW(Phdr) relro(uintptr_t vaddr, size_t memsz)
{
    ElfW(Phdr) p = {0};
    p.p_type = PT_GNU_RELRO;
    p.p_vaddr = vaddr;
    p.p_memsz = memsz;
    p.p_flags = PF_R;
    return p;
}

static struct as_layout_opts def = {.pagesize = PG};

/* The layout of Debian's ld.so: R, RX, R, RW with RELRO at the RW start. */
START_TEST(typical_object_is_one_range)
{
    ElfW(Phdr) ph[] = {
        load(0x0, 0xd58, PF_R),
        load(0x1000, 0x25111, PF_R | PF_X),
        load(0x27000, 0x9c7c, PF_R),
        load(0x31900, 0x29d8, PF_R | PF_W),
        relro(0x31900, 0x1700),
    };
    struct as_range r[AS_RANGES_MAX(5)];
    int n = as_object_ranges(ph, 5, 0x7f0000000000, &def, r, AS_RANGES_MAX(5));
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].start, 0x7f0000000000);
    /* RELRO end 0x33000 rounded down: exactly 0x33000 */
    ck_assert_uint_eq(r[0].end, 0x7f0000033000);
    ck_assert_uint_eq(r[0].kinds, AS_R_TEXT | AS_R_RELRO); /* no gaps in this one */
}
END_TEST

START_TEST(relro_rounding_matches_glibc)
{
    /* start rounded down, end rounded DOWN (glibc _dl_protect_relro) */
    ElfW(Phdr) ph[] = {load(0x10000, 0x4000, PF_R | PF_W), relro(0x10100, 0x1f00 + 0x50)};
    struct as_range rr;
    ck_assert(as_relro_range(ph, 2, 0x1000000, PG, &rr));
    ck_assert_uint_eq(rr.start, 0x1010000);
    ck_assert_uint_eq(rr.end, 0x1012000); /* 0x10100+0x1f50 = 0x12050 -> 0x12000 */
    /* RELRO shorter than a page after rounding: nothing */
    ElfW(Phdr) small[] = {relro(0x10100, 0x200)};
    ck_assert(!as_relro_range(small, 1, 0, PG, &rr));
    /* no RELRO at all */
    ElfW(Phdr) none[] = {load(0, 0x1000, PF_R)};
    ck_assert(!as_relro_range(none, 1, 0, PG, &rr));
}
END_TEST

START_TEST(writable_data_never_sealed_by_default)
{
    /* RW segment without RELRO: not sealed; the text before it is. */
    ElfW(Phdr) ph[] = {load(0x0, 0x2000, PF_R | PF_X), load(0x3000, 0x1000, PF_R | PF_W)};
    struct as_range r[16];
    int n = as_object_ranges(ph, 2, 0, &def, r, 16);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].start, 0);
    ck_assert_uint_eq(r[0].end, 0x3000); /* text + gap */
    ck_assert_uint_eq(r[0].kinds, AS_R_TEXT | AS_R_GAP);
}
END_TEST

START_TEST(shared_page_with_writable_segment_is_trimmed)
{
    /* Old layout: text ends in the same page where data starts. */
    ElfW(Phdr) ph[] = {load(0x0, 0x1800, PF_R | PF_X), load(0x1800, 0x1000, PF_R | PF_W)};
    struct as_range r[16];
    int n = as_object_ranges(ph, 2, 0, &def, r, 16);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].start, 0);
    ck_assert_uint_eq(r[0].end, 0x1000);
}
END_TEST

START_TEST(relro_part_sealed_rest_of_data_not)
{
    /* RW segment starting two pages before RELRO: those pages stay open. */
    ElfW(Phdr) ph[] = {load(0x0, 0x1000, PF_R), load(0x2000, 0x5000, PF_R | PF_W),
                       relro(0x4000, 0x2000)};
    struct as_range r[16];
    int n = as_object_ranges(ph, 3, 0, &def, r, 16);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(r[0].start, 0);
    ck_assert_uint_eq(r[0].end, 0x2000); /* text + gap up to the RW segment */
    ck_assert_uint_eq(r[1].start, 0x4000);
    ck_assert_uint_eq(r[1].end, 0x6000);
    ck_assert_uint_eq(r[1].kinds, AS_R_RELRO);
}
END_TEST

START_TEST(strict_seals_data_and_bss_tail)
{
    struct as_layout_opts strict = {.pagesize = PG, .seal_data = true};
    ElfW(Phdr) ph[] = {load(0x0, 0x1000, PF_R | PF_X), load(0x1000, 0x100, PF_R | PF_W)};
    ph[1].p_memsz = 0x3800; /* bss tail beyond the file */
    struct as_range r[16];
    int n = as_object_ranges(ph, 2, 0, &strict, r, 16);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].end, 0x5000);
    ck_assert(r[0].kinds & AS_R_DATA);
}
END_TEST

START_TEST(no_gaps_for_kernel_mapped_objects)
{
    ElfW(Phdr) ph[] = {load(0x0, 0x1000, PF_R), load(0x5000, 0x1000, PF_R | PF_X)};
    struct as_layout_opts o = {.pagesize = PG, .no_gaps = true};
    struct as_range r[16];
    int n = as_object_ranges(ph, 2, 0, &o, r, 16);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(r[0].end, 0x1000);
    ck_assert_uint_eq(r[1].start, 0x5000);
    n = as_object_ranges(ph, 2, 0, &def, r, 16);
    ck_assert_int_eq(n, 1); /* with the gap: one call */
}
END_TEST

START_TEST(exclusions_split_ranges)
{
    ElfW(Phdr) ph[] = {load(0x0, 0x4000, PF_R)};
    struct as_range ex = {0x1000, 0x2000, 0};
    struct as_layout_opts o = {.pagesize = PG, .exclude = &ex, .nexclude = 1};
    struct as_range r[16];
    int n = as_object_ranges(ph, 1, 0, &o, r, 16);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(r[0].end, 0x1000);
    ck_assert_uint_eq(r[1].start, 0x2000);
    ck_assert_uint_eq(r[1].end, 0x4000);
}
END_TEST

START_TEST(unsorted_headers_and_bias)
{
    ElfW(Phdr) ph[] = {load(0x2000, 0x1000, PF_R), load(0x0, 0x1000, PF_R | PF_X)};
    struct as_range r[16];
    int n = as_object_ranges(ph, 2, 0x400000, &def, r, 16);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].start, 0x400000);
    ck_assert_uint_eq(r[0].end, 0x403000);
}
END_TEST

START_TEST(bad_input_rejected)
{
    ElfW(Phdr) ph[] = {load(UINTPTR_MAX - 0x10, 0x100, PF_R)};
    struct as_range r[16];
    ck_assert_int_eq(as_object_ranges(ph, 1, 0, &def, r, 16), -EINVAL);
    struct as_layout_opts badpage = {.pagesize = 3000};
    ElfW(Phdr) ok[] = {load(0, 0x1000, PF_R)};
    ck_assert_int_eq(as_object_ranges(ok, 1, 0, &badpage, r, 16), -EINVAL);
    ck_assert_int_eq(as_object_ranges(ok, 1, 0, &def, r, 0), -E2BIG);
    ck_assert_int_eq(as_object_ranges(NULL, 0, 0, &def, r, 16), 0);
    /* zero-sized PT_LOAD ignored */
    ElfW(Phdr) z[] = {load(0x5000, 0, PF_R)};
    ck_assert_int_eq(as_object_ranges(z, 1, 0, &def, r, 16), 0);
}
END_TEST

START_TEST(coalesce_and_subtract)
{
    struct as_range r[8] = {{0x3000, 0x4000, 1}, {0x0, 0x1000, 2}, {0x1000, 0x2000, 4}, {0x3800, 0x5000, 8}};
    size_t n = as_ranges_coalesce(r, 4);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(r[0].end, 0x2000);
    ck_assert_uint_eq(r[0].kinds, 6);
    ck_assert_uint_eq(r[1].start, 0x3000);
    ck_assert_uint_eq(r[1].end, 0x5000);
    int m = as_ranges_subtract(r, n, 8, 0x0, 0x10000);
    ck_assert_int_eq(m, 0);
    struct as_range one[1] = {{0, 0x3000, 1}};
    ck_assert_int_eq(as_ranges_subtract(one, 1, 1, 0x1000, 0x2000), -E2BIG);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ranges");
    TCase *t = tcase_create("core");
    tcase_add_test(t, typical_object_is_one_range);
    tcase_add_test(t, relro_rounding_matches_glibc);
    tcase_add_test(t, writable_data_never_sealed_by_default);
    tcase_add_test(t, shared_page_with_writable_segment_is_trimmed);
    tcase_add_test(t, relro_part_sealed_rest_of_data_not);
    tcase_add_test(t, strict_seals_data_and_bss_tail);
    tcase_add_test(t, no_gaps_for_kernel_mapped_objects);
    tcase_add_test(t, exclusions_split_ranges);
    tcase_add_test(t, unsorted_headers_and_bias);
    tcase_add_test(t, bad_input_rejected);
    tcase_add_test(t, coalesce_and_subtract);
    suite_add_tcase(s, t);
    return s;
}

#include "../lib/check_main.h"
