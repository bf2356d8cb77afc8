/* shmat: thin trampoline into as_do_shmat(). */
#include <sys/shm.h>

#include "runtime.h"

AS_EXPORT void *shmat(int id, const void *addr, int flg)
{
    return as_do_shmat(id, addr, flg, __builtin_return_address(0));
}
