/* mmap/mmap64: thin trampolines into as_do_mmap(). */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "runtime.h"

AS_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    return as_do_mmap(addr, len, prot, flags, fd, off, __builtin_return_address(0));
}

AS_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
    return as_do_mmap(addr, len, prot, flags, fd, (off_t)off, __builtin_return_address(0));
}
