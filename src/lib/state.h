/* libautoseal's global state: the policy page (read-only and sealed once
 * the constructor is done) and the runtime counters (writable). */
#ifndef AUTOSEAL_STATE_H
#define AUTOSEAL_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

#if defined(__aarch64__) || defined(__powerpc64__)
#define AS_PAGE_ALIGN 65536
#else
#define AS_PAGE_ALIGN 4096
#endif

struct as_frozen {
    struct as_policy policy;
};

union as_policy_page {
    struct as_frozen f;
    unsigned char pad[AS_PAGE_ALIGN];
};

extern union as_policy_page as_page;

/* Initialise the policy if that has not happened yet.  Safe to call from
 * any entry point, in any thread, before or after the constructor; never
 * seals anything. */
void as_init_policy(void);

/* The effective policy (initialising it if needed). */
static inline const struct as_policy *as_policy(void)
{
    as_init_policy();
    return &as_page.f.policy;
}

#endif
