/* Unit tests of /etc/ld.so.preload editing (src/cli/preloadfile.c): enable
 * then disable gives back the same bytes, other entries survive, hand edits
 * in between are kept. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "preloadfile.h"

#define LIB "/usr/lib/x86_64-linux-gnu/autoseal/libautoseal.so"

/* enable then disable of buf (NULL: no file): same bytes (or no file) again */
static void roundtrip(const char *buf)
{
    size_t len = buf ? strlen(buf) : 0, elen, dlen;
    char *en = preload_add(buf, len, LIB, &elen);
    ck_assert_int_eq(preload_count(en, elen, LIB, NULL), 1);
    ck_assert_int_eq(preload_count(buf, len, LIB, NULL), 0);
    bool rm;
    char *dis = preload_disable(en, elen, buf, len, LIB, &dlen, &rm);
    if (buf == NULL) {
        ck_assert(rm);
    } else {
        ck_assert(!rm);
        ck_assert_uint_eq(dlen, len);
        ck_assert_mem_eq(dis, buf, len);
    }
    free(en);
    free(dis);
}

START_TEST(roundtrips)
{
    roundtrip(NULL);
    roundtrip("");
    roundtrip("\n");
    roundtrip("/usr/local/lib/other.so\n");
    roundtrip("/usr/local/lib/other.so"); /* no final newline */
    roundtrip("# site preloads\n/a.so /b.so:/c.so\n\n");
    roundtrip("/a.so\t \n");
}
END_TEST

START_TEST(add_appends_a_line)
{
    size_t n;
    char *s = preload_add("/a.so", 5, LIB, &n);
    ck_assert_str_eq(s, "/a.so\n" LIB "\n");
    ck_assert_uint_eq(n, strlen(s));
    free(s);
    s = preload_add(NULL, 0, LIB, &n);
    ck_assert_str_eq(s, LIB "\n");
    free(s);
    s = preload_add("#x\n", 3, LIB, &n);
    ck_assert_str_eq(s, "#x\n" LIB "\n"); /* no comment added */
    free(s);
}
END_TEST

START_TEST(count_tokens)
{
    const char *f = "/a.so:" LIB " " LIB "x\n#" LIB "\n/opt/old/libautoseal.so\n";
    char *other = NULL;
    ck_assert_int_eq(preload_count(f, strlen(f), LIB, &other), 1); /* comment and LIBx not */
    ck_assert_str_eq(other, "/opt/old/libautoseal.so");
    free(other);
    ck_assert_int_eq(preload_count(NULL, 0, LIB, &other), 0);
    ck_assert_ptr_null(other);
}
END_TEST

START_TEST(disable_after_hand_edits)
{
    /* the admin added a line after enable: only the entry goes */
    const char *bak = "/a.so\n";
    const char *cur = "/a.so\n" LIB "\n/b.so\n";
    size_t n;
    bool rm;
    char *s = preload_disable(cur, strlen(cur), bak, strlen(bak), LIB, &n, &rm);
    ck_assert(!rm);
    ck_assert_str_eq(s, "/a.so\n/b.so\n");
    free(s);
    /* an entry written by hand on a shared line: the token goes, the rest stays */
    cur = "/a.so " LIB ":/b.so # keep\n";
    s = preload_disable(cur, strlen(cur), NULL, 0, LIB, &n, &rm);
    ck_assert(!rm);
    ck_assert_str_eq(s, "/a.so :/b.so # keep\n");
    free(s);
    /* only our entry left, no backup: the file goes */
    cur = "\n" LIB "\n";
    s = preload_disable(cur, strlen(cur), NULL, 0, LIB, &n, &rm);
    ck_assert_str_eq(s, "\n");
    ck_assert(!rm);
    free(s);
    cur = LIB "\n" LIB "\n";
    s = preload_disable(cur, strlen(cur), NULL, 0, LIB, &n, &rm);
    ck_assert(rm);
    free(s);
}
END_TEST

START_TEST(entry_syntax)
{
    ck_assert(preload_path_ok(LIB));
    ck_assert(!preload_path_ok("relative.so"));
    ck_assert(!preload_path_ok("/a b.so"));
    ck_assert(!preload_path_ok("/a:b.so"));
    ck_assert(!preload_path_ok("/a#b.so"));
    ck_assert(!preload_path_ok("/$LIB/a.so"));
    ck_assert(!preload_path_ok("/a\n.so"));
    ck_assert(!preload_path_ok(NULL));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("preloadfile");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, roundtrips);
    tcase_add_test(tc, add_appends_a_line);
    tcase_add_test(tc, count_tokens);
    tcase_add_test(tc, disable_after_hand_edits);
    tcase_add_test(tc, entry_syntax);
    suite_add_tcase(s, tc);
    return s;
}

#include "../lib/check_main.h"
