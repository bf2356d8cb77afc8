#include "procmaps.h"

#include <fcntl.h>
#include <string.h>

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

void as_maps_fold_line(const char *line, size_t len, uintptr_t s, uintptr_t e,
                       uintptr_t *cursor, struct as_region_info *ri)
{
    struct as_maps_line m;
    if (!as_maps_parse_line(line, len, &m)) {
        return; /* not a mapping: covers nothing (a hole where it matters) */
    }
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
    fold_range(m.start, m.end, false, false, s, e, cursor, ri);
}

void as_region_query(uintptr_t s, uintptr_t e, struct as_region_info *ri)
{
    ri->known = false;
    ri->all_exec = true;
    ri->file_backed = true;
    int fd = (int)as_syscall3(__NR_openat, AT_FDCWD, (long)"/proc/self/maps",
                              O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    char buf[1536]; /* at most ~2 KiB of the caller's stack in all */
    size_t have = 0;
    uintptr_t cursor = s;
    bool eof = false, skipping = false, bad = false;
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
                if (!skipping) {
                    as_maps_fold_line(buf + start, i - start, s, e, &cursor, ri);
                }
                skipping = false; /* the tail of a long line ends here: never parsed */
                start = i + 1;
            }
        }
        if (start == 0 && have == sizeof buf) {
            /* a line longer than the buffer (a very long path): its head
             * names the range; the rest is skipped up to its newline */
            if (!skipping) {
                ri->known = true;
                as_maps_fold_truncated(buf, have, s, e, &cursor, ri);
                bad = bad || !ri->known;
            }
            skipping = true;
            start = have;
        }
        if (eof && have > start && !skipping) {
            as_maps_fold_line(buf + start, have - start, s, e, &cursor, ri);
            start = have;
        }
        memmove(buf, buf + start, have - start);
        have -= start;
    }
    as_syscall3(__NR_close, fd, 0, 0);
    if (cursor < e) {
        ri->all_exec = false;
        ri->file_backed = false;
    }
    ri->known = !bad;
}
