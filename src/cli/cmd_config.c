/* autoseal config check: validate a configuration file (and, with --env,
 * AUTOSEAL_OPTIONS / AUTOSEAL_CONFIG) with the library's own parser
 * (src/lib/config.c, src/lib/policy.c), in the style of `nginx -t`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/config.h"
#include "cmds.h"
#include "config.h"
#include "policy.h"
#include "util.h"

static const char config_help[] =
    "Usage: autoseal config check [--program PATH] [--quiet] [FILE]\n"
    "       autoseal config check --env [--program PATH] [--quiet]\n"
    "\n"
    "Checks a configuration file with the parser libautoseal uses: every problem\n"
    "is printed as FILE:LINE: problem.  A file with any problem is ignored as a\n"
    "whole by the library (built-in defaults apply), so fix them all.\n"
    "\n"
    "  FILE            the file to check (default: " AUTOSEAL_SYSCONF ", where a\n"
    "                  missing file is fine: the built-in defaults apply)\n"
    "  --env           check the environment instead: AUTOSEAL_OPTIONS, and the\n"
    "                  file AUTOSEAL_CONFIG names when it is set\n"
    "  --program PATH  also print the effective policy for that executable\n"
    "  --root DIR      check DIR" AUTOSEAL_SYSCONF " (an image or chroot)\n"
    "  --quiet         print problems only\n"
    "\n"
    "The system file, and any file when run as root, must be a regular file\n"
    "owned by root and not writable by group or others, as the library demands.\n"
    "\n"
    "Exit status: 0 no problem, 1 problems found, 2 usage error.\n";

struct problems {
    unsigned n;
};

static void print_problem(void *ctx, const char *msg)
{
    struct problems *p = ctx;
    p->n++;
    fprintf(stderr, "%s\n", msg);
}

/* Check one file as the library would read it.  system: the system file
 * (a missing one is fine, ownership always checked).  Returns the number
 * of problems; out gets the layers when there were none. */
static unsigned check_file(const char *path, bool system, const char *exe, bool quiet,
                           struct as_config *out)
{
    static char buf[AS_CONFIG_SIZE_MAX];
    struct problems pr = {0};
    bool strict_owner = system || geteuid() == 0;
    int r = as_config_load_buf(path, strict_owner, exe, buf, sizeof buf, out, print_problem, &pr);
    if (r == -ENOENT) {
        memset(out, 0, sizeof *out);
        if (system) {
            if (!quiet) {
                printf("%s: no such file: the built-in defaults apply\n", path);
            }
            return 0;
        }
        fprintf(stderr, "%s: no such file\n", path);
        return 1;
    }
    if (r != 0 && pr.n == 0) {
        fprintf(stderr, "%s: cannot be used (error %d)\n", path, -r);
        pr.n = 1;
    }
    if (pr.n) {
        fprintf(stderr, "%s: %u problem%s: libautoseal ignores this file and applies the built-in "
                "defaults (profile=default)\n", path, pr.n, pr.n == 1 ? "" : "s");
    } else if (!quiet) {
        printf("%s: ok", path);
        if (exe) {
            printf(" (%u section%s match %s)", out->matched, out->matched == 1 ? "" : "s", exe);
        }
        printf("\n");
    }
    return pr.n;
}

static void print_policy(const char *exe, const struct as_settings *layers, size_t n)
{
    struct as_policy p;
    as_policy_resolve(&p, layers, n);
    char line[4096];
    as_policy_format(&p, line, sizeof line);
    printf("policy for %s: %s\n", exe, line);
}

int config_check_system(const char *root, bool quiet)
{
    char *path = root ? xasprintf("%s%s", root, AUTOSEAL_SYSCONF) : xstrdup(AUTOSEAL_SYSCONF);
    struct as_config cfg;
    unsigned n = check_file(path, true, NULL, quiet, &cfg);
    free(path);
    return n ? EXIT_CHECK : EXIT_OK;
}

static int cmd_config_check(int argc, char **argv)
{
    const char *file = NULL, *exe = NULL, *root = NULL, *v;
    bool env = false, quiet = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(config_help, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--env")) {
            env = true;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = true;
        } else if (opt_value(argc, argv, &i, "--program", &v, "config check")) {
            exe = v;
        } else if (opt_value(argc, argv, &i, "--root", &v, "config check")) {
            root = v;
        } else if (!strcmp(a, "--")) {
            if (i + 1 < argc) {
                if (file || i + 2 < argc) {
                    die_usage("config check", "only one FILE is accepted");
                }
                file = argv[i + 1];
            }
            break;
        } else if (a[0] == '-' && a[1] != '\0') {
            die_usage("config check", "unknown option '%s'", a);
        } else if (file) {
            die_usage("config check", "only one FILE is accepted");
        } else {
            file = a;
        }
    }
    if (env && (file || root)) {
        die_usage("config check", "--env checks the environment: give no FILE or --root");
    }
    if (file && root) {
        die_usage("config check", "--root and FILE exclude each other");
    }
    if (exe && exe[0] != '/') {
        die_usage("config check", "--program needs the executable's absolute real path");
    }

    struct as_settings layers[3];
    size_t nl = 0;
    unsigned problems = 0;
    struct as_config cfg;
    if (!env) {
        char *path = file ? xstrdup(file)
                          : root ? xasprintf("%s%s", root, AUTOSEAL_SYSCONF)
                                 : xstrdup(AUTOSEAL_SYSCONF);
        problems += check_file(path, file == NULL, exe, quiet, &cfg);
        free(path);
        layers[nl++] = cfg.global;
        layers[nl++] = cfg.program;
    } else {
        const char *cfgfile = getenv("AUTOSEAL_CONFIG");
        if (cfgfile && *cfgfile) {
            problems += check_file(cfgfile, false, exe, quiet, &cfg);
        } else {
            problems += check_file(AUTOSEAL_SYSCONF, true, exe, quiet, &cfg);
        }
        layers[nl++] = cfg.global;
        layers[nl++] = cfg.program;
        const char *opts = getenv("AUTOSEAL_OPTIONS");
        if (opts == NULL) {
            if (!quiet) {
                printf("AUTOSEAL_OPTIONS: not set\n");
            }
        } else {
            struct problems pr = {0};
            memset(&layers[nl], 0, sizeof layers[nl]);
            as_options_parse(&layers[nl], opts, print_problem, &pr);
            nl++;
            if (pr.n) {
                fprintf(stderr, "AUTOSEAL_OPTIONS: %u problem%s: libautoseal skips the bad "
                        "items and applies the others\n", pr.n, pr.n == 1 ? "" : "s");
            } else if (!quiet) {
                printf("AUTOSEAL_OPTIONS: ok\n");
            }
            problems += pr.n;
        }
    }
    if (exe) {
        print_policy(exe, layers, nl);
    }
    return problems ? EXIT_CHECK : EXIT_OK;
}

int cmd_config(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(config_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (!strcmp(argv[1], "check")) {
        return cmd_config_check(argc - 1, argv + 1);
    }
    die_usage("config", "unknown subcommand '%s' (expected: check)", argv[1]);
}
