/* autoseal run for static and static-pie programs: seal them from outside.
 *
 * The launcher forks; the child asks to be traced (PTRACE_TRACEME), stops,
 * and execs the program.  At the program's first stop after execve (before
 * any of its instructions ran) the launcher injects mseal calls for the
 * non-writable PT_LOAD segments (tracee.c, ranges from staticplan.c).  When
 * the program has a RELRO that its own startup makes read-only (static
 * glibc, static-pie), the launcher follows its system calls until that
 * mprotect has returned, seals RELRO, and detaches.  The program then runs
 * untraced; the launcher waits for it, forwards SIGHUP, SIGINT, SIGQUIT,
 * SIGTERM, SIGUSR1 and SIGUSR2, and exits with its status (or dies of
 * its signal).  Refusals print one line and run the program unsealed. */
#ifndef AUTOSEAL_CLI_LAUNCHER_H
#define AUTOSEAL_CLI_LAUNCHER_H

#include <stdbool.h>

#include "policy.h"

struct launch {
    const char *path;     /* the command, resolved (what is exec'd) */
    char **argv;          /* its argv, argv[0] as given */
    const char *image;    /* the ELF file the kernel loads (a script's interpreter) */
    struct as_policy policy;
    const char *config_used;
};

/* Runs the program; returns the exit status for autoseal (or does not
 * return: exec, or death by the program's signal). */
int launcher_run(const struct launch *l);

#endif
