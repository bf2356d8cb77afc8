/* munmap: thin trampoline into as_do_munmap() (which only reports a
 * refusal by a seal; munmap has no rule). */
#include <sys/mman.h>

#include "runtime.h"

AS_EXPORT int munmap(void *addr, size_t len)
{
    return as_do_munmap(addr, len);
}
