/* noptrace -- CMD ARGS: run CMD with a seccomp filter that answers ptrace(2)
 * with EPERM, like a container runtime's policy that forbids tracing. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/seccomp_one.h"

int main(int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "--") != 0) {
        fprintf(stderr, "usage: %s -- CMD [ARGS]\n", argv[0]);
        return 2;
    }
    if (seccomp_one(SYS_ptrace, SECCOMP_RET_ERRNO | EPERM) != 0) {
        perror("seccomp");
        return 1;
    }
    execvp(argv[2], argv + 2);
    perror("execvp");
    return 127;
}
