/* A DT_NEEDED library whose constructor calls the interposed mmap before
 * autoseal's constructor has run (preload constructors run after those of
 * the program's libraries). */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

int e2e_early_errno = -1;
void *e2e_early_addr;

__attribute__((constructor)) static void early(void)
{
    errno = 0;
    e2e_early_addr = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    e2e_early_errno = e2e_early_addr == MAP_FAILED ? errno : 0;
}
