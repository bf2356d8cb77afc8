/* libe2e_loader.so has RUNPATH $ORIGIN/sub: a dlopen by bare name from here
 * must search that path, which glibc finds from dlopen's return address. */
#include <dlfcn.h>
#include <stddef.h>
void *e2e_loader_open(const char *name, int mode);
void *e2e_loader_open(const char *name, int mode)
{
    void *h = dlopen(name, mode);
    /* keep the call a real call: a tail call would make the program the
     * caller and hide what this test is about */
    __asm__ volatile("" : "+r"(h)::"memory");
    return h;
}
