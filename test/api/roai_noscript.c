/* Linked WITHOUT autoseal-api.ld: the section is an orphan placed by the
 * linker with no page alignment.  autoseal_lock() must refuse to touch it
 * (-EINVAL) rather than protect or seal pages shared with other data. */
#include "autoseal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static AUTOSEAL_RO_AFTER_INIT int guarded = 1;
static int neighbour = 2;

int main(void)
{
    uintptr_t ps = (uintptr_t)sysconf(_SC_PAGESIZE);
    int rc = autoseal_lock();
    if (rc != -EINVAL) {
        fprintf(stderr, "FAIL: autoseal_lock() = %d, expected -EINVAL\n", rc);
        return 1;
    }
    /* Nothing was made read-only or sealed: both still writable and the
     * page's protection can still be changed. */
    *(volatile int *)&guarded = 3;
    *(volatile int *)&neighbour = 4;
    void *page = (void *)((uintptr_t)&guarded & ~(ps - 1));
    if (mprotect(page, ps, PROT_READ | PROT_WRITE) != 0) {
        perror("FAIL: mprotect");
        return 1;
    }
    printf("unaligned section refused: guarded=%d neighbour=%d\n", guarded, neighbour);
    return 0;
}
