#include "seal.h"

#include <errno.h>

#include "sys.h"

int as_sealer_mseal(uintptr_t start, size_t len, void *ctx)
{
    (void)ctx;
    return as_sys_mseal(start, len);
}

static int seal_rec(uintptr_t start, uintptr_t end, size_t page, as_sealer_fn fn,
                    void *ctx, struct as_seal_stats *st, unsigned depth)
{
    if (st->unavailable) {
        return st->unavailable;
    }
    st->calls++;
    int r = fn(start, (size_t)(end - start), ctx);
    if (r == 0) {
        st->bytes += (unsigned long)(end - start);
        return 0;
    }
    if (r == -ENOSYS || r == -EPERM) {
        st->unavailable = r;
        return r;
    }
    if (r != -ENOMEM) {
        st->failures++;
        st->last_error = r;
        return r;
    }
    size_t pages = (size_t)(end - start) / page;
    if (pages <= 1 || depth > 64) {
        st->holes += pages ? pages : 1;
        return -ENOMEM;
    }
    uintptr_t mid = start + (pages / 2) * page;
    int a = seal_rec(start, mid, page, fn, ctx, st, depth + 1);
    int b = seal_rec(mid, end, page, fn, ctx, st, depth + 1);
    if (a == -ENOSYS || a == -EPERM) {
        return a;
    }
    if (b == -ENOSYS || b == -EPERM) {
        return b;
    }
    if (a != 0 && a != -ENOMEM) {
        return a;
    }
    if (b != 0 && b != -ENOMEM) {
        return b;
    }
    return -ENOMEM;
}

int as_seal_range(uintptr_t start, uintptr_t end, size_t pagesize,
                  as_sealer_fn fn, void *ctx, struct as_seal_stats *stats)
{
    if (end <= start) {
        return 0;
    }
    if (pagesize == 0 || (start & (pagesize - 1)) || (end & (pagesize - 1))) {
        return -EINVAL;
    }
    return seal_rec(start, end, pagesize, fn, ctx, stats, 0);
}
