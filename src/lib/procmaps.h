/* Allocation-free lookups in /proc/self/maps (only used by rules that need
 * the current protection or a file's other mappings: execmem=deny|kernel,
 * exec=seal-file). */
#ifndef AUTOSEAL_PROCMAPS_H
#define AUTOSEAL_PROCMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

/* Pure: fold one maps line into ri for the range [s, e); *cursor tracks
 * coverage.  Exposed for unit tests. */
void as_maps_fold_line(const char *line, size_t len, uintptr_t s, uintptr_t e,
                       uintptr_t *cursor, struct as_region_info *ri);

/* Pure: the head of a line too long to read whole.  The range it names
 * counts as not executable and not file-backed (its tail is never parsed);
 * if not even the range can be read, ri->known becomes false. */
void as_maps_fold_truncated(const char *head, size_t len, uintptr_t s, uintptr_t e,
                            uintptr_t *cursor, struct as_region_info *ri);

/* Fill ri for [s, e) from /proc/self/maps; ri->known false on failure. */
void as_region_query(uintptr_t s, uintptr_t e, struct as_region_info *ri);

/* Is there a MAP_SHARED writable mapping of this file (device, inode)?
 * 1 yes, 0 no, -1 unknown. */
int as_maps_shared_writable(unsigned dev_major, unsigned dev_minor, uint64_t inode);

/* Does a sealed mapping (VmFlags "sl" in /proc/self/smaps) overlap
 * [s, e)?  1 and its path in out ("[anonymous]", "[heap]"; a long path
 * cut and marked "..."), 0 none, -1 smaps unreadable.  outlen >= 8. */
int as_smaps_sealed_in(uintptr_t s, uintptr_t e, char *out, size_t outlen);

/* Every mapping of /proc/self/maps (the shared line parser; a path too
 * long is cut and marked "..."); fn returns false to stop.  False when
 * maps could not be read. */
bool as_maps_each(bool (*fn)(uintptr_t start, uintptr_t end, const char *path, void *ctx),
                  void *ctx);

/* The path of the mapping holding addr ("[anonymous]", "?" if unknown),
 * for log lines. */
void as_maps_path_of(uintptr_t addr, char *out, size_t outlen);

#endif
