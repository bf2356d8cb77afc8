/* Helpers for the API tests: look at seals from outside (smaps) and by
 * trying the operation, catch faulting writes, install seccomp filters. */
#ifndef AUTOSEAL_TEST_API_HELPERS_H
#define AUTOSEAL_TEST_API_HELPERS_H

#include <stddef.h>
#include <stdint.h>

/* 1 if the mapping containing addr has the `sl` VmFlags token in
 * /proc/self/smaps, 0 if it has not, -1 if addr is not mapped or smaps
 * cannot be read. */
int smaps_sealed(const void *addr);

/* 1 if any mapping other than the kernel's own ([vdso], [vvar], ...) is
 * sealed, with its line copied to where (size n); 0 if none; -1 on error. */
int smaps_any_user_sealed(char *where, size_t n);

/* 1 if writing v to *p faults (SIGSEGV/SIGBUS), 0 if the write went
 * through.  Uses sigsetjmp/siglongjmp in the calling thread. */
int write_faults(volatile int *p, int v);

/* Same, but the write is done by fn(v) (e.g. a setter in a library). */
int call_faults(void (*fn)(int), int v);

/* Operations a seal blocks; each returns 0 or errno. */
int try_mprotect(void *page, size_t len, int prot);
int try_munmap(void *page, size_t len);
int try_mremap_shrink(void *page, size_t len); /* len must be >= 2 pages */
int try_mmap_fixed(void *page, size_t len);

/* Install a seccomp filter making mseal (462) fail with err (ENOSYS or
 * EPERM) in this process; 0 or errno. */
int install_mseal_filter(int err);

/* mseal(0, 0, 0) straight to the kernel: 0 or errno. */
int raw_mseal_probe(void);

uintptr_t page_of(const void *p);

/* Copy the /proc/self/maps line of the mapping containing addr: 0, or -1
 * if addr is not mapped. */
int maps_line(const void *addr, char *buf, size_t n);

#endif
