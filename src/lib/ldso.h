/* ld.so's RELRO page that glibc 2.36 makes writable again (__stack_prot). */
#ifndef AUTOSEAL_LDSO_H
#define AUTOSEAL_LDSO_H

#include <stddef.h>
#include <stdint.h>

#include "ranges.h"

/* The pages of ld.so's RELRO that hold __stack_prot, which glibc 2.36
 * makes writable again when a library needing an executable stack is
 * dlopen'ed.  Exposed for tests.  Returns the number of ranges found. */
int as_ldso_stack_prot_pages(uintptr_t relro_start, uintptr_t relro_end,
                             uintptr_t scan_start, uintptr_t scan_end, size_t page,
                             struct as_range *out, int max);

/* The same over a copy: buf holds len bytes of memory that starts at
 * address addr (the tool reads them from /proc/PID/mem).  One
 * implementation for the library and the tool. */
int as_ldso_stack_prot_scan(const void *buf, size_t len, uintptr_t addr,
                            uintptr_t relro_start, uintptr_t relro_end, size_t page,
                            struct as_range *out, int max);

#endif
