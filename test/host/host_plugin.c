/* A plugin whose constructor calls back into its host (host_ctor_hook, if
 * the program exports one): a library that takes the program's own lock
 * while the loader holds its lock. */
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

int host_plugin_value(void);
int host_plugin_value(void)
{
    return 7;
}

__attribute__((constructor)) static void init(void)
{
    void *sym = dlsym(RTLD_DEFAULT, "host_ctor_hook");
    void (*hook)(void) = NULL;
    memcpy(&hook, &sym, sizeof hook);
    if (hook != NULL) {
        hook();
    }
}
