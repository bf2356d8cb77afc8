/* Loaded by test_dlnest: its constructor calls dlsym while the dlopen that
 * loads it is still running, and (outer plugin) dlopens the inner one. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

void dlnest_note(const char *where);
int dlnest_inner_value(void);

/* stored, so that no call below is a tail call (glibc would then see
 * ld.so's call_init as dlsym's caller) */
void *volatile dlnest_found;

__attribute__((constructor)) static void init(void)
{
    dlnest_note("constructor");
    dlnest_found = dlsym(RTLD_DEFAULT, "malloc");
#ifndef DLNEST_LEAF
    const char *inner = getenv("DLNEST_INNER");
    if (inner != NULL && *inner) {
        void *h = dlopen(inner, RTLD_NOW);
        if (h == NULL) {
            abort();
        }
        /* the inner dlopen returned, the outer one still runs */
        dlnest_note("after-inner");
        dlnest_found = dlsym(h, "dlnest_inner_value");
    }
#endif
}

int dlnest_inner_value(void)
{
    return 42;
}
