/* process_madvise (glibc 2.36): thin trampoline into as_do_process_madvise(). */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/uio.h>

#include "runtime.h"

AS_EXPORT ssize_t process_madvise(int pidfd, const struct iovec *iov, size_t n, int advice,
                                  unsigned int flags)
{
    return as_do_process_madvise(pidfd, iov, n, advice, flags, __builtin_return_address(0));
}
