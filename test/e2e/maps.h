/* Test helpers: read /proc/self/smaps and probe seals from inside. */
#ifndef AUTOSEAL_TEST_MAPS_H
#define AUTOSEAL_TEST_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
