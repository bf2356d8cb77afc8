/* Unit tests of the log formatter: values cannot forge fields. */
#include <check.h>
#include <string.h>

#include "fmt.h"

static char buf1[512];
/* one value through a literal format (checked by the compiler) */
#define logf1(fmt, v) (as_fmt_log(buf1, sizeof buf1, fmt, v), buf1)

START_TEST(bare_values_stay_bare)
{
    ck_assert_str_eq(logf1("object=%s", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
                     "object=/usr/lib/x86_64-linux-gnu/libc.so.6");
    ck_assert_str_eq(logf1("glob=%s", "/usr/bin/*"), "glob=/usr/bin/*");
    ck_assert_str_eq(logf1("prog=%s", "nginx"), "prog=nginx");
}
END_TEST

START_TEST(separators_are_quoted)
{
    ck_assert_str_eq(logf1("prog=%s level=info", "a level=error"),
                     "prog=\"a level=error\" level=info");
    ck_assert_str_eq(logf1("prog=%s", "a=b"), "prog=\"a=b\"");
    ck_assert_str_eq(logf1("prog=%s", ""), "prog=\"\"");
    ck_assert_str_eq(logf1("prog=%s", "say \"hi\"\\"), "prog=\"say \\\"hi\\\"\\\\\"");
    ck_assert_str_eq(logf1("prog=%s", "a\nautoseal[1]: prog=b"),
                     "prog=\"a\\nautoseal[1]: prog=b\"");
    ck_assert_str_eq(logf1("prog=%s", "t\tx\r\x1b\x7f"), "prog=\"t\\tx\\x0d\\x1b\\x7f\"");
    ck_assert_str_eq(logf1("object=%s", "/tmp/caf\xc3\xa9"), "object=\"/tmp/caf\xc3\xa9\"");
}
END_TEST

START_TEST(inside_format_quotes_only_escaped)
{
    ck_assert_str_eq(logf1("msg=\"%s\"", "unknown key \"x\" at line 3\n"),
                     "msg=\"unknown key \\\"x\\\" at line 3\\n\"");
}
END_TEST

START_TEST(precision_and_plain_fmt)
{
    char buf[64];
    as_fmt_log(buf, sizeof buf, "v=%.*s", 3, "a b c");
    ck_assert_str_eq(buf, "v=\"a b\"");
    as_fmt(buf, sizeof buf, "v=%s", "a b"); /* as_fmt is not for log lines */
    ck_assert_str_eq(buf, "v=a b");
    /* truncation keeps the return value of the full output */
    ck_assert_uint_eq(as_fmt_log(buf, 8, "v=%s", "a b c"), 9);
    ck_assert_uint_eq(strlen(buf), 7);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fmt");
    TCase *t = tcase_create("core");
    tcase_add_test(t, bare_values_stay_bare);
    tcase_add_test(t, separators_are_quoted);
    tcase_add_test(t, inside_format_quotes_only_escaped);
    tcase_add_test(t, precision_and_plain_fmt);
    suite_add_tcase(s, t);
    return s;
}

#include "../lib/check_main.h"
