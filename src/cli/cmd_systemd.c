/* autoseal systemd: a drop-in that preloads autoseal into a unit. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmds.h"
#include "config.h"
#include "policy.h"
#include "preflight.h"
#include "systemd_launcher.h"
#include "unitfile.h"
#include "util.h"

static const char systemd_help[] =
    "Usage: autoseal systemd [--profile P] [-o KEY=VALUE]... [--print]\n"
    "                        [--root DIR | --dir DIR] UNIT\n"
    "\n"
    "Write a drop-in UNIT.d/autoseal.conf that preloads libautoseal into UNIT\n"
    "(Environment=LD_PRELOAD=..., keeping the unit's own LD_PRELOAD first) and\n"
    "sets AUTOSEAL_OPTIONS for the profile.  The unit's LD_PRELOAD is read with\n"
    "'systemctl show' when systemd runs; otherwise from the unit file (UNIT may\n"
    "be a path to it).  Warns about unit settings that conflict: a\n"
    "SystemCallFilter= allow-list without mseal (or a deny-list with it),\n"
    "MemoryDenyWriteExecute=yes with a JIT, NoExecPaths= covering the library.\n"
    "\n"
    "  --profile P      profile=P in AUTOSEAL_OPTIONS (default: default)\n"
    "  -o KEY=VALUE     more settings for AUTOSEAL_OPTIONS\n"
    "  --print          print the drop-in instead of writing it\n"
    "  --root DIR       write under DIR/etc/systemd/system and read units under DIR\n"
    "  --dir DIR        write DIR/UNIT.d/autoseal.conf (unit directory)\n"
    "\n"
    "Default destination: /etc/systemd/system/UNIT.d/autoseal.conf; run\n"
    "'systemctl daemon-reload' and restart the unit afterwards.\n"
    "Exit status: 0 written or printed, 1 the unit or the destination could not\n"
    "be read or written, 2 usage error.\n";

static const char *const jit_names[] = {"node", "nodejs", "java", "luajit", "qemu-system-x86_64",
                                        "dotnet", "mono", "pypy", "pypy3", "beam.smp", NULL};

static bool looks_like_jit(const char *exec)
{
    if (!exec) {
        return false;
    }
    const char *b = strrchr(exec, '/');
    b = b ? b + 1 : exec;
    for (size_t i = 0; jit_names[i]; i++) {
        if (!strcmp(b, jit_names[i])) {
            return true;
        }
    }
    return false;
}

/* Run argv, capture stdout (bounded).  Returns exit status or -1. */
static int capture(const char *const argv[], char **out, size_t *len)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        int dn = open("/dev/null", O_RDWR);
        if (dn >= 0) {
            dup2(dn, 0);
            dup2(dn, 2);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    struct sbuf b = {0};
    sb_add(&b, "", 0);
    sb_read_fd(&b, fds[0], 1u << 20);
    close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            sb_free(&b);
            return -1;
        }
    }
    *out = b.s;
    *len = b.len;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool systemd_running(void)
{
    struct stat st;
    return stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

static int read_unit_file(const char *root, const char *dir, const char *unit, bool is_path,
                          char **path_out, struct unit_info *u)
{
    const char *dirs[] = {"/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system",
                          "/lib/systemd/system"};
    char *buf = NULL;
    size_t len;
    if (is_path) {
        if (read_file(unit, 1 << 20, true, &buf, &len) == 0) {
            *path_out = xstrdup(unit);
        }
    } else {
        if (dir) {
            char *p = xasprintf("%s/%s", dir, unit);
            if (read_file(p, 1 << 20, true, &buf, &len) == 0) {
                *path_out = p;
            } else {
                free(p);
            }
        }
        for (size_t i = 0; !buf && i < sizeof dirs / sizeof dirs[0]; i++) {
            char *p = xasprintf("%s%s/%s", root ? root : "", dirs[i], unit);
            if (read_file(p, 1 << 20, true, &buf, &len) == 0) {
                *path_out = p;
            } else {
                free(p);
            }
        }
    }
    if (!buf) {
        return -1;
    }
    unit_parse(buf, len, false, u);
    free(buf);
    return 0;
}

static void add_setting(struct as_settings *s, struct sbuf *opts, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (eq == NULL || eq == kv) {
        die_usage("systemd", "'%s' is not KEY=VALUE", kv);
    }
    if (strchr(kv, ',')) {
        die_usage("systemd", "'%s': a value cannot contain ','", kv);
    }
    char err[256];
    if (as_settings_set(s, kv, (size_t)(eq - kv), eq + 1, strlen(eq + 1), err, sizeof err) != 0) {
        die_usage("systemd", "%s", err);
    }
    sb_printf(opts, "%s%s", opts->len ? "," : "", kv);
}

static int mkdirs(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    }
    int r = mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return r;
}

int cmd_systemd(int argc, char **argv)
{
    struct as_settings s = {0};
    struct sbuf opts = {0};
    const char *root = NULL, *dir = NULL, *unit_arg = NULL, *profile = "default", *v;
    bool print = false;
    struct sbuf extra = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(systemd_help, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--print")) {
            print = true;
        } else if (opt_value(argc, argv, &i, "--profile", &v, "systemd")) {
            profile = v;
        } else if (opt_value(argc, argv, &i, "--root", &v, "systemd")) {
            root = v;
        } else if (opt_value(argc, argv, &i, "--dir", &v, "systemd")) {
            dir = v;
        } else if (opt_value(argc, argv, &i, "-o", &v, "systemd") ||
                   opt_value(argc, argv, &i, "--option", &v, "systemd")) {
            sb_printf(&extra, "%s%s", extra.len ? "\n" : "", v);
        } else if (a[0] == '-' && a[1] != '\0') {
            die_usage("systemd", "unknown option '%s'", a);
        } else if (unit_arg) {
            die_usage("systemd", "only one UNIT is accepted");
        } else {
            unit_arg = a;
        }
    }
    if (!unit_arg) {
        die_usage("systemd", "no UNIT given");
    }
    if (root && dir) {
        die_usage("systemd", "--root and --dir exclude each other");
    }
    char *pk = xasprintf("profile=%s", profile);
    add_setting(&s, &opts, pk);
    free(pk);
    for (char *p = extra.s; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl) {
            *nl = '\0';
        }
        add_setting(&s, &opts, p);
        p = nl ? nl + 1 : p + strlen(p);
    }
    sb_free(&extra);

    bool is_path = strchr(unit_arg, '/') != NULL;
    const char *base = is_path ? strrchr(unit_arg, '/') + 1 : unit_arg;
    char *unit = strchr(base, '.') ? xstrdup(base) : xasprintf("%s.service", base);
    if (!*base || strchr(unit, '/') || unit[0] == '.') {
        die_usage("systemd", "'%s' is not a unit name", unit_arg);
    }

    struct unit_info u;
    memset(&u, 0, sizeof u);
    const char *source;
    char *unit_path = NULL;
    if (!is_path && !root && !dir && systemd_running()) {
        char *out;
        size_t len;
        const char *args[] = {"systemctl", "show", "-p", "Environment", "-p", "SystemCallFilter",
                        "-p", "MemoryDenyWriteExecute", "-p", "NoExecPaths", "-p", "ExecPaths",
                        "-p", "ExecStart", "-p", "EnvironmentFiles", "-p", "Type",
                        "-p", "NotifyAccess", "-p", "KillMode", "--", unit, NULL};
        if (capture(args, &out, &len) != 0) {
            die(EXIT_CHECK, "systemctl show %s failed", unit);
        }
        unit_parse(out, len, true, &u);
        free(out);
        source = "systemctl show";
    } else {
        if (read_unit_file(root, dir, is_path ? unit_arg : unit, is_path, &unit_path, &u) != 0) {
            die(EXIT_CHECK, "cannot read the unit file of %s (systemd is not running here: give "
                "the unit file's path, or --root/--dir where it lives)", unit);
        }
        source = unit_path;
    }

    const char *how;
    char *lib = autoseal_library_path(&how);
    if (strcmp(how, "installed") != 0) {
        warnx_("note: using the %s library %s; a drop-in for a real service should point at "
               "the installed %s/libautoseal.so", how, lib, AUTOSEAL_PKGLIBDIR);
    }
    /* A bad configuration file would make the service run with the built-in
     * defaults instead of what the administrator wrote: enable nothing. */
    if (config_check_system(root, true) != EXIT_OK) {
        die(EXIT_CHECK, "fix the configuration first ('autoseal config check'): no drop-in written");
    }
    /* A static ExecStart= program: wrapped in 'autoseal run' instead. */
    bool launcher = systemd_exec_is_static(&u, root);
    /* Conflicts. */
    if (u.syscall_allow && !u.allow_has_mseal) {
        warnx_("warning: %s: SystemCallFilter= is an allow-list without mseal: the service is "
               "killed with SIGSYS when autoseal seals; add 'SystemCallFilter=mseal' to the unit "
               "(needs a systemd/libseccomp that knows mseal) or do not use autoseal there", unit);
    }
    if (u.deny_has_mseal) {
        warnx_("warning: %s: SystemCallFilter= denies mseal: nothing will be sealed; remove "
               "mseal from the deny-list", unit);
    }
    if (u.mdwe && (looks_like_jit(u.exec_start) || !strcmp(profile, "jit"))) {
        warnx_("warning: %s: MemoryDenyWriteExecute=yes together with a JIT (%s): the JIT "
               "fails whatever autoseal does; set MemoryDenyWriteExecute=no for this unit or "
               "run the program without its JIT", unit,
               u.exec_start ? u.exec_start : "profile=jit");
    }
    if (!launcher && unit_noexec_covers(&u, lib)) {
        warnx_("warning: %s: NoExecPaths= covers %s: the loader cannot map it; add "
               "'ExecPaths=%s' to the unit", unit, lib, lib);
    }
    if (u.has_env_file) {
        warnx_("note: %s uses EnvironmentFile=, which autoseal does not read: an LD_PRELOAD "
               "set there is replaced by the drop-in's", unit);
    }
    if (!launcher && u.exec_start && u.exec_start[0] == '/') {
        char *p = xasprintf("%s%s", root ? root : "", u.exec_start);
        if (access(p, F_OK) == 0) {
            preflight_warn(p, lib);
        }
        free(p);
    }

    /* The drop-in. */
    char *preload;
    if (u.ld_preload && *u.ld_preload) {
        preload = strstr(u.ld_preload, lib) ? xstrdup(u.ld_preload)
                                             : xasprintf("%s %s", u.ld_preload, lib);
    } else {
        preload = xstrdup(lib);
    }
    char *epre = unit_escape(preload), *eopt = unit_escape(opts.s);
    struct sbuf d = {0};
    sb_printf(&d,
              "# Generated by autoseal %s ('autoseal systemd %s'; unit read from %s).\n"
              "# Preloads libautoseal, keeping the unit's own LD_PRELOAD first.\n"
              "# Undo: remove this file, then 'systemctl daemon-reload'.\n"
              "[Service]\n"
              "Environment=\"LD_PRELOAD=%s\"\n"
              "Environment=\"AUTOSEAL_OPTIONS=%s\"\n",
              AUTOSEAL_VERSION, unit, source, epre, eopt);
    free(epre);
    free(eopt);
    if (launcher) { /* on failure d stays empty: message printed, nothing written */
        sb_free(&d);
        (void)systemd_launcher_dropin(&u, unit, source, opts.s, unit_path == NULL, &d);
    }
    int status = d.s ? EXIT_OK : EXIT_CHECK;
    if (!d.s) {
    } else if (print) {
        fputs(d.s, stdout);
    } else {
        char *ddir = dir ? xasprintf("%s/%s.d", dir, unit)
                         : xasprintf("%s/etc/systemd/system/%s.d", root ? root : "", unit);
        char *file = xasprintf("%s/autoseal.conf", ddir);
        char *tmp = xasprintf("%s.tmp", file);
        FILE *f = NULL;
        if (mkdirs(ddir) != 0 || !(f = fopen(tmp, "we"))) {
            warn_errno("cannot write %s", file);
            status = EXIT_CHECK;
        } else {
            bool ok = fputs(d.s, f) >= 0;
            ok = (fclose(f) == 0) && ok;
            if (!ok || rename(tmp, file) != 0) {
                warn_errno("cannot write %s", file);
                unlink(tmp);
                status = EXIT_CHECK;
            } else {
                printf("wrote %s\n", file);
                if (!root && !dir) {
                    printf("now run: systemctl daemon-reload && systemctl restart %s\n", unit);
                }
            }
        }
        free(ddir);
        free(file);
        free(tmp);
    }
    sb_free(&d);
    sb_free(&opts);
    free(preload);
    free(lib);
    free(unit);
    free(unit_path);
    unit_free(&u);
    return status;
}
