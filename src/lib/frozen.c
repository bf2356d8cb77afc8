/* The frozen page(s) and the ledger: storage and write windows. */
#include "frozen.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "sys.h"

/* In autoseal's RELRO: read-only before any constructor runs. */
union as_frozen_page as_page
    __attribute__((aligned(AS_PAGE_ALIGN), section(".data.rel.ro.autoseal_frozen"))) = {
        .f = {.policy = {.mode = AS_MODE_ENFORCE, .loglevel = AS_LEVEL_WARN}}};

AS_HOT static struct as_frozen staging;

struct as_frozen *as_frozen_staging(void)
{
    return &staging;
}

bool as_frozen_overlaps(uintptr_t start, uintptr_t end)
{
    uintptr_t a = (uintptr_t)&as_page;
    if (start < a + sizeof as_page && end > a) {
        return true;
    }
    uintptr_t l = (uintptr_t)as_ledger();
    return l != 0 && start < l + AS_LEDGER_BYTES && end > l;
}

int as_frozen_open(void)
{
    return as_sys_mprotect((uintptr_t)&as_page, sizeof as_page, PROT_READ | PROT_WRITE);
}

void as_frozen_touch(void)
{
    __atomic_store_n(&as_page.f.stored, 0u, __ATOMIC_RELAXED);
}

int as_frozen_close(void)
{
    return as_sys_mprotect((uintptr_t)&as_page, sizeof as_page, PROT_READ);
}

int as_frozen_seal(void)
{
    return as_sys_mseal((uintptr_t)&as_page, sizeof as_page);
}

struct as_ledger *as_ledger_reserve(void)
{
    /* MAP_NORESERVE: a mapping of its own, never merged with a writable
     * neighbour when its window opens and split off again when it closes
     * (that made each window mprotect twice as dear); nothing is charged
     * for it either */
    long r = as_syscall6(__NR_mmap, 0, (long)AS_LEDGER_BYTES, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return r < 0 && r > -4096 ? NULL : (struct as_ledger *)r;
}

int as_ledger_open(void)
{
    struct as_ledger *l = as_ledger();
    if (l == NULL) {
        return -ENOENT;
    }
    return as_sys_mprotect((uintptr_t)l, AS_LEDGER_BYTES, PROT_READ | PROT_WRITE);
}

void as_ledger_close(void)
{
    struct as_ledger *l = as_ledger();
    if (l != NULL) {
        (void)as_sys_mprotect((uintptr_t)l, AS_LEDGER_BYTES, PROT_READ);
    }
}
