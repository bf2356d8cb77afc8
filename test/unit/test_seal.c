/* Unit tests of as_seal_range(): hole fallback and kernel answers, with a
 * simulated sealing primitive; and the ld.so __stack_prot page finder. */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "seal.h"
#include "sys.h"
#include "ldso.h"

#define PG 4096u

/* A fake address space: pages 0..63 at base 0x100000, some unmapped. */
struct fake {
    bool mapped[64];
    bool sealed[64];
    int force; /* if non-zero, every call returns it */
    int calls;
};

static int fake_seal(uintptr_t start, size_t len, void *ctx)
{
    struct fake *f = ctx;
    f->calls++;
    if (f->force) {
        return f->force;
    }
    size_t first = (start - 0x100000) / PG, n = len / PG;
    for (size_t i = first; i < first + n; i++) {
        if (i >= 64 || !f->mapped[i]) {
            return -ENOMEM; /* a hole: nothing sealed */
        }
    }
    for (size_t i = first; i < first + n; i++) {
        f->sealed[i] = true;
    }
    return 0;
}

START_TEST(whole_range_in_one_call)
{
    struct fake f = {0};
    for (int i = 0; i < 64; i++) {
        f.mapped[i] = true;
    }
    struct as_seal_stats st = {0};
    ck_assert_int_eq(as_seal_range(0x100000, 0x100000 + 16 * PG, PG, fake_seal, &f, &st), 0);
    ck_assert_int_eq(f.calls, 1);
    ck_assert_uint_eq(st.bytes, 16 * PG);
    ck_assert_uint_eq(st.calls, 1);
}
END_TEST

START_TEST(holes_fall_back_to_smaller_ranges)
{
    struct fake f = {0};
    for (int i = 0; i < 64; i++) {
        f.mapped[i] = i != 5 && i != 20 && i != 21;
    }
    struct as_seal_stats st = {0};
    int r = as_seal_range(0x100000, 0x100000 + 32 * PG, PG, fake_seal, &f, &st);
    ck_assert_int_eq(r, -ENOMEM);
    for (int i = 0; i < 32; i++) {
        ck_assert_msg(f.sealed[i] == f.mapped[i], "page %d sealed=%d mapped=%d", i, f.sealed[i],
                      f.mapped[i]);
    }
    ck_assert_uint_eq(st.bytes, 29 * PG);
    ck_assert_uint_eq(st.holes, 3);
    /* bounded: a few calls per hole and level, far below one per page */
    ck_assert_int_lt(f.calls, 32);
}
END_TEST

START_TEST(unavailable_stops_everything)
{
    int answers[] = {-ENOSYS, -EPERM};
    for (int k = 0; k < 2; k++) {
        struct fake f = {.force = answers[k]};
        struct as_seal_stats st = {0};
        ck_assert_int_eq(as_seal_range(0x100000, 0x100000 + 4 * PG, PG, fake_seal, &f, &st),
                         answers[k]);
        ck_assert_int_eq(st.unavailable, answers[k]);
        /* once unavailable, later ranges make no call */
        ck_assert_int_eq(as_seal_range(0x200000, 0x200000 + PG, PG, fake_seal, &f, &st),
                         answers[k]);
        ck_assert_int_eq(f.calls, 1);
    }
}
END_TEST

START_TEST(other_errors_counted_not_fatal)
{
    struct fake f = {.force = -EINVAL};
    struct as_seal_stats st = {0};
    ck_assert_int_eq(as_seal_range(0x100000, 0x100000 + PG, PG, fake_seal, &f, &st), -EINVAL);
    ck_assert_uint_eq(st.failures, 1);
    ck_assert_int_eq(st.unavailable, 0);
    ck_assert_int_eq(st.last_error, -EINVAL);
}
END_TEST

START_TEST(bad_arguments)
{
    struct fake f = {0};
    struct as_seal_stats st = {0};
    ck_assert_int_eq(as_seal_range(0x100001, 0x102000, PG, fake_seal, &f, &st), -EINVAL);
    ck_assert_int_eq(as_seal_range(0x100000, 0x100000, PG, fake_seal, &f, &st), 0);
    ck_assert_int_eq(f.calls, 0);
}
END_TEST

/* Does this kernel (or emulator) have mseal?  Asked on a scratch page. */
static int mseal_answer(void)
{
    void *q = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(q, MAP_FAILED);
    return as_sys_mseal((uintptr_t)q, PG);
}

START_TEST(real_mseal_on_own_mapping)
{
    /* The real primitive, on memory this test owns. */
    int have = mseal_answer();
    char *p = mmap(NULL, 3 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    ck_assert_int_eq(munmap(p + PG, PG), 0); /* a hole in the middle */
    struct as_seal_stats st = {0};
    int r = as_seal_range((uintptr_t)p, (uintptr_t)p + 3 * PG, PG, as_sealer_mseal, NULL, &st);
    if (have == -ENOSYS) {
        /* qemu-user, a kernel before 6.10: the graceful path.  One call,
         * reported unavailable, nothing counted as sealed, and the memory
         * really is not sealed. */
        ck_assert_int_eq(r, -ENOSYS);
        ck_assert_int_eq(st.unavailable, -ENOSYS);
        ck_assert_uint_eq(st.calls, 1);
        ck_assert_uint_eq(st.bytes, 0);
        ck_assert_int_eq(mprotect(p, PG, PROT_READ | PROT_WRITE), 0);
        return;
    }
    ck_assert_int_eq(have, 0);
    ck_assert_int_eq(r, -ENOMEM);
    ck_assert_uint_eq(st.bytes, 2 * PG);
    errno = 0;
    ck_assert_int_eq(mprotect(p, PG, PROT_READ), -1);
    ck_assert_int_eq(errno, EPERM);
    ck_assert_int_eq(mprotect(p + 2 * PG, PG, PROT_READ), -1);
    ck_assert_int_eq(errno, EPERM);
}
END_TEST

START_TEST(stack_prot_page_finder)
{
    static int buf[3 * PG / sizeof(int)] __attribute__((aligned(PG)));
    memset(buf, 0, sizeof buf);
    uintptr_t b = (uintptr_t)buf;
    struct as_range out[4];
    ck_assert_int_eq(as_ldso_stack_prot_pages(b, b + 3 * PG, b, b + 3 * PG, PG, out, 4), 0);
    buf[PG / sizeof(int) + 7] = 0x01000000; /* PROT_GROWSDOWN in page 1 */
    int n = as_ldso_stack_prot_pages(b, b + 3 * PG, b, b + 3 * PG, PG, out, 4);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(out[0].start, b + PG);
    ck_assert_uint_eq(out[0].end, b + 2 * PG);
    /* a candidate outside the rounded RELRO is irrelevant */
    n = as_ldso_stack_prot_pages(b, b + PG, b, b + 3 * PG, PG, out, 4);
    ck_assert_int_eq(n, 0);
    /* too many candidate pages: the whole RELRO is excluded */
    buf[7] = 0x01000003;
    buf[2 * PG / sizeof(int)] = 0x01000000;
    n = as_ldso_stack_prot_pages(b, b + 3 * PG, b, b + 3 * PG, PG, out, 2);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(out[0].start, b);
    ck_assert_uint_eq(out[0].end, b + 3 * PG);
}
END_TEST

/* The tool scans a copy read from /proc/PID/mem: same answers for memory
 * that lives at another address (one implementation, src/lib/ldso.c). */
START_TEST(stack_prot_scan_of_a_copy)
{
    static int copy[PG / sizeof(int)];
    memset(copy, 0, sizeof copy);
    const uintptr_t at = 0x7f0000003000; /* where the copied page lies in the target */
    struct as_range out[1];
    ck_assert_int_eq(as_ldso_stack_prot_scan(copy, PG, at, at, at + PG, PG, out, 1), 0);
    copy[11] = 0x01000003;
    ck_assert_int_eq(as_ldso_stack_prot_scan(copy, PG, at, at, at + PG, PG, out, 1), 1);
    ck_assert_uint_eq(out[0].start, at);
    /* the page is outside the rounded RELRO: not a candidate */
    ck_assert_int_eq(as_ldso_stack_prot_scan(copy, PG, at, at + PG, at + 2 * PG, PG, out, 1), 0);
    /* only the first len bytes count; an unaligned start is rounded up */
    ck_assert_int_eq(as_ldso_stack_prot_scan(copy, 11 * 4, at, at, at + PG, PG, out, 1), 0);
    ck_assert_int_eq(as_ldso_stack_prot_scan((char *)copy + 2, PG - 2, at + 2, at, at + PG, PG,
                                             out, 1), 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("seal");
    TCase *t = tcase_create("core");
    tcase_add_test(t, whole_range_in_one_call);
    tcase_add_test(t, holes_fall_back_to_smaller_ranges);
    tcase_add_test(t, unavailable_stops_everything);
    tcase_add_test(t, other_errors_counted_not_fatal);
    tcase_add_test(t, bad_arguments);
    tcase_add_test(t, real_mseal_on_own_mapping);
    tcase_add_test(t, stack_prot_page_finder);
    tcase_add_test(t, stack_prot_scan_of_a_copy);
    suite_add_tcase(s, t);
    return s;
}

#include "../lib/check_main.h"
