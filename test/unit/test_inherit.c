/* Unit tests of the LD_PRELOAD editing behind inherit=no. */
#include <check.h>
#include <string.h>

#include "inherit.h"

static void strip(const char *in, const char *want)
{
    char buf[512];
    strcpy(buf, in);
    size_t n = as_preload_strip(buf, "libautoseal.so");
    ck_assert_str_eq(buf, want);
    ck_assert_uint_eq(n, strlen(want));
}

START_TEST(strip_cases)
{
    strip("/usr/lib/autoseal/libautoseal.so", "");
    strip("/x/libasan.so.8:/usr/lib/autoseal/libautoseal.so", "/x/libasan.so.8");
    strip("/usr/lib/autoseal/libautoseal.so /opt/other.so", "/opt/other.so");
    strip("a.so::libautoseal.so  b.so", "a.so:b.so");
    strip("/lib/libautoseal.so.old:/lib/notlibautoseal.so", "/lib/libautoseal.so.old:/lib/notlibautoseal.so");
    strip("", "");
    strip(" : ", "");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("inherit");
    TCase *t = tcase_create("core");
    tcase_add_test(t, strip_cases);
    suite_add_tcase(s, t);
    return s;
}

#include "../lib/check_main.h"
