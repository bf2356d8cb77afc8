/* Runtime rules for new memory: pure decisions, unit-testable.
 *
 * Each function takes the effective policy and what the call asks for and
 * returns a verdict; the interposers (interpose_*.c, through runtime.c)
 * only carry out verdicts. */
#ifndef AUTOSEAL_RULES_H
#define AUTOSEAL_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

enum as_reason {
    AS_OK = 0,
    AS_DENY_WX,        /* writable and executable at once (wx=deny) */
    AS_DENY_EXECMEM,   /* new executable memory (execmem=deny|kernel) */
    AS_DENY_RELRO,     /* madvise on sealed RELRO other than harmless advice */
    AS_DENY_DOUBLEMAP, /* executable mapping of memory writable elsewhere (execmem) */
    AS_DENY_PERSONALITY, /* personality(READ_IMPLIES_EXEC) under wx=deny/execmem */
};

struct as_verdict {
    int reason;      /* enum as_reason: AS_OK or why it is refused */
    int err;         /* errno to fail with when refused (EACCES, EPERM) */
    bool seal_after; /* seal the resulting mapping when the call succeeds */
};

/* What is known about the memory an mprotect/madvise applies to. */
struct as_region_info {
    bool known;      /* false when it could not be determined */
    bool all_exec;   /* every page already executable */
    bool file_backed;/* every page backed by a file (not anonymous) */
    /* Seal-on-tighten (as_rule_tighten): every page is private, not
     * executable, and image data: a private file mapping, or an unnamed
     * anonymous mapping that directly follows one (a .bss tail).  The
     * prev_* fields are the folding state for it. */
    bool image_data;
    bool prev_chain;    /* the last line read was image data (any range) */
    uintptr_t prev_end; /* end of the last line read */
};

/* What is known about the file an mmap with PROT_EXEC maps: can this
 * process write its contents elsewhere (a double mapping)? */
struct as_fd_info {
    bool known;           /* false when it could not be determined */
    bool writable_fd;     /* the descriptor is open for writing (O_RDWR/O_WRONLY) */
    bool shmem_unsealed;  /* memfd/shmem/hugetlbfs without F_SEAL_WRITE */
    bool shared_writable; /* a MAP_SHARED writable mapping of the file exists */
};

/* fi: for a PROT_EXEC file mapping when as_rule_mmap_needs_fd_info();
 * NULL or !fi->known there counts as writable (fail closed). */
struct as_verdict as_rule_mmap(const struct as_policy *p, int prot, int flags, int fd,
                               const struct as_fd_info *fi);
/* Does this mmap need the fd info (fcntl, fstat, a /proc lookup)? */
bool as_rule_mmap_needs_fd_info(const struct as_policy *p, int prot, int flags, int fd);
struct as_verdict as_rule_mprotect(const struct as_policy *p, int prot,
                                   const struct as_region_info *ri);
struct as_verdict as_rule_shmat(const struct as_policy *p, int shmflg);
/* relro_overlap: the range overlaps a RELRO range autoseal sealed.  On
 * sealed RELRO only as_rule_madvise_harmless() advice is allowed. */
struct as_verdict as_rule_madvise(const struct as_policy *p, int advice, bool relro_overlap);
bool as_rule_madvise_harmless(int advice);

/* process_madvise(2): as madvise for the caller's own memory.  target:
 * AS_TARGET_SELF, AS_TARGET_OTHER (pidfd of another process, whose memory
 * our RELRO ranges say nothing about) or AS_TARGET_UNKNOWN (counts as self). */
enum as_target { AS_TARGET_SELF = 0, AS_TARGET_OTHER, AS_TARGET_UNKNOWN };
struct as_verdict as_rule_process_madvise(const struct as_policy *p, int advice,
                                          bool relro_overlap, int target);

/* personality(2): setting READ_IMPLIES_EXEC makes every readable mapping
 * executable (mmap RW yields rwx): refused (EPERM) under wx=deny or
 * execmem=deny|kernel.  Queries (0xffffffff) are always allowed. */
struct as_verdict as_rule_personality(const struct as_policy *p, unsigned long persona);

/* Does mprotect with this prot need the region info (a /proc lookup)? */
bool as_rule_mprotect_needs_info(const struct as_policy *p, int prot);

/* Seal-on-tighten (data=seal): a successful mprotect to exactly PROT_READ
 * of image data (ri->image_data) is sealed right after, so that what the
 * program made read-only can never be made writable again.  Never refuses
 * anything.  needs_info: whether the call needs the /proc lookup. */
bool as_rule_tighten_needs_info(const struct as_policy *p, int prot);
bool as_rule_tighten(const struct as_policy *p, int prot, const struct as_region_info *ri);

const char *as_reason_name(int reason);

#endif
