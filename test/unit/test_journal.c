/* log=journal: the fields sent to journald (as_journal_fields). */
#include <check.h>
#include <string.h>

#include "log.h"
#include "policy.h"

static size_t enc(char *buf, size_t len, int level, const char *msg)
{
    size_t n = as_journal_fields(buf, len - 1, level, msg, strlen(msg), "default", "enforce");
    buf[n] = '\0';
    return n;
}

START_TEST(fields_from_key_values)
{
    char b[512];
    enc(b, sizeof b, AS_LEVEL_WARN,
        "prog=redis-server level=warn event=unavailable reason=ENOSYS "
        "msg=\"mseal(2) is not available here (a \\\"filter\\\"); nothing is sealed\"");
    ck_assert_str_eq(b, "PRIORITY=4\nSYSLOG_IDENTIFIER=autoseal\nSYSLOG_FACILITY=1\n"
                        "AUTOSEAL_PROG=redis-server\nAUTOSEAL_LEVEL=warn\n"
                        "AUTOSEAL_EVENT=unavailable\nAUTOSEAL_REASON=ENOSYS\n"
                        "AUTOSEAL_MSG=mseal(2) is not available here (a \\\"filter\\\"); nothing is sealed\n"
                        "AUTOSEAL_PROFILE=default\nAUTOSEAL_MODE=enforce\n");
}
END_TEST

START_TEST(keys_and_priorities)
{
    char b[512];
    /* '-' becomes '_'; the message's own profile/mode are not repeated */
    enc(b, sizeof b, AS_LEVEL_INFO, "event=startup mode=audit profile=strict ldso-relro=all");
    ck_assert_str_eq(b, "PRIORITY=6\nSYSLOG_IDENTIFIER=autoseal\nSYSLOG_FACILITY=1\n"
                        "AUTOSEAL_EVENT=startup\nAUTOSEAL_MODE=audit\nAUTOSEAL_PROFILE=strict\n"
                        "AUTOSEAL_LDSO_RELRO=all\n");
    enc(b, sizeof b, AS_LEVEL_ERROR, "event=x");
    ck_assert(strncmp(b, "PRIORITY=3\n", 11) == 0);
    enc(b, sizeof b, AS_LEVEL_DEBUG, "event=x");
    ck_assert(strncmp(b, "PRIORITY=7\n", 11) == 0);
    /* words that are not key=value, and bad keys, are skipped */
    enc(b, sizeof b, AS_LEVEL_WARN, "hello =x X=upper event=ok a.b=c");
    ck_assert_str_eq(b, "PRIORITY=4\nSYSLOG_IDENTIFIER=autoseal\nSYSLOG_FACILITY=1\n"
                        "AUTOSEAL_EVENT=ok\nAUTOSEAL_PROFILE=default\nAUTOSEAL_MODE=enforce\n");
    /* an unterminated quote runs to the end */
    enc(b, sizeof b, AS_LEVEL_WARN, "msg=\"open");
    ck_assert_ptr_nonnull(strstr(b, "AUTOSEAL_MSG=open\n"));
}
END_TEST

START_TEST(whole_fields_only)
{
    char b[128];
    char msg[300] = "event=big object=";
    memset(msg + strlen(msg), 'a', 200);
    msg[17 + 200] = '\0';
    strcat(msg, " reason=short");
    size_t n = enc(b, sizeof b, AS_LEVEL_WARN, msg);
    ck_assert_uint_lt(n, sizeof b);
    ck_assert_ptr_nonnull(strstr(b, "AUTOSEAL_EVENT=big\n"));
    ck_assert_ptr_null(strstr(b, "AUTOSEAL_OBJECT"));   /* did not fit: left out */
    ck_assert_ptr_nonnull(strstr(b, "AUTOSEAL_REASON=short\n"));
    ck_assert(b[n - 1] == '\n');
    /* too small for even the fixed fields: nothing */
    ck_assert_uint_eq(as_journal_fields(b, 10, AS_LEVEL_WARN, "event=x", 7, NULL, NULL), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("journal");
    TCase *tc = tcase_create("fields");
    tcase_add_test(tc, fields_from_key_values);
    tcase_add_test(tc, keys_and_priorities);
    tcase_add_test(tc, whole_fields_only);
    suite_add_tcase(s, tc);
    return s;
}

#include "../lib/check_main.h"
