/* For test programs: install a seccomp filter that answers one system call
 * with action (SECCOMP_RET_ERRNO | e, SECCOMP_RET_KILL_PROCESS, ...) and
 * allows every other, after PR_SET_NO_NEW_PRIVS.  0, or -1 with errno. */
#ifndef AUTOSEAL_TEST_SECCOMP_ONE_H
#define AUTOSEAL_TEST_SECCOMP_ONE_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

static inline int seccomp_one(unsigned nr, unsigned action)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, action),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        return -1;
    }
    return 0;
}

#endif
