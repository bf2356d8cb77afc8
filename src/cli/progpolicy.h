/* The policy that applies to one program, resolved exactly as the preload
 * library resolves it (src/lib/resolve.c): the configuration file (the system
 * one, or AUTOSEAL_CONFIG), its global section and the program sections
 * matching the program's real path, then AUTOSEAL_OPTIONS, then the
 * settings given on the command line.  Built from the library's own parser
 * and resolver (config.c, policy.c): no second implementation. */
#ifndef AUTOSEAL_CLI_PROGPOLICY_H
#define AUTOSEAL_CLI_PROGPOLICY_H

#include "policy.h"

/* exe: the program's real path (program sections), or NULL.  cli: settings
 * given with -o/--profile (may be NULL).  Problems with the file or the
 * options are printed on stderr (one line each) and, like the library, leave
 * the built-in defaults in force for that layer.  *config_used: the file
 * whose settings applied, or "none". */
void prog_policy(const char *exe, const struct as_settings *cli, struct as_policy *out,
                 const char **config_used);

/* Does an exclude= glob of p match path? */
bool prog_policy_excludes(const struct as_policy *p, const char *path);

#endif
