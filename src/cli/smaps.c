#include "smaps.h"

#include "mapsline.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldso.h"
#include "util.h"

bool vmflags_has(const char *line, size_t len, const char *tok)
{
    size_t tl = strlen(tok), i = 0;
    while (i < len) {
        while (i < len && isspace((unsigned char)line[i])) {
            i++;
        }
        size_t s = i;
        while (i < len && !isspace((unsigned char)line[i])) {
            i++;
        }
        if (i - s == tl && memcmp(line + s, tok, tl) == 0) {
            return true;
        }
    }
    return false;
}

/* "start-end perms offset maj:min inode   path": the shared parser */
static bool parse_header(const char *s, const char *end, struct mapping *m)
{
    struct as_maps_line l;
    memset(m, 0, sizeof *m);
    m->object = -1;
    if (!as_maps_parse_line(s, (size_t)(end - s), &l)) {
        return false;
    }
    m->start = l.start;
    m->end = l.end;
    memcpy(m->perms, l.perms, sizeof m->perms);
    m->offset = l.offset;
    m->dev_major = l.dev_major;
    m->dev_minor = l.dev_minor;
    m->inode = l.inode;
    m->path = malloc(l.pathlen + 1);
    if (!m->path) {
        return false;
    }
    memcpy(m->path, l.path, l.pathlen);
    m->path[l.pathlen] = '\0';
    return true;
}

static bool is_header(const char *s, const char *end)
{
    /* A header starts with hex digits and a '-'; field lines with "Name:". */
    const char *p = s;
    while (p < end && isxdigit((unsigned char)*p)) {
        p++;
    }
    return p > s && p < end && *p == '-';
}

int smaps_parse(const char *buf, size_t len, struct mapping **out, size_t *n, char *err,
                size_t errlen)
{
    size_t cap = 64, cnt = 0;
    struct mapping *v = malloc(cap * sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t lineno = 0;
    const char *p = buf, *bend = buf + len;
    while (p < bend) {
        const char *nl = memchr(p, '\n', (size_t)(bend - p));
        const char *e = nl ? nl : bend;
        lineno++;
        if (e > p) {
            if (is_header(p, e)) {
                if (cnt == cap) {
                    cap *= 2;
                    struct mapping *nv = realloc(v, cap * sizeof *v);
                    if (!nv) {
                        smaps_free(v, cnt);
                        snprintf(err, errlen, "out of memory");
                        return -1;
                    }
                    v = nv;
                }
                if (!parse_header(p, e, &v[cnt])) {
                    free(v[cnt].path);
                    smaps_free(v, cnt);
                    snprintf(err, errlen, "line %zu: not a mapping line", lineno);
                    return -1;
                }
                cnt++;
            } else if (cnt > 0 && (size_t)(e - p) >= 8 && memcmp(p, "VmFlags:", 8) == 0) {
                v[cnt - 1].has_vmflags = true;
                v[cnt - 1].sealed = vmflags_has(p + 8, (size_t)(e - p - 8), "sl");
            } else if (cnt == 0) {
                smaps_free(v, cnt);
                snprintf(err, errlen, "line %zu: field before any mapping", lineno);
                return -1;
            }
        }
        p = nl ? nl + 1 : bend;
    }
    *out = v;
    *n = cnt;
    return 0;
}

void smaps_free(struct mapping *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].path);
    }
    free(m);
}

static bool file_backed(const struct mapping *m)
{
    return m->inode != 0 && m->path[0] != '\0' && m->path[0] != '[';
}

static bool anonymous(const struct mapping *m)
{
    return m->inode == 0 && m->path[0] == '\0';
}

static bool same_file(const struct mapping *a, const struct mapping *b)
{
    return a->inode == b->inode && a->dev_major == b->dev_major && a->dev_minor == b->dev_minor &&
           strcmp(a->path, b->path) == 0;
}

static bool prot_none(const struct mapping *m)
{
    return m->perms[0] == '-' && m->perms[1] == '-' && m->perms[2] == '-';
}

static void count(struct byte_count *c, const struct mapping *m)
{
    c->total += m->end - m->start;
    if (m->sealed) {
        c->sealed += m->end - m->start;
    }
}

/* Only the part of the mapping inside its object's image. */
static void count_image(struct byte_count *c, const struct mapping *m)
{
    c->total += m->iend - m->istart;
    if (m->sealed) {
        c->sealed += m->iend - m->istart;
    }
}

double pct(const struct byte_count *c)
{
    return c->total ? 100.0 * (double)c->sealed / (double)c->total : 100.0;
}

static bool is_autoseal(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    return strncmp(b, "libautoseal.so", 14) == 0;
}

static uint64_t page_down(uint64_t v, size_t page)
{
    return v & ~((uint64_t)page - 1);
}

static uint64_t page_up(uint64_t v, size_t page)
{
    return (v + page - 1) & ~((uint64_t)page - 1);
}

/* Today's heuristic: from m[i] (file-backed, unassigned) take the same
 * file's mappings that follow, the PROT_NONE gaps between them and an
 * anonymous rw bss tail. */
static void claim_heuristic(struct mapping *m, size_t n, size_t i, int k)
{
    size_t last = i;
    m[i].object = k;
    for (size_t j = i + 1; j < n; j++) {
        struct mapping *x = &m[j];
        if (file_backed(x)) {
            if (!same_file(&m[i], x)) {
                return;
            }
            x->object = k;
            last = j;
            continue;
        }
        if (!anonymous(x) || last + 1 != j || m[last].end != x->start) {
            return;
        }
        /* A PROT_NONE gap joins when the same file follows right after. */
        if (prot_none(x) && j + 1 < n && file_backed(&m[j + 1]) && same_file(&m[j + 1], &m[i]) &&
            m[j + 1].start == x->end) {
            x->object = k;
            last = j;
            continue;
        }
        /* The bss tail: anonymous rw right after a writable file mapping. */
        if (x->perms[0] == 'r' && x->perms[1] == 'w' && m[last].perms[1] == 'w' &&
            file_backed(&m[last])) {
            x->object = k;
        }
        return; /* nothing more joins this object */
    }
}

/* Compute the extent of the object whose first mapping is m[i] from its
 * program headers.  False when the mapping is not where the first PT_LOAD
 * would be. */
static bool layout_of(const struct mapping *x, const struct elf_layout *el, size_t page,
                      struct object_layout *out, char *why, size_t whylen)
{
    if (x->offset != page_down(el->first_offset, page)) {
        snprintf(why, whylen, "first mapping is at file offset 0x%" PRIx64
                 ", not at the first PT_LOAD's (0x%" PRIx64 ")", x->offset,
                 page_down(el->first_offset, page));
        return false;
    }
    uint64_t fv = page_down(el->first_vaddr, page);
    if (x->start < fv) {
        snprintf(why, whylen, "mapping below the first PT_LOAD's address");
        return false;
    }
    memset(out, 0, sizeof *out);
    out->base = x->start - fv;
    out->lo = out->base + page_down(el->min_vaddr, page);
    out->hi = out->base + page_up(el->max_end, page);
    if (out->hi < out->lo || out->hi < out->base) {
        snprintf(why, whylen, "PT_LOAD extent wraps around the address space");
        return false;
    }
    if (el->have_relro) {
        out->have_relro = true;
        out->relro_start = out->base + el->relro_vaddr;
        out->relro_end = out->relro_start + el->relro_memsz;
    }
    return true;
}

static void claim_extent(struct mapping *m, size_t n, size_t i, int k, const struct object_layout *l)
{
    size_t j = i;
    while (j > 0 && m[j - 1].end > l->lo) {
        j--;
    }
    for (; j < n && m[j].start < l->hi; j++) {
        struct mapping *x = &m[j];
        if (x->object >= 0 || x->end <= l->lo || !(anonymous(x) || same_file(x, &m[i]))) {
            continue;
        }
        x->object = k;
        x->istart = x->start > l->lo ? x->start : l->lo;
        x->iend = x->end < l->hi ? x->end : l->hi;
    }
}

void smaps_group(struct mapping *m, size_t n, size_t page, smaps_layout_fn fn, void *ctx,
                 struct object_stats **objs, size_t *nobjs, struct process_stats *ps)
{
    memset(ps, 0, sizeof *ps);
    if (page == 0 || (page & (page - 1)) != 0) {
        page = 4096;
    }
    size_t cap = 16, no = 0;
    struct object_stats *o = xcalloc(cap, sizeof *o);
    for (size_t i = 0; i < n; i++) {
        m[i].object = -1;
        m[i].istart = m[i].start;
        m[i].iend = m[i].end;
        m[i].exempt = false;
    }
    /* Pass 1: every unassigned file-backed mapping starts an object. */
    for (size_t i = 0; i < n; i++) {
        struct mapping *x = &m[i];
        if (!file_backed(x) || x->object >= 0) {
            continue;
        }
        if (no == cap) {
            cap *= 2;
            o = xrealloc(o, cap * sizeof *o);
        }
        struct object_stats *ob = &o[no];
        memset(ob, 0, sizeof *ob);
        ob->path = x->path;
        ob->first = i;
        int k = (int)no++;
        struct elf_layout el;
        char why[sizeof ob->note - 32];
        why[0] = '\0';
        if (fn == NULL) {
            snprintf(why, sizeof why, "program headers not read");
        } else if (fn(ctx, x, &el, why, sizeof why) == 0 &&
                   layout_of(x, &el, page, &ob->layout, why, sizeof why)) {
            ob->layout_known = true;
            claim_extent(m, n, i, k, &ob->layout);
            continue;
        }
        snprintf(ob->note, sizeof ob->note, "heuristic grouping: %s", why);
        claim_heuristic(m, n, i, k);
    }
    /* Only groups with an executable mapping are ELF images; the others
     * are data files (locale archives, caches, fonts). */
    int *remap = xcalloc(no, sizeof *remap);
    bool *exec = xcalloc(no, sizeof *exec);
    for (size_t i = 0; i < n; i++) {
        if (m[i].object >= 0 && m[i].perms[2] == 'x') {
            exec[m[i].object] = true;
        }
    }
    size_t kept = 0;
    for (size_t k = 0; k < no; k++) {
        remap[k] = exec[k] ? (int)kept : -1;
        if (exec[k]) {
            o[kept++] = o[k];
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i].object >= 0) {
            m[i].object = remap[m[i].object];
        }
    }
    no = kept;
    free(remap);
    free(exec);
    /* Pass 2: counts. */
    for (size_t i = 0; i < n; i++) {
        struct mapping *x = &m[i];
        bool w = x->perms[1] == 'w', ex = x->perms[2] == 'x';
        if (x->has_vmflags) {
            ps->have_vmflags = true;
        }
        if (w && ex) {
            ps->wx_maps++;
            ps->wx_bytes += x->end - x->start;
        }
        if (ex && strcmp(x->path, "[vsyscall]") != 0) {
            count(&ps->exec_all, x);
        }
        if (x->object < 0) {
            continue;
        }
        struct object_stats *ob = &o[x->object];
        ob->nmaps++;
        count_image(&ob->image, x);
        count_image(&ps->image, x);
        if (!w) {
            count_image(&ob->nonwritable, x);
            count_image(&ps->nonwritable, x);
            if (!x->sealed) {
                ob->nonwritable_unsealed++;
                ps->nonwritable_unsealed++;
            }
        }
        if (ex) {
            count_image(&ob->exec, x);
            if (!x->sealed) {
                ob->exec_unsealed++;
            }
        }
        if (w && ex) {
            ob->wx++;
        }
        if (is_autoseal(x->path)) {
            ps->autoseal_loaded = true;
        }
    }
    for (size_t k = 0; k < no; k++) {
        if (!o[k].layout_known) {
            ps->heuristic_objects++;
        }
    }
    *objs = o;
    *nobjs = no;
}

bool smaps_ldso_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    return fnmatch("ld-linux*.so*", b, 0) == 0;
}

/* Does page pg hold, inside [rs, re), an aligned int equal to a
 * __stack_prot value (the library's own scan, src/lib/ldso.c)?  1 yes, 0 no,
 * negative errno when unreadable.  [rlo, rhi): the RELRO rounded like glibc. */
static int page_has_stack_prot(uint64_t pg, size_t page, uint64_t rs, uint64_t re, uint64_t rlo,
                               uint64_t rhi, smaps_read_fn rd, void *ctx)
{
    uint64_t s = pg > rs ? pg : rs, e = pg + page < re ? pg + page : re;
    s = (s + 3) & ~(uint64_t)3;
    if (e <= s) {
        return 0;
    }
    unsigned char *buf = malloc(page);
    if (!buf) {
        return -ENOMEM;
    }
    int r = rd(ctx, s, buf, (size_t)(e - s));
    if (r < 0) {
        free(buf);
        return r;
    }
    struct as_range found[1];
    int n = as_ldso_stack_prot_scan(buf, (size_t)(e - s), (uintptr_t)s, (uintptr_t)rlo,
                                    (uintptr_t)rhi, page, found, 1);
    free(buf);
    return n > 0;
}

int smaps_ldso_exempt(struct mapping *m, size_t n, struct object_stats *objs, size_t k,
                      size_t page, smaps_read_fn rd, void *ctx, struct process_stats *ps)
{
    struct object_stats *ob = &objs[k];
    if (!ob->layout_known || !ob->layout.have_relro || page == 0 || (page & (page - 1)) != 0) {
        return 0;
    }
    uint64_t rlo = page_down(ob->layout.relro_start, page);
    uint64_t rhi = page_down(ob->layout.relro_end, page);
    size_t cand = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mapping *x = &m[i];
        if (x->object != (int)k || x->perms[1] == 'w' || x->sealed) {
            continue;
        }
        /* every unsealed non-writable mapping must be a candidate */
        if (x->istart != x->start || x->iend != x->end || x->start < rlo || x->end > rhi ||
            (x->start & (page - 1)) != 0 || (x->end & (page - 1)) != 0) {
            return 0;
        }
        for (uint64_t pg = x->start; pg < x->end; pg += page) {
            int r = page_has_stack_prot(pg, page, ob->layout.relro_start, ob->layout.relro_end,
                                        rlo, rhi, rd, ctx);
            if (r <= 0) {
                return r;
            }
        }
        cand++;
    }
    if (cand == 0) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        struct mapping *x = &m[i];
        if (x->object == (int)k && x->perms[1] != 'w' && !x->sealed) {
            x->exempt = true;
        }
    }
    ob->exempt = cand;
    ps->exempt += cand;
    return (int)cand;
}
