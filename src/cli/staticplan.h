/* What `autoseal run` seals in a static or static-pie program it starts
 * under ptrace (the launcher).  Pure: parses an ELF header and program
 * headers from a buffer and turns them into ranges with src/lib/ranges.c
 * (the same rules as the preload library), so unit tests drive it with
 * real and synthetic headers. */
#ifndef AUTOSEAL_CLI_STATICPLAN_H
#define AUTOSEAL_CLI_STATICPLAN_H

#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ranges.h"

#define STATIC_PHNUM_MAX 64

struct static_image {
    int type;              /* ET_EXEC or ET_DYN */
    int machine;           /* e_machine */
    uint64_t entry;        /* e_entry (unrelocated) */
    ElfW(Phdr) ph[STATIC_PHNUM_MAX];
    size_t phnum;
    bool interp;           /* PT_INTERP: not static, ld.so runs */
    bool dynamic;          /* PT_DYNAMIC present */
    bool relro;            /* PT_GNU_RELRO present */
    uint64_t note_off[8], note_size[8]; /* PT_NOTE file extents */
    size_t nnotes;
};

/* Parse the ELF header and program headers in buf[0..len) (the start of a
 * file).  Returns 0; 1 with *need set when more bytes are needed; -1 with a
 * reason in err (not a 64-bit native ELF program, too many headers...). */
int static_image_parse(const unsigned char *buf, size_t len, struct static_image *im,
                       size_t *need, char *err, size_t errlen);

/* True when the note segment bytes hold an NT_GNU_ABI_TAG "GNU" note: glibc's
 * crt1.o carries one, musl and Go do not.  Only glibc's static startup
 * makes RELRO read-only itself (_dl_protect_relro). */
bool static_notes_have_abi_tag(const unsigned char *notes, size_t len);

/* The load bias: 0 for ET_EXEC; at_entry - e_entry for ET_DYN.  Returns
 * false when it is not page aligned (a mismatch: wrong file). */
bool static_bias(const struct static_image *im, uint64_t at_entry, size_t page, uintptr_t *bias);

/* Ranges to seal at the exec stop, before any instruction of the program:
 * the non-writable PT_LOAD segments (text, rodata), one range per mapped
 * run (the kernel leaves gaps between segments unmapped).  With seal_data
 * and no RELRO to wait for, the writable segments too.  Returns the count
 * or a negative errno (ranges.c). */
int static_plan_initial(const struct static_image *im, uintptr_t bias, size_t page,
                        bool seal_data, struct as_range *out, size_t max);

/* Ranges to seal once the program made its RELRO read-only: RELRO rounded
 * as glibc's _dl_protect_relro rounds it, and with seal_data the writable
 * segments.  Returns the count (0: no RELRO after rounding) or -errno. */
int static_plan_after_relro(const struct static_image *im, uintptr_t bias, size_t page,
                            bool seal_data, struct as_range *out, size_t max);

/* Does mprotect(addr, len, prot) make the whole RELRO range read-only? */
bool static_mprotect_covers(const struct as_range *relro, uint64_t addr, uint64_t len,
                            uint64_t prot);

#endif
