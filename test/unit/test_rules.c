/* Unit tests of the runtime rules and the /proc/self/maps folding. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/shm.h>

#include "../attack/forged_maps.h"
#include "mapsline.h"
#include "procmaps.h"
#include "rules.h"

static struct as_policy pol(const char *opts)
{
    struct as_settings s;
    memset(&s, 0, sizeof s);
    as_options_parse(&s, opts, NULL, NULL);
    struct as_policy p;
    as_policy_resolve(&p, &s, 1);
    return p;
}

START_TEST(default_allows_everything)
{
    struct as_policy p = pol("");
    int prots[] = {PROT_READ, PROT_READ | PROT_WRITE | PROT_EXEC, PROT_READ | PROT_EXEC};
    for (size_t i = 0; i < 3; i++) {
        struct as_verdict v = as_rule_mmap(&p, prots[i], MAP_PRIVATE | MAP_ANONYMOUS, -1, NULL);
        ck_assert_int_eq(v.reason, AS_OK);
        ck_assert(!v.seal_after);
        v = as_rule_mprotect(&p, prots[i], NULL);
        ck_assert_int_eq(v.reason, AS_OK);
    }
    ck_assert_int_eq(as_rule_shmat(&p, SHM_EXEC).reason, AS_OK);
    ck_assert(!as_rule_mprotect_needs_info(&p, PROT_READ | PROT_EXEC));
}
END_TEST

START_TEST(strict_refuses_wx_and_execmem)
{
    struct as_policy p = pol("profile=strict");
    struct as_verdict v = as_rule_mmap(&p, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, NULL);
    ck_assert_int_eq(v.reason, AS_DENY_WX);
    ck_assert_int_eq(v.err, EACCES);
    v = as_rule_mmap(&p, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, NULL);
    ck_assert_int_eq(v.reason, AS_DENY_EXECMEM);
    /* file-backed code is fine, and gets sealed (exec=seal) */
    struct as_fd_info clean = {true, false, false, false};
    v = as_rule_mmap(&p, PROT_READ | PROT_EXEC, MAP_PRIVATE, 3, &clean);
    ck_assert_int_eq(v.reason, AS_OK);
    ck_assert(v.seal_after);
    /* mprotect adding exec to non-exec or unknown memory */
    struct as_region_info notexec = {.known = true}, exec = {.known = true, .all_exec = true, .file_backed = true};
    ck_assert_int_eq(as_rule_mprotect(&p, PROT_READ | PROT_EXEC, &notexec).reason, AS_DENY_EXECMEM);
    ck_assert_int_eq(as_rule_mprotect(&p, PROT_READ | PROT_EXEC, NULL).reason, AS_DENY_EXECMEM);
    v = as_rule_mprotect(&p, PROT_READ | PROT_EXEC, &exec);
    ck_assert_int_eq(v.reason, AS_OK);
    ck_assert(v.seal_after);
    ck_assert_int_eq(as_rule_mprotect(&p, PROT_READ | PROT_WRITE | PROT_EXEC, &exec).reason, AS_DENY_WX);
    ck_assert_int_eq(as_rule_shmat(&p, SHM_EXEC).reason, AS_DENY_WX);
    ck_assert_int_eq(as_rule_shmat(&p, SHM_EXEC | SHM_RDONLY).reason, AS_DENY_EXECMEM);
    ck_assert_int_eq(as_rule_shmat(&p, SHM_RDONLY).reason, AS_OK);
    /* non-exec requests never need a /proc lookup */
    ck_assert(!as_rule_mprotect_needs_info(&p, PROT_READ | PROT_WRITE));
    ck_assert(as_rule_mprotect_needs_info(&p, PROT_READ | PROT_EXEC));
}
END_TEST

START_TEST(double_mapping)
{
    struct as_policy strict = pol("profile=strict"), em = pol("execmem=deny"), def = pol(""),
                     jit = pol("profile=jit");
    struct as_fd_info clean = {true, false, false, false}, unknown = {false, false, false, false},
                      wfd = {true, true, false, false}, memfd = {true, false, true, false},
                      shared = {true, false, false, true};
    const struct as_fd_info *bad[] = {NULL, &unknown, &wfd, &memfd, &shared};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct as_verdict v = as_rule_mmap(&strict, PROT_READ | PROT_EXEC, MAP_SHARED, 4, bad[i]);
        ck_assert_msg(v.reason == AS_DENY_DOUBLEMAP && v.err == EACCES, "case %zu", i);
        ck_assert_int_eq(as_rule_mmap(&em, PROT_READ | PROT_EXEC, MAP_PRIVATE, 4, bad[i]).reason,
                         AS_DENY_DOUBLEMAP);
        ck_assert_int_eq(as_rule_mmap(&def, PROT_READ | PROT_EXEC, MAP_SHARED, 4, bad[i]).reason,
                         AS_OK);
        ck_assert_int_eq(as_rule_mmap(&jit, PROT_READ | PROT_EXEC, MAP_SHARED, 4, bad[i]).reason,
                         AS_OK);
        /* no PROT_EXEC: nothing to judge */
        ck_assert_int_eq(as_rule_mmap(&strict, PROT_READ | PROT_WRITE, MAP_SHARED, 4, bad[i]).reason,
                         AS_OK);
    }
    ck_assert_int_eq(as_rule_mmap(&strict, PROT_READ | PROT_EXEC, MAP_PRIVATE, 4, &clean).reason,
                     AS_OK);
    ck_assert(as_rule_mmap_needs_fd_info(&strict, PROT_READ | PROT_EXEC, MAP_PRIVATE, 4));
    ck_assert(!as_rule_mmap_needs_fd_info(&strict, PROT_READ, MAP_PRIVATE, 4));
    ck_assert(!as_rule_mmap_needs_fd_info(&def, PROT_READ | PROT_EXEC, MAP_PRIVATE, 4));
}
END_TEST

START_TEST(seal_file_seals_file_code_only)
{
    struct as_policy p = pol("exec=seal-file");
    struct as_verdict v = as_rule_mmap(&p, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, NULL);
    ck_assert_int_eq(v.reason, AS_OK);
    ck_assert(!v.seal_after);
    v = as_rule_mmap(&p, PROT_READ | PROT_EXEC, MAP_PRIVATE, 5, NULL);
    ck_assert(v.seal_after);
    v = as_rule_mmap(&p, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE, 5, NULL);
    ck_assert_int_eq(v.reason, AS_OK);
    ck_assert(!v.seal_after); /* still writable */
    struct as_region_info anon = {.known = true, .all_exec = true}, file = {.known = true, .all_exec = true, .file_backed = true};
    ck_assert(!as_rule_mprotect(&p, PROT_READ | PROT_EXEC, &anon).seal_after);
    ck_assert(as_rule_mprotect(&p, PROT_READ | PROT_EXEC, &file).seal_after);
}
END_TEST

START_TEST(madvise_on_relro)
{
    struct as_policy p = pol("");
    ck_assert_int_eq(as_rule_madvise(&p, MADV_DONTNEED, true).err, EPERM);
    ck_assert_int_eq(as_rule_madvise(&p, MADV_FREE, true).reason, AS_DENY_RELRO);
    ck_assert_int_eq(as_rule_madvise(&p, MADV_REMOVE, true).reason, AS_DENY_RELRO);
    ck_assert_int_eq(as_rule_madvise(&p, MADV_DONTNEED, false).reason, AS_OK);
    ck_assert_int_eq(as_rule_madvise(&p, MADV_WILLNEED, true).reason, AS_OK);
    /* fail closed: only a short list of advice is allowed on sealed RELRO */
    static const int refused[] = {MADV_DONTNEED, 5, 6, 7, MADV_FREE, MADV_REMOVE, MADV_DONTFORK,
                                  MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_WIPEONFORK,
                                  MADV_KEEPONFORK, 21 /* PAGEOUT */, 23 /* POPULATE_WRITE */,
                                  24 /* DONTNEED_LOCKED */, 25 /* COLLAPSE */, MADV_HWPOISON,
                                  101 /* SOFT_OFFLINE */, 102 /* GUARD_INSTALL */,
                                  103 /* GUARD_REMOVE */, 104, 1000, -1};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct as_verdict v = as_rule_madvise(&p, refused[i], true);
        ck_assert_msg(v.reason == AS_DENY_RELRO && v.err == EPERM, "advice %d", refused[i]);
        ck_assert_int_eq(as_rule_madvise(&p, refused[i], false).reason, AS_OK);
    }
    static const int allowed[] = {MADV_NORMAL, MADV_RANDOM,    MADV_SEQUENTIAL, MADV_WILLNEED,
                                  MADV_DOFORK, MADV_HUGEPAGE,  MADV_NOHUGEPAGE, MADV_DONTDUMP,
                                  MADV_DODUMP, 20 /* COLD */, 22 /* POPULATE_READ */};
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        ck_assert_msg(as_rule_madvise(&p, allowed[i], true).reason == AS_OK, "advice %d",
                      allowed[i]);
    }
}
END_TEST

START_TEST(process_madvise_self_only)
{
    struct as_policy p = pol("");
    ck_assert_int_eq(as_rule_process_madvise(&p, MADV_DONTNEED, true, AS_TARGET_SELF).err, EPERM);
    /* unknown target counts as self */
    ck_assert_int_eq(as_rule_process_madvise(&p, 102, true, AS_TARGET_UNKNOWN).reason,
                     AS_DENY_RELRO);
    /* another process: our RELRO ranges say nothing about its memory */
    ck_assert_int_eq(as_rule_process_madvise(&p, MADV_PAGEOUT, true, AS_TARGET_OTHER).reason,
                     AS_OK);
    ck_assert_int_eq(as_rule_process_madvise(&p, MADV_DONTNEED, false, AS_TARGET_SELF).reason,
                     AS_OK);
    ck_assert_int_eq(as_rule_process_madvise(&p, MADV_COLD, true, AS_TARGET_SELF).reason, AS_OK);
}
END_TEST

START_TEST(personality_read_implies_exec)
{
    struct as_policy def = pol(""), strict = pol("profile=strict"), wx = pol("wx=deny"),
                     em = pol("execmem=deny");
    ck_assert_int_eq(as_rule_personality(&def, READ_IMPLIES_EXEC).reason, AS_OK);
    struct as_verdict v = as_rule_personality(&strict, READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE);
    ck_assert_int_eq(v.reason, AS_DENY_PERSONALITY);
    ck_assert_int_eq(v.err, EPERM);
    ck_assert_int_eq(as_rule_personality(&wx, READ_IMPLIES_EXEC).reason, AS_DENY_PERSONALITY);
    ck_assert_int_eq(as_rule_personality(&em, READ_IMPLIES_EXEC).reason, AS_DENY_PERSONALITY);
    /* queries and other flags are fine */
    ck_assert_int_eq(as_rule_personality(&strict, 0xffffffffu).reason, AS_OK);
    ck_assert_int_eq(as_rule_personality(&strict, 0xffffffffffffffffu).reason, AS_OK);
    ck_assert_int_eq(as_rule_personality(&strict, ADDR_NO_RANDOMIZE).reason, AS_OK);
    ck_assert_int_eq(as_rule_personality(&strict, PER_LINUX).reason, AS_OK);
}
END_TEST

static void fold(const char *const *lines, uintptr_t s, uintptr_t e, struct as_region_info *ri)
{
    ri->known = true;
    ri->all_exec = true;
    ri->file_backed = true;
    uintptr_t cur = s;
    for (; *lines; lines++) {
        as_maps_fold_line(*lines, strlen(*lines), s, e, &cur, ri);
    }
    if (cur < e) {
        ri->all_exec = ri->file_backed = false;
    }
}

START_TEST(maps_folding)
{
    const char *maps[] = {
        "1000-3000 r-xp 00000000 08:01 1234 /usr/lib/libx.so",
        "3000-4000 r--p 00002000 08:01 1234 /usr/lib/libx.so",
        "5000-6000 r-xp 00000000 00:00 0 ",
        "6000-7000 r-xp 00000000 00:00 0",
        NULL};
    struct as_region_info ri;
    fold(maps, 0x1000, 0x3000, &ri);
    ck_assert(ri.all_exec && ri.file_backed);
    fold(maps, 0x2000, 0x4000, &ri);
    ck_assert(!ri.all_exec && ri.file_backed);
    fold(maps, 0x5000, 0x7000, &ri);
    ck_assert(ri.all_exec && !ri.file_backed);
    fold(maps, 0x3000, 0x6000, &ri); /* hole at 0x4000 */
    ck_assert(!ri.all_exec && !ri.file_backed);
    fold(maps, 0x8000, 0x9000, &ri); /* unmapped */
    ck_assert(!ri.all_exec);
    const char *junk[] = {"garbage", "", "zzzz-1 r-xp", NULL};
    fold(junk, 0x1000, 0x2000, &ri);
    ck_assert(!ri.all_exec);
}
END_TEST

START_TEST(maps_query_real)
{
    struct as_region_info ri;
    void *p = mmap(NULL, 8192, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    as_region_query((uintptr_t)p, (uintptr_t)p + 8192, &ri);
    ck_assert(ri.known && ri.all_exec && !ri.file_backed);
    ck_assert_int_eq(mprotect((char *)p + 4096, 4096, PROT_READ), 0);
    as_region_query((uintptr_t)p, (uintptr_t)p + 8192, &ri);
    ck_assert(ri.known && !ri.all_exec);
    munmap(p, 8192);
}
END_TEST


/* data=seal: seal-on-tighten.  Folds maps lines for the image-data view. */
static void fold_image(const char *const *lines, uintptr_t s, uintptr_t e,
                       struct as_region_info *ri)
{
    memset(ri, 0, sizeof *ri);
    ri->known = ri->all_exec = ri->file_backed = ri->image_data = true;
    uintptr_t cur = s;
    for (; *lines; lines++) {
        as_maps_fold_line(*lines, strlen(*lines), s, e, &cur, ri);
    }
    if (cur < e) {
        ri->image_data = false;
    }
}

START_TEST(tighten_rule)
{
    struct as_region_info img = {.known = true, .image_data = true};
    struct as_region_info other = {.known = true, .image_data = false};
    struct as_region_info unknown = {.known = false, .image_data = true};
    struct as_policy strict = pol("profile=strict"), def = pol(""), seal = pol("data=seal");
    struct as_policy strict_keep = pol("profile=strict,data=keep");
    /* seal on tighten is opt-in (data=seal), also under strict */
    ck_assert(!as_rule_tighten_needs_info(&strict, PROT_READ));
    ck_assert(!as_rule_tighten(&strict, PROT_READ, &img));
    strict = pol("profile=strict,data=seal");
    ck_assert(as_rule_tighten_needs_info(&strict, PROT_READ));
    ck_assert(as_rule_tighten(&strict, PROT_READ, &img));
    ck_assert(as_rule_tighten(&seal, PROT_READ, &img));
    /* only exactly PROT_READ is a tightening that gets sealed */
    ck_assert(!as_rule_tighten_needs_info(&strict, PROT_NONE));
    ck_assert(!as_rule_tighten(&strict, PROT_NONE, &img));
    ck_assert(!as_rule_tighten(&strict, PROT_READ | PROT_WRITE, &img));
    ck_assert(!as_rule_tighten(&strict, PROT_READ | PROT_EXEC, &img));
    /* not image data, or not known: left alone */
    ck_assert(!as_rule_tighten(&strict, PROT_READ, &other));
    ck_assert(!as_rule_tighten(&strict, PROT_READ, &unknown));
    ck_assert(!as_rule_tighten(&strict, PROT_READ, NULL));
    /* data=keep (the default profile, or strict with data=keep): never */
    ck_assert(!as_rule_tighten_needs_info(&def, PROT_READ));
    ck_assert(!as_rule_tighten(&def, PROT_READ, &img));
    ck_assert(!as_rule_tighten(&strict_keep, PROT_READ, &img));
    /* a tightening to PROT_READ is never refused by mprotect's own rule */
    ck_assert_int_eq(as_rule_mprotect(&strict, PROT_READ, &img).reason, AS_OK);
}
END_TEST

START_TEST(maps_folding_image_data)
{
    const char *maps[] = {
        "1000-2000 r--p 00000000 08:01 77 /usr/bin/prog",
        "2000-3000 r-xp 00001000 08:01 77 /usr/bin/prog",
        "3000-5000 rw-p 00002000 08:01 77 /usr/bin/prog",   /* .data */
        "5000-6000 r--p 00004000 08:01 77 /usr/bin/prog",   /* tightened */
        "6000-8000 rw-p 00000000 00:00 0 ",                 /* .bss tail */
        "8000-9000 r--p 00000000 00:00 0",                  /* .bss, tightened */
        "a000-b000 rw-p 00000000 00:00 0 ",                 /* anon after a hole */
        "b000-c000 rw-p 00000000 00:00 0 [heap]",
        "c000-d000 rw-s 00000000 08:01 99 /dev/shm/x",     /* shared */
        "d000-e000 rw-p 00000000 08:01 98 /var/lib/file",   /* private file */
        "e000-f000 rw-p 00000000 00:00 0 ",                 /* anon after it */
        NULL};
    struct as_region_info ri;
    fold_image(maps, 0x3000, 0x5000, &ri); /* .data */
    ck_assert(ri.image_data);
    fold_image(maps, 0x3000, 0x9000, &ri); /* .data, .bss, partly read-only */
    ck_assert(ri.image_data);
    fold_image(maps, 0x6000, 0x7000, &ri); /* .bss alone: chained from .data */
    ck_assert(ri.image_data);
    fold_image(maps, 0x2000, 0x3000, &ri); /* text: executable, never */
    ck_assert(!ri.image_data);
    fold_image(maps, 0x8000, 0xb000, &ri); /* runs into a hole */
    ck_assert(!ri.image_data);
    fold_image(maps, 0xa000, 0xb000, &ri); /* anonymous, not after a file */
    ck_assert(!ri.image_data);
    fold_image(maps, 0xb000, 0xc000, &ri); /* [heap] */
    ck_assert(!ri.image_data);
    fold_image(maps, 0xc000, 0xd000, &ri); /* shared mapping */
    ck_assert(!ri.image_data);
    /* a private file mapping counts (documented limit), and so does
     * anonymous memory right after it */
    fold_image(maps, 0xd000, 0xf000, &ri);
    ck_assert(ri.image_data);
    fold_image(maps, 0xf000, 0x10000, &ri); /* unmapped */
    ck_assert(!ri.image_data);
    const char *junk[] = {"garbage", "3000-5000 rw-p", NULL};
    fold_image(junk, 0x3000, 0x4000, &ri);
    ck_assert(!ri.image_data);
}
END_TEST

/* The real thing: this test program's own .data and .bss. */
static char tighten_data[3 * 4096] __attribute__((aligned(4096))) = {1};
static char tighten_bss[3 * 4096] __attribute__((aligned(4096)));

START_TEST(maps_query_image_data_real)
{
    struct as_region_info ri;
    as_region_query((uintptr_t)tighten_data, (uintptr_t)tighten_data + sizeof tighten_data, &ri);
    ck_assert(ri.known && ri.image_data);
    tighten_bss[0] = 1;
    as_region_query((uintptr_t)tighten_bss, (uintptr_t)tighten_bss + sizeof tighten_bss, &ri);
    ck_assert(ri.known && ri.image_data);
    void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(m, MAP_FAILED);
    as_region_query((uintptr_t)m, (uintptr_t)m + 8192, &ri);
    ck_assert(ri.known && !ri.image_data);
    munmap(m, 8192);
    char *heap = malloc(1 << 16);
    ck_assert_ptr_nonnull(heap);
    uintptr_t h = ((uintptr_t)heap + 4095) & ~(uintptr_t)4095;
    as_region_query(h, h + 4096, &ri);
    ck_assert(ri.known && !ri.image_data);
    free(heap);
}
END_TEST

START_TEST(mapsline_long_path)
{
    /* a line with a path over 4 KiB parses whole: range, perms, inode */
    static char line[6000];
    int n = snprintf(line, sizeof line, "7f0000001000-7f0000002000 rw-p 00001000 fd:01 123456   ");
    memset(line + n, 'a', 5000);
    line[n] = '/';
    line[n + 5000] = '\0';
    struct as_maps_line m;
    ck_assert(as_maps_parse_line(line, strlen(line), &m));
    ck_assert_uint_eq(m.start, 0x7f0000001000u);
    ck_assert_uint_eq(m.end, 0x7f0000002000u);
    ck_assert_str_eq(m.perms, "rw-p");
    ck_assert_uint_eq(m.offset, 0x1000u);
    ck_assert_uint_eq(m.dev_major, 0xfd);
    ck_assert_uint_eq(m.dev_minor, 1);
    ck_assert_uint_eq(m.inode, 123456u);
    ck_assert_uint_eq(m.pathlen, 5000);
    ck_assert_int_eq(m.path[0], '/');
    /* anonymous, and malformed */
    ck_assert(as_maps_parse_line("1000-2000 r-xp 00000000 00:00 0", 31, &m));
    ck_assert_uint_eq(m.pathlen, 0);
    ck_assert(!as_maps_parse_line("1000-2000 r-xp 00000000 00:00", 29, &m));
    ck_assert(!as_maps_parse_line("2000-1000 r-xp 00000000 00:00 0", 31, &m));
    ck_assert(!as_maps_parse_line("1000-2000 r-xp 00000000 00:00 0x", 32, &m));
    ck_assert(!as_maps_parse_line("aaaaaaaaaaaaaaaaa-1 r-xp 0 0:0 0", 32, &m));
}
END_TEST

START_TEST(maps_truncated_line_is_unknown)
{
    /* the head of a line too long to read: an r-xp line still counts as
     * neither executable nor file-backed */
    const char *head = "5000-6000 r-xp 00000000 08:01 1234 /aaaaaaaaaaaaaaa";
    struct as_region_info ri = {.known = true, .all_exec = true, .file_backed = true};
    uintptr_t cur = 0x5000;
    as_maps_fold_truncated(head, strlen(head), 0x5000, 0x6000, &cur, &ri);
    ck_assert(ri.known && !ri.all_exec && !ri.file_backed);
    ck_assert_uint_eq(cur, 0x6000);
    /* a head that does not even name its range: unknown */
    struct as_region_info ri2 = {.known = true, .all_exec = true, .file_backed = true};
    cur = 0x5000;
    as_maps_fold_truncated("xxxxxxxx", 8, 0x5000, 0x6000, &cur, &ri2);
    ck_assert(!ri2.known);
}
END_TEST

START_TEST(maps_query_forged_line)
{
    /* a real mapping whose maps line is over 4 KiB and forges "r-xp" for
     * itself at byte 4096 */
    char err[256], base[64];
    void *m = forged_maps_mapping(err, sizeof err, base, sizeof base);
    ck_assert_msg(m != MAP_FAILED, "%s", err);
    struct as_region_info ri;
    as_region_query((uintptr_t)m, (uintptr_t)m + 4096, &ri);
    ck_assert(ri.known);
    ck_assert_msg(!ri.all_exec, "the forged r-xp line was believed");
    munmap(m, 4096);
    forged_cleanup(base);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rules");
    TCase *t = tcase_create("core");
    tcase_add_test(t, default_allows_everything);
    tcase_add_test(t, strict_refuses_wx_and_execmem);
    tcase_add_test(t, seal_file_seals_file_code_only);
    tcase_add_test(t, double_mapping);
    tcase_add_test(t, madvise_on_relro);
    tcase_add_test(t, personality_read_implies_exec);
    tcase_add_test(t, process_madvise_self_only);
    tcase_add_test(t, maps_folding);
    tcase_add_test(t, tighten_rule);
    tcase_add_test(t, maps_folding_image_data);
    tcase_add_test(t, mapsline_long_path);
    tcase_add_test(t, maps_truncated_line_is_unknown);
    tcase_add_test(t, maps_query_forged_line);
    suite_add_tcase(s, t);
    /* against the real /proc/self/maps: qemu-user emulates that file and
     * does not show an mprotect that splits a mapping, so a cross build
     * run under an emulator leaves this case out (CK_EXCLUDE_TAGS) */
    TCase *k = tcase_create("kernel-maps");
    tcase_set_tags(k, "kernel-maps");
    tcase_add_test(k, maps_query_real);
    tcase_add_test(k, maps_query_image_data_real);
    suite_add_tcase(s, k);
    return s;
}

#include "../lib/check_main.h"
