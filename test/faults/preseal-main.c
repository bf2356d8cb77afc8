/* faults-preseal sealed|unsealed: a program that seals some of its own
 * memory before libautoseal's constructor: one rodata page from a
 * .preinit_array function (runs before every constructor) and one from the
 * constructor of a DT_NEEDED library.  Checks both seals took, output, and
 * the main text's state (sealed under autoseal, unsealed without). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int faults_preseal_lib(const void **page);

#define P16 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1
#define P256 P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16, P16
#define P4096 P256, P256, P256, P256, P256, P256, P256, P256, \
              P256, P256, P256, P256, P256, P256, P256, P256

__attribute__((aligned(4096), used)) static const unsigned char main_ro[4096] = {P4096};
static int main_result = -1;

static void preinit_seal(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    main_result = syscall(462, (uintptr_t)main_ro, sizeof main_ro, 0ul) == 0 ? 0 : errno;
}
__attribute__((section(".preinit_array"), used)) static void (*const preinit[])(int, char **,
                                                                             char **) = {
    preinit_seal};

static int sealed(const void *p)
{
    uintptr_t page = (uintptr_t)p & ~(uintptr_t)4095;
    long r = syscall(SYS_mprotect, page, 4096ul, PROT_READ);
    return r != 0 && errno == EPERM;
}

static int text_sealed(void)
{
    uintptr_t page = (uintptr_t)&sealed & ~(uintptr_t)4095;
    long r = syscall(SYS_mprotect, page, 4096ul, PROT_READ | PROT_EXEC);
    return r != 0 && errno == EPERM;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s sealed|unsealed\n", argv[0]);
        return 2;
    }
    const void *lib_page = NULL;
    int lib_result = faults_preseal_lib(&lib_page);
    if (main_result == ENOSYS || lib_result == ENOSYS) {
        fprintf(stderr, "mseal(2) not available: cannot test\n");
        return 77;
    }
    int bad = 0;
    printf("preinit mseal: %s\n", main_result == 0 ? "ok" : strerror(main_result));
    printf("library constructor mseal: %s\n", lib_result == 0 ? "ok" : strerror(lib_result));
    bad += main_result != 0 || lib_result != 0;
    printf("main rodata page sealed: %s\n", sealed(main_ro) ? "yes" : "no");
    printf("library rodata page sealed: %s\n", sealed(lib_page) ? "yes" : "no");
    bad += !sealed(main_ro) + !sealed(lib_page);
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof main_ro; i++) {
        sum += main_ro[i] * (unsigned)(i + 1);
    }
    printf("checksum %u\n", sum);
    int want = strcmp(argv[1], "sealed") == 0;
    if (text_sealed() != want) {
        fprintf(stderr, "main text is %s, expected %s\n", text_sealed() ? "sealed" : "unsealed",
                argv[1]);
        bad++;
    }
    return bad ? 1 : 0;
}
