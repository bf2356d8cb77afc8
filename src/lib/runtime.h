/* The work behind the memory interposers: consult the rules, log, carry
 * out the call with a raw system call, seal the result when asked.  Every
 * function behaves like its libc counterpart (return value and errno).
 * Called by the interposers (interpose_*.c) only: never the loader, no
 * safe point, no allocation. */
#ifndef AUTOSEAL_RUNTIME_H
#define AUTOSEAL_RUNTIME_H

#include <stddef.h>
#include <sys/types.h>

#define AS_EXPORT __attribute__((visibility("default")))

void *as_do_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off, void *caller);
/* pkey < -1: plain mprotect; otherwise pkey_mprotect(pkey) */
int as_do_mprotect(void *addr, size_t len, int prot, int pkey, void *caller);
#define AS_NO_PKEY (-2)
void *as_do_mremap(void *old, size_t oldlen, size_t newlen, int flags, void *newaddr);
void *as_do_shmat(int id, const void *addr, int flg, void *caller);
int as_do_madvise(void *addr, size_t len, int advice, void *caller);
int as_do_munmap(void *addr, size_t len);
struct iovec;
ssize_t as_do_process_madvise(int pidfd, const struct iovec *iov, size_t n, int advice,
                              unsigned flags, void *caller);
int as_do_personality(unsigned long persona, void *caller);

#endif
