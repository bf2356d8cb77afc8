/* spawnbench: time exec+exit of programs under several configurations,
 * interleaved.
 *
 *   spawnbench [-n RUNS] [-w WARMUP] [-s SEED] CONFIG [-- CONFIG]...
 *   CONFIG:    NAME [VAR=VALUE]... /ABS/PROG [ARG]...
 *
 * Every iteration runs each configuration once, in an order shuffled anew
 * for each iteration (Fisher-Yates, seeded), so slow drift of a shared
 * machine falls on all configurations alike.  One run is posix_spawn() +
 * waitpid(), timed with CLOCK_MONOTONIC.  The child gets this process's
 * environment without LD_PRELOAD and AUTOSEAL_OPTIONS, plus the
 * configuration's VAR=VALUE pairs; stdin, stdout and stderr are /dev/null.
 * A child that does not exit with status 0 is an error (exit 1).
 * SPAWNBENCH_NS=/proc/PID/ns/mnt (a pseudo-variable, not passed on): the
 * child joins that mount namespace before its exec (vfork + setns + execve
 * instead of posix_spawn; compare such configurations with each other).
 *
 * Output on stdout, one line per timed run: NAME <TAB> ITERATION <TAB> NS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct config {
    const char *name;
    int ns_fd; /* -1: posix_spawn in our own mount namespace */
    char **envp;
    char **argv;
};

static void usage(void)
{
    fprintf(stderr, "usage: spawnbench [-n RUNS] [-w WARMUP] [-s SEED] "
                    "NAME [VAR=VALUE]... /PROG [ARG]... [-- NAME ...]\n");
    exit(2);
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n, sz);
    if (p == NULL) {
        perror("spawnbench: calloc");
        exit(1);
    }
    return p;
}

static int env_drop(const char *e)
{
    return strncmp(e, "LD_PRELOAD=", 11) == 0 || strncmp(e, "AUTOSEAL_OPTIONS=", 17) == 0;
}

/* parse one configuration from argv[*i]; stops at "--" or the end */
static void parse_config(int argc, char **argv, int *i, struct config *c)
{
    size_t nenv = 0, nbase = 0;
    c->name = argv[(*i)++];
    int first_env = *i;
    while (*i < argc && argv[*i][0] != '/' && strchr(argv[*i], '=') != NULL) {
        (*i)++;
    }
    int nvars = *i - first_env;
    if (*i >= argc || argv[*i][0] != '/') {
        fprintf(stderr, "spawnbench: configuration %s: no absolute program path\n", c->name);
        usage();
    }
    for (char **e = environ; *e != NULL; e++) {
        nbase++;
    }
    c->envp = xcalloc(nbase + (size_t)nvars + 1, sizeof(char *));
    for (char **e = environ; *e != NULL; e++) {
        if (env_drop(*e)) {
            continue;
        }
        /* a configuration variable replaces an inherited one */
        size_t kl = strcspn(*e, "=");
        int overridden = 0;
        for (int v = 0; v < nvars; v++) {
            const char *cv = argv[first_env + v];
            if (strncmp(cv, *e, kl + 1) == 0) {
                overridden = 1;
            }
        }
        if (!overridden) {
            c->envp[nenv++] = *e;
        }
    }
    c->ns_fd = -1;
    for (int v = 0; v < nvars; v++) {
        const char *cv = argv[first_env + v];
        if (strncmp(cv, "SPAWNBENCH_NS=", 14) == 0) {
            c->ns_fd = open(cv + 14, O_RDONLY | O_CLOEXEC);
            if (c->ns_fd < 0) {
                fprintf(stderr, "spawnbench: %s: %s: %s\n", c->name, cv + 14, strerror(errno));
                exit(1);
            }
            continue;
        }
        c->envp[nenv++] = argv[first_env + v];
    }
    int first_arg = *i;
    while (*i < argc && strcmp(argv[*i], "--") != 0) {
        (*i)++;
    }
    int nargs = *i - first_arg;
    c->argv = xcalloc((size_t)nargs + 1, sizeof(char *));
    for (int a = 0; a < nargs; a++) {
        c->argv[a] = argv[first_arg + a];
    }
    if (*i < argc) {
        (*i)++; /* skip "--" */
    }
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t run_once(const struct config *c, const posix_spawn_file_actions_t *fa)
{
    pid_t pid;
    int st;
    uint64_t t0 = now_ns();
    int r = 0;
    if (c->ns_fd >= 0) {
        pid = vfork();
        if (pid == 0) {
            int nul = open("/dev/null", O_RDWR);
            if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0 ||
                setns(c->ns_fd, CLONE_NEWNS) != 0) {
                _exit(126);
            }
            execve(c->argv[0], c->argv, c->envp);
            _exit(127);
        }
        r = pid < 0 ? errno : 0;
    } else {
        r = posix_spawn(&pid, c->argv[0], fa, NULL, c->argv, c->envp);
    }
    if (r != 0) {
        fprintf(stderr, "spawnbench: %s: posix_spawn %s: %s\n", c->name, c->argv[0], strerror(r));
        exit(1);
    }
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            perror("spawnbench: waitpid");
            exit(1);
        }
    }
    uint64_t t1 = now_ns();
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "spawnbench: %s: %s failed (status 0x%x)\n", c->name, c->argv[0], st);
        exit(1);
    }
    return t1 - t0;
}

/* xorshift64*: small, seeded, good enough for shuffling */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

int main(int argc, char **argv)
{
    long runs = 100, warmup = 5;
    unsigned long long seed = 1;
    int opt;
    while ((opt = getopt(argc, argv, "+n:w:s:")) != -1) {
        switch (opt) {
        case 'n':
            runs = strtol(optarg, NULL, 10);
            break;
        case 'w':
            warmup = strtol(optarg, NULL, 10);
            break;
        case 's':
            seed = strtoull(optarg, NULL, 10);
            break;
        default:
            usage();
        }
    }
    if (runs < 1 || warmup < 0 || optind >= argc) {
        usage();
    }
    rng_state = seed ? seed : 1;
    struct config *cfg = xcalloc((size_t)argc, sizeof *cfg);
    int ncfg = 0;
    for (int i = optind; i < argc;) {
        parse_config(argc, argv, &i, &cfg[ncfg++]);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    for (int fd = 0; fd <= 2; fd++) {
        posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
    }
    int *order = xcalloc((size_t)ncfg, sizeof *order);
    for (int k = 0; k < ncfg; k++) {
        order[k] = k;
    }
    for (long it = -warmup; it < runs; it++) {
        for (int k = ncfg - 1; k > 0; k--) {
            int j = (int)(rng() % (uint64_t)(k + 1));
            int t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        for (int k = 0; k < ncfg; k++) {
            const struct config *c = &cfg[order[k]];
            uint64_t ns = run_once(c, &fa);
            if (it >= 0) {
                printf("%s\t%ld\t%llu\n", c->name, it, (unsigned long long)ns);
            }
        }
    }
    posix_spawn_file_actions_destroy(&fa);
    return fflush(stdout) == 0 ? 0 : 1;
}
