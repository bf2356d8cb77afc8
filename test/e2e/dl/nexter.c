/* A preloaded library that looks up the next definition of a symbol it
 * defines itself, through dlsym(RTLD_NEXT): it must get libe2e_b's. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
int e2e_dup_symbol(void);
int e2e_dup_symbol(void)
{
    return 2;
}
int e2e_next_dup(void);
int e2e_next_dup(void)
{
    int (*fn)(void) = NULL;
    void *p = dlsym(RTLD_NEXT, "e2e_dup_symbol");
    memcpy(&fn, &p, sizeof fn);
    return fn ? fn() : -1;
}
