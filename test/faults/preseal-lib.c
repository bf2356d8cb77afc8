/* libfaults-preseal.so: a DT_NEEDED library whose constructor seals a page
 * of its own rodata with mseal(2) before libautoseal's constructor runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define P16 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
#define P256 P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16
#define P4096 P256, P256, P256, P256, P256, P256, P256, P256, \
              P256, P256, P256, P256, P256, P256, P256, P256

__attribute__((aligned(4096), used)) static const unsigned char lib_ro[4096] = {P4096};
static int lib_result = -1;

__attribute__((constructor)) static void preseal_ctor(void)
{
    lib_result = syscall(462, (uintptr_t)lib_ro, sizeof lib_ro, 0ul) == 0 ? 0 : errno;
}

__attribute__((visibility("default"))) int faults_preseal_lib(const void **page);
int faults_preseal_lib(const void **page)
{
    *page = lib_ro;
    return lib_result;
}
