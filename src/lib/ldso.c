/* ld.so's __stack_prot page (pure: no loader, no system calls). */
#include "ldso.h"

#include <string.h>
#include <sys/mman.h>

#ifndef PROT_GROWSDOWN
#define PROT_GROWSDOWN 0x01000000
#endif

int as_ldso_stack_prot_scan(const void *buf, size_t len, uintptr_t addr,
                            uintptr_t relro_start, uintptr_t relro_end, size_t page,
                            struct as_range *out, int max)
{
    /* __stack_prot is an int in ld.so's RELRO initialised to PROT_GROWSDOWN
     * (stack grows down) or 0; glibc ORs PROT_READ|PROT_WRITE|PROT_EXEC into
     * it.  Any aligned int equal to one of those values marks a page that
     * may be the one glibc wants to write: exclude it (never too few). */
    int n = 0;
    const unsigned char *b = buf;
    uintptr_t first = (addr + 3) & ~(uintptr_t)3;
    for (uintptr_t a = first; a >= addr && a - addr + 4 <= len; a += 4) {
        int v;
        memcpy(&v, b + (a - addr), sizeof v);
        if (v != PROT_GROWSDOWN && v != (PROT_GROWSDOWN | PROT_READ | PROT_WRITE)) {
            continue;
        }
        uintptr_t pg = as_align_down(a, page);
        if (pg < relro_start || pg + page > relro_end) {
            continue; /* outside the rounded RELRO: glibc does not mprotect */
        }
        if (n > 0 && out[n - 1].start == pg) {
            continue;
        }
        if (n == max) {
            /* too many candidates: exclude the whole RELRO to stay safe */
            out[0].start = relro_start;
            out[0].end = relro_end;
            out[0].kinds = AS_R_RELRO;
            return 1;
        }
        out[n].start = pg;
        out[n].end = pg + page;
        out[n].kinds = AS_R_RELRO;
        n++;
    }
    return n;
}

int as_ldso_stack_prot_pages(uintptr_t relro_start, uintptr_t relro_end,
                             uintptr_t scan_start, uintptr_t scan_end, size_t page,
                             struct as_range *out, int max)
{
    if (scan_end <= scan_start) {
        return 0;
    }
    return as_ldso_stack_prot_scan((const void *)scan_start, scan_end - scan_start, scan_start,
                                   relro_start, relro_end, page, out, max);
}
