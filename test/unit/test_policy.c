/* Unit tests of option parsing and policy resolution. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "fmt.h"
#include "policy.h"

static int nerr;
static char lasterr[256];

static void on_error(void *ctx, const char *msg)
{
    (void)ctx;
    nerr++;
    strncpy(lasterr, msg, sizeof lasterr - 1);
}

static struct as_policy resolve1(const char *opts)
{
    struct as_settings s;
    memset(&s, 0, sizeof s);
    nerr = 0;
    lasterr[0] = '\0';
    as_options_parse(&s, opts, on_error, NULL);
    struct as_policy p;
    as_policy_resolve(&p, &s, 1);
    return p;
}

START_TEST(defaults)
{
    struct as_policy p;
    as_policy_resolve(&p, NULL, 0);
    ck_assert_int_eq(p.mode, AS_MODE_ENFORCE);
    ck_assert_int_eq(p.profile, AS_PROFILE_DEFAULT);
    ck_assert_int_eq(p.log, AS_LOG_AUTO);
    ck_assert_int_eq(p.loglevel, AS_LEVEL_WARN);
    ck_assert_int_eq(p.data, AS_DATA_KEEP);
    ck_assert_int_eq(p.exec, AS_EXEC_KEEP);
    ck_assert_int_eq(p.wx, AS_WX_ALLOW);
    ck_assert_int_eq(p.execmem, AS_EXECMEM_ALLOW);
    ck_assert_int_eq(p.dlopen, AS_DLOPEN_PROMOTE);
}
END_TEST

START_TEST(basic_keys_and_spaces)
{
    struct as_policy p = resolve1(" mode = off , log=stderr,,");
    ck_assert_int_eq(nerr, 0);
    ck_assert_int_eq(p.mode, AS_MODE_OFF);
    ck_assert_int_eq(p.log, AS_LOG_STDERR);
    /* choosing a log target asks for the summary line */
    ck_assert_int_eq(p.loglevel, AS_LEVEL_INFO);
    p = resolve1("log=stderr,loglevel=error");
    ck_assert_int_eq(p.loglevel, AS_LEVEL_ERROR);
}
END_TEST

START_TEST(profile_then_overrides_any_order)
{
    struct as_policy p = resolve1("wx=allow,profile=strict");
    ck_assert_int_eq(nerr, 0);
    ck_assert_int_eq(p.profile, AS_PROFILE_STRICT);
    ck_assert_int_eq(p.data, AS_DATA_KEEP); /* seal on tighten is opt-in */
    ck_assert_int_eq(p.execmem, AS_EXECMEM_KERNEL);
    ck_assert_int_eq(p.wx, AS_WX_ALLOW); /* the key beats its profile */
    p = resolve1("profile=jit");
    ck_assert_int_eq(p.exec, AS_EXEC_KEEP); /* node unmaps code it mapped from files */
    ck_assert_int_eq(p.wx, AS_WX_ALLOW);
    ck_assert_int_eq(p.execmem, AS_EXECMEM_ALLOW);
    ck_assert_int_eq(p.data, AS_DATA_KEEP);
}
END_TEST

START_TEST(layers_precedence)
{
    struct as_settings l[3];
    memset(l, 0, sizeof l);
    as_options_parse(&l[0], "profile=strict,log=none,exclude=/a/*", NULL, NULL);
    as_options_parse(&l[1], "log=stderr,exclude=/b/*", NULL, NULL);
    as_options_parse(&l[2], "profile=default,mode=audit", NULL, NULL);
    struct as_policy p;
    as_policy_resolve(&p, l, 3);
    ck_assert_int_eq(p.profile, AS_PROFILE_DEFAULT); /* highest layer's profile */
    ck_assert_int_eq(p.data, AS_DATA_KEEP);
    ck_assert_int_eq(p.log, AS_LOG_STDERR);
    ck_assert_int_eq(p.mode, AS_MODE_AUDIT);
    ck_assert_uint_eq(p.nexclude, 2); /* exclude globs accumulate */
    ck_assert_str_eq(p.exclude[0], "/a/*");
    ck_assert_str_eq(p.exclude[1], "/b/*");
}
END_TEST

START_TEST(bad_items_reported_and_skipped)
{
    struct as_policy p = resolve1("mode=of,bogus=1,noequals,=x,log=file:relative,wx=deny");
    ck_assert_int_eq(nerr, 5);
    ck_assert_int_eq(p.mode, AS_MODE_ENFORCE); /* bad value: default kept */
    ck_assert_int_eq(p.wx, AS_WX_DENY);        /* good item still applies */
    ck_assert_int_eq(p.log, AS_LOG_AUTO);
    p = resolve1("mode=of");
    ck_assert_ptr_nonnull(strstr(lasterr, "bad value 'of' for key 'mode'"));
    ck_assert_ptr_nonnull(strstr(lasterr, "enforce|audit|off"));
    p = resolve1("frobnicate=1");
    ck_assert_ptr_nonnull(strstr(lasterr, "unknown key 'frobnicate'"));
}
END_TEST

START_TEST(log_file_and_limits)
{
    struct as_policy p = resolve1("log=file:/var/log/autoseal.log");
    ck_assert_int_eq(nerr, 0);
    ck_assert_int_eq(p.log, AS_LOG_FILE);
    ck_assert_str_eq(p.log_path, "/var/log/autoseal.log");
    char longpath[400];
    memset(longpath, 'a', sizeof longpath);
    memcpy(longpath, "log=file:/", 10);
    longpath[sizeof longpath - 1] = '\0';
    p = resolve1(longpath);
    ck_assert_int_eq(nerr, 1);
    ck_assert_int_eq(p.log, AS_LOG_AUTO);
    char many[1024] = "";
    size_t n = 0;
    for (int i = 0; i < AS_EXCLUDE_MAX + 2; i++) {
        n += as_fmt(many + n, sizeof many - n, "exclude=/lib/x%d.so,", i);
    }
    p = resolve1(many);
    ck_assert_int_eq(nerr, 2);
    ck_assert_uint_eq(p.nexclude, AS_EXCLUDE_MAX);
}
END_TEST

START_TEST(format_roundtrip)
{
    struct as_policy p = resolve1("profile=strict,log=file:/tmp/x.log,exclude=/opt/*");
    char buf[1024];
    size_t n = as_policy_format(&p, buf, sizeof buf);
    ck_assert_uint_lt(n, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "profile=strict"));
    ck_assert_ptr_nonnull(strstr(buf, "log=file:/tmp/x.log"));
    ck_assert_ptr_nonnull(strstr(buf, "exclude=/opt/*"));
    struct as_policy q = resolve1(buf);
    ck_assert_int_eq(nerr, 0);
    ck_assert_int_eq(memcmp(&p, &q, sizeof p), 0);
    /* truncation still NUL-terminates and reports the full length */
    char small[8];
    ck_assert_uint_eq(as_policy_format(&p, small, sizeof small), n);
    ck_assert_uint_eq(strlen(small), 7);
}
END_TEST

START_TEST(fmt_conversions)
{
    char b[128];
    as_fmt(b, sizeof b, "%s %d %u %ld %lu %zu %x %p %c %% %.*s", "x", -5, 7u, -9L, 10UL,
           (size_t)11, 255u, (void *)0x10, 'q', 2, "abcdef");
    ck_assert_str_eq(b, "x -5 7 -9 10 11 ff 0x10 q % ab");
    ck_assert_uint_eq(as_fmt(b, 4, "%s", "abcdef"), 6);
    ck_assert_str_eq(b, "abc");
    const char *volatile nul = NULL;
    ck_assert_uint_eq(as_fmt(b, sizeof b, "%s", nul), 6);
}
END_TEST

START_TEST(one_key_value_item)
{
    struct as_settings s = {0};
    char err[200];
    ck_assert_int_eq(as_settings_set_kv(&s, "wx=deny", err, sizeof err), 0);
    ck_assert_int_eq(s.v.wx, AS_WX_DENY);
    ck_assert_int_eq(as_settings_set_kv(&s, "novalue", err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "'novalue' is not KEY=VALUE"));
    ck_assert_int_eq(as_settings_set_kv(&s, "=x", err, sizeof err), -EINVAL);
    ck_assert_int_eq(as_settings_set_kv(&s, "exclude=a,b", err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "cannot contain ','"));
    ck_assert_int_eq(as_settings_set_kv(&s, "bogus=1", err, sizeof err), -ENOENT);
    ck_assert_int_eq(as_settings_set_kv(&s, "log=journal", err, sizeof err), 0);
    ck_assert_int_eq(s.v.log, AS_LOG_JOURNAL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("policy");
    TCase *t = tcase_create("core");
    tcase_add_test(t, defaults);
    tcase_add_test(t, basic_keys_and_spaces);
    tcase_add_test(t, profile_then_overrides_any_order);
    tcase_add_test(t, layers_precedence);
    tcase_add_test(t, bad_items_reported_and_skipped);
    tcase_add_test(t, log_file_and_limits);
    tcase_add_test(t, format_roundtrip);
    tcase_add_test(t, fmt_conversions);
    tcase_add_test(t, one_key_value_item);
    suite_add_tcase(s, t);
    return s;
}

#include "../lib/check_main.h"
