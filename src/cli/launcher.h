/* autoseal run for static and static-pie programs: seal them from outside.
 *
 * The program keeps the process autoseal was started in: a short-lived
 * helper (a grandchild) seizes this process (PTRACE_SEIZE; Yama:
 * PR_SET_PTRACER), which then execs the program.  At the program's first
 * stop after execve (before any of its instructions ran) the helper
 * injects mseal calls for the non-writable PT_LOAD segments (tracee.c,
 * ranges from staticplan.c).  When the program has a RELRO that its own
 * startup makes read-only (static glibc, static-pie), the helper follows
 * its system calls until that mprotect has returned, seals RELRO, detaches
 * and exits.  The program then runs untraced, with its own PID, signals
 * and exit status.  Refusals print one line and run the program unsealed. */
#ifndef AUTOSEAL_CLI_LAUNCHER_H
#define AUTOSEAL_CLI_LAUNCHER_H

#include <stdbool.h>

#include "policy.h"
#include "util.h"

struct launch {
    const char *path;     /* the command, resolved (what is exec'd) */
    char **argv;          /* its argv, argv[0] as given */
    const char *image;    /* the ELF file the kernel loads (a script's interpreter) */
    struct as_policy policy;
    const char *config_used;
};

/* Execs the program: sealed by the helper, or unsealed after one line
 * saying why (a failed exec exits 127 or 126). */
AS_NORETURN void launcher_run(const struct launch *l);

#endif
