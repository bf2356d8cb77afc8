/* Fleet view of `autoseal status --all`: per-process verdict and reason,
 * host totals, Prometheus textfile output.  Pure functions (no /proc
 * access), unit-tested. */
#ifndef AUTOSEAL_CLI_FLEET_H
#define AUTOSEAL_CLI_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum fleet_state { FLEET_SEALED = 0, FLEET_PARTIAL, FLEET_UNSEALED, FLEET_NSTATES };

/* What is known about one process, read from /proc by the caller. */
struct fleet_facts {
    bool autoseal_loaded;     /* libautoseal.so* is mapped */
    bool static_exe;          /* /proc/PID/exe has no PT_INTERP */
    int seccomp;              /* Seccomp: field of /proc/PID/status, -1 unknown */
    int mode;                 /* enum as_mode for its executable, -1 unknown */
    bool unsealed_excluded;   /* every unsealed non-writable object matches exclude= */
    int kernel_mseal;         /* the kernel has mseal: 1, 0, -1 unknown */
    uint64_t ro_total, ro_sealed; /* non-writable image bytes */
    size_t ro_failing;        /* unsealed non-writable mappings, exempt ones not counted */
};

/* The verdict: sealed (every non-writable image mapping sealed, the exempt
 * ld.so page aside), partial (some sealed), unsealed (none).  *reason gets
 * why it is not sealed ("none" when sealed); one of FLEET_REASONS. */
int fleet_classify(const struct fleet_facts *f, const char **reason);

/* One sentence on a reason, for people ("" for none). */
const char *fleet_reason_text(const char *reason);

/* Every reason fleet_classify() returns, NULL-terminated (docs/cli.md). */
extern const char *const fleet_reasons[];
const char *fleet_state_name(int state);

/* The systemd unit of a process from the text of /proc/PID/cgroup: the
 * first path component of the unified ("0::") or name=systemd hierarchy
 * ending in .service or .scope ("-" when none, e.g. no systemd). */
void fleet_unit_from_cgroup(const char *text, size_t len, char *out, size_t outlen);

/* A Prometheus label value, quoted and escaped (\\, \", \n). */
void prom_label_value(FILE *f, const char *s);

/* Counters keyed by up to three strings, kept in insertion order. */
struct fleet_count {
    char *k[3];
    uint64_t n;
};
struct fleet_counts {
    struct fleet_count *v;
    size_t n, cap;
};
void fleet_count_add(struct fleet_counts *c, const char *k0, const char *k1, const char *k2,
                     uint64_t n);
/* Sort by n descending, then keys; keep the first max distinct values of
 * key 0 and fold the others into key 0 = other (summed per k1/k2). */
void fleet_count_cap(struct fleet_counts *c, size_t max, const char *other);
void fleet_count_free(struct fleet_counts *c);

#endif
