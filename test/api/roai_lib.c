/* A shared library with its own AUTOSEAL_RO_AFTER_INIT data.  The variable
 * is static and reached through functions: an exported variable could be
 * copy-relocated into the executable, out of this library's section. */
#include "autoseal.h"
#include "roai_lib.h"

static AUTOSEAL_RO_AFTER_INIT int lib_value = 7;
static AUTOSEAL_RO_AFTER_INIT char lib_table[3000] = "library table";
static int lib_plain = 1;

void roai_lib_set(int v)
{
    *(volatile int *)&lib_value = v;
}

int roai_lib_get(void)
{
    return *(volatile int *)&lib_value;
}

void *roai_lib_addr(void)
{
    return &lib_value;
}

const char *roai_lib_table(void)
{
    return lib_table;
}

void roai_lib_set_plain(int v)
{
    *(volatile int *)&lib_plain = v;
}

int roai_lib_get_plain(void)
{
    return *(volatile int *)&lib_plain;
}
