/* Parsing of /proc/PID/smaps (or maps) and grouping of mappings by ELF
 * object.  Pure functions over buffers: unit-tested with fixtures. */
#ifndef AUTOSEAL_CLI_SMAPS_H
#define AUTOSEAL_CLI_SMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elfinfo.h"

struct mapping {
    uint64_t start, end;
    char perms[5];     /* "r-xp" */
    uint64_t offset;
    unsigned dev_major, dev_minor;
    uint64_t inode;
    char *path;        /* "" for anonymous mappings */
    bool has_vmflags;  /* a VmFlags line was seen (smaps, not maps) */
    bool sealed;       /* VmFlags has the token "sl" */
    int object;        /* index of its ELF object, or -1 */
    uint64_t istart, iend; /* the part counted as image of its object: the
                              mapping clipped to the object's PT_LOAD extent */
    bool exempt;       /* unsealed by design: ld.so __stack_prot page */
};

/* Parse smaps/maps text.  Returns 0, or -1 with a message in err. */
int smaps_parse(const char *buf, size_t len, struct mapping **out, size_t *n, char *err,
                size_t errlen);
void smaps_free(struct mapping *m, size_t n);

/* True when tok appears as a whitespace-separated token of line. */
bool vmflags_has(const char *line, size_t len, const char *tok);

struct byte_count {
    uint64_t total, sealed;
};

/* Where an object lies in the process, from its program headers. */
struct object_layout {
    uint64_t base;                  /* load bias */
    uint64_t lo, hi;                /* image extent [lo, hi), page-aligned */
    bool have_relro;
    uint64_t relro_start, relro_end; /* base + PT_GNU_RELRO p_vaddr (+ p_memsz) */
};

struct object_stats {
    const char *path;               /* points into the mappings */
    bool layout_known;              /* extent from the ELF program headers */
    struct object_layout layout;    /* valid when layout_known */
    char note[192];                 /* why not (heuristic grouping used), or "" */
    size_t exempt;                  /* mappings marked exempt */
    size_t first;                   /* index of its first mapping */
    size_t nmaps;
    struct byte_count image;        /* every mapping of the object */
    struct byte_count nonwritable;  /* mappings without 'w' */
    struct byte_count exec;         /* mappings with 'x' */
    size_t exec_unsealed;           /* number of executable mappings left unsealed */
    size_t wx;                      /* writable+executable mappings */
    size_t nonwritable_unsealed;    /* non-writable mappings left unsealed */
};

struct process_stats {
    struct byte_count image, nonwritable, exec_all; /* exec_all: every 'x' mapping but [vsyscall] */
    size_t wx_maps;        /* writable+executable mappings anywhere */
    uint64_t wx_bytes;
    size_t nonwritable_unsealed;   /* exempt ones included */
    size_t exempt;                 /* unsealed non-writable mappings exempt by design */
    size_t heuristic_objects;      /* objects grouped without their program headers */
    bool autoseal_loaded;
    bool have_vmflags;     /* false: seal state unknown (no VmFlags) */
};

/* Reads the program headers of the file that m maps.  Returns 0, or -1
 * with a one-line reason in why (deleted, permission, not ELF...). */
typedef int (*smaps_layout_fn)(void *ctx, const struct mapping *m, struct elf_layout *out,
                               char *why, size_t whylen);

/* Group mappings into ELF objects (rules in docs/cli.md) and count.  An
 * object's image is its PT_LOAD extent when fn (may be NULL) gives its
 * program headers, else the adjacency heuristic.  page: the page size.
 * *objs is malloc'd; mapping.object, istart and iend are filled in. */
void smaps_group(struct mapping *m, size_t n, size_t page, smaps_layout_fn fn, void *ctx,
                 struct object_stats **objs, size_t *nobjs, struct process_stats *ps);

/* Reads len bytes of process memory at addr: 0 or negative errno. */
typedef int (*smaps_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

/* Object k is the dynamic loader.  When its only unsealed non-writable
 * mappings are pages inside its RELRO (rounded down at both ends, like
 * glibc) each holding, inside PT_GNU_RELRO, an aligned 32-bit int equal to
 * PROT_GROWSDOWN or PROT_GROWSDOWN|PROT_READ|PROT_WRITE (glibc's
 * __stack_prot, left unsealed by ldso-relro=safe), mark them exempt and
 * return how many.  0: not applicable.  Negative errno: memory could not
 * be read (nothing marked). */
int smaps_ldso_exempt(struct mapping *m, size_t n, struct object_stats *objs, size_t k,
                      size_t page, smaps_read_fn rd, void *ctx, struct process_stats *ps);

/* True for a dynamic loader's file name: basename ld-linux*.so* */
bool smaps_ldso_name(const char *path);

/* Share in percent (100 when total is 0). */
double pct(const struct byte_count *c);

#endif
