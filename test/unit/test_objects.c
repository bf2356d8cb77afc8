/* Unit test of as_seal_object() (objects.c) on real mappings with
 * synthetic program headers: an object that needs more ranges than the
 * small array the walk tries first is still sealed whole (the worst-case
 * array is used then), and its writable pages are left alone.  Checked
 * from outside: mprotect answers EPERM on a sealed page. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "objects.h"
#include "policy.h"
#include "dlwrap.h"
#include "resolve.h"

/* what the rest of the preload library would provide */
uintptr_t as_object_key(const struct dl_phdr_info *info)
{
    return (uintptr_t)info->dlpi_phdr | 2u;
}
bool as_privileged(void)
{
    return false;
}
const char *as_program_path(void)
{
    return "/fake/program";
}

static bool sealed(void *p, size_t pg)
{
    int prot = PROT_READ | PROT_WRITE;
    if (mprotect(p, pg, prot) == 0) {
        return false;
    }
    ck_assert_int_eq(errno, EPERM);
    return true;
}

/* 2 * NSEG pages: NSEG read-only one-page segments, each followed by a
 * writable one: NSEG separate ranges to seal */
#define NSEG 24

START_TEST(many_ranges_sealed_whole)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    bool have = !(syscall(462, 0, 0, 0) == -1 && errno == ENOSYS);
    unsigned char *base = mmap(NULL, 2 * NSEG * pg, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(base, MAP_FAILED);
    ElfW(Phdr) ph[2 * NSEG];
    memset(ph, 0, sizeof ph);
    for (int i = 0; i < 2 * NSEG; i++) {
        ph[i].p_type = PT_LOAD;
        ph[i].p_flags = (i & 1) ? (PF_R | PF_W) : PF_R;
        ph[i].p_vaddr = ph[i].p_offset = (ElfW(Addr))i * pg;
        ph[i].p_memsz = ph[i].p_filesz = pg;
        ph[i].p_align = pg;
    }
    struct dl_phdr_info info;
    memset(&info, 0, sizeof info);
    info.dlpi_addr = (ElfW(Addr))base;
    info.dlpi_name = "/fake/libmany.so";
    info.dlpi_phdr = ph;
    info.dlpi_phnum = 2 * NSEG;
    struct as_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.mode = AS_MODE_ENFORCE;
    struct as_seal_ctx c;
    as_seal_ctx_init(&c, &pol);
    struct as_walk_result res;
    memset(&res, 0, sizeof res);
    int r = as_seal_object(&c, &info, info.dlpi_name, &res);
    if (!have) {
        /* qemu-user, a kernel before 6.10: the graceful path.  Reported
         * unavailable, nothing counted as sealed, nothing really sealed. */
        ck_assert_int_eq(res.st.unavailable, -ENOSYS);
        ck_assert_uint_eq(res.objects_sealed, 0);
        ck_assert_uint_eq(res.st.bytes, 0);
        for (int i = 0; i < 2 * NSEG; i += 2) {
            ck_assert_int_eq(mprotect(base + (size_t)i * pg, pg, PROT_READ), 0);
        }
        return;
    }
    ck_assert_int_eq(r, 0);
    ck_assert_uint_eq(res.objects, 1);
    ck_assert_uint_eq(res.objects_sealed, 1);
    ck_assert_uint_eq(res.objects_partial, 0);
    ck_assert_uint_eq(res.st.calls, NSEG);
    for (int i = 0; i < 2 * NSEG; i++) {
        ck_assert_msg(sealed(base + (size_t)i * pg, pg) == !(i & 1), "page %d", i);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("objects");
    TCase *t = tcase_create("core");
    tcase_add_test(t, many_ranges_sealed_whole);
    suite_add_tcase(s, t);
    return s;
}

#include "../lib/check_main.h"
