/* The effective policy, and where it comes from.
 *
 * Before the constructor has stored it in the frozen page, the policy is
 * resolved (configuration file, AUTOSEAL_OPTIONS) into a writable staging
 * copy by whichever entry point comes first - another library's
 * constructor may call mmap or dlsym before autoseal's constructor runs.
 * Resolving reads files but never seals.  Afterwards the policy is read
 * from the frozen page only. */
#ifndef AUTOSEAL_RESOLVE_H
#define AUTOSEAL_RESOLVE_H

#include <stdbool.h>

#include "frozen.h"

/* Resolve the policy into the staging copy if no entry point did yet.
 * Safe from any thread and any entry point; never seals, never calls the
 * loader. */
void as_resolve_policy_once(void);
/* The same from the constructor: on the constructor's own stack. */
void as_resolve_policy_ctor(void);

/* The effective policy: the frozen page's once stored, else the staged one
 * (resolving it on first use). */
static inline const struct as_policy *as_policy(void)
{
    if (as_frozen_ready()) {
        return &as_frozen()->policy;
    }
    as_resolve_policy_once();
    return &as_frozen_staging()->policy;
}

/* For the startup summary: which file applied ("none" if none) and the
 * line of the program section that matched (0 if none). */
const char *as_config_used(void);
unsigned as_config_section_line(void);

/* Is this process set-id (AT_SECURE)?  Then the environment is ignored. */
bool as_privileged(void);

/* The executable's real path (/proc/self/exe, symlinks resolved), or NULL;
 * what program sections and exclude= globs match the program against. */
const char *as_program_path(void);

#endif
