/* autoseal status: what is sealed in running processes (/proc/PID/smaps). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "config.h"
#include "fleet.h"
#include "glob.h"
#include "policy.h"
#include "sys.h"
#include "../lib/config.h"
#include "smaps.h"
#include "util.h"

#define EXEMPT_REASON "ld.so __stack_prot page, ldso-relro=safe"

static const char status_help[] =
    "Usage: autoseal status [--json] [--require-sealed [--strict]] PID...\n"
    "       autoseal status --all [--json | --format=FORMAT] [--require-sealed [--strict]]\n"
    "\n"
    "Read /proc/PID/smaps, group the mappings by ELF object and report, per\n"
    "object, the sealed and unsealed bytes of its image, executable mappings\n"
    "left unsealed and writable+executable mappings; then per process the share\n"
    "of image memory, of non-writable image memory and of executable memory\n"
    "that is sealed, and whether libautoseal is loaded.  The default profile\n"
    "leaves writable .data/.bss unsealed by design: the non-writable share is\n"
    "the one that should be 100%.  An object's image is its PT_LOAD extent,\n"
    "read from the mapped file's program headers.  The ld.so RELRO page that\n"
    "ldso-relro=safe leaves unsealed on purpose is shown as exempt.\n"
    "\n"
    "  --all              one line per readable process, worst first: state\n"
    "                     (sealed, partial, unsealed), the reason it is not\n"
    "                     sealed (no-preload, static, mode-off, mode-audit,\n"
    "                     seccomp, kernel, excluded, no-image, unknown), uid,\n"
    "                     systemd unit, executable; then host totals\n"
    "  --json             machine-readable output (schema in docs/cli.md)\n"
    "  --format=FORMAT    human (default), json, or prometheus (with --all: the\n"
    "                     node_exporter textfile format, metrics autoseal_*)\n"
    "  --require-sealed   exit 1 when any non-writable image mapping is unsealed,\n"
    "                     exempt ld.so __stack_prot pages excepted\n"
    "  --strict           with --require-sealed: count exempt pages too\n"
    "\n"
    "Exit status: 0 ok, 1 a process could not be read or (with\n"
    "--require-sealed) has unsealed non-writable image memory, 2 usage error.\n";

struct proc {
    int pid;
    char comm[64];
    char err[160];
    int errnum;         /* why it could not be read: errno, or 0 (a kernel thread) */
    struct mapping *maps;
    size_t nmaps;
    struct object_stats *objs;
    size_t nobjs;
    struct process_stats ps;
    char how[200];     /* how it was sealed, when not by the preload library */
};

struct proc_ctx {
    int pid;
    int memfd;          /* /proc/PID/mem, opened on first use */
    int memerr;         /* errno of a failed open */
    bool have_interp;   /* the ELF interpreter of /proc/PID/exe was found */
    dev_t interp_dev;
    ino_t interp_ino;
};

static size_t page_size(void)
{
    long v = sysconf(_SC_PAGESIZE);
    return v > 0 ? (size_t)v : 4096;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Open the file that mapping m maps: /proc/PID/map_files (exact, needs
 * privilege), else its path through /proc/PID/root, else its path; a file
 * found by path must have the mapping's device and inode. */
static int open_mapped(int pid, const struct mapping *m, char *why, size_t whylen)
{
    char p[4200];
    snprintf(p, sizeof p, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, pid, m->start, m->end);
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd >= 0) {
        return fd;
    }
    if (ends_with(m->path, " (deleted)")) {
        snprintf(why, whylen, "the file was deleted and /proc/%d/map_files is not readable", pid);
        return -1;
    }
    snprintf(p, sizeof p, "/proc/%d/root%s", pid, m->path);
    fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        fd = open(m->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    }
    if (fd < 0) {
        snprintf(why, whylen, "cannot open %s: %s", m->path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_ino != (ino_t)m->inode ||
        major(st.st_dev) != m->dev_major || minor(st.st_dev) != m->dev_minor) {
        snprintf(why, whylen, "%s is not the mapped file (replaced?)", m->path);
        close(fd);
        return -1;
    }
    return fd;
}

static int layout_fd(int fd, struct elf_layout *out, char *why, size_t whylen)
{
    size_t len = 4096, need = 0;
    for (int round = 0; round < 2; round++) {
        unsigned char *buf = xmalloc(len);
        ssize_t got = pread(fd, buf, len, 0);
        if (got < 0) {
            snprintf(why, whylen, "cannot read: %s", strerror(errno));
            free(buf);
            return -1;
        }
        int r = elf_layout_parse(buf, (size_t)got, out, &need, why, whylen);
        free(buf);
        if (r <= 0) {
            return r;
        }
        if ((size_t)got < len || need > ((size_t)1 << 20)) {
            snprintf(why, whylen, "program headers beyond the end of the file");
            return -1;
        }
        len = need;
    }
    snprintf(why, whylen, "program headers beyond the end of the file");
    return -1;
}

static int read_layout(void *ctx, const struct mapping *m, struct elf_layout *out, char *why,
                       size_t whylen)
{
    const struct proc_ctx *c = ctx;
    int fd = open_mapped(c->pid, m, why, whylen);
    if (fd < 0) {
        return -1;
    }
    int r = layout_fd(fd, out, why, whylen);
    close(fd);
    return r;
}

/* Device and inode of the ELF interpreter named by /proc/PID/exe. */
static void find_interp(struct proc_ctx *c)
{
    char p[4200], why[160];
    snprintf(p, sizeof p, "/proc/%d/exe", c->pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return;
    }
    struct elf_layout el;
    char interp[4096];
    if (layout_fd(fd, &el, why, sizeof why) != 0 || !el.have_interp || el.interp_size == 0 ||
        el.interp_size >= sizeof interp ||
        pread(fd, interp, el.interp_size, (off_t)el.interp_offset) != (ssize_t)el.interp_size) {
        close(fd);
        return;
    }
    close(fd);
    interp[el.interp_size] = '\0';
    if (interp[0] != '/') {
        return;
    }
    struct stat st;
    snprintf(p, sizeof p, "/proc/%d/root%s", c->pid, interp);
    if (stat(p, &st) != 0 && stat(interp, &st) != 0) {
        return;
    }
    c->have_interp = true;
    c->interp_dev = st.st_dev;
    c->interp_ino = st.st_ino;
}

static int read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
    struct proc_ctx *c = ctx;
    if (c->memfd < 0) {
        if (c->memerr) {
            return -c->memerr;
        }
        char p[64];
        snprintf(p, sizeof p, "/proc/%d/mem", c->pid);
        c->memfd = open(p, O_RDONLY | O_CLOEXEC);
        if (c->memfd < 0) {
            c->memerr = errno;
            return -c->memerr;
        }
    }
    ssize_t r = pread(c->memfd, buf, len, (off_t)addr);
    if (r < 0) {
        return -errno;
    }
    return (size_t)r == len ? 0 : -EIO;
}

/* A process without libautoseal whose main program is static and has all
 * of its non-writable image sealed was sealed from outside ('autoseal run'
 * leaves no trace of itself: its helper has exited, the program has the
 * PID it was started with).  Fills p->how, or leaves it "". */
static void how_sealed(struct proc *p)
{
    char path[64], exe[4096];
    snprintf(path, sizeof path, "/proc/%d/exe", p->pid);
    ssize_t n = readlink(path, exe, sizeof exe - 1);
    if (p->ps.autoseal_loaded || n <= 0) {
        return;
    }
    exe[n] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct elf_layout el;
    char why[160];
    bool is_static = fd >= 0 && layout_fd(fd, &el, why, sizeof why) == 0 && !el.have_interp;
    if (fd >= 0) {
        close(fd);
    }
    const struct object_stats *main_obj = NULL;
    for (size_t k = 0; k < p->nobjs; k++) {
        if (!strcmp(p->objs[k].path, exe)) {
            main_obj = &p->objs[k];
        }
    }
    if (!is_static || !main_obj || main_obj->nonwritable.total == 0 ||
        main_obj->nonwritable.sealed != main_obj->nonwritable.total) {
        return;
    }
    snprintf(p->how, sizeof p->how,
             "sealed from outside (static program, no preload library: autoseal run, or "
             "another tool)");
}

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
        p->errnum = -r;
        return -1;
    }
    p->errnum = EIO;
    if (smaps_parse(buf, len, &p->maps, &p->nmaps, p->err, sizeof p->err) != 0) {
        free(buf);
        return -1;
    }
    free(buf);
    if (p->nmaps == 0) {
        snprintf(p->err, sizeof p->err, "no mappings (a kernel thread or an exited process)");
        p->errnum = 0;
        return -1;
    }
    struct proc_ctx c = {.pid = pid, .memfd = -1};
    size_t page = page_size();
    smaps_group(p->maps, p->nmaps, page, read_layout, &c, &p->objs, &p->nobjs, &p->ps);
    if (!p->ps.have_vmflags) {
        snprintf(p->err, sizeof p->err, "%s has no VmFlags lines: seal state unknown", path);
        return -1;
    }
    find_interp(&c);
    for (size_t k = 0; k < p->nobjs; k++) {
        struct object_stats *o = &p->objs[k];
        const struct mapping *f = &p->maps[o->first];
        bool ldso = smaps_ldso_name(o->path) ||
                    (c.have_interp && f->inode == (uint64_t)c.interp_ino &&
                     f->dev_major == major(c.interp_dev) && f->dev_minor == minor(c.interp_dev));
        if (!ldso) {
            continue;
        }
        int er = smaps_ldso_exempt(p->maps, p->nmaps, p->objs, k, page, read_mem, &c, &p->ps);
        if (er > 0) {
            snprintf(o->note, sizeof o->note, "exempt (" EXEMPT_REASON "): %d mapping%s", er,
                     er == 1 ? "" : "s");
        } else if (er < 0 && !o->note[0]) {
            snprintf(o->note, sizeof o->note,
                     "ld.so exemption not applied: cannot read /proc/%d/mem: %s", pid,
                     strerror(-er));
        }
    }
    if (c.memfd >= 0) {
        close(c.memfd);
    }
    how_sealed(p);
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

/* One line per object: three byte columns, a flags column, the path last;
 * details on indented lines below (format in docs/cli.md). */
static void print_human(const struct proc *p)
{
    const struct process_stats *s = &p->ps;
    printf("PID %d (%s)\n", p->pid, p->comm);
    printf("  %9s %9s %9s %-5s %s\n", "SEALED", "UNSEALED", "RO-UNSEAL", "FLAGS", "OBJECT");
    for (size_t i = 0; i < p->nobjs; i++) {
        const struct object_stats *o = &p->objs[i];
        char a[16], b[16], c[16], f[8];
        size_t nf = 0;
        hbytes(a, sizeof a, o->image.sealed);
        hbytes(b, sizeof b, o->image.total - o->image.sealed);
        hbytes(c, sizeof c, o->nonwritable.total - o->nonwritable.sealed);
        if (o->exec_unsealed) {
            f[nf++] = 'X';
        }
        if (o->wx) {
            f[nf++] = 'W';
        }
        if (o->exempt) {
            f[nf++] = 'E';
        }
        if (!o->layout_known) {
            f[nf++] = 'H';
        }
        if (nf == 0) {
            f[nf++] = '-';
        }
        f[nf] = '\0';
        printf("  %9s %9s %9s %-5s %s\n", a, b, c, f, o->path);
        if (o->note[0]) {
            printf("  %9s %9s %9s %-5s   note: %s\n", "", "", "", "", o->note);
        }
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
        if (m->exempt && m->object >= 0) {
            printf("  exempt (" EXEMPT_REASON "): %" PRIx64 "-%" PRIx64 " %s %s\n", m->start,
                   m->end, m->perms, m->path);
        }
    }
    char t[16];
    hbytes(t, sizeof t, s->image.total);
    printf("  summary: image %s, %.1f%% sealed; non-writable image %.1f%% sealed "
           "(%zu unsealed mappings, %zu exempt); executable memory %.1f%% sealed; "
           "W+X mappings %zu; libautoseal %s\n",
           t, pct(&s->image), pct(&s->nonwritable), s->nonwritable_unsealed, s->exempt,
           pct(&s->exec_all), s->wx_maps, s->autoseal_loaded ? "loaded" : "not loaded");
    if (p->how[0]) {
        printf("  how: %s\n", p->how);
    }
}

/* Non-writable image mappings that count against --require-sealed. */
static size_t failing(const struct process_stats *s, bool strict)
{
    return strict ? s->nonwritable_unsealed : s->nonwritable_unsealed - s->exempt;
}

static void json_count(const char *name, const struct byte_count *c)
{
    printf("\"%s\":{\"bytes\":%" PRIu64 ",\"sealed\":%" PRIu64 ",\"percent\":%.1f}", name,
           c->total, c->sealed, pct(c));
}

static void json_map(const struct mapping *m, const char *reason)
{
    printf("{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\",\"perms\":\"%s\",\"path\":",
           m->start, m->end, m->perms);
    json_str(stdout, m->path);
    if (reason) {
        fputs(",\"reason\":", stdout);
        json_str(stdout, reason);
    }
    putchar('}');
}

/* keep_open: leave the object open for more fields. */
static void print_json(const struct proc *p, bool objects, bool keep_open)
{
    printf("{\"pid\":%d,\"comm\":", p->pid);
    json_str(stdout, p->comm);
    if (p->err[0]) {
        fputs(",\"ok\":false,\"error\":", stdout);
        json_str(stdout, p->err);
        if (!keep_open) {
            putchar('}');
        }
        return;
    }
    const struct process_stats *s = &p->ps;
    printf(",\"ok\":true,\"autoseal_loaded\":%s,", s->autoseal_loaded ? "true" : "false");
    fputs("\"sealed_how\":", stdout);
    if (p->how[0]) {
        json_str(stdout, p->how);
    } else {
        fputs("null", stdout);
    }
    putchar(',');
    json_count("image", &s->image);
    putchar(',');
    json_count("nonwritable_image", &s->nonwritable);
    putchar(',');
    json_count("executable", &s->exec_all);
    printf(",\"nonwritable_unsealed_mappings\":%zu,\"exempt_mappings\":%zu,"
           "\"heuristic_objects\":%zu,\"wx_mappings\":%zu,\"wx_bytes\":%" PRIu64,
           s->nonwritable_unsealed, s->exempt, s->heuristic_objects, s->wx_maps, s->wx_bytes);
    if (objects) {
        fputs(",\"objects\":[", stdout);
        for (size_t i = 0; i < p->nobjs; i++) {
            const struct object_stats *o = &p->objs[i];
            fputs(i ? ",{\"path\":" : "{\"path\":", stdout);
            json_str(stdout, o->path);
            printf(",\"mappings\":%zu,\"layout\":\"%s\",", o->nmaps,
                   o->layout_known ? "elf" : "heuristic");
            if (o->layout_known) {
                printf("\"extent\":{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\"},",
                       o->layout.lo, o->layout.hi);
            } else {
                fputs("\"extent\":null,", stdout);
            }
            fputs("\"notes\":[", stdout);
            if (o->note[0]) {
                json_str(stdout, o->note);
            }
            fputs("],", stdout);
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
                    json_map(m, NULL);
                }
            }
            fputs("],\"exempt\":[", stdout);
            first = true;
            for (size_t k = 0; k < p->nmaps; k++) {
                const struct mapping *m = &p->maps[k];
                if (m->object == (int)i && m->exempt) {
                    if (!first) {
                        putchar(',');
                    }
                    first = false;
                    json_map(m, EXEMPT_REASON);
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
                json_map(m, NULL);
            }
        }
        putchar(']');
    }
    if (!keep_open) {
        putchar('}');
    }
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

/* --- status --all: the fleet view ------------------------------------ */

enum { FORMAT_HUMAN, FORMAT_JSON, FORMAT_PROMETHEUS };

#define UNIT_CAP 50 /* distinct unit label values in --format=prometheus */
#define EXE_CAP 50  /* distinct executable label values (not sealed only) */

struct row {
    int pid;
    char comm[64];
    char *exe;
    long uid;
    char unit[128];
    int seccomp;
    struct process_stats ps;
    int state;
    const char *reason;
};

static int worst_first(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
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

/* The value of "Key:" in /proc/PID/status text, or -1. */
static long status_field(const char *buf, const char *key)
{
    size_t kl = strlen(key);
    for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        if (strncmp(l, key, kl) == 0) {
            return strtol(l + kl, NULL, 10);
        }
    }
    return -1;
}

/* Does the kernel have mseal?  mseal(0, 0, 0) succeeds where it exists.
 * 1 yes, 0 no (ENOSYS without a seccomp filter on this tool), -1 unknown. */
static int kernel_mseal(void)
{
    static int known = -2;
    if (known != -2) {
        return known;
    }
    char *buf = NULL;
    size_t len;
    long self_seccomp = -1;
    if (read_file("/proc/self/status", 1 << 16, false, &buf, &len) == 0) {
        self_seccomp = status_field(buf, "Seccomp:");
        free(buf);
    }
    if (self_seccomp != 0) {
        known = -1; /* under a filter (that might kill on mseal): do not ask */
        return known;
    }
    long r = syscall(__NR_mseal, 0L, 0L, 0L);
    known = r == 0 ? 1 : errno == ENOSYS ? 0 : -1;
    return known;
}

static void collect_config_error(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

/* The policy autoseal applies to PID's executable: its configuration file
 * (seen through /proc/PID/root) and AUTOSEAL_OPTIONS from its initial
 * environment, resolved with the library's own code.  False when unknown. */
static bool proc_policy(int pid, const char *exe, struct as_policy *out)
{
    static char *cbuf;
    if (!cbuf) {
        cbuf = xmalloc(AS_CONFIG_SIZE_MAX);
    }
    struct as_settings layers[3];
    memset(layers, 0, sizeof layers);
    char path[4200];
    snprintf(path, sizeof path, "/proc/%d/root%s", pid, AUTOSEAL_SYSCONF);
    struct as_config cfg;
    int r = as_config_load_buf(path, false, exe, cbuf, AS_CONFIG_SIZE_MAX, &cfg,
                               collect_config_error, NULL);
    if (r == 0) {
        layers[0] = cfg.global;
        layers[1] = cfg.program;
    } else if (r != -ENOENT && r != -EINVAL) {
        return false; /* unreadable: unknown */
    }
    /* AUTOSEAL_OPTIONS counts unless the process runs in secure mode
     * (AT_SECURE: set-id, capabilities), where the library ignores it */
    snprintf(path, sizeof path, "/proc/%d/auxv", pid);
    char *env = NULL;
    size_t len;
    if (read_file(path, 1 << 16, false, &env, &len) != 0) {
        return false;
    }
    bool secure = false;
    for (size_t i = 0; i + 2 * sizeof(unsigned long) <= len; i += 2 * sizeof(unsigned long)) {
        unsigned long kv[2];
        memcpy(kv, env + i, sizeof kv);
        if (kv[0] == AT_SECURE) {
            secure = kv[1] != 0;
        }
    }
    free(env);
    env = NULL;
    snprintf(path, sizeof path, "/proc/%d/environ", pid);
    if (secure) {
        as_policy_resolve(out, layers, 2);
        return true;
    }
    if (read_file(path, 1 << 20, false, &env, &len) != 0) {
        return false;
    }
    for (size_t i = 0; i < len; i += strlen(env + i) + 1) {
        if (strncmp(env + i, "AUTOSEAL_OPTIONS=", 17) == 0) {
            as_options_parse(&layers[2], env + i + 17, NULL, NULL);
        }
    }
    free(env);
    as_policy_resolve(out, layers, 3);
    return true;
}

static bool exe_is_static(int pid)
{
    char p[64], why[160];
    snprintf(p, sizeof p, "/proc/%d/exe", pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return false;
    }
    struct elf_layout el;
    bool st = layout_fd(fd, &el, why, sizeof why) == 0 && !el.have_interp;
    close(fd);
    return st;
}

/* Fill in everything but the smaps counts; p holds the parsed process. */
static void fill_row(const struct proc *p, struct row *w)
{
    memset(w, 0, sizeof *w);
    w->pid = p->pid;
    snprintf(w->comm, sizeof w->comm, "%s", p->comm);
    w->ps = p->ps;
    w->uid = -1;
    w->seccomp = -1;
    char path[64], *buf = NULL, exe[4096];
    size_t len;
    snprintf(path, sizeof path, "/proc/%d/exe", p->pid);
    ssize_t n = readlink(path, exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    w->exe = xstrdup(n > 0 ? exe : "-");
    snprintf(path, sizeof path, "/proc/%d/status", p->pid);
    if (read_file(path, 1 << 16, false, &buf, &len) == 0) {
        w->seccomp = (int)status_field(buf, "Seccomp:");
        const char *u = strstr(buf, "\nUid:");
        if (u) {
            /* real, effective, saved, fs: report the effective uid */
            char *e;
            strtol(u + 5, &e, 10);
            w->uid = strtol(e, NULL, 10);
        }
        free(buf);
    }
    snprintf(path, sizeof path, "/proc/%d/cgroup", p->pid);
    snprintf(w->unit, sizeof w->unit, "-");
    if (read_file(path, 1 << 16, false, &buf, &len) == 0) {
        fleet_unit_from_cgroup(buf, len, w->unit, sizeof w->unit);
        free(buf);
    }
    struct fleet_facts f = {
        .autoseal_loaded = p->ps.autoseal_loaded,
        .seccomp = w->seccomp,
        .mode = -1,
        .kernel_mseal = kernel_mseal(),
        .ro_total = p->ps.nonwritable.total,
        .ro_sealed = p->ps.nonwritable.sealed,
        .ro_failing = p->ps.nonwritable_unsealed - p->ps.exempt,
    };
    if (f.ro_failing != 0 || f.ro_sealed == 0) {
        if (!f.autoseal_loaded) {
            f.static_exe = exe_is_static(p->pid);
        } else {
            struct as_policy pol;
            if (proc_policy(p->pid, n > 0 ? exe : NULL, &pol)) {
                f.mode = pol.mode;
                bool all = pol.nexclude > 0;
                for (size_t k = 0; all && k < p->nobjs; k++) {
                    const struct object_stats *o = &p->objs[k];
                    if (o->nonwritable_unsealed <= o->exempt) {
                        continue;
                    }
                    bool m = false;
                    for (unsigned g = 0; g < pol.nexclude && !m; g++) {
                        m = as_glob_match(pol.exclude[g], strlen(pol.exclude[g]), o->path,
                                          strlen(o->path));
                    }
                    all = m;
                }
                f.unsealed_excluded = all;
            }
        }
    }
    w->state = fleet_classify(&f, &w->reason);
}

static const char *unreadable_reason(int e)
{
    switch (e) {
    case EACCES:
    case EPERM:
        return "permission";
    case ENOENT:
    case ESRCH:
        return "exited";
    default:
        return "error";
    }
}

struct totals {
    size_t processes, state[FLEET_NSTATES], kernel_threads, unreadable;
    struct fleet_counts reasons;    /* k0 reason, k1 state: not sealed only */
    struct fleet_counts unread;     /* k0 reason */
    struct fleet_counts units;      /* k0 unit, k1 state, k2 reason */
    struct fleet_counts exes;       /* k0 exe, k1 reason: not sealed only */
    struct byte_count ro, image;
};

static void print_prometheus(struct totals *t)
{
    fleet_count_cap(&t->units, UNIT_CAP, "other");
    fleet_count_cap(&t->exes, EXE_CAP, "other");
    printf("# HELP autoseal_processes Processes by seal state and reason (reason=\"none\" when sealed).\n"
           "# TYPE autoseal_processes gauge\n");
    static const char *const states[] = {"sealed", "partial", "unsealed"};
    printf("autoseal_processes{state=\"sealed\",reason=\"none\"} %zu\n", t->state[FLEET_SEALED]);
    for (size_t s = 1; s < 3; s++) {
        for (size_t i = 0; i < t->reasons.n; i++) {
            if (!strcmp(t->reasons.v[i].k[1], states[s])) {
                printf("autoseal_processes{state=\"%s\",reason=", states[s]);
                prom_label_value(stdout, t->reasons.v[i].k[0]);
                printf("} %" PRIu64 "\n", t->reasons.v[i].n);
            }
        }
    }
    printf("# HELP autoseal_processes_unreadable Processes whose smaps could not be read, by reason.\n"
           "# TYPE autoseal_processes_unreadable gauge\n");
    static const char *const ur[] = {"permission", "exited", "error"};
    for (size_t k = 0; k < 3; k++) {
        uint64_t n = 0;
        for (size_t i = 0; i < t->unread.n; i++) {
            if (!strcmp(t->unread.v[i].k[0], ur[k])) {
                n = t->unread.v[i].n;
            }
        }
        printf("autoseal_processes_unreadable{reason=\"%s\"} %" PRIu64 "\n", ur[k], n);
    }
    printf("# HELP autoseal_kernel_threads Kernel threads and zombies (no memory to seal).\n"
           "# TYPE autoseal_kernel_threads gauge\n"
           "autoseal_kernel_threads %zu\n", t->kernel_threads);
    printf("# HELP autoseal_unit_processes Processes per systemd unit, state and reason (the "
           "%d units with most processes; the rest in unit=\"other\").\n"
           "# TYPE autoseal_unit_processes gauge\n", UNIT_CAP);
    for (size_t i = 0; i < t->units.n; i++) {
        fputs("autoseal_unit_processes{unit=", stdout);
        prom_label_value(stdout, t->units.v[i].k[0]);
        printf(",state=\"%s\",reason=", t->units.v[i].k[1]);
        prom_label_value(stdout, t->units.v[i].k[2]);
        printf("} %" PRIu64 "\n", t->units.v[i].n);
    }
    printf("# HELP autoseal_unsealed_executable_processes Processes not fully sealed, per "
           "executable and reason (the %d executables with most; the rest in "
           "executable=\"other\").\n"
           "# TYPE autoseal_unsealed_executable_processes gauge\n", EXE_CAP);
    for (size_t i = 0; i < t->exes.n; i++) {
        fputs("autoseal_unsealed_executable_processes{executable=", stdout);
        prom_label_value(stdout, t->exes.v[i].k[0]);
        fputs(",reason=", stdout);
        prom_label_value(stdout, t->exes.v[i].k[1]);
        printf("} %" PRIu64 "\n", t->exes.v[i].n);
    }
    printf("# HELP autoseal_nonwritable_image_bytes Non-writable ELF image bytes of readable processes.\n"
           "# TYPE autoseal_nonwritable_image_bytes gauge\n"
           "autoseal_nonwritable_image_bytes{sealed=\"yes\"} %" PRIu64 "\n"
           "autoseal_nonwritable_image_bytes{sealed=\"no\"} %" PRIu64 "\n",
           t->ro.sealed, t->ro.total - t->ro.sealed);
    printf("# HELP autoseal_image_bytes ELF image bytes (writable data included) of readable processes.\n"
           "# TYPE autoseal_image_bytes gauge\n"
           "autoseal_image_bytes{sealed=\"yes\"} %" PRIu64 "\n"
           "autoseal_image_bytes{sealed=\"no\"} %" PRIu64 "\n",
           t->image.sealed, t->image.total - t->image.sealed);
    int km = kernel_mseal();
    printf("# HELP autoseal_kernel_mseal Whether the kernel has mseal(2) (-1: unknown).\n"
           "# TYPE autoseal_kernel_mseal gauge\n"
           "autoseal_kernel_mseal %d\n", km);
    printf("# HELP autoseal_build_info The autoseal tool that wrote these metrics.\n"
           "# TYPE autoseal_build_info gauge\n"
           "autoseal_build_info{version=\"%s\"} 1\n", AUTOSEAL_VERSION);
    printf("# HELP autoseal_last_run_timestamp_seconds When these metrics were collected.\n"
           "# TYPE autoseal_last_run_timestamp_seconds gauge\n"
           "autoseal_last_run_timestamp_seconds %lld\n", (long long)time(NULL));
}

static void print_totals_json(const struct totals *t)
{
    printf("\"totals\":{\"processes\":%zu,\"sealed\":%zu,\"partial\":%zu,\"unsealed\":%zu,"
           "\"not_sealed_by_reason\":{", t->processes, t->state[FLEET_SEALED],
           t->state[FLEET_PARTIAL], t->state[FLEET_UNSEALED]);
    struct fleet_counts by = {0};
    for (size_t i = 0; i < t->reasons.n; i++) {
        fleet_count_add(&by, t->reasons.v[i].k[0], NULL, NULL, t->reasons.v[i].n);
    }
    for (size_t i = 0; i < by.n; i++) {
        printf("%s", i ? "," : "");
        json_str(stdout, by.v[i].k[0]);
        printf(":%" PRIu64, by.v[i].n);
    }
    fleet_count_free(&by);
    printf("},\"unreadable\":%zu,\"unreadable_by_reason\":{", t->unreadable);
    for (size_t i = 0; i < t->unread.n; i++) {
        printf("%s", i ? "," : "");
        json_str(stdout, t->unread.v[i].k[0]);
        printf(":%" PRIu64, t->unread.v[i].n);
    }
    printf("},\"kernel_threads\":%zu},", t->kernel_threads);
    int km = kernel_mseal();
    struct utsname u;
    printf("\"kernel\":{\"release\":");
    json_str(stdout, uname(&u) == 0 ? u.release : "");
    printf(",\"mseal\":%s}", km == 1 ? "true" : km == 0 ? "false" : "null");
}

static void print_row_json(const struct row *w)
{
    struct proc p;
    memset(&p, 0, sizeof p);
    p.pid = w->pid;
    memcpy(p.comm, w->comm, sizeof p.comm);
    p.ps = w->ps;
    print_json(&p, false, true);
}

static int status_all(int format, bool require, bool strict)
{
    DIR *d = opendir("/proc");
    if (!d) {
        die(EXIT_CHECK, "cannot open /proc: %s", strerror(errno));
    }
    size_t n = 0, cap = 64;
    struct row *v = xmalloc(cap * sizeof *v);
    struct totals t;
    memset(&t, 0, sizeof t);
    struct dirent *de;
    while ((de = readdir(d))) {
        int pid = parse_pid(de->d_name);
        if (pid < 0) {
            continue;
        }
        struct proc p;
        if (load_proc(pid, &p) != 0) {
            if (p.errnum == 0) {
                t.kernel_threads++;
            } else {
                t.unreadable++;
                fleet_count_add(&t.unread, unreadable_reason(p.errnum), NULL, NULL, 1);
            }
            free_proc(&p);
            continue;
        }
        if (n == cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof *v);
        }
        struct row *w = &v[n++];
        fill_row(&p, w);
        free_proc(&p); /* keep the counts only, never every process's mappings */
        t.processes++;
        t.state[w->state]++;
        t.ro.total += w->ps.nonwritable.total;
        t.ro.sealed += w->ps.nonwritable.sealed;
        t.image.total += w->ps.image.total;
        t.image.sealed += w->ps.image.sealed;
        const char *sn = fleet_state_name(w->state);
        if (w->state != FLEET_SEALED) {
            fleet_count_add(&t.reasons, w->reason, sn, NULL, 1);
            fleet_count_add(&t.exes, w->exe, w->reason, NULL, 1);
        }
        fleet_count_add(&t.units, w->unit, sn, w->reason, 1);
    }
    closedir(d);
    qsort(v, n, sizeof *v, worst_first);
    int status = EXIT_OK;
    if (format == FORMAT_JSON) {
        printf("{\"autoseal_version\":\"%s\",", AUTOSEAL_VERSION);
        print_totals_json(&t);
        fputs(",\"processes\":[", stdout);
    } else if (format == FORMAT_HUMAN) {
        printf("%7s %-15s %7s %7s %7s %4s %-8s %-10s %6s %-30s %s\n", "PID", "COMM", "RO-IMG%",
               "IMAGE%", "EXEC%", "W+X", "STATE", "REASON", "UID", "UNIT", "EXE");
    }
    for (size_t i = 0; i < n; i++) {
        const struct row *w = &v[i];
        if (require && failing(&w->ps, strict)) {
            status = EXIT_CHECK;
        }
        if (format == FORMAT_JSON) {
            if (i) {
                putchar(',');
            }
            print_row_json(w);
            printf(",\"exe\":");
            json_str(stdout, w->exe);
            printf(",\"uid\":%ld,\"unit\":", w->uid);
            json_str(stdout, w->unit);
            printf(",\"seccomp\":%d,\"state\":\"%s\",\"reason\":\"%s\",\"detail\":", w->seccomp,
                   fleet_state_name(w->state), w->reason);
            if (!strcmp(w->reason, "seccomp") && kernel_mseal() == 1) {
                struct utsname u;
                char det[512];
                snprintf(det, sizeof det, "%s; the kernel has mseal (Linux %s): not the kernel",
                         fleet_reason_text(w->reason), uname(&u) == 0 ? u.release : "?");
                json_str(stdout, det);
                putchar('}');
            } else {
                json_str(stdout, fleet_reason_text(w->reason));
                putchar('}');
            }
        } else if (format == FORMAT_HUMAN) {
            printf("%7d %-15.15s %7.1f %7.1f %7.1f %4zu %-8s %-10s %6ld %-30s %s\n", w->pid,
                   w->comm, pct(&w->ps.nonwritable), pct(&w->ps.image), pct(&w->ps.exec_all),
                   w->ps.wx_maps, fleet_state_name(w->state), w->reason, w->uid, w->unit,
                   w->exe);
        }
        free(v[i].exe);
    }
    if (format == FORMAT_JSON) {
        puts("]}");
    } else if (format == FORMAT_PROMETHEUS) {
        print_prometheus(&t);
    } else {
        printf("totals: %zu processes: %zu sealed, %zu partly sealed, %zu unsealed", t.processes,
               t.state[FLEET_SEALED], t.state[FLEET_PARTIAL], t.state[FLEET_UNSEALED]);
        for (size_t i = 0; i < t.reasons.n; i++) {
            printf("%s%s=%" PRIu64 " %s", i ? ", " : " (not sealed: ", t.reasons.v[i].k[0],
                   t.reasons.v[i].n, t.reasons.v[i].k[1]);
        }
        printf("%s; %zu unreadable", t.reasons.n ? ")" : "", t.unreadable);
        for (size_t i = 0; i < t.unread.n; i++) {
            printf("%s%s=%" PRIu64, i ? ", " : " (", t.unread.v[i].k[0], t.unread.v[i].n);
        }
        int km = kernel_mseal();
        printf("%s; %zu kernel threads or zombies; kernel mseal: %s\n", t.unread.n ? ")" : "",
               t.kernel_threads, km == 1 ? "yes" : km == 0 ? "no" : "unknown");
    }
    fleet_count_free(&t.reasons);
    fleet_count_free(&t.unread);
    fleet_count_free(&t.units);
    fleet_count_free(&t.exes);
    free(v);
    return status;
}

int cmd_status(int argc, char **argv)
{
    bool json = false, require = false, all = false, strict = false;
    int format = FORMAT_HUMAN;
    const char *fv;
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
            format = FORMAT_JSON;
        } else if (opt_value(argc, argv, &i, "--format", &fv, "status")) {
            if (!strcmp(fv, "human")) {
                format = FORMAT_HUMAN;
            } else if (!strcmp(fv, "json")) {
                format = FORMAT_JSON;
            } else if (!strcmp(fv, "prometheus")) {
                format = FORMAT_PROMETHEUS;
            } else {
                die_usage("status", "unknown format '%s' (human, json or prometheus)", fv);
            }
            json = format == FORMAT_JSON;
        } else if (!strcmp(a, "--require-sealed")) {
            require = true;
        } else if (!strcmp(a, "--strict")) {
            strict = true;
        } else if (!strcmp(a, "--all")) {
            all = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            die_usage("status", "unknown option '%s'", a);
        } else {
            first = i;
            break;
        }
    }
    if (strict && !require) {
        die_usage("status", "--strict needs --require-sealed");
    }
    if (all) {
        if (first < argc) {
            die_usage("status", "--all takes no PID");
        }
        return status_all(format, require, strict);
    }
    if (format == FORMAT_PROMETHEUS) {
        die_usage("status", "--format=prometheus needs --all");
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
        } else if (require && failing(&p.ps, strict)) {
            status = EXIT_CHECK;
        }
        if (json) {
            if (i > first) {
                putchar(',');
            }
            print_json(&p, true, false);
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
