/* Unit tests of staticplan.c: what the launcher seals, from program headers. */
#include <check.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "staticplan.h"

#define PAGE 4096

struct img {
    unsigned char b[4096];
    Elf64_Ehdr *eh;
    size_t n;
};

static void img_init(struct img *im, int type)
{
    memset(im, 0, sizeof *im);
    im->eh = (Elf64_Ehdr *)(void *)im->b;
    memcpy(im->eh->e_ident, ELFMAG, SELFMAG);
    im->eh->e_ident[EI_CLASS] = ELFCLASS64;
    im->eh->e_ident[EI_DATA] = ELFDATA2LSB;
    im->eh->e_ident[EI_VERSION] = EV_CURRENT;
    im->eh->e_type = (Elf64_Half)type;
    im->eh->e_machine = EM_X86_64;
    im->eh->e_entry = 0x401040;
    im->eh->e_phoff = sizeof(Elf64_Ehdr);
    im->eh->e_phentsize = sizeof(Elf64_Phdr);
}

static void ph(struct img *im, uint32_t type, uint32_t flags, uint64_t va, uint64_t memsz)
{
    Elf64_Phdr p = {.p_type = type, .p_flags = flags, .p_offset = va & 0xfffff,
                    .p_vaddr = va, .p_paddr = va, .p_filesz = memsz, .p_memsz = memsz,
                    .p_align = PAGE};
    memcpy(im->b + sizeof(Elf64_Ehdr) + im->n * sizeof p, &p, sizeof p);
    im->n++;
    im->eh->e_phnum = (Elf64_Half)im->n;
}

/* A static glibc-like layout: R, RX, R, RW holding RELRO at its start. */
static void glibc_like(struct img *im, int type, uint64_t base)
{
    img_init(im, type);
    ph(im, PT_LOAD, PF_R, base + 0x0, 0x500);
    ph(im, PT_LOAD, PF_R | PF_X, base + 0x1000, 0x5000);
    ph(im, PT_LOAD, PF_R, base + 0x6000, 0x1800);
    ph(im, PT_LOAD, PF_R | PF_W, base + 0x8f00, 0x3000);
    ph(im, PT_GNU_RELRO, PF_R, base + 0x8f00, 0x1180);
    ph(im, PT_NOTE, PF_R, base + 0x300, 0x20);
    ph(im, PT_GNU_STACK, PF_R | PF_W, 0, 0);
}

START_TEST(parse_static)
{
    struct img im;
    glibc_like(&im, ET_EXEC, 0x400000);
    struct static_image si;
    size_t need = 0;
    char err[160];
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), 0);
    ck_assert(si.relro && !si.interp && !si.dynamic);
    ck_assert_uint_eq(si.phnum, 7);
    ck_assert_uint_eq(si.nnotes, 1);
    /* truncated before the program headers: asks for more */
    ck_assert_int_eq(static_image_parse(im.b, 100, &si, &need, err, sizeof err), 1);
    ck_assert_uint_eq(need, sizeof(Elf64_Ehdr) + 7 * sizeof(Elf64_Phdr));
    /* a dynamic program says so */
    ph(&im, PT_INTERP, PF_R, 0x400300, 0x1c);
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), 0);
    ck_assert(si.interp);
}
END_TEST

START_TEST(parse_rejects)
{
    struct img im;
    struct static_image si;
    size_t need = 0;
    char err[160];
    glibc_like(&im, ET_REL, 0);
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), -1);
    glibc_like(&im, ET_EXEC, 0x400000);
    im.b[EI_CLASS] = ELFCLASS32;
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), -1);
    glibc_like(&im, ET_EXEC, 0x400000);
    im.eh->e_phnum = STATIC_PHNUM_MAX + 1;
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), -1);
    ck_assert_int_eq(static_image_parse((const unsigned char *)"hello", 5, &si, &need, err,
                                        sizeof err), -1);
    img_init(&im, ET_EXEC);
    ph(&im, PT_GNU_STACK, PF_R | PF_W, 0, 0);
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), -1);
}
END_TEST

START_TEST(plan_initial_and_relro)
{
    struct img im;
    glibc_like(&im, ET_EXEC, 0x400000);
    struct static_image si;
    size_t need;
    char err[160];
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), 0);
    struct as_range r[AS_RANGES_MAX(STATIC_PHNUM_MAX)];
    /* before the program runs: text and rodata, never the RW segment */
    int n = static_plan_initial(&si, 0, PAGE, false, r, sizeof r / sizeof r[0]);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].start, 0x400000);
    ck_assert_uint_eq(r[0].end, 0x408000);
    ck_assert_uint_eq(r[0].kinds, AS_R_TEXT);
    /* data=seal must wait for RELRO too */
    n = static_plan_initial(&si, 0, PAGE, true, r, sizeof r / sizeof r[0]);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].end, 0x408000);
    /* after the program's mprotect: RELRO rounded down at both ends */
    n = static_plan_after_relro(&si, 0, PAGE, false, r, sizeof r / sizeof r[0]);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].start, 0x408000);
    ck_assert_uint_eq(r[0].end, 0x40a000);
    ck_assert_uint_eq(r[0].kinds, AS_R_RELRO);
    /* data=seal: everything, the bss tail included */
    n = static_plan_after_relro(&si, 0, PAGE, true, r, sizeof r / sizeof r[0]);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].start, 0x400000);
    ck_assert_uint_eq(r[0].end, 0x40c000);
}
END_TEST

START_TEST(plan_no_relro_seals_data_at_once)
{
    struct img im;
    img_init(&im, ET_EXEC);
    ph(&im, PT_LOAD, PF_R | PF_X, 0x400000, 0x210000);
    ph(&im, PT_LOAD, PF_R, 0x611000, 0x1f9000);
    ph(&im, PT_LOAD, PF_R | PF_W, 0x80a000, 0x75000);
    struct static_image si;
    size_t need;
    char err[160];
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), 0);
    struct as_range r[AS_RANGES_MAX(STATIC_PHNUM_MAX)];
    /* a gap between the segments (Go's layout): one range per mapped run */
    int n = static_plan_initial(&si, 0, PAGE, false, r, sizeof r / sizeof r[0]);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(r[0].end, 0x610000);
    ck_assert_uint_eq(r[1].start, 0x611000);
    ck_assert_uint_eq(r[1].end, 0x80a000);
    n = static_plan_initial(&si, 0, PAGE, true, r, sizeof r / sizeof r[0]);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(r[1].end, 0x87f000);
    ck_assert_int_eq(static_plan_after_relro(&si, 0, PAGE, false, r, 4), 0);
}
END_TEST

START_TEST(pie_bias)
{
    struct img im;
    glibc_like(&im, ET_DYN, 0);
    im.eh->e_entry = 0x1040;
    struct static_image si;
    size_t need;
    char err[160];
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), 0);
    uintptr_t bias = 0;
    ck_assert(static_bias(&si, 0x7f1234561040ull, PAGE, &bias));
    ck_assert_uint_eq(bias, 0x7f1234560000ull);
    ck_assert(!static_bias(&si, 0x7f1234561048ull, PAGE, &bias)); /* misaligned */
    ck_assert(!static_bias(&si, 0x1000, PAGE, &bias));            /* below e_entry */
    struct as_range r[AS_RANGES_MAX(STATIC_PHNUM_MAX)];
    ck_assert(static_bias(&si, 0x7f1234561040ull, PAGE, &bias));
    int n = static_plan_after_relro(&si, bias, PAGE, false, r, sizeof r / sizeof r[0]);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(r[0].start, 0x7f1234568000ull);
    glibc_like(&im, ET_EXEC, 0x400000);
    ck_assert_int_eq(static_image_parse(im.b, sizeof im.b, &si, &need, err, sizeof err), 0);
    ck_assert(static_bias(&si, 0x401040, PAGE, &bias) && bias == 0);
    ck_assert(!static_bias(&si, 0x501040, PAGE, &bias)); /* not this file */
}
END_TEST

START_TEST(mprotect_covers)
{
    struct as_range relro = {0x408000, 0x40a000, AS_R_RELRO};
    ck_assert(static_mprotect_covers(&relro, 0x408000, 0x2000, PROT_READ));
    ck_assert(static_mprotect_covers(&relro, 0x407000, 0x4000, PROT_READ));
    ck_assert(!static_mprotect_covers(&relro, 0x408000, 0x2000, PROT_READ | PROT_WRITE));
    ck_assert(!static_mprotect_covers(&relro, 0x408000, 0x1000, PROT_READ));
    ck_assert(!static_mprotect_covers(&relro, 0x409000, 0x1000, PROT_READ));
    ck_assert(!static_mprotect_covers(&relro, 0xfffffffffffff000ull, 0x2000, PROT_READ));
}
END_TEST

static size_t note(unsigned char *b, uint32_t type, const char *name, uint32_t namesz,
                   uint32_t descsz)
{
    memcpy(b, &namesz, 4);
    memcpy(b + 4, &descsz, 4);
    memcpy(b + 8, &type, 4);
    memcpy(b + 12, name, namesz);
    return 12 + ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
}

START_TEST(abi_tag)
{
    unsigned char b[128] = {0};
    size_t n = note(b, 5, "GNU", 4, 16);       /* a property note first */
    n += note(b + n, 1, "GNU", 4, 16);         /* then NT_GNU_ABI_TAG */
    ck_assert(static_notes_have_abi_tag(b, n));
    ck_assert(!static_notes_have_abi_tag(b, 12 + 4 + 16)); /* only the property */
    memset(b, 0, sizeof b);
    n = note(b, 1, "Go\0\0", 4, 8);             /* Go's build id note: not GNU */
    ck_assert(!static_notes_have_abi_tag(b, n));
    uint32_t huge = 0xfffffff0u;
    memcpy(b, &huge, 4);                         /* malformed: never read past */
    ck_assert(!static_notes_have_abi_tag(b, n));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("staticplan");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parse_static);
    tcase_add_test(tc, parse_rejects);
    tcase_add_test(tc, plan_initial_and_relro);
    tcase_add_test(tc, plan_no_relro_seals_data_at_once);
    tcase_add_test(tc, pie_bias);
    tcase_add_test(tc, mprotect_covers);
    tcase_add_test(tc, abi_tag);
    suite_add_tcase(s, tc);
    return s;
}

#include "../lib/check_main.h"
