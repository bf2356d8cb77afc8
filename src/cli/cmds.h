/* Subcommand entry points: each returns the process exit status. */
#ifndef AUTOSEAL_CLI_CMDS_H
#define AUTOSEAL_CLI_CMDS_H

int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_systemd(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_config(int argc, char **argv);

#include <stdbool.h>
/* `autoseal config check` of the system file (under root when not NULL):
 * problems on stderr; EXIT_OK or EXIT_CHECK.  For commands that enable
 * autoseal. */
int config_check_system(const char *root, bool quiet);
int cmd_enable(int argc, char **argv);
int cmd_disable(int argc, char **argv);

#endif
