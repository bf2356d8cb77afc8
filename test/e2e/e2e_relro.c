/* madvise(MADV_DONTNEED) on sealed RELRO must be refused with EPERM (it
 * would revert relocated pointers to the file's bytes); on text it stays
 * allowed.  e2e_relro refuse|allow */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static uintptr_t relro_s, relro_e, text_s;

static int find(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    if (info->dlpi_name[0] != '\0') {
        return 0; /* the main program only */
    }
    long pg = sysconf(_SC_PAGESIZE);
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t s = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_GNU_RELRO) {
            relro_s = s & ~((uintptr_t)pg - 1);
            relro_e = (s + ph->p_memsz) & ~((uintptr_t)pg - 1);
        } else if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            text_s = s & ~((uintptr_t)pg - 1);
        }
    }
    return 1;
}

/* something relocated in RELRO: a pointer to a function in .data.rel.ro */
static int victim(void)
{
    return 7;
}
__attribute__((used)) static int (*const ptr)(void) = victim;
static uintptr_t ptrval(void)
{
    /* read the bytes from memory every time (the compiler knows the value) */
    const volatile unsigned char *b = (const volatile unsigned char *)&ptr;
    uintptr_t v = 0;
    for (size_t i = 0; i < sizeof v; i++) {
        ((unsigned char *)&v)[i] = b[i];
    }
    return v;
}
#define PTRVAL ptrval()

/* exit without going through the GOT, which the madvise may have reverted */
__attribute__((noreturn)) static void raw_exit(int code)
{
#if defined(__x86_64__)
    __asm__ volatile("syscall" ::"a"(231), "D"(code) : "rcx", "r11", "memory");
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = 94;
    register long x0 __asm__("x0") = code;
    __asm__ volatile("svc 0" ::"r"(x8), "r"(x0) : "memory");
#endif
    __builtin_unreachable();
}

int main(int argc, char **argv)
{
    bool refuse = argc > 1 && strcmp(argv[1], "refuse") == 0;
    dl_iterate_phdr(find, NULL);
    if (relro_e <= relro_s) {
        fprintf(stderr, "FAIL no RELRO page in this binary\n");
        return 1;
    }
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t page = (uintptr_t)&ptr & ~((uintptr_t)pg - 1);
    if (page < relro_s || page >= relro_e) {
        fprintf(stderr, "FAIL the test pointer is not in RELRO\n");
        return 1;
    }
    uintptr_t before = PTRVAL;
    if (!refuse) {
        /* Without autoseal the advice is accepted and the relocations on
         * that page (our pointer, and the GOT) revert to the file's bytes:
         * do it in a child, which cannot call libc afterwards. */
        pid_t pid = fork();
        if (pid == 0) {
            long rr = madvise((void *)page, (size_t)pg, MADV_DONTNEED);
            raw_exit(rr == 0 && PTRVAL != before ? 42 : 1);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 42) {
            fprintf(stderr, "FAIL expected the relocated pointer to revert (status 0x%x)\n", st);
            return 1;
        }
        printf("PASS relro allow (relocation reverted without autoseal)\n");
        return 0;
    }
    errno = 0;
    int r = madvise((void *)page, (size_t)pg, MADV_DONTNEED);
    int e = errno;
    if (refuse && !(r == -1 && e == EPERM)) {
        fprintf(stderr, "FAIL madvise on RELRO: r=%d errno=%d\n", r, e);
        return 1;
    }
    if (!refuse && r != 0) {
        fprintf(stderr, "FAIL madvise on RELRO refused without autoseal: errno=%d\n", e);
        return 1;
    }
    uintptr_t after = PTRVAL;
    if (refuse && (after != before || ptr() != 7)) {
        fprintf(stderr, "FAIL RELRO pointer changed\n");
        return 1;
    }
    if (!refuse && after == before) {
        /* without autoseal the relocation is undone: the hole is real */
        fprintf(stderr, "FAIL expected the relocated pointer to revert\n");
        return 1;
    }
    errno = 0;
    r = madvise((void *)text_s, (size_t)pg, MADV_DONTNEED);
    if (r != 0) {
        fprintf(stderr, "FAIL madvise on text refused: errno=%d\n", errno);
        return 1;
    }
    printf("PASS relro %s\n", argv[1]);
    return 0;
}
