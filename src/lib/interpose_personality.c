/* personality: thin trampoline into as_do_personality(). */
#include <sys/personality.h>

#include "runtime.h"

AS_EXPORT int personality(unsigned long persona)
{
    return as_do_personality(persona, __builtin_return_address(0));
}
