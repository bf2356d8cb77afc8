/* autoseal: run programs with libautoseal, inspect seals, check binaries. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "config.h"
#include "util.h"

static void usage(FILE *f)
{
    fputs("Usage: autoseal COMMAND [OPTIONS] [ARGS]\n"
          "\n"
          "Commands:\n"
          "  run [--profile P] [-o KEY=VALUE]... -- CMD [ARGS]\n"
          "                   run CMD with libautoseal preloaded\n"
          "  status [--json] [--require-sealed] PID...   seals of running processes\n"
          "  status --all [--json]                       one line per process, worst first\n"
          "  check [--json] FILE...                      can autoseal protect these ELF files?\n"
          "  systemd [--profile P] [--print] UNIT        drop-in preloading autoseal into UNIT\n"
          "  probe [--json]                              what this machine offers\n"
          "  config check [--env] [FILE]                 validate a configuration file\n"
          "  enable --system [--root DIR]                preload autoseal system-wide\n"
          "  disable --system [--root DIR]               remove it from /etc/ld.so.preload\n"
          "\n"
          "Options:\n"
          "  -h, --help       this help (COMMAND --help for a command)\n"
          "  -V, --version    print the version\n"
          "\n"
          "Exit status: 0 ok, 1 a check failed, 2 usage error.\n"
          "See autoseal(1).\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *c = argv[1];
    if (!strcmp(c, "-h") || !strcmp(c, "--help") || !strcmp(c, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(c, "-V") || !strcmp(c, "--version")) {
        printf("autoseal %s\n", AUTOSEAL_VERSION);
        return EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"run", cmd_run},         {"status", cmd_status}, {"check", cmd_check},
        {"systemd", cmd_systemd}, {"probe", cmd_probe},   {"enable", cmd_enable},
        {"disable", cmd_disable}, {"config", cmd_config},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (!strcmp(c, cmds[i].name)) {
            return cmds[i].fn(argc - 1, argv + 1);
        }
    }
    warnx_("unknown command '%s'", c);
    usage(stderr);
    return EXIT_USAGE;
}
