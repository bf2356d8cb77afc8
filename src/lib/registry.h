/* Registry of RELRO ranges autoseal sealed (for the madvise rule).
 * Lock-free readers; writers serialised by a spin lock.  Fixed size. */
#ifndef AUTOSEAL_REGISTRY_H
#define AUTOSEAL_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#define AS_RELRO_MAX 4096

/* Returns false when the registry is full. */
bool as_relro_add(uintptr_t start, uintptr_t end);
bool as_relro_overlaps(uintptr_t start, uintptr_t end);
unsigned as_relro_count(void);

#endif
