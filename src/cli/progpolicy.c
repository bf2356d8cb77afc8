#include "progpolicy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/config.h" /* the configuration parser */
#include "config.h"        /* the CLI's generated one: AUTOSEAL_SYSCONF */
#include "glob.h"
#include "util.h"

static void print_problem(void *ctx, const char *msg)
{
    (void)ctx;
    warnx_("%s", msg);
}

void prog_policy(const char *exe, const struct as_settings *cli, struct as_policy *out,
                 const char **config_used)
{
    struct as_settings layers[4];
    size_t n = 0;
    const char *path = AUTOSEAL_SYSCONF;
    bool strict_owner = true;
    const char *env_cfg = getenv("AUTOSEAL_CONFIG");
    if (env_cfg && *env_cfg) {
        path = env_cfg;
        strict_owner = geteuid() == 0;
    }
    *config_used = "none";
    static struct as_config cfg;
    static char buf[AS_CONFIG_SIZE_MAX];
    int r = as_config_load_buf(path, strict_owner, exe, buf, sizeof buf, &cfg, print_problem, NULL);
    if (r == 0) {
        layers[n++] = cfg.global;
        layers[n++] = cfg.program;
        *config_used = path;
    } else if (r != -ENOENT) {
        warnx_("%s: configuration file ignored: built-in defaults apply", path);
    } else if (path == env_cfg) {
        warnx_("AUTOSEAL_CONFIG names a file that does not exist (%s): built-in defaults apply",
               path);
    }
    const char *opts = getenv("AUTOSEAL_OPTIONS");
    if (opts) {
        memset(&layers[n], 0, sizeof layers[n]);
        as_options_parse(&layers[n], opts, print_problem, NULL);
        n++;
    }
    if (cli) {
        layers[n++] = *cli;
    }
    as_policy_resolve(out, layers, n);
}

bool prog_policy_excludes(const struct as_policy *p, const char *path)
{
    for (unsigned i = 0; i < p->nexclude; i++) {
        if (as_glob_match(p->exclude[i], strlen(p->exclude[i]), path, strlen(path))) {
            return true;
        }
    }
    return false;
}
