/* A control for the runtime benchmark: a preload library that does only
 * what libautoseal does to the address space even with mode=off - make one
 * page-aligned page of its .bss read-only (where autoseal's policy page used to be) - without
 * sealing anything.  It separates layout effects (a read-only page splitting
 * the anonymous mappings next to it) from the cost of seals and interposers. */
#include <sys/mman.h>

static char page[4096] __attribute__((aligned(4096)));

__attribute__((constructor)) static void ropage_init(void)
{
    page[0] = 1;
    mprotect(page, sizeof page, PROT_READ);
}
