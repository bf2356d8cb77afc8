/* faults-seccomp ENOSYS|EPERM|KILL|TRAP -- CMD [ARGS]: install a seccomp filter
 * (after PR_SET_NO_NEW_PRIVS) that answers mseal(2) with ENOSYS or EPERM,
 * or kills the process (SECCOMP_RET_KILL_PROCESS), then exec CMD.  For the
 * errno actions the filter is checked first: mseal(0, 0, 0) must fail with
 * that errno (exit 2 otherwise). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define FAULTS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FAULTS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "add this architecture's AUDIT_ARCH"
#endif
#define FAULTS_NR_MSEAL 462

int main(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: %s ENOSYS|EPERM|KILL|TRAP -- CMD [ARGS]\n", argv[0]);
        return 2;
    }
    unsigned action;
    int want = 0;
    if (strcmp(argv[1], "ENOSYS") == 0) {
        action = SECCOMP_RET_ERRNO | ENOSYS;
        want = ENOSYS;
    } else if (strcmp(argv[1], "EPERM") == 0) {
        action = SECCOMP_RET_ERRNO | EPERM;
        want = EPERM;
    } else if (strcmp(argv[1], "KILL") == 0) {
        action = SECCOMP_RET_KILL_PROCESS;
    } else if (strcmp(argv[1], "TRAP") == 0) {
        action = SECCOMP_RET_TRAP; /* SIGSYS: fatal unless handled */
    } else {
        fprintf(stderr, "faults-seccomp: bad action %s\n", argv[1]);
        return 2;
    }
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FAULTS_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FAULTS_NR_MSEAL, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, action),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = (unsigned short)(sizeof f / sizeof f[0]), .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        perror("faults-seccomp: PR_SET_NO_NEW_PRIVS");
        return 2;
    }
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        perror("faults-seccomp: PR_SET_SECCOMP");
        return 2;
    }
    if (want != 0) {
        errno = 0;
        long r = syscall(FAULTS_NR_MSEAL, 0l, 0l, 0l);
        if (r != -1 || errno != want) {
            fprintf(stderr, "faults-seccomp: filter check: mseal returned %ld errno %d, want %d\n",
                    r, errno, want);
            return 2;
        }
    }
    execvp(argv[3], argv + 3);
    perror("faults-seccomp: execvp");
    return 127;
}
