/* A library that a program loads with dlopen(RTLD_DEEPBIND): its mmap
 * binds to libc's own, not to libautoseal's interposer (PHP loads its
 * extensions this way). */
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

void *as_deep_mmap_rwx(int *err);

__attribute__((visibility("default"))) void *as_deep_mmap_rwx(int *err)
{
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    *err = m == MAP_FAILED ? errno : 0;
    return m;
}
