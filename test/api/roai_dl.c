/* A module loaded with dlopen() by the tests: its section registers when it
 * is loaded and unregisters when it is unloaded. */
#include "autoseal.h"

void roai_dl_set(int v);
int roai_dl_get(void);
void *roai_dl_addr(void);

static AUTOSEAL_RO_AFTER_INIT int dl_value = 3;

void roai_dl_set(int v)
{
    *(volatile int *)&dl_value = v;
}

int roai_dl_get(void)
{
    return *(volatile int *)&dl_value;
}

void *roai_dl_addr(void)
{
    return &dl_value;
}
