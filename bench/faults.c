/* faults: page faults and wall time of exec+exit of a program, per
 * configuration, interleaved (as spawnbench, counting instead of timing).
 *
 *   faults [-n RUNS] NAME [VAR=VALUE]... /PROG [ARG]... [-- NAME ...]
 *
 * Each run is fork + execve + wait4; the child's ru_minflt and ru_majflt
 * come from wait4's rusage.  The child gets this process's environment
 * without LD_PRELOAD and AUTOSEAL_OPTIONS plus the configuration's pairs;
 * stdout/stderr go to /dev/null.  Prints NAME <TAB> median minor faults
 * <TAB> min <TAB> max <TAB> major faults (max), one line per configuration. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct config {
    const char *name;
    char **envp;
    char **argv;
    long *minflt;
    long majmax;
};

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long runs = 50;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
        runs = strtol(argv[i + 1], NULL, 10);
        i += 2;
    }
    if (runs < 1 || i >= argc) {
        fprintf(stderr, "usage: faults [-n RUNS] NAME [VAR=VALUE]... /PROG [ARG]... [-- ...]\n");
        return 2;
    }
    struct config *cfg = calloc((size_t)argc, sizeof *cfg);
    int ncfg = 0;
    size_t nbase = 0;
    for (char **e = environ; *e; e++) {
        nbase++;
    }
    while (i < argc) {
        struct config *c = &cfg[ncfg++];
        c->name = argv[i++];
        c->envp = calloc(nbase + (size_t)argc + 1, sizeof(char *));
        size_t ne = 0;
        for (char **e = environ; *e; e++) {
            if (strncmp(*e, "LD_PRELOAD=", 11) && strncmp(*e, "AUTOSEAL_OPTIONS=", 17)) {
                c->envp[ne++] = *e;
            }
        }
        while (i < argc && argv[i][0] != '/' && strchr(argv[i], '=')) {
            c->envp[ne++] = argv[i++];
        }
        if (i >= argc) {
            fprintf(stderr, "faults: %s: no program\n", c->name);
            return 2;
        }
        c->argv = &argv[i];
        while (i < argc && strcmp(argv[i], "--") != 0) {
            i++;
        }
        if (i < argc) {
            argv[i++] = NULL;
        }
        c->minflt = calloc((size_t)runs, sizeof(long));
    }
    for (long r = -2; r < runs; r++) {
        for (int k = 0; k < ncfg; k++) {
            struct config *c = &cfg[(k + r + 2) % ncfg];
            pid_t pid = fork();
            if (pid == 0) {
                int fd = open("/dev/null", O_RDWR);
                dup2(fd, 1);
                dup2(fd, 2);
                execve(c->argv[0], c->argv, c->envp);
                _exit(127);
            }
            int st;
            struct rusage ru;
            if (pid < 0 || wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
                fprintf(stderr, "faults: %s failed\n", c->name);
                return 1;
            }
            if (r >= 0) {
                c->minflt[r] = ru.ru_minflt;
                if (ru.ru_majflt > c->majmax) {
                    c->majmax = ru.ru_majflt;
                }
            }
        }
    }
    for (int k = 0; k < ncfg; k++) {
        struct config *c = &cfg[k];
        qsort(c->minflt, (size_t)runs, sizeof(long), cmp_long);
        printf("%s\t%ld\t%ld\t%ld\t%ld\n", c->name, c->minflt[runs / 2], c->minflt[0],
               c->minflt[runs - 1], c->majmax);
    }
    return 0;
}
