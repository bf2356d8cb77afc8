#define _GNU_SOURCE
#include "rules.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/shm.h>

#ifndef SHM_EXEC
#define SHM_EXEC 0100000
#endif

static struct as_verdict deny(int reason, int err)
{
    struct as_verdict v = {reason, err, false};
    return v;
}

static bool execmem_denied(const struct as_policy *p)
{
    return p->execmem == AS_EXECMEM_DENY || p->execmem == AS_EXECMEM_KERNEL;
}

bool as_rule_mmap_needs_fd_info(const struct as_policy *p, int prot, int flags, int fd)
{
    return (prot & PROT_EXEC) && !(flags & MAP_ANONYMOUS) && fd >= 0 && execmem_denied(p);
}

struct as_verdict as_rule_mmap(const struct as_policy *p, int prot, int flags, int fd,
                               const struct as_fd_info *fi)
{
    struct as_verdict v = {AS_OK, 0, false};
    if (!(prot & PROT_EXEC)) {
        return v;
    }
    if ((prot & PROT_WRITE) && p->wx == AS_WX_DENY) {
        return deny(AS_DENY_WX, EACCES);
    }
    bool anon = (flags & MAP_ANONYMOUS) || fd < 0;
    if (anon && execmem_denied(p)) {
        return deny(AS_DENY_EXECMEM, EACCES);
    }
    /* a file the process can write elsewhere is new executable memory:
     * write through one mapping (or the fd), run through this one */
    if (as_rule_mmap_needs_fd_info(p, prot, flags, fd) &&
        (fi == NULL || !fi->known || fi->writable_fd || fi->shmem_unsealed ||
         fi->shared_writable)) {
        return deny(AS_DENY_DOUBLEMAP, EACCES);
    }
    if (!(prot & PROT_WRITE)) {
        v.seal_after = p->exec == AS_EXEC_SEAL || (p->exec == AS_EXEC_SEAL_FILE && !anon);
    }
    return v;
}

bool as_rule_mprotect_needs_info(const struct as_policy *p, int prot)
{
    if (!(prot & PROT_EXEC)) {
        return false;
    }
    return execmem_denied(p) || (p->exec == AS_EXEC_SEAL_FILE && !(prot & PROT_WRITE));
}

struct as_verdict as_rule_mprotect(const struct as_policy *p, int prot,
                                   const struct as_region_info *ri)
{
    struct as_verdict v = {AS_OK, 0, false};
    if (!(prot & PROT_EXEC)) {
        return v;
    }
    if ((prot & PROT_WRITE) && p->wx == AS_WX_DENY) {
        return deny(AS_DENY_WX, EACCES);
    }
    if (execmem_denied(p)) {
        /* adding PROT_EXEC to memory that was not executable; unknown
         * memory counts as not executable (fail safe) */
        if (ri == NULL || !ri->known || !ri->all_exec) {
            return deny(AS_DENY_EXECMEM, EACCES);
        }
    }
    if (!(prot & PROT_WRITE)) {
        v.seal_after = p->exec == AS_EXEC_SEAL ||
                       (p->exec == AS_EXEC_SEAL_FILE && ri && ri->known && ri->file_backed);
    }
    return v;
}

bool as_rule_tighten_needs_info(const struct as_policy *p, int prot)
{
    return p->data == AS_DATA_SEAL && prot == PROT_READ;
}

bool as_rule_tighten(const struct as_policy *p, int prot, const struct as_region_info *ri)
{
    /* unknown memory is left alone: a seal can break the program, and
     * without one the range is exactly as protected as without autoseal */
    return as_rule_tighten_needs_info(p, prot) && ri != NULL && ri->known && ri->image_data;
}

struct as_verdict as_rule_shmat(const struct as_policy *p, int shmflg)
{
    struct as_verdict v = {AS_OK, 0, false};
    if (!(shmflg & SHM_EXEC)) {
        return v;
    }
    if (!(shmflg & SHM_RDONLY) && p->wx == AS_WX_DENY) {
        return deny(AS_DENY_WX, EACCES);
    }
    if (execmem_denied(p)) {
        return deny(AS_DENY_EXECMEM, EACCES);
    }
    return v; /* shared memory is never sealed: shmdt would leak */
}

/* Advice that leaves the contents of a copied-on-write file page alone
 * (checked on Linux 6.18 against a sealed, written-then-read-only private
 * file page: each leaves the written bytes in place).  Everything else on
 * sealed RELRO is refused, including values this list does not know yet:
 * DONTNEED, DONTNEED_LOCKED and GUARD_INSTALL+GUARD_REMOVE revert the page
 * to the file's bytes, DONTFORK leaves a child without the mapping (free to
 * map something else there), FREE/REMOVE/WIPEONFORK/HWPOISON and the rest
 * have no business on relocated pointers. */
bool as_rule_madvise_harmless(int advice)
{
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DOFORK:
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
    case 20: /* MADV_COLD */
    case 22: /* MADV_POPULATE_READ */
        return true;
    default:
        return false;
    }
}

struct as_verdict as_rule_madvise(const struct as_policy *p, int advice, bool relro_overlap)
{
    struct as_verdict v = {AS_OK, 0, false};
    (void)p;
    if (relro_overlap && !as_rule_madvise_harmless(advice)) {
        return deny(AS_DENY_RELRO, EPERM);
    }
    return v;
}

struct as_verdict as_rule_process_madvise(const struct as_policy *p, int advice,
                                          bool relro_overlap, int target)
{
    if (target == AS_TARGET_OTHER) {
        struct as_verdict v = {AS_OK, 0, false};
        return v;
    }
    return as_rule_madvise(p, advice, relro_overlap);
}

struct as_verdict as_rule_personality(const struct as_policy *p, unsigned long persona)
{
    struct as_verdict v = {AS_OK, 0, false};
    /* the kernel takes an unsigned int: 0xffffffff only queries */
    if ((unsigned)persona == 0xffffffffu || !(persona & READ_IMPLIES_EXEC)) {
        return v;
    }
    if (p->wx == AS_WX_DENY || execmem_denied(p)) {
        return deny(AS_DENY_PERSONALITY, EPERM);
    }
    return v;
}

const char *as_reason_name(int reason)
{
    switch (reason) {
    case AS_OK:
        return "ok";
    case AS_DENY_WX:
        return "wx";
    case AS_DENY_EXECMEM:
        return "execmem";
    case AS_DENY_RELRO:
        return "relro-advice";
    case AS_DENY_DOUBLEMAP:
        return "execmem-writable-file";
    case AS_DENY_PERSONALITY:
        return "read-implies-exec";
    default:
        return "?";
    }
}
