#include "ranges.h"

#include <errno.h>

static bool page_ok(size_t p)
{
    return p >= 1024 && (p & (p - 1)) == 0;
}

/* Round up, reporting overflow. */
static bool align_up(uintptr_t v, size_t page, uintptr_t *out)
{
    uintptr_t r = v + (page - 1);
    if (r < v) {
        return false;
    }
    *out = r & ~(uintptr_t)(page - 1);
    return true;
}

bool as_relro_range(const ElfW(Phdr) *ph, size_t phnum, uintptr_t bias,
                    size_t pagesize, struct as_range *out)
{
    if (!page_ok(pagesize)) {
        return false;
    }
    for (size_t i = 0; i < phnum; i++) {
        if (ph[i].p_type != PT_GNU_RELRO) {
            continue;
        }
        uintptr_t s = bias + (uintptr_t)ph[i].p_vaddr;
        uintptr_t e = s + (uintptr_t)ph[i].p_memsz;
        if (s < bias || e < s) {
            return false;
        }
        s = as_align_down(s, pagesize);
        e = as_align_down(e, pagesize);
        if (e <= s) {
            return false;
        }
        out->start = s;
        out->end = e;
        out->kinds = AS_R_RELRO;
        return true;
    }
    return false;
}

static void sort_ranges(struct as_range *r, size_t n)
{
    /* insertion sort: n is tiny (a few per program header) */
    for (size_t i = 1; i < n; i++) {
        struct as_range key = r[i];
        size_t j = i;
        while (j > 0 && r[j - 1].start > key.start) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = key;
    }
}

size_t as_ranges_coalesce(struct as_range *r, size_t n)
{
    if (n == 0) {
        return 0;
    }
    sort_ranges(r, n);
    size_t w = 0;
    for (size_t i = 1; i < n; i++) {
        if (r[i].start <= r[w].end) {
            if (r[i].end > r[w].end) {
                r[w].end = r[i].end;
            }
            r[w].kinds |= r[i].kinds;
        } else {
            r[++w] = r[i];
        }
    }
    return w + 1;
}

int as_ranges_subtract(struct as_range *r, size_t n, size_t cap, uintptr_t xs,
                       uintptr_t xe)
{
    if (xe <= xs) {
        return (int)n;
    }
    size_t i = 0;
    while (i < n) {
        struct as_range *c = &r[i];
        if (xe <= c->start || xs >= c->end) {
            i++;
            continue;
        }
        bool keep_lo = xs > c->start;
        bool keep_hi = xe < c->end;
        if (keep_lo && keep_hi) {
            if (n >= cap) {
                return -E2BIG;
            }
            for (size_t k = n; k > i + 1; k--) {
                r[k] = r[k - 1];
            }
            r[i + 1] = *c;
            r[i + 1].start = xe;
            c->end = xs;
            n++;
            i += 2;
        } else if (keep_lo) {
            c->end = xs;
            i++;
        } else if (keep_hi) {
            c->start = xe;
            i++;
        } else {
            for (size_t k = i; k + 1 < n; k++) {
                r[k] = r[k + 1];
            }
            n--;
        }
    }
    return (int)n;
}

struct seg {
    uintptr_t start, end;
    bool writable;
};

int as_object_ranges(const ElfW(Phdr) *ph, size_t phnum, uintptr_t bias,
                     const struct as_layout_opts *opts, struct as_range *out,
                     size_t max)
{
    size_t page = opts->pagesize;
    if (!page_ok(page) || (ph == NULL && phnum > 0)) {
        return -EINVAL;
    }

    /* The PT_LOAD segments as page ranges, sorted by start, in a bounded
     * local array (more than 64: -E2BIG). */
    struct seg segs[64];
    size_t nseg = 0;
    for (size_t i = 0; i < phnum; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0) {
            continue;
        }
        if (nseg == sizeof segs / sizeof segs[0]) {
            return -E2BIG;
        }
        uintptr_t s = bias + (uintptr_t)ph[i].p_vaddr;
        uintptr_t e = s + (uintptr_t)ph[i].p_memsz;
        if (s < bias || e < s) {
            return -EINVAL;
        }
        struct seg sg = {as_align_down(s, page), 0, (ph[i].p_flags & PF_W) != 0};
        if (!align_up(e, page, &sg.end)) {
            return -EINVAL;
        }
        /* keep sorted by start */
        size_t j = nseg;
        while (j > 0 && segs[j - 1].start > sg.start) {
            segs[j] = segs[j - 1];
            j--;
        }
        segs[j] = sg;
        nseg++;
    }

    size_t n = 0;
#define PUSH(s_, e_, k_)                                                        \
    do {                                                                        \
        if (n >= max) {                                                         \
            return -E2BIG;                                                      \
        }                                                                       \
        out[n].start = (s_);                                                    \
        out[n].end = (e_);                                                      \
        out[n].kinds = (k_);                                                    \
        n++;                                                                    \
    } while (0)

    for (size_t i = 0; i < nseg; i++) {
        if (!segs[i].writable) {
            PUSH(segs[i].start, segs[i].end, AS_R_TEXT);
        } else if (opts->seal_data) {
            PUSH(segs[i].start, segs[i].end, AS_R_DATA);
        }
        if (!opts->no_gaps && i + 1 < nseg && segs[i].end < segs[i + 1].start) {
            PUSH(segs[i].end, segs[i + 1].start, AS_R_GAP);
        }
    }

    struct as_range relro = {0, 0, 0};
    bool have_relro = as_relro_range(ph, phnum, bias, page, &relro);
    if (have_relro) {
        PUSH(relro.start, relro.end, AS_R_RELRO);
    }
#undef PUSH

    n = as_ranges_coalesce(out, n);

    if (!opts->seal_data) {
        /* Pages that stay writable (writable segments minus RELRO) must
         * never be sealed, even when a read-only segment shares them. */
        for (size_t i = 0; i < nseg; i++) {
            if (!segs[i].writable) {
                continue;
            }
            uintptr_t ws = segs[i].start, we = segs[i].end;
            int r;
            if (have_relro && relro.start < we && relro.end > ws) {
                r = as_ranges_subtract(out, n, max, ws, relro.start > ws ? relro.start : ws);
                if (r < 0) {
                    return r;
                }
                n = (size_t)r;
                r = as_ranges_subtract(out, n, max, relro.end < we ? relro.end : we, we);
            } else {
                r = as_ranges_subtract(out, n, max, ws, we);
            }
            if (r < 0) {
                return r;
            }
            n = (size_t)r;
        }
    }
    for (size_t i = 0; i < opts->nexclude; i++) {
        int r = as_ranges_subtract(out, n, max, opts->exclude[i].start, opts->exclude[i].end);
        if (r < 0) {
            return r;
        }
        n = (size_t)r;
    }
    return (int)n;
}
