#include "ledger.h"

#include <string.h>

#include "frozen.h"


static void add_span(struct as_span *spans, unsigned *nspans, unsigned cap, bool *overflow,
                     uintptr_t start, uintptr_t end)
{
    unsigned n = *nspans;
    for (unsigned i = 0; i < n; i++) {
        if (spans[i].start == start && spans[i].end == end) {
            return; /* seen again (an object re-verified) */
        }
    }
    if (n == cap) {
        *overflow = true;
        return;
    }
    spans[n].start = start;
    spans[n].end = end;
    __atomic_store_n(nspans, n + 1, __ATOMIC_RELEASE);
}

void as_ledger_add_span(uintptr_t start, uintptr_t end)
{
    struct as_ledger *const L = as_ledger();
    if (end <= start) {
        return;
    }
    if (!as_frozen_ready()) {
        /* the constructor, inside its window over the frozen page */
        struct as_frozen_spans *f = &as_page.spans;
        add_span(f->s, &f->n, AS_FROZEN_SPANS, &f->overflow, start, end);
    } else if (L != NULL) {
        add_span(L->spans, &L->nspans, AS_LEDGER_SPANS, &L->spans_overflow, start, end);
    }
}

static int overlap_in(const struct as_span *spans, unsigned n, unsigned cap, uintptr_t start,
                      uintptr_t end)
{
    n = n > cap ? cap : n;
    for (unsigned i = 0; i < n; i++) {
        if (start < spans[i].end && end > spans[i].start) {
            return 1;
        }
    }
    return 0;
}

int as_ledger_span_overlap(uintptr_t start, uintptr_t end)
{
    const struct as_frozen_spans *f = &as_page.spans;
    if (overlap_in(f->s, __atomic_load_n(&f->n, __ATOMIC_ACQUIRE), AS_FROZEN_SPANS, start, end)) {
        return 1;
    }
    bool overflow = f->overflow;
    const struct as_ledger *l = as_ledger();
    if (l != NULL) {
        if (overlap_in(l->spans, __atomic_load_n(&l->nspans, __ATOMIC_ACQUIRE), AS_LEDGER_SPANS,
                       start, end)) {
            return 1;
        }
        overflow |= l->spans_overflow;
    }
    return overflow ? -1 : 0;
}

static size_t slot_of(uintptr_t key)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & (AS_LEDGER_OBJS - 1);
}

static bool in_first(const struct as_ledger *L, uintptr_t key)
{
    return as_keys_have(L->first, &L->nfirst, AS_LEDGER_FIRST, key);
}

bool as_ledger_has_obj(uintptr_t key)
{
    struct as_ledger *const L = as_ledger();
    if (L == NULL) {
        return false;
    }
    if (in_first(L, key)) {
        return true;
    }
    if (__atomic_load_n(&L->nobjs, __ATOMIC_ACQUIRE) == 0) {
        return false; /* the table's pages are not even touched */
    }
    size_t h = slot_of(key);
    for (size_t i = 0; i < AS_LEDGER_OBJS; i++) {
        uintptr_t k = L->objs[(h + i) & (AS_LEDGER_OBJS - 1)];
        if (k == key) {
            return true;
        }
        if (k == 0) {
            return false;
        }
    }
    return false;
}

void as_ledger_add_obj(uintptr_t key)
{
    struct as_ledger *const L = as_ledger();
    if (L == NULL || key == 0 || in_first(L, key)) {
        return;
    }
    if (L->nfirst < AS_LEDGER_FIRST) {
        L->first[L->nfirst] = key;
        __atomic_store_n(&L->nfirst, L->nfirst + 1, __ATOMIC_RELEASE);
        return;
    }
    if (L->nobjs >= AS_LEDGER_OBJS - AS_LEDGER_OBJS / 4) {
        return; /* full (kept a quarter free): probed again next time */
    }
    size_t h = slot_of(key);
    for (size_t i = 0; i < AS_LEDGER_OBJS; i++) {
        uintptr_t *s = &L->objs[(h + i) & (AS_LEDGER_OBJS - 1)];
        if (*s == key) {
            return;
        }
        if (*s == 0) {
            *s = key;
            __atomic_store_n(&L->nobjs, L->nobjs + 1, __ATOMIC_RELEASE);
            return;
        }
    }
}

void as_ledger_clear_objs(void)
{
    struct as_ledger *const L = as_ledger();
    if (L == NULL) {
        return;
    }
    __atomic_store_n(&L->nfirst, 0u, __ATOMIC_RELEASE);
    if (L->nobjs > 0) {
        memset(L->objs, 0, sizeof L->objs);
        L->nobjs = 0;
    }
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

void as_ledger_add_keep(const char *path)
{
    struct as_ledger *const L = as_ledger();
    if (L == NULL) {
        return;
    }
    size_t l = strlen(path);
    if (l >= AS_KEEP_NAME) {
        path = base_name(path); /* only the file name is compared */
        l = strlen(path);
        if (l >= AS_KEEP_NAME) {
            return;
        }
    }
    if (as_ledger_keep_listed(path)) {
        return;
    }
    unsigned i = L->keep_next++ % AS_KEEP_MAX;
    memcpy(L->keep[i], path, l + 1);
}

bool as_ledger_keep_listed(const char *path)
{
    struct as_ledger *const L = as_ledger();
    if (L == NULL) {
        return false;
    }
    const char *base = base_name(path);
    for (int i = 0; i < AS_KEEP_MAX; i++) {
        const char *k = L->keep[i];
        if (k[0] != '\0' && strcmp(base_name(k), base) == 0) {
            return true;
        }
    }
    return false;
}
