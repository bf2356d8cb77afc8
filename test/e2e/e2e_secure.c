/* e2e_secure LIB [env]: load libautoseal (dlopen, so that the test works
 * for a set-user-ID copy, where LD_PRELOAD paths are ignored), then report
 * whether this program's own text got sealed: "sealed" or "unsealed"; with
 * "env", also whether AUTOSEAL_OPTIONS and AUTOSEAL_CONFIG are still in the
 * environment the program would hand to its children. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

static uintptr_t text;

static int find(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            text = (info->dlpi_addr + ph->p_vaddr) & ~(uintptr_t)4095;
            return 1;
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s LIB\n", argv[0]);
        return 2;
    }
    if (dlopen(argv[1], RTLD_NOW) == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    dl_iterate_phdr(find, NULL);
    errno = 0;
    int r = mprotect((void *)text, 4096, PROT_READ | PROT_EXEC);
    printf("%s at_secure=%lu", r == -1 && errno == EPERM ? "sealed" : "unsealed", getauxval(AT_SECURE));
    if (argc > 2 && strcmp(argv[2], "env") == 0) {
        printf(" options=%s config=%s", getenv("AUTOSEAL_OPTIONS") ? "kept" : "gone",
               getenv("AUTOSEAL_CONFIG") ? "kept" : "gone");
    }
    printf("\n");
    return 0;
}
