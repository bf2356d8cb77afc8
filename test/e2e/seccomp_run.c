/* seccomp_run ENOSYS|EPERM|KILL -- CMD ARGS: run CMD with a seccomp filter
 * that answers mseal(2) with that errno (or kills the process), like a
 * container runtime that does not know the system call. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../lib/seccomp_one.h"

int main(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: %s ENOSYS|EPERM|KILL -- CMD [ARGS]\n", argv[0]);
        return 2;
    }
    unsigned action;
    if (strcmp(argv[1], "ENOSYS") == 0) {
        action = SECCOMP_RET_ERRNO | ENOSYS;
    } else if (strcmp(argv[1], "EPERM") == 0) {
        action = SECCOMP_RET_ERRNO | EPERM;
    } else if (strcmp(argv[1], "KILL") == 0) {
        action = SECCOMP_RET_KILL_PROCESS;
    } else {
        fprintf(stderr, "bad action %s\n", argv[1]);
        return 2;
    }
    if (seccomp_one(462, action) != 0) {
        perror("seccomp");
        return 1;
    }
    execvp(argv[3], argv + 3);
    perror("execvp");
    return 127;
}
