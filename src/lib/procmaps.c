#include "procmaps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>

#include "fmt.h"
#include "mapsline.h"
#include "sys.h"

/* The range [ms, me) is covered by something we cannot trust (a line too
 * long to read whole): it counts as neither executable nor file-backed. */
static void fold_range(uint64_t ms, uint64_t me, bool x, bool file, uintptr_t s, uintptr_t e,
                       uintptr_t *cursor, struct as_region_info *ri)
{
    if (me <= s || ms >= e) {
        return;
    }
    if (ms > *cursor) {
        ri->all_exec = false; /* a hole */
        ri->file_backed = false;
    }
    if (!x) {
        ri->all_exec = false;
    }
    if (!file) {
        ri->file_backed = false;
    }
    if (me > *cursor) {
        *cursor = (uintptr_t)me;
    }
}

/* Seal-on-tighten's view of one mapping (ri->image_data, see rules.h).
 * Every line is looked at, overlapping or not: the mapping just before the
 * range decides whether an anonymous one at its start is a .bss tail.
 * m == NULL: a line that cannot be trusted (not image data). */
static void fold_image(const struct as_maps_line *m, uintptr_t s, uintptr_t e, uintptr_t cursor,
                       struct as_region_info *ri)
{
    if (m == NULL) {
        ri->prev_chain = false;
        return;
    }
    bool ok_perms = m->perms[2] != 'x' && m->perms[3] == 'p';
    bool named = m->pathlen > 0;
    bool file = m->inode != 0 && named && m->path[0] == '/';
    bool chain = ok_perms && (file || (m->inode == 0 && !named && ri->prev_chain &&
                                       ri->prev_end == m->start));
    if (m->end > s && m->start < e && (!chain || m->start > cursor)) {
        ri->image_data = false; /* not image data, or a hole before it */
    }
    ri->prev_chain = chain;
    ri->prev_end = (uintptr_t)m->end;
}

void as_maps_fold_line(const char *line, size_t len, uintptr_t s, uintptr_t e,
                       uintptr_t *cursor, struct as_region_info *ri)
{
    struct as_maps_line m;
    if (!as_maps_parse_line(line, len, &m)) {
        fold_image(NULL, s, e, *cursor, ri);
        return; /* not a mapping: covers nothing (a hole where it matters) */
    }
    fold_image(&m, s, e, *cursor, ri);
    fold_range(m.start, m.end, m.perms[2] == 'x', m.inode != 0, s, e, cursor, ri);
}

void as_maps_fold_truncated(const char *head, size_t len, uintptr_t s, uintptr_t e,
                            uintptr_t *cursor, struct as_region_info *ri)
{
    struct as_maps_line m;
    if (!as_maps_parse_line(head, len, &m)) {
        ri->known = false; /* cannot even tell which range it covers */
        return;
    }
    /* its range counts as not image data either */
    if (m.end > s && m.start < e) {
        ri->image_data = false;
    }
    ri->prev_chain = false;
    fold_range(m.start, m.end, false, false, s, e, cursor, ri);
}

/* Read /proc/self/maps line by line (allocation-free, about 1 KiB of
 * stack).  fn gets each whole line, or for a line too long for the buffer
 * its head once with truncated set (the tail is skipped to its newline,
 * never parsed as a line).  Returns 0, or -1 if maps could not be read. */
static int lines_each(const char *file,
                      void (*fn)(const char *line, size_t len, bool truncated, void *ctx),
                      void *ctx)
{
    int fd = (int)as_syscall3(__NR_openat, AT_FDCWD, (long)file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    char buf[1024]; /* keeps every interposed call within ~2 KiB of stack */
    size_t have = 0;
    bool eof = false, skipping = false;
    while (!eof) {
        long r = as_syscall3(__NR_read, fd, (long)(buf + have), (long)(sizeof buf - have));
        if (r < 0) {
            as_syscall3(__NR_close, fd, 0, 0);
            return -1;
        }
        eof = r == 0;
        have += (size_t)r;
        size_t start = 0;
        for (size_t i = 0; i < have; i++) {
            if (buf[i] == '\n') {
                if (!skipping) {
                    fn(buf + start, i - start, false, ctx);
                }
                skipping = false; /* the tail of a long line ends here */
                start = i + 1;
            }
        }
        if (start == 0 && have == sizeof buf) {
            if (!skipping) {
                fn(buf, have, true, ctx);
            }
            skipping = true;
            start = have;
        }
        if (eof && have > start && !skipping) {
            fn(buf + start, have - start, false, ctx);
            start = have;
        }
        memmove(buf, buf + start, have - start);
        have -= start;
    }
    as_syscall3(__NR_close, fd, 0, 0);
    return 0;
}

static int maps_each(void (*fn)(const char *line, size_t len, bool truncated, void *ctx),
                     void *ctx)
{
    return lines_each("/proc/self/maps", fn, ctx);
}

struct region_ctx {
    uintptr_t s, e, cursor;
    struct as_region_info *ri;
    bool bad;
};

static void region_line(const char *line, size_t len, bool truncated, void *ctx)
{
    struct region_ctx *c = ctx;
    if (!truncated) {
        as_maps_fold_line(line, len, c->s, c->e, &c->cursor, c->ri);
        return;
    }
    c->ri->known = true;
    as_maps_fold_truncated(line, len, c->s, c->e, &c->cursor, c->ri);
    c->bad = c->bad || !c->ri->known;
}

void as_region_query(uintptr_t s, uintptr_t e, struct as_region_info *ri)
{
    ri->known = false;
    ri->all_exec = true;
    ri->file_backed = true;
    ri->image_data = true;
    ri->prev_chain = false;
    ri->prev_end = 0;
    struct region_ctx c = {s, e, s, ri, false};
    if (maps_each(region_line, &c) != 0) {
        ri->known = false;
        return;
    }
    if (c.cursor < e) {
        ri->all_exec = false;
        ri->file_backed = false;
        ri->image_data = false;
    }
    ri->known = !c.bad;
}

struct shared_ctx {
    unsigned maj, min;
    uint64_t inode;
    bool found, bad;
};

static void shared_line(const char *line, size_t len, bool truncated, void *ctx)
{
    struct shared_ctx *c = ctx;
    struct as_maps_line m;
    (void)truncated; /* the head of a line is the kernel's own */
    if (!as_maps_parse_line(line, len, &m)) {
        c->bad = true;
        return;
    }
    if (m.perms[1] == 'w' && m.perms[3] == 's' && m.inode == c->inode &&
        m.dev_major == c->maj && m.dev_minor == c->min) {
        c->found = true;
    }
}

int as_maps_shared_writable(unsigned dev_major, unsigned dev_minor, uint64_t inode)
{
    struct shared_ctx c = {dev_major, dev_minor, inode, false, false};
    if (maps_each(shared_line, &c) != 0 || c.bad) {
        return -1;
    }
    return c.found ? 1 : 0;
}

struct sealed_ctx {
    uintptr_t s, e;
    char *out;
    size_t outlen;
    bool in_range, truncated, found;
    struct as_maps_line cur;
    char path[128]; /* the current mapping's path (its start when long) */
};

static bool has_token(const char *p, const char *end, const char *tok, size_t tl)
{
    while (p < end) {
        while (p < end && *p == ' ') {
            p++;
        }
        const char *t = p;
        while (p < end && *p != ' ') {
            p++;
        }
        if ((size_t)(p - t) == tl && memcmp(t, tok, tl) == 0) {
            return true;
        }
    }
    return false;
}

static void copy_path(char *out, size_t outlen, const struct as_maps_line *m, bool truncated)
{
    const char *src = m->pathlen == 0 ? "[anonymous]" : m->path;
    size_t n = m->pathlen == 0 ? sizeof "[anonymous]" - 1 : m->pathlen;
    if (truncated || n >= outlen) {
        /* only the head was read, or too long: its start, marked as cut */
        size_t keep = outlen - 4 < n ? outlen - 4 : n;
        memcpy(out, src, keep);
        memcpy(out + keep, "...", 4);
        return;
    }
    memcpy(out, src, n);
    out[n] = '\0';
}

static void sealed_line(const char *line, size_t len, bool truncated, void *ctx)
{
    struct sealed_ctx *c = ctx;
    if (c->found) {
        return;
    }
    if (len >= 8 && memcmp(line, "VmFlags:", 8) == 0) {
        if (c->in_range && has_token(line + 8, line + len, "sl", 2)) {
            c->found = true;
            memcpy(c->out, c->path, c->outlen < sizeof c->path ? c->outlen : sizeof c->path);
            c->out[c->outlen - 1] = '\0';
        }
        return;
    }
    struct as_maps_line m;
    if (!as_maps_parse_line(line, len, &m)) {
        return; /* another field line */
    }
    c->in_range = m.start < c->e && m.end > c->s;
    if (c->in_range) {
        copy_path(c->path, sizeof c->path, &m, truncated);
    }
}

int as_smaps_sealed_in(uintptr_t s, uintptr_t e, char *out, size_t outlen)
{
    struct sealed_ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.e = e > s ? e : s + 1;
    c.out = out;
    c.outlen = outlen;
    memcpy(out, "?", 2);
    if (lines_each("/proc/self/smaps", sealed_line, &c) != 0) {
        return -1;
    }
    return c.found ? 1 : 0;
}

/* ---- every mapping, for vdso=seal and log lines ---- */

struct each_ctx {
    bool (*fn)(uintptr_t start, uintptr_t end, const char *path, void *ctx);
    void *ctx;
    bool stop;
};

static void each_line(const char *line, size_t len, bool truncated, void *ctx)
{
    struct each_ctx *c = ctx;
    struct as_maps_line m;
    if (c->stop || !as_maps_parse_line(line, len, &m)) {
        return;
    }
    char path[128];
    if (m.pathlen == 0) {
        path[0] = '\0';
    } else {
        copy_path(path, sizeof path, &m, truncated);
    }
    c->stop = !c->fn((uintptr_t)m.start, (uintptr_t)m.end, path, c->ctx);
}

bool as_maps_each(bool (*fn)(uintptr_t start, uintptr_t end, const char *path, void *ctx),
                  void *ctx)
{
    struct each_ctx c = {fn, ctx, false};
    return maps_each(each_line, &c) == 0;
}

struct path_of {
    uintptr_t addr;
    char *out;
    size_t outlen;
    bool found;
};

static bool path_of_cb(uintptr_t start, uintptr_t end, const char *path, void *ctx)
{
    struct path_of *p = ctx;
    if (p->addr < start || p->addr >= end) {
        return true;
    }
    p->found = true;
    as_fmt(p->out, p->outlen, "%s", path[0] ? path : "[anonymous]");
    return false;
}

void as_maps_path_of(uintptr_t addr, char *out, size_t outlen)
{
    if (outlen == 0) {
        return;
    }
    struct path_of p = {addr, out, outlen, false};
    if (!as_maps_each(path_of_cb, &p) || !p.found) {
        as_fmt(out, outlen, "?");
    }
}
