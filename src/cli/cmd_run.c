/* autoseal run: exec a command with libautoseal preloaded. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "launcher.h"
#include "policy.h"
#include "preflight.h"
#include "progpolicy.h"
#include "util.h"

static const char run_help[] =
    "Usage: autoseal run [--profile P] [-o KEY=VALUE]... [-q] [--] CMD [ARGS]\n"
    "\n"
    "Run CMD with libautoseal preloaded.  The library is appended to any\n"
    "existing LD_PRELOAD (sanitizer runtimes stay first); settings go to CMD\n"
    "through AUTOSEAL_OPTIONS, after any AUTOSEAL_OPTIONS already set (later\n"
    "settings win).  CMD replaces autoseal (exec), so the exit status is CMD's;\n"
    "126/127 when CMD cannot be executed or is not found.\n"
    "\n"
    "  --profile P       profile=P (default, strict, jit)\n"
    "  -o KEY=VALUE      any setting, e.g. -o mode=audit -o log=stderr\n"
    "  -q, --quiet       no warnings about programs LD_PRELOAD cannot reach\n"
    "\n"
    "Before running CMD, a warning says when LD_PRELOAD cannot apply: a\n"
    "setuid/setgid/file-capability program, or the library on a noexec mount.\n"
    "\n"
    "Static and static-pie programs (no dynamic loader runs, so LD_PRELOAD\n"
    "cannot reach them) are sealed from outside instead: autoseal execs CMD\n"
    "in its own process, and a short-lived helper traces it: it seals CMD's\n"
    "text and read-only data before its first instruction, its RELRO right\n"
    "after its own startup made it read-only, then detaches and exits.  CMD\n"
    "runs untraced with the PID autoseal had, its environment, signals and\n"
    "exit status unchanged.\n"
    "The configuration file and AUTOSEAL_OPTIONS apply as for the library\n"
    "(mode, exclude, data, execmem=kernel, vdso, log).  Privileged programs,\n"
    "refused ptrace or mseal, and other architectures than x86-64: one line\n"
    "on stderr, and CMD runs unsealed.\n";

/* Validate one KEY=VALUE through the library's own parser. */
static void check_setting(struct as_settings *s, const char *kv)
{
    char err[256];
    if (as_settings_set_kv(s, kv, err, sizeof err) != 0) {
        die_usage("run", "-o %s: %s", kv, err);
    }
}

/* Append lib to an LD_PRELOAD value unless it is already there. */
static char *append_preload(const char *old, const char *lib)
{
    if (old == NULL || *old == '\0') {
        return xstrdup(lib);
    }
    size_t ll = strlen(lib);
    for (const char *p = old; *p;) {
        size_t n = strcspn(p, " :");
        if (n == ll && memcmp(p, lib, ll) == 0) {
            return xstrdup(old);
        }
        p += n;
        p += strspn(p, " :");
    }
    return xasprintf("%s:%s", old, lib);
}

int cmd_run(int argc, char **argv)
{
    struct as_settings s = {0};
    struct sbuf opts = {0};
    bool quiet = false;
    int first = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--")) {
            first = i + 1;
            break;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(run_help, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = true;
        } else if (opt_value(argc, argv, &i, "--profile", &v, "run")) {
            char *kv = xasprintf("profile=%s", v);
            check_setting(&s, kv);
            sb_printf(&opts, "%s%s", opts.len ? "," : "", kv);
            free(kv);
        } else if (opt_value(argc, argv, &i, "--option", &v, "run") ||
                   opt_value(argc, argv, &i, "-o", &v, "run")) {
            check_setting(&s, v);
            sb_printf(&opts, "%s%s", opts.len ? "," : "", v);
        } else if (!strncmp(a, "-o", 2) && a[2]) {
            check_setting(&s, a + 2);
            sb_printf(&opts, "%s%s", opts.len ? "," : "", a + 2);
        } else if (a[0] == '-' && a[1] != '\0') {
            die_usage("run", "unknown option '%s'", a);
        } else {
            first = i;
            break;
        }
    }
    if (first >= argc) {
        die_usage("run", "no command given");
    }
    char *path = resolve_command(argv[first]);
    char *image = path ? preflight_image(path) : NULL;
    if (image && preflight_is_static(image)) {
        char real[PATH_MAX];
        struct launch l = {.path = path, .argv = argv + first,
                           .image = realpath(image, real) ? real : image};
        prog_policy(l.image, &s, &l.policy, &l.config_used);
        launcher_run(&l); /* execs the program */
    }
    free(image);
    const char *how;
    char *lib = autoseal_library_path(&how);
    if (path && !quiet) {
        preflight_warn(path, lib);
    }
    free(path);

    char *preload = append_preload(getenv("LD_PRELOAD"), lib);
    if (setenv("LD_PRELOAD", preload, 1) != 0) {
        die(EXIT_CHECK, "cannot set LD_PRELOAD");
    }
    if (opts.len) {
        const char *old = getenv("AUTOSEAL_OPTIONS");
        char *merged = old && *old ? xasprintf("%s,%s", old, opts.s) : xstrdup(opts.s);
        if (setenv("AUTOSEAL_OPTIONS", merged, 1) != 0) {
            die(EXIT_CHECK, "cannot set AUTOSEAL_OPTIONS");
        }
        free(merged);
    }
    fflush(NULL);
    execvp(argv[first], argv + first);
    int e = errno;
    warnx_("cannot run %s: %s", argv[first], strerror(e));
    return e == ENOENT ? 127 : 126;
}
