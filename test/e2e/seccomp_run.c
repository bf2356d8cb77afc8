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
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 462, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, action),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        perror("seccomp");
        return 1;
    }
    execvp(argv[3], argv + 3);
    perror("execvp");
    return 127;
}
