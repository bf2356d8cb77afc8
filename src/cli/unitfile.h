/* The few systemd unit settings that matter to autoseal, read from a unit
 * file or from `systemctl show` output.  Pure parser over a buffer. */
#ifndef AUTOSEAL_CLI_UNITFILE_H
#define AUTOSEAL_CLI_UNITFILE_H

#include <stdbool.h>
#include <stddef.h>

#define UNIT_MAX_PATHS 32

struct unit_info {
    char *ld_preload;        /* last LD_PRELOAD= of Environment=, or NULL */
    bool has_env_file;       /* EnvironmentFile= is used (not read) */
    bool syscall_allow;      /* SystemCallFilter= allow-list in force */
    bool allow_has_mseal;    /* ... naming mseal */
    bool deny_has_mseal;     /* deny-list (~) naming mseal */
    bool mdwe;               /* MemoryDenyWriteExecute=yes */
    char *noexec[UNIT_MAX_PATHS];
    size_t nnoexec;
    char *exec[UNIT_MAX_PATHS]; /* ExecPaths= exceptions */
    size_t nexec;
    char *exec_start;        /* program of the first ExecStart= */
    /* For wrapping a static ExecStart= in `autoseal run --`: */
    char *exec_start_cmd;    /* the first ExecStart= command line, prefixes
                                (@-:+!) excluded; from `systemctl show`: argv[] */
    char exec_prefix[8];     /* its prefix characters */
    unsigned nexec_start;    /* ExecStart= lines in force */
    bool allow_has_ptrace;   /* the allow-list names ptrace (or @debug) */
    bool deny_has_ptrace;    /* a deny-list names ptrace or @debug */
    bool filter_set;         /* SystemCallFilter= has names (allow or deny) */
    char *syscall_errno;     /* SystemCallErrorNumber= as given, or NULL */
    /* systemctl show only: */
    char *id, *load_state, *active_state, *result;
};

/* Parse `systemctl show` output of several units (separated by empty
 * lines).  Returns how many; *out is malloc'd, each to be unit_free()d. */
size_t unit_parse_many(const char *buf, size_t len, struct unit_info **out);

/* Parse unit-file text ([Service] section) or, with show=true, the
 * KEY=VALUE lines of `systemctl show`.  Never fails: unknown lines are
 * ignored. */
void unit_parse(const char *buf, size_t len, bool show, struct unit_info *u);
void unit_free(struct unit_info *u);

/* Split one Environment= value into assignments (systemd quoting rules,
 * simplified: "..." and '...' quotes, backslash escapes).  Calls fn for
 * each "NAME=VALUE" word. */
void env_words(const char *val, void (*fn)(void *ctx, const char *word), void *ctx);

/* True when path is covered by NoExecPaths= and not re-allowed by ExecPaths=. */
bool unit_noexec_covers(const struct unit_info *u, const char *path);

/* Escape a value for a quoted Environment= assignment ('%' -> "%%",
 * '\\' and '"' backslashed).  Returns a malloc'd string. */
char *unit_escape(const char *s);

#endif
