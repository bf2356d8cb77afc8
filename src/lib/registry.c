#include "registry.h"

#include <stddef.h>

struct span {
    uintptr_t start, end;
};

static struct span spans[AS_RELRO_MAX];
static unsigned nspans;
static int lock;

bool as_relro_add(uintptr_t start, uintptr_t end)
{
    if (end <= start) {
        return true;
    }
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE)) {
        /* writers are rare (startup, new objects): spin */
    }
    unsigned n = __atomic_load_n(&nspans, __ATOMIC_RELAXED);
    bool ok = n < AS_RELRO_MAX;
    if (ok) {
        spans[n].start = start;
        spans[n].end = end;
        __atomic_store_n(&nspans, n + 1, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
    return ok;
}

bool as_relro_overlaps(uintptr_t start, uintptr_t end)
{
    unsigned n = __atomic_load_n(&nspans, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < n; i++) {
        if (start < spans[i].end && end > spans[i].start) {
            return true;
        }
    }
    return false;
}

unsigned as_relro_count(void)
{
    return __atomic_load_n(&nspans, __ATOMIC_ACQUIRE);
}
