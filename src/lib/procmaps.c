#include "procmaps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>

#include "fmt.h"
#include "sys.h"

static uintptr_t hex(const char **p, const char *end)
{
    uintptr_t v = 0;
    while (*p < end) {
        char c = **p;
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else {
            break;
        }
        v = v * 16 + d;
        (*p)++;
    }
    return v;
}

static void skip_field(const char **p, const char *end)
{
    while (*p < end && **p != ' ') {
        (*p)++;
    }
    while (*p < end && **p == ' ') {
        (*p)++;
    }
}

/* Seal-on-tighten's view of one line (ri->image_data, see rules.h).
 * Every line is read, overlapping or not: the mapping just before the
 * range decides whether an anonymous one at its start is a .bss tail. */
static void fold_image(const char *line, size_t len, uintptr_t s, uintptr_t e,
                       uintptr_t cursor, struct as_region_info *ri)
{
    const char *p = line, *end = line + len;
    uintptr_t ms = hex(&p, end);
    if (p >= end || *p != '-') {
        ri->prev_chain = false;
        return;
    }
    p++;
    uintptr_t me = hex(&p, end);
    while (p < end && *p == ' ') {
        p++;
    }
    const char *perms = p;
    bool ok_perms = (end - p) >= 4 && perms[2] != 'x' && perms[3] == 'p';
    skip_field(&p, end); /* perms */
    skip_field(&p, end); /* offset */
    skip_field(&p, end); /* dev */
    bool inode_zero = p < end && *p == '0' && (p + 1 == end || p[1] == ' ');
    skip_field(&p, end); /* inode */
    bool named = p < end;
    bool file = !inode_zero && named && *p == '/';
    bool chain = ok_perms && (file || (inode_zero && !named && ri->prev_chain &&
                                       ri->prev_end == ms));
    if (me > s && ms < e && (!chain || ms > cursor)) {
        ri->image_data = false; /* not image data, or a hole before it */
    }
    ri->prev_chain = chain;
    ri->prev_end = me;
}

void as_maps_fold_line(const char *line, size_t len, uintptr_t s, uintptr_t e,
                       uintptr_t *cursor, struct as_region_info *ri)
{
    fold_image(line, len, s, e, *cursor, ri);
    const char *p = line, *end = line + len;
    uintptr_t ms = hex(&p, end);
    if (p >= end || *p != '-') {
        return;
    }
    p++;
    uintptr_t me = hex(&p, end);
    if (me <= s || ms >= e) {
        return;
    }
    while (p < end && *p == ' ') {
        p++;
    }
    bool x = (end - p) >= 3 && p[2] == 'x';
    skip_field(&p, end); /* perms */
    skip_field(&p, end); /* offset */
    skip_field(&p, end); /* dev */
    bool inode_zero = p < end && *p == '0' && (p + 1 == end || p[1] == ' ');
    if (ms > *cursor) {
        ri->all_exec = false; /* a hole */
        ri->file_backed = false;
    }
    if (!x) {
        ri->all_exec = false;
    }
    if (inode_zero) {
        ri->file_backed = false;
    }
    if (me > *cursor) {
        *cursor = me;
    }
}

void as_region_query(uintptr_t s, uintptr_t e, struct as_region_info *ri)
{
    ri->known = false;
    ri->all_exec = true;
    ri->file_backed = true;
    ri->image_data = true;
    ri->prev_chain = false;
    ri->prev_end = 0;
    int fd = (int)as_syscall3(__NR_openat, AT_FDCWD, (long)"/proc/self/maps",
                              O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    char buf[4096];
    size_t have = 0;
    uintptr_t cursor = s;
    bool eof = false;
    while (!eof) {
        long r = as_syscall3(__NR_read, fd, (long)(buf + have), (long)(sizeof buf - have));
        if (r < 0) {
            as_syscall3(__NR_close, fd, 0, 0);
            return;
        }
        eof = r == 0;
        have += (size_t)r;
        size_t start = 0;
        for (size_t i = 0; i < have; i++) {
            if (buf[i] == '\n') {
                as_maps_fold_line(buf + start, i - start, s, e, &cursor, ri);
                start = i + 1;
            }
        }
        if (start == 0 && have == sizeof buf) {
            start = have; /* absurdly long line: drop it */
        }
        memmove(buf, buf + start, have - start);
        have -= start;
    }
    as_syscall3(__NR_close, fd, 0, 0);
    if (cursor < e) {
        ri->all_exec = false;
        ri->file_backed = false;
        ri->image_data = false;
    }
    ri->known = true;
}

/* Every line of /proc/self/maps, read one character at a time, so that a
 * line of any length is parsed from its start only (never a tail).  fn
 * gets the range and the path (truncated to fit, NUL-terminated; "" for
 * anonymous memory) and returns false to stop.  Returns false when the
 * file could not be read. */
bool as_maps_each(bool (*fn)(uintptr_t start, uintptr_t end, const char *path, void *ctx),
                  void *ctx)
{
    long fd = as_syscall6(__NR_openat, AT_FDCWD, (long)"/proc/self/maps",
                          O_RDONLY | O_CLOEXEC | O_NOCTTY, 0, 0, 0);
    if (fd < 0) {
        return false;
    }
    char buf[512];
    char path[256];
    size_t o = 0;
    uintptr_t start = 0, end = 0;
    int field = 0;     /* 0 start, 1 end, 2..5 other fields, 6 path */
    bool gap = false;  /* in the blanks before a field */
    bool range = true; /* still reading start-end */
    bool go = true;
    while (go) {
        long n = as_syscall3(__NR_read, fd, (long)buf, (long)sizeof buf);
        if (n == -EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        for (long i = 0; i < n && go; i++) {
            char ch = buf[i];
            if (ch == '\n') {
                path[o] = '\0';
                go = fn(start, end, path, ctx);
                start = end = 0;
                field = 0;
                gap = false;
                range = true;
                o = 0;
                continue;
            }
            if (range) {
                int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
                if (d >= 0) {
                    uintptr_t *v = field == 0 ? &start : &end;
                    *v = (*v << 4) | (uintptr_t)d;
                } else if (field == 0 && ch == '-') {
                    field = 1;
                } else {
                    range = false; /* field stays 1: the next field is 2 */
                    gap = true;
                }
                continue;
            }
            if (ch == ' ' && field < 6) {
                gap = true;
                continue;
            }
            if (gap) {
                gap = false;
                field++;
            }
            if (field >= 6 && o + 1 < sizeof path) {
                path[o++] = ch;
            }
        }
    }
    (void)as_syscall3(__NR_close, fd, 0, 0);
    return true;
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
    as_fmt(p->out, p->outlen, "%s", path[0] ? path : "[anon]");
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
