/* autoseal systemd: a drop-in that preloads autoseal into a unit. */
#include <dlfcn.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmds.h"
#include "config.h"
#include "policy.h"
#include "preflight.h"
#include "systemd_launcher.h"
#include "sdaudit.h"
#include "sys.h"
#include "unitfile.h"
#include "util.h"

static const char systemd_help[] =
    "Usage: autoseal systemd [--profile P] [-o KEY=VALUE]... [--print]\n"
    "                        [--root DIR | --dir DIR] UNIT\n"
    "       autoseal systemd --audit [--json]\n"
    "\n"
    "Write a drop-in UNIT.d/autoseal.conf that preloads libautoseal into UNIT\n"
    "(Environment=LD_PRELOAD=..., keeping the unit's own LD_PRELOAD first) and\n"
    "sets AUTOSEAL_OPTIONS for the profile.  The unit's LD_PRELOAD is read with\n"
    "'systemctl show' when systemd runs; otherwise from the unit file (UNIT may\n"
    "be a path to it).  Knows the platform (systemd and libseccomp versions,\n"
    "whether mseal can be named in a filter, a container's filter) and says\n"
    "what the unit's SystemCallFilter=, SystemCallErrorNumber= and NoExecPaths=\n"
    "do to autoseal (killed, not-loaded, refused, not-preloaded, sealed); the\n"
    "drop-in carries the remedy that works on this platform.  Also warns about\n"
    "MemoryDenyWriteExecute=yes with a JIT.\n"
    "\n"
    "  --profile P      profile=P in AUTOSEAL_OPTIONS (default: default)\n"
    "  -o KEY=VALUE     more settings for AUTOSEAL_OPTIONS\n"
    "  --print          print the drop-in instead of writing it\n"
    "  --root DIR       write under DIR/etc/systemd/system and read units under DIR\n"
    "  --dir DIR        write DIR/UNIT.d/autoseal.conf (unit directory)\n"
    "  --audit          every loaded service: one verdict line each, worst first\n"
    "  --json           with --audit: machine-readable (schema in docs/cli.md)\n"
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

/* --- the platform: systemd, libseccomp, what mseal does here ------------- */

/* Calls fn(ctx, DIR) for ROOT/usr/lib, ROOT/lib, ROOT/usr/lib64 and each of
 * their subdirectories (multiarch: x86_64-linux-gnu) until fn returns true. */
static bool each_libdir(const char *root, bool (*fn)(void *ctx, const char *dir), void *ctx)
{
    static const char *const bases[] = {"/usr/lib", "/lib", "/usr/lib64"};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        char *base = xasprintf("%s%s", root, bases[i]);
        bool done = fn(ctx, base);
        DIR *d = done ? NULL : opendir(base);
        struct dirent *de;
        while (d && !done && (de = readdir(d))) {
            if (de->d_name[0] == '.' || strchr(de->d_name, '-') == NULL) {
                continue; /* multiarch names have dashes */
            }
            char *sub = xasprintf("%s/%s", base, de->d_name);
            done = fn(ctx, sub);
            free(sub);
        }
        if (d) {
            closedir(d);
        }
        free(base);
        if (done) {
            return true;
        }
    }
    return false;
}

static bool find_shared(void *ctx, const char *dir)
{
    int *v = ctx;
    char *p = xasprintf("%s/systemd", dir);
    DIR *d = opendir(p);
    free(p);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (strncmp(de->d_name, "libsystemd-shared-", 18) == 0 && l > 21 &&
            !strcmp(de->d_name + l - 3, ".so")) {
            *v = (int)strtol(de->d_name + 18, NULL, 10);
        }
    }
    if (d) {
        closedir(d);
    }
    return *v > 0;
}

static int systemd_version_of_root(const char *root)
{
    int v = 0;
    each_libdir(root, find_shared, &v);
    return v;
}

struct verbuf {
    char *out;
    size_t n;
};

static bool find_seccomp(void *ctx, const char *dir)
{
    struct verbuf *vb = ctx;
    char *p = xasprintf("%s/libseccomp.so.2", dir);
    char real[PATH_MAX];
    const char *b;
    if (realpath(p, real) && (b = strstr(real, "libseccomp.so."))) {
        snprintf(vb->out, vb->n, "%s", b + strlen("libseccomp.so."));
    }
    free(p);
    return vb->out[0] != '\0';
}

static void libseccomp_version(const char *root, char *out, size_t n)
{
    out[0] = '\0';
    struct verbuf vb = {out, n};
    each_libdir(root, find_seccomp, &vb);
}

/* Does this machine's libseccomp resolve "mseal" (so that systemd can put
 * it in a filter)?  1, 0, or -1 (no libseccomp). */
static int libseccomp_knows_mseal(void)
{
    void *h = dlopen("libseccomp.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        return -1;
    }
    int (*resolve)(const char *);
    void *sym = dlsym(h, "seccomp_syscall_resolve_name");
    memcpy(&resolve, &sym, sizeof resolve); /* POSIX: dlsym results are callable */
    int r = resolve ? (resolve("mseal") >= 0 ? 1 : 0) : -1; /* __NR_SCMP_ERROR is -1 */
    dlclose(h);
    return r;
}

/* mseal on a fresh page in a child: 0 when it works (or the child died:
 * that is not a refusal with an errno), else the errno. */
static int mseal_errno_here(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        return 0;
    }
    if (pid == 0) {
        long pg = sysconf(_SC_PAGESIZE);
        void *p = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            _exit(0);
        }
        _exit(syscall(__NR_mseal, p, (size_t)pg, 0UL) == 0 ? 0 : (errno & 0xff));
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            return 0;
        }
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 0;
}

static bool preload_file_has_autoseal(const char *root)
{
    char *p = xasprintf("%s/etc/ld.so.preload", root ? root : "");
    char *buf = NULL;
    size_t len;
    bool r = read_file(p, 1 << 20, true, &buf, &len) == 0 && strstr(buf, "libautoseal");
    free(buf);
    free(p);
    return r;
}

static void detect_platform(const char *root, bool live, struct sd_platform *pf)
{
    memset(pf, 0, sizeof *pf);
    pf->mseal_parsable = -1;
    pf->service_group_mseal = -1;
    libseccomp_version(root ? root : "", pf->libseccomp, sizeof pf->libseccomp);
    pf->global_preload = preload_file_has_autoseal(root);
    if (!root) {
        pf->mseal_parsable = libseccomp_knows_mseal(); /* this machine's libseccomp */
    }
    if (!live) {
        pf->systemd = systemd_version_of_root(root ? root : "");
        return;
    }
    char *out;
    size_t len;
    const char *ver[] = {"systemctl", "--version", NULL};
    if (capture(ver, &out, &len) == 0) {
        if (strncmp(out, "systemd ", 8) == 0) {
            pf->systemd = (int)strtol(out + 8, NULL, 10);
        }
        free(out);
    }
    const char *grp[] = {"systemd-analyze", "syscall-filter", "@system-service", NULL};
    if (capture(grp, &out, &len) == 0) {
        pf->service_group_mseal = 0;
        for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
            l += strspn(l, " \t");
            if (!strcmp(l, "mseal")) {
                pf->service_group_mseal = 1;
            }
        }
        free(out);
    }
    pf->outer_errno = mseal_errno_here();
}

static const char *tri(int v, const char *yes, const char *no)
{
    return v == 1 ? yes : v == 0 ? no : "unknown";
}

static void print_platform(const struct sd_platform *pf, bool json)
{
    if (json) {
        printf("\"platform\":{\"systemd\":%d,\"libseccomp\":", pf->systemd);
        json_str(stdout, pf->libseccomp);
        printf(",\"mseal_parsable\":%s,\"system_service_has_mseal\":%s,\"mseal_here\":",
               pf->mseal_parsable < 0 ? "null" : pf->mseal_parsable ? "true" : "false",
               pf->service_group_mseal < 0 ? "null" : pf->service_group_mseal ? "true" : "false");
        if (pf->outer_errno) {
            printf("\"%s\"", pf->outer_errno == ENOSYS ? "ENOSYS" : pf->outer_errno == EPERM ? "EPERM" : "error");
        } else {
            fputs("\"works\"", stdout);
        }
        printf(",\"global_preload\":%s}", pf->global_preload ? "true" : "false");
        return;
    }
    printf("platform: systemd %d, libseccomp %s; mseal in a filter: %s; @system-service "
           "contains mseal: %s; mseal for this tool: %s; /etc/ld.so.preload: %s\n",
           pf->systemd, pf->libseccomp[0] ? pf->libseccomp : "unknown",
           tri(pf->mseal_parsable, "parsable", "cannot be parsed"),
           tri(pf->service_group_mseal, "yes", "no"),
           pf->outer_errno == 0 ? "works" : pf->outer_errno == ENOSYS ? "ENOSYS (a filter)" : "refused",
           pf->global_preload ? "autoseal" : "no autoseal");
}

/* --- --audit: every loaded service at once ----------------------------- */

struct audited {
    struct unit_info *u;
    struct sd_verdict v;
};

static int audited_cmp(const void *a, const void *b)
{
    const struct audited *x = a, *y = b;
    if (x->v.kind != y->v.kind) {
        return x->v.kind - y->v.kind;
    }
    return strcmp(x->u->id, y->u->id);
}

static int audit_all(bool json)
{
    if (!systemd_running()) {
        die(EXIT_CHECK, "--audit needs a running systemd (/run/systemd/system)");
    }
    struct sd_platform pf;
    detect_platform(NULL, true, &pf);
    const char *how;
    char *lib = autoseal_library_path(&how);
    char *out;
    size_t len;
    const char *list[] = {"systemctl", "list-units", "--type=service", "--all", "--no-legend",
                          "--plain", "--no-pager", NULL};
    if (capture(list, &out, &len) != 0) {
        die(EXIT_CHECK, "systemctl list-units failed");
    }
    /* NAME LOAD ACTIVE SUB DESCRIPTION: the loaded ones */
    size_t nn = 0, cap = 64;
    const char **argv = xmalloc((cap + 32) * sizeof *argv);
    static const char *const props[] = {"Id", "LoadState", "ActiveState", "Result",
                                        "Environment", "SystemCallFilter",
                                        "SystemCallErrorNumber", "MemoryDenyWriteExecute",
                                        "NoExecPaths", "ExecPaths", "ExecStart", NULL};
    argv[nn++] = "systemctl";
    argv[nn++] = "show";
    argv[nn++] = "--no-pager";
    for (size_t i = 0; props[i]; i++) {
        argv[nn++] = "-p";
        argv[nn++] = props[i];
    }
    argv[nn++] = "--";
    size_t first = nn;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        char name[256], load[32];
        if (sscanf(l, " %255s %31s", name, load) == 2 && !strcmp(load, "loaded")) {
            if (nn + 2 >= cap + 32) {
                cap *= 2;
                argv = xrealloc(argv, (cap + 32) * sizeof *argv);
            }
            argv[nn++] = xstrdup(name);
        }
    }
    free(out);
    argv[nn] = NULL;
    struct unit_info *units = NULL;
    size_t nu = 0;
    if (nn > first) {
        if (capture(argv, &out, &len) != 0) {
            die(EXIT_CHECK, "systemctl show failed");
        }
        nu = unit_parse_many(out, len, &units);
        free(out);
    }
    for (size_t i = first; i < nn; i++) {
        free((char *)argv[i]);
    }
    free(argv);
    struct audited *a = xmalloc((nu ? nu : 1) * sizeof *a);
    for (size_t i = 0; i < nu; i++) {
        a[i].u = &units[i];
        sd_unit_verdict(&units[i], &pf, lib, &a[i].v);
    }
    qsort(a, nu, sizeof *a, audited_cmp);
    if (json) {
        printf("{\"autoseal_version\":\"%s\",\"library\":", AUTOSEAL_VERSION);
        json_str(stdout, lib);
        putchar(',');
        print_platform(&pf, true);
        fputs(",\"units\":[", stdout);
    } else {
        print_platform(&pf, false);
        printf("%-14s %-40s %-10s %s\n", "VERDICT", "UNIT", "STATE", "WHY");
    }
    for (size_t i = 0; i < nu; i++) {
        const struct audited *x = &a[i];
        const char *state = x->u->active_state ? x->u->active_state : "?";
        if (json) {
            printf("%s{\"unit\":", i ? "," : "");
            json_str(stdout, x->u->id);
            printf(",\"verdict\":\"%s\",\"errno\":", sd_verdict_name(x->v.kind));
            if (x->v.err) {
                printf("\"%s\"", x->v.err == EPERM ? "EPERM" : x->v.err == ENOSYS ? "ENOSYS" : "other");
            } else {
                fputs("null", stdout);
            }
            if (x->v.kind == SD_NOT_PRELOADED) {
                printf(",\"if_preloaded\":\"%s\"", sd_verdict_name(x->v.if_preloaded));
            }
            fputs(",\"active_state\":", stdout);
            json_str(stdout, state);
            fputs(",\"result\":", stdout);
            json_str(stdout, x->u->result ? x->u->result : "");
            fputs(",\"why\":", stdout);
            json_str(stdout, x->v.why);
            fputs(",\"remedy\":", stdout);
            json_str(stdout, x->v.remedy);
            fputs(",\"dropin\":", stdout);
            json_str(stdout, x->v.dropin);
            putchar('}');
        } else {
            printf("%-14s %-40s %-10s %s\n", sd_verdict_name(x->v.kind), x->u->id, state,
                   x->v.why[0] ? x->v.why : "-");
            if (x->v.remedy[0]) {
                printf("%-14s %-40s %-10s remedy: %s\n", "", "", "", x->v.remedy);
            }
        }
    }
    if (json) {
        puts("]}");
    }
    for (size_t i = 0; i < nu; i++) {
        unit_free(&units[i]);
    }
    free(units);
    free(a);
    free(lib);
    return EXIT_OK;
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

/* Validate one KEY=VALUE through the library's own parser, then keep it. */
static void add_setting(struct as_settings *s, struct sbuf *opts, const char *kv)
{
    char err[256];
    if (as_settings_set_kv(s, kv, err, sizeof err) != 0) {
        die_usage("systemd", "-o %s: %s", kv, err);
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
    bool print = false, audit = false, json = false;
    struct sbuf extra = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(systemd_help, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--print")) {
            print = true;
        } else if (!strcmp(a, "--audit")) {
            audit = true;
        } else if (!strcmp(a, "--json")) {
            json = true;
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
    if (audit) {
        if (unit_arg || root || dir || print || extra.len) {
            die_usage("systemd", "--audit takes no UNIT, --root, --dir, --print or -o");
        }
        sb_free(&extra);
        return audit_all(json);
    }
    if (json) {
        die_usage("systemd", "--json needs --audit");
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
                        "-p", "SystemCallErrorNumber", "-p", "MemoryDenyWriteExecute",
                        "-p", "NoExecPaths", "-p", "ExecPaths", "-p", "ExecStart",
                        "-p", "EnvironmentFiles", "--", unit, NULL};
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
    /* What the unit's sandbox does to autoseal on this platform, once the
     * drop-in preloads it; the remedy that works here goes into the drop-in. */
    bool live = !is_path && !root && !dir && systemd_running();
    struct sd_platform pf;
    detect_platform(root, live, &pf);
    pf.global_preload = true;
    struct sd_verdict sv;
    sd_unit_verdict(&u, &pf, lib, &sv);
    /* a static program wrapped in 'autoseal run' loads no library */
    if (!launcher && sv.kind != SD_SEALED) {
        warnx_("warning: %s: %s: %s", unit, sd_verdict_name(sv.kind), sv.why);
        if (sv.dropin[0]) {
            warnx_("note: the drop-in adds '%s': %s", sv.dropin, sv.remedy);
        } else if (sv.remedy[0]) {
            warnx_("note: remedy: %s", sv.remedy);
        }
    }
    if (u.mdwe && (looks_like_jit(u.exec_start) || !strcmp(profile, "jit"))) {
        warnx_("warning: %s: MemoryDenyWriteExecute=yes together with a JIT (%s): the JIT "
               "fails whatever autoseal does; set MemoryDenyWriteExecute=no for this unit or "
               "run the program without its JIT", unit,
               u.exec_start ? u.exec_start : "profile=jit");
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
    if (sv.dropin[0]) {
        sb_printf(&d, "# %s without it: %s\n# %s\n%s\n", sd_verdict_name(sv.kind), sv.why,
                  sv.remedy, sv.dropin);
    }
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
