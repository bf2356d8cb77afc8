/* autoseal status: what is sealed in running processes (/proc/PID/smaps). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "config.h"
#include "smaps.h"
#include "util.h"

static const char status_help[] =
    "Usage: autoseal status [--json] [--require-sealed] PID...\n"
    "       autoseal status --all [--json] [--require-sealed]\n"
    "\n"
    "Read /proc/PID/smaps, group the mappings by ELF object and report, per\n"
    "object, the sealed and unsealed bytes of its image, executable mappings\n"
    "left unsealed and writable+executable mappings; then per process the share\n"
    "of image memory, of non-writable image memory and of executable memory\n"
    "that is sealed, and whether libautoseal is loaded.  The default profile\n"
    "leaves writable .data/.bss unsealed by design: the non-writable share is\n"
    "the one that should be 100%.\n"
    "\n"
    "  --all              one line per readable process, worst first\n"
    "  --json             machine-readable output (schema in docs/cli.md)\n"
    "  --require-sealed   exit 1 when any non-writable image mapping is unsealed\n"
    "\n"
    "Exit status: 0 ok, 1 a process could not be read or (with\n"
    "--require-sealed) has unsealed non-writable image memory, 2 usage error.\n";

struct proc {
    int pid;
    char comm[64];
    char err[160];
    struct mapping *maps;
    size_t nmaps;
    struct object_stats *objs;
    size_t nobjs;
    struct process_stats ps;
};

static int load_proc(int pid, struct proc *p)
{
    memset(p, 0, sizeof *p);
    p->pid = pid;
    char path[64], *buf = NULL;
    size_t len;
    snprintf(path, sizeof path, "/proc/%d/comm", pid);
    if (read_file(path, 4096, false, &buf, &len) == 0) {
        buf[strcspn(buf, "\n")] = '\0';
        snprintf(p->comm, sizeof p->comm, "%s", buf);
        free(buf);
    }
    snprintf(path, sizeof path, "/proc/%d/smaps", pid);
    int r = read_file(path, (size_t)1 << 30, false, &buf, &len);
    if (r < 0) {
        snprintf(p->err, sizeof p->err, "cannot read %s: %s", path, strerror(-r));
        return -1;
    }
    if (smaps_parse(buf, len, &p->maps, &p->nmaps, p->err, sizeof p->err) != 0) {
        free(buf);
        return -1;
    }
    free(buf);
    if (p->nmaps == 0) {
        snprintf(p->err, sizeof p->err, "no mappings (a kernel thread or an exited process)");
        return -1;
    }
    smaps_group(p->maps, p->nmaps, &p->objs, &p->nobjs, &p->ps);
    if (!p->ps.have_vmflags) {
        snprintf(p->err, sizeof p->err, "%s has no VmFlags lines: seal state unknown", path);
        return -1;
    }
    return 0;
}

static void free_proc(struct proc *p)
{
    smaps_free(p->maps, p->nmaps);
    free(p->objs);
    p->maps = NULL;
    p->objs = NULL;
}

static void hbytes(char *b, size_t n, uint64_t v)
{
    if (v >= (1u << 20)) {
        snprintf(b, n, "%.1fM", (double)v / (1 << 20));
    } else if (v >= 1024) {
        snprintf(b, n, "%.1fK", (double)v / 1024);
    } else {
        snprintf(b, n, "%" PRIu64 "B", v);
    }
}

static void print_human(const struct proc *p)
{
    const struct process_stats *s = &p->ps;
    printf("PID %d (%s)\n", p->pid, p->comm);
    printf("  %-44s %9s %9s %9s %s\n", "OBJECT", "SEALED", "UNSEALED", "RO-UNSEAL", "NOTES");
    for (size_t i = 0; i < p->nobjs; i++) {
        const struct object_stats *o = &p->objs[i];
        char a[16], b[16], c[16];
        hbytes(a, sizeof a, o->image.sealed);
        hbytes(b, sizeof b, o->image.total - o->image.sealed);
        hbytes(c, sizeof c, o->nonwritable.total - o->nonwritable.sealed);
        printf("  %-44s %9s %9s %9s", o->path, a, b, c);
        if (o->exec_unsealed) {
            printf(" exec-unsealed=%zu", o->exec_unsealed);
        }
        if (o->wx) {
            printf(" W+X=%zu", o->wx);
        }
        putchar('\n');
    }
    for (size_t i = 0; i < p->nmaps; i++) {
        const struct mapping *m = &p->maps[i];
        bool ex = m->perms[2] == 'x', w = m->perms[1] == 'w';
        if (ex && !m->sealed && m->object >= 0) {
            printf("  unsealed executable: %" PRIx64 "-%" PRIx64 " %s %s\n", m->start, m->end,
                   m->perms, m->path);
        }
        if (ex && w) {
            printf("  writable+executable: %" PRIx64 "-%" PRIx64 " %s %s\n", m->start, m->end,
                   m->perms, m->path[0] ? m->path : "[anon]");
        }
    }
    char t[16];
    hbytes(t, sizeof t, s->image.total);
    printf("  summary: image %s, %.1f%% sealed; non-writable image %.1f%% sealed "
           "(%zu unsealed mappings); executable memory %.1f%% sealed; "
           "W+X mappings %zu; libautoseal %s\n",
           t, pct(&s->image), pct(&s->nonwritable), s->nonwritable_unsealed, pct(&s->exec_all),
           s->wx_maps, s->autoseal_loaded ? "loaded" : "not loaded");
}

static void json_count(const char *name, const struct byte_count *c)
{
    printf("\"%s\":{\"bytes\":%" PRIu64 ",\"sealed\":%" PRIu64 ",\"percent\":%.1f}", name,
           c->total, c->sealed, pct(c));
}

static void json_map(const struct mapping *m)
{
    printf("{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\",\"perms\":\"%s\",\"path\":",
           m->start, m->end, m->perms);
    json_str(stdout, m->path);
    putchar('}');
}

static void print_json(const struct proc *p, bool objects)
{
    printf("{\"pid\":%d,\"comm\":", p->pid);
    json_str(stdout, p->comm);
    if (p->err[0]) {
        fputs(",\"ok\":false,\"error\":", stdout);
        json_str(stdout, p->err);
        putchar('}');
        return;
    }
    const struct process_stats *s = &p->ps;
    printf(",\"ok\":true,\"autoseal_loaded\":%s,", s->autoseal_loaded ? "true" : "false");
    json_count("image", &s->image);
    putchar(',');
    json_count("nonwritable_image", &s->nonwritable);
    putchar(',');
    json_count("executable", &s->exec_all);
    printf(",\"nonwritable_unsealed_mappings\":%zu,\"wx_mappings\":%zu,\"wx_bytes\":%" PRIu64,
           s->nonwritable_unsealed, s->wx_maps, s->wx_bytes);
    if (objects) {
        fputs(",\"objects\":[", stdout);
        for (size_t i = 0; i < p->nobjs; i++) {
            const struct object_stats *o = &p->objs[i];
            fputs(i ? ",{\"path\":" : "{\"path\":", stdout);
            json_str(stdout, o->path);
            printf(",\"mappings\":%zu,", o->nmaps);
            json_count("image", &o->image);
            putchar(',');
            json_count("nonwritable", &o->nonwritable);
            putchar(',');
            json_count("executable", &o->exec);
            fputs(",\"unsealed_exec\":[", stdout);
            bool first = true;
            for (size_t k = 0; k < p->nmaps; k++) {
                const struct mapping *m = &p->maps[k];
                if (m->object == (int)i && m->perms[2] == 'x' && !m->sealed) {
                    if (!first) {
                        putchar(',');
                    }
                    first = false;
                    json_map(m);
                }
            }
            printf("],\"wx_mappings\":%zu}", o->wx);
        }
        fputs("],\"wx\":[", stdout);
        bool first = true;
        for (size_t k = 0; k < p->nmaps; k++) {
            const struct mapping *m = &p->maps[k];
            if (m->perms[1] == 'w' && m->perms[2] == 'x') {
                if (!first) {
                    putchar(',');
                }
                first = false;
                json_map(m);
            }
        }
        putchar(']');
    }
    putchar('}');
}

static int parse_pid(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v <= 0 || v > 4194304 /* PID_MAX_LIMIT */) {
        return -1;
    }
    return (int)v;
}

static int worst_first(const void *a, const void *b)
{
    const struct proc *x = a, *y = b;
    double dx = pct(&x->ps.nonwritable), dy = pct(&y->ps.nonwritable);
    if (dx != dy) {
        return dx < dy ? -1 : 1;
    }
    dx = pct(&x->ps.image);
    dy = pct(&y->ps.image);
    if (dx != dy) {
        return dx < dy ? -1 : 1;
    }
    return x->pid - y->pid;
}

static int status_all(bool json, bool require)
{
    DIR *d = opendir("/proc");
    if (!d) {
        die(EXIT_CHECK, "cannot open /proc: %s", strerror(errno));
    }
    size_t n = 0, cap = 64;
    struct proc *v = xmalloc(cap * sizeof *v);
    struct dirent *de;
    while ((de = readdir(d))) {
        int pid = parse_pid(de->d_name);
        if (pid < 0) {
            continue;
        }
        if (n == cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof *v);
        }
        if (load_proc(pid, &v[n]) != 0) {
            free_proc(&v[n]); /* unreadable or kernel thread: skipped */
            continue;
        }
        n++;
    }
    closedir(d);
    qsort(v, n, sizeof *v, worst_first);
    int status = EXIT_OK;
    if (json) {
        printf("{\"autoseal_version\":\"%s\",\"processes\":[", AUTOSEAL_VERSION);
    } else {
        printf("%7s %-16s %8s %8s %8s %4s %s\n", "PID", "COMM", "RO-IMG%", "IMAGE%", "EXEC%",
               "W+X", "AUTOSEAL");
    }
    for (size_t i = 0; i < n; i++) {
        const struct proc *p = &v[i];
        if (require && p->ps.nonwritable_unsealed) {
            status = EXIT_CHECK;
        }
        if (json) {
            if (i) {
                putchar(',');
            }
            print_json(p, false);
        } else {
            printf("%7d %-16s %8.1f %8.1f %8.1f %4zu %s\n", p->pid, p->comm,
                   pct(&p->ps.nonwritable), pct(&p->ps.image), pct(&p->ps.exec_all),
                   p->ps.wx_maps, p->ps.autoseal_loaded ? "yes" : "no");
        }
        free_proc(&v[i]);
    }
    if (json) {
        puts("]}");
    }
    free(v);
    return status;
}

int cmd_status(int argc, char **argv)
{
    bool json = false, require = false, all = false;
    int first = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            first = i + 1;
            break;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(status_help, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--require-sealed")) {
            require = true;
        } else if (!strcmp(a, "--all")) {
            all = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            die_usage("status", "unknown option '%s'", a);
        } else {
            first = i;
            break;
        }
    }
    if (all) {
        if (first < argc) {
            die_usage("status", "--all takes no PID");
        }
        return status_all(json, require);
    }
    if (first >= argc) {
        die_usage("status", "no PID given (or use --all)");
    }
    for (int i = first; i < argc; i++) {
        if (parse_pid(argv[i]) < 0) {
            die_usage("status", "'%s' is not a process id", argv[i]);
        }
    }
    int status = EXIT_OK;
    if (json) {
        printf("{\"autoseal_version\":\"%s\",\"processes\":[", AUTOSEAL_VERSION);
    }
    for (int i = first; i < argc; i++) {
        struct proc p;
        int r = load_proc(parse_pid(argv[i]), &p);
        if (r != 0) {
            status = EXIT_CHECK;
            if (!json) {
                warnx_("PID %s: %s", argv[i], p.err);
            }
        } else if (require && p.ps.nonwritable_unsealed) {
            status = EXIT_CHECK;
        }
        if (json) {
            if (i > first) {
                putchar(',');
            }
            print_json(&p, true);
        } else if (r == 0) {
            print_human(&p);
        }
        free_proc(&p);
    }
    if (json) {
        puts("]}");
    }
    return status;
}
