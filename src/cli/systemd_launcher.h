/* autoseal systemd for a unit whose ExecStart= program is static: LD_PRELOAD
 * cannot reach it, so the drop-in wraps ExecStart= in `autoseal run --`
 * (the launcher seals it from outside).  Kept apart from cmd_systemd.c. */
#ifndef AUTOSEAL_CLI_SYSTEMD_LAUNCHER_H
#define AUTOSEAL_CLI_SYSTEMD_LAUNCHER_H

#include <stdbool.h>

#include "unitfile.h"
#include "util.h"

/* Is the unit's ExecStart= program (under root, may be NULL) static? */
bool systemd_exec_is_static(const struct unit_info *u, const char *root);

/* Warn about unit settings that conflict with the launcher and write the
 * drop-in into d.  opts: "key=value,..." for `autoseal run -o`; from_show:
 * the unit was read with `systemctl show` (specifiers already expanded).
 * Returns 0, or -1 after a message (the unit cannot be wrapped safely). */
int systemd_launcher_dropin(const struct unit_info *u, const char *unit, const char *source,
                            const char *opts, bool from_show, struct sbuf *d);

#endif
