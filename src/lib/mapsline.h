/* One line of /proc/PID/maps (or a mapping header line of smaps):
 *   start-end perms offset major:minor inode   path
 * The one parser of that format, shared by libautoseal (procmaps.c) and the
 * CLI (smaps.c).  Pure, libc-only, allocation-free. */
#ifndef AUTOSEAL_MAPSLINE_H
#define AUTOSEAL_MAPSLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct as_maps_line {
    uint64_t start, end;
    char perms[5]; /* "r-xp", NUL-terminated */
    uint64_t offset;
    unsigned dev_major, dev_minor;
    uint64_t inode;
    const char *path; /* points into the line; "" (pathlen 0) for anonymous */
    size_t pathlen;
};

/* Parse [s, s+len) (no trailing newline).  Everything up to the inode must
 * be there and well formed (the path may be cut short: a caller that read
 * only the head of a very long line still gets its range and permissions).
 * Returns false for anything else. */
bool as_maps_parse_line(const char *s, size_t len, struct as_maps_line *out);

#endif
