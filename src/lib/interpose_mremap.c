/* mremap: thin trampoline into as_do_mremap(). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <sys/mman.h>

#include "runtime.h"

AS_EXPORT void *mremap(void *old, size_t oldlen, size_t newlen, int flags, ...)
{
    void *newaddr = NULL;
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
        va_list ap;
        va_start(ap, flags);
        newaddr = va_arg(ap, void *);
        va_end(ap);
    }
    return as_do_mremap(old, oldlen, newlen, flags, newaddr);
}
