/* mprotect/pkey_mprotect: thin trampolines into as_do_mprotect(). */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "runtime.h"

AS_EXPORT int mprotect(void *addr, size_t len, int prot)
{
    return as_do_mprotect(addr, len, prot, AS_NO_PKEY, __builtin_return_address(0));
}

AS_EXPORT int pkey_mprotect(void *addr, size_t len, int prot, int pkey)
{
    return as_do_mprotect(addr, len, prot, pkey, __builtin_return_address(0));
}
