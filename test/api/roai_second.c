/* A second translation unit of the test program with its own
 * AUTOSEAL_RO_AFTER_INIT variable: both units' constructors register the
 * same (per-object) section, which must be locked once and as a whole. */
#include "autoseal.h"
#include "roai_second.h"

static AUTOSEAL_RO_AFTER_INIT int second_value = 11;

void roai_second_set(int v)
{
    *(volatile int *)&second_value = v;
}

int roai_second_get(void)
{
    return *(volatile int *)&second_value;
}

void *roai_second_addr(void)
{
    return &second_value;
}
