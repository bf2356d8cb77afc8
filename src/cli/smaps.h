/* Parsing of /proc/PID/smaps (or maps) and grouping of mappings by ELF
 * object.  Pure functions over buffers: unit-tested with fixtures. */
#ifndef AUTOSEAL_CLI_SMAPS_H
#define AUTOSEAL_CLI_SMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

struct object_stats {
    const char *path;               /* points into the mappings */
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
    size_t nonwritable_unsealed;
    bool autoseal_loaded;
    bool have_vmflags;     /* false: seal state unknown (no VmFlags) */
};

/* Group mappings into ELF objects (rules in docs/cli.md) and count.
 * *objs is malloc'd; mapping.object is filled in. */
void smaps_group(struct mapping *m, size_t n, struct object_stats **objs, size_t *nobjs,
                 struct process_stats *ps);

/* Share in percent (100 when total is 0). */
double pct(const struct byte_count *c);

#endif
