/* faults-forkserver N EXPECT: a forking server in miniature.  Forks N
 * children (all alive at once), each computes a checksum of its request,
 * checks that its seals were inherited (EXPECT = sealed or unsealed) and
 * reports through a pipe; the parent checks every answer. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static uint32_t answer(uint32_t req)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < 20000; i++) {
        h = (h ^ (req + i)) * 16777619u;
    }
    return h;
}

static int text_sealed(void)
{
    uintptr_t page = (uintptr_t)&answer & ~(uintptr_t)4095;
    return syscall(SYS_mprotect, page, 4096ul, PROT_READ | PROT_EXEC) != 0 && errno == EPERM;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s N sealed|unsealed\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]);
    int want = strcmp(argv[2], "sealed") == 0;
    if (text_sealed() != want) {
        fprintf(stderr, "parent: text is not %s\n", argv[2]);
        return 1;
    }
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
    }
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    if (pids == NULL) {
        return 1;
    }
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] < 0) {
            perror("fork");
            return 1;
        }
        if (pids[i] == 0) {
            close(fds[0]);
            uint32_t msg[3] = {(uint32_t)i, answer((uint32_t)i), (uint32_t)text_sealed()};
            ssize_t w = write(fds[1], msg, sizeof msg); /* < PIPE_BUF: atomic */
            _exit(w == (ssize_t)sizeof msg ? 0 : 1);
        }
    }
    close(fds[1]);
    int bad = 0, got = 0;
    unsigned char *seen = calloc((size_t)n, 1);
    uint32_t msg[3];
    while (read(fds[0], msg, sizeof msg) == (ssize_t)sizeof msg) {
        got++;
        if (msg[0] >= (uint32_t)n || seen[msg[0]] || msg[1] != answer(msg[0]) ||
            (int)msg[2] != want) {
            bad++;
            continue;
        }
        seen[msg[0]] = 1;
    }
    for (int i = 0; i < n; i++) {
        int st;
        if (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            bad++;
        }
    }
    printf("children=%d answers=%d bad=%d\n", n, got, bad);
    return bad == 0 && got == n ? 0 : 1;
}
