/* faults-hammer-main EXPECT: join the threads libfaults-hammer.so started
 * from its constructor, check they all did their work correctly, and
 * check the seals (EXPECT = sealed or unsealed). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s sealed|unsealed\n", argv[0]);
        return 2;
    }
    unsigned long (*join)(unsigned long *) = NULL;
    void *sym = dlsym(RTLD_DEFAULT, "hammer_join");
    memcpy(&join, &sym, sizeof join);
    if (join == NULL) {
        fprintf(stderr, "libfaults-hammer.so is not preloaded\n");
        return 2;
    }
    unsigned long ops = 0;
    unsigned long bad = join(&ops);
    printf("threads=200 operations=%lu failures=%lu\n", ops, bad);
    uintptr_t page = (uintptr_t)&main & ~(uintptr_t)4095;
    int sealed = syscall(SYS_mprotect, page, 4096ul, PROT_READ | PROT_EXEC) != 0 && errno == EPERM;
    int want = strcmp(argv[1], "sealed") == 0;
    if (sealed != want) {
        fprintf(stderr, "main text is %s, expected %s\n", sealed ? "sealed" : "unsealed", argv[1]);
        return 1;
    }
    return bad == 0 && ops == 200ul * 40 * 4 ? 0 : 1;
}
