/* The system configuration path this library was built with, in a section
 * of its own so that `autoseal probe` can read it from the library file
 * (libelf) instead of trusting the tool's own build.  The same definition
 * (AUTOSEAL_SYSCONF, src/lib/CMakeLists.txt) is the path resolve.c reads. */
#include "sysconf.h"

#ifndef AUTOSEAL_SYSCONF
#error "AUTOSEAL_SYSCONF (the system configuration path) comes from src/lib/CMakeLists.txt"
#endif

__attribute__((used, section(".autoseal.sysconf"))) const char as_sysconf_path[] =
    AUTOSEAL_SYSCONF;
