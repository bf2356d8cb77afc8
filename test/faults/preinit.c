/* faults-preinit: calls mmap from a .preinit_array function, before libc
 * (and libautoseal's constructor) has run: ASan's runtime does the same.
 * The policy asked for in AUTOSEAL_OPTIONS must still apply: main then
 * asks for W+X memory and prints whether it got it. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>

static int early_ok;

static void early(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    early_ok = p != MAP_FAILED && munmap(p, 4096) == 0;
}
__attribute__((section(".preinit_array"), used)) static void (*const preinit[])(int, char **,
                                                                             char **) = {early};

int main(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    printf("early mmap: %s\n", early_ok ? "ok" : "failed");
    printf("rwx mmap: %s\n", p == MAP_FAILED ? "refused" : "allowed");
    return early_ok ? 0 : 1;
}
