/* Test helpers: read /proc/self/smaps and probe seals from inside. */
#ifndef AUTOSEAL_TEST_MAPS_H
#define AUTOSEAL_TEST_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tmap {
    uintptr_t start, end;
    char perms[5];
    bool sealed; /* VmFlags has the token "sl" */
    char path[256];
};

/* Read /proc/<pid>/smaps (pid 0: self) into out; returns count or -1. */
int tmaps_read(int pid, struct tmap *out, int max);

/* The side-effect-free probe: mprotect(addr, len, current prot) fails with
 * EPERM iff sealed.  Returns 1 sealed, 0 not sealed, -1 other error. */
int tprobe_mprotect(const struct tmap *m);

int tprot_of(const char *perms);

/* A failed check: counted, reported on stderr, the test goes on. */
extern int t_failures;
#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            t_failures++;                                                                  \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                           \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
        }                                                                                  \
    } while (0)

/* The value (and size, if size != NULL) of symbol name in the .symtab or
 * .dynsym of the ELF file at path; 0 with a message in err when not found. */
uint64_t telf_symbol(const char *path, const char *name, uint64_t *size, char *err,
                     size_t errlen);

/* The path of a library next to the test program. */
const char *tpath_next_to_exe(const char *name);

/* Libraries are dlopen'ed by bare name through the program's RUNPATH
 * ($ORIGIN).  ASan's own dlopen interceptor makes libasan the caller, whose
 * RUNPATH is empty: in ASan builds the tests use absolute paths (lookup
 * semantics are covered by e2e_dl_runpath_* in the normal build). */
#if defined(__SANITIZE_ADDRESS__)
#define PLUGIN_NAME(n) tpath_next_to_exe(n)
#else
#define PLUGIN_NAME(n) (n)
#endif

#endif
