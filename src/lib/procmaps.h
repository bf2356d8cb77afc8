/* Allocation-free lookup of a range in /proc/self/maps (only used by rules
 * that need the current protection: execmem=deny, exec=seal-file). */
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

/* Fill ri for [s, e) from /proc/self/maps; ri->known false on failure. */
void as_region_query(uintptr_t s, uintptr_t e, struct as_region_info *ri);

/* Every line of /proc/self/maps, any length (see procmaps.c). */
bool as_maps_each(bool (*fn)(uintptr_t start, uintptr_t end, const char *path, void *ctx),
                  void *ctx);

/* The path of the mapping holding addr ("[anon]", "?" if unknown), for
 * log lines; any line length is handled. */
void as_maps_path_of(uintptr_t addr, char *out, size_t outlen);

#endif
