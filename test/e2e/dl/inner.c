/* libe2e_inner: a dependency of libe2e_outer whose constructor calls
 * dlsym and dlopen while the dlopen of outer is still running. */
#include <dlfcn.h>
#include <stddef.h>
int e2e_inner_done;
__attribute__((constructor)) static void inner_ctor(void)
{
    (void)dlsym(RTLD_DEFAULT, "e2e_inner_done");
    void *h = dlopen("libe2e_plugin.so", RTLD_NOW);
    (void)dlsym(h, "e2e_plugin_value");
    e2e_inner_done = 1;
}
