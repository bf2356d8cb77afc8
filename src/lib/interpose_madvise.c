/* madvise: thin trampoline into as_do_madvise(). */
#include <sys/mman.h>

#include "runtime.h"

AS_EXPORT int madvise(void *addr, size_t len, int advice)
{
    return as_do_madvise(addr, len, advice, __builtin_return_address(0));
}
