/* Test library B, needed by A. */
static const char b_table[8192] = {2};
int e2e_b_value(void);
int e2e_b_value(void)
{
    return 40 + b_table[0] - 1; /* 41 */
}

#include <errno.h>
/* errno as a DT_NEEDED constructor leaves it: autoseal's constructor (which
 * runs after this one) must not change it before main sees it. */
__attribute__((constructor)) static void b_ctor(void)
{
    errno = 4242;
}

/* also defined by the RTLD_NEXT test's preloaded library */
int e2e_dup_symbol(void);
int e2e_dup_symbol(void)
{
    return 1;
}
