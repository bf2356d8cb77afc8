#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "fmt.h"
#include "glob.h"
#include "sys.h"

#define NAME_SHOWN 96 /* bytes of the file name shown in messages */

struct parser {
    const char *text;
    size_t len;
    const char *name;
    as_error_fn fn;
    void *ctx;
    unsigned errors;
    bool stopped; /* too many errors: stop reading */
};

static void vreport(struct parser *p, unsigned line, const char *fmt, va_list ap)
{
    if (p->stopped) {
        return;
    }
    p->errors++;
    if (p->fn == NULL) {
        return;
    }
    char problem[256], msg[384];
    as_vfmt(problem, sizeof problem, fmt, ap);
    /* a long name keeps its end, where the file name is */
    const char *n = p->name, *dots = "";
    size_t nl = strlen(n);
    if (nl > NAME_SHOWN) {
        n += nl - (NAME_SHOWN - 3);
        dots = "...";
    }
    if (line) {
        as_fmt(msg, sizeof msg, "%s%s:%u: %s", dots, n, line, problem);
    } else {
        as_fmt(msg, sizeof msg, "%s%s: %s", dots, n, problem);
    }
    p->fn(p->ctx, msg);
}

__attribute__((format(printf, 3, 4))) static void report(struct parser *p, unsigned line,
                                                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(p, line, fmt, ap);
    va_end(ap);
    if (!p->stopped && p->errors >= AS_CONFIG_ERRORS_MAX) {
        if (p->fn) {
            char msg[192];
            size_t nl = strlen(p->name);
            as_fmt(msg, sizeof msg, "%s%s: too many errors (%u), giving up",
                   nl > NAME_SHOWN ? "..." : "",
                   nl > NAME_SHOWN ? p->name + nl - (NAME_SHOWN - 3) : p->name, p->errors);
            p->fn(p->ctx, msg);
        }
        p->stopped = true;
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

enum line_kind { L_EMPTY, L_HEADER, L_KEYVAL, L_BAD };

struct line {
    size_t off;  /* of the line in the text */
    size_t rawlen; /* up to the newline, excluded */
    size_t next; /* offset of the next line */
    enum line_kind kind;
    const char *a; /* L_HEADER: the name; L_KEYVAL: the key */
    size_t alen;
    const char *b; /* L_KEYVAL: the value */
    size_t blen;
    char why[96];  /* L_BAD: the problem */
};

/* Split the line at off and classify it. */
static void read_line(const char *text, size_t len, size_t off, struct line *l)
{
    const char *s = text + off;
    const char *nl = memchr(s, '\n', len - off);
    l->off = off;
    l->rawlen = nl ? (size_t)(nl - s) : len - off;
    l->next = nl ? off + l->rawlen + 1 : len;
    l->a = l->b = NULL;
    l->alen = l->blen = 0;
    l->why[0] = '\0';
    l->kind = L_BAD;

    if (l->rawlen > AS_CONFIG_LINE_MAX) {
        as_fmt(l->why, sizeof l->why, "line too long (%zu bytes, limit %u)", l->rawlen,
               AS_CONFIG_LINE_MAX);
        return;
    }
    size_t n = l->rawlen;
    if (n > 0 && s[n - 1] == '\r') { /* CRLF line ending */
        n--;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) {
            as_fmt(l->why, sizeof l->why, "NUL byte in line (column %zu)", i + 1);
            return;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            as_fmt(l->why, sizeof l->why, "control character 0x%x in line (column %zu)",
                   (unsigned)c, i + 1);
            return;
        }
    }
    const char *a = s, *b = s + n;
    while (a < b && is_blank(*a)) {
        a++;
    }
    while (b > a && is_blank(b[-1])) {
        b--;
    }
    if (a == b || *a == '#') {
        l->kind = L_EMPTY;
        return;
    }
    if (*a == '[') {
        const char *close = memchr(a, ']', (size_t)(b - a));
        if (b[-1] != ']') {
            as_fmt(l->why, sizeof l->why, close ? "unexpected text after ']' in section header"
                                                : "missing ']' in section header");
            return;
        }
        const char *na = a + 1, *nb = b - 1;
        while (na < nb && is_blank(*na)) {
            na++;
        }
        while (nb > na && is_blank(nb[-1])) {
            nb--;
        }
        if (na == nb) {
            as_fmt(l->why, sizeof l->why, "empty section name");
            return;
        }
        l->kind = L_HEADER;
        l->a = na;
        l->alen = (size_t)(nb - na);
        return;
    }
    const char *eq = memchr(a, '=', (size_t)(b - a));
    if (eq == NULL) {
        as_fmt(l->why, sizeof l->why, "expected 'key = value', '[section]' or '# comment'");
        return;
    }
    const char *ke = eq, *v = eq + 1;
    while (ke > a && is_blank(ke[-1])) {
        ke--;
    }
    while (v < b && is_blank(*v)) {
        v++;
    }
    if (ke == a) {
        as_fmt(l->why, sizeof l->why, "missing key before '='");
        return;
    }
    l->kind = L_KEYVAL;
    l->a = a;
    l->alen = (size_t)(ke - a);
    l->b = v;
    l->blen = (size_t)(b - v);
}

static bool name_is(const char *s, size_t len, const char *lit)
{
    size_t l = strlen(lit);
    return len == l && memcmp(s, lit, l) == 0;
}

/* The key index of a key name, or AS_KEY_COUNT. */
static int key_index(const char *k, size_t klen)
{
    for (int i = 0; i < AS_KEY_COUNT; i++) {
        if (name_is(k, klen, as_key_name((enum as_key)i))) {
            return i;
        }
    }
    return AS_KEY_COUNT;
}

/* One key = value line applied to a layer; seen tracks the keys this scope
 * already set (a key may appear once per section, exclude any number of
 * times). */
static void apply(struct parser *p, unsigned lineno, const struct line *l,
                  struct as_settings *s, uint32_t *seen)
{
    int k = key_index(l->a, l->alen);
    if (k < AS_KEY_COUNT && k != AS_KEY_EXCLUDE && seen && (*seen & (1u << k))) {
        report(p, lineno, "duplicate key '%s' in this section", as_key_name((enum as_key)k));
        return;
    }
    char err[200];
    if (as_settings_set(s, l->a, l->alen, l->b, l->blen, err, sizeof err) != 0) {
        report(p, lineno, "%s", err);
        return;
    }
    if (seen && k < AS_KEY_COUNT) {
        *seen |= 1u << k;
    }
}

struct section {
    uint32_t off;  /* of the name in the text */
    uint32_t len;
    uint32_t line;
};

struct match {
    uint32_t body; /* offset of the line after the header */
    uint32_t line;
    uint32_t literals;
    bool exact;
};

/* a applies before b (b is more specific or later). */
static bool less_specific(const struct match *a, const struct match *b)
{
    if (a->exact != b->exact) {
        return b->exact;
    }
    if (a->literals != b->literals) {
        return a->literals < b->literals;
    }
    return a->line < b->line;
}

static void clear_layers(struct as_config *out)
{
    memset(&out->global, 0, sizeof out->global);
    memset(&out->program, 0, sizeof out->program);
    out->matched = 0;
    out->section_line = 0;
}

int as_config_parse(const char *text, size_t len, const char *name, const char *exe,
                    struct as_config *out, as_error_fn fn, void *ctx)
{
    struct parser p = {text, len, name ? name : "(config)", fn, ctx, 0, false};
    struct section sections[AS_CONFIG_SECTIONS_MAX];
    struct match matches[AS_CONFIG_MATCH_MAX];
    unsigned nsections = 0, nmatches = 0;
    struct as_settings scratch; /* validates program sections */
    struct line l;
    size_t exelen = exe ? strlen(exe) : 0;

    memset(out, 0, sizeof *out);
    if (text == NULL) {
        len = 0;
    }
    if (len > AS_CONFIG_SIZE_MAX) {
        report(&p, 0, "file too large (%zu bytes, limit %u)", len, AS_CONFIG_SIZE_MAX);
        out->errors = p.errors;
        return -EINVAL;
    }

    /* Pass 1: check every line, fill the global layer, find the program
     * sections that match. */
    bool in_global = true;
    uint32_t gseen = 0, sseen = 0;
    unsigned lineno = 0;
    for (size_t off = 0; off < len && !p.stopped; off = l.next) {
        read_line(text, len, off, &l);
        lineno++;
        switch (l.kind) {
        case L_EMPTY:
            break;
        case L_BAD:
            report(&p, lineno, "%s", l.why);
            break;
        case L_KEYVAL:
            if (in_global) {
                apply(&p, lineno, &l, &out->global, &gseen);
            } else {
                apply(&p, lineno, &l, &scratch, &sseen);
            }
            break;
        case L_HEADER: {
            bool dup = false;
            for (unsigned i = 0; i < nsections; i++) {
                if (sections[i].len == l.alen && memcmp(text + sections[i].off, l.a, l.alen) == 0) {
                    report(&p, lineno, "duplicate section [%.*s] (first at line %u)",
                           (int)(l.alen > 128 ? 128 : l.alen), l.a, sections[i].line);
                    dup = true;
                    break;
                }
            }
            if (!dup && nsections >= AS_CONFIG_SECTIONS_MAX) {
                report(&p, lineno, "too many sections (limit %u)", AS_CONFIG_SECTIONS_MAX);
                dup = true;
            }
            if (!dup) {
                sections[nsections].off = (uint32_t)(l.a - text);
                sections[nsections].len = (uint32_t)l.alen;
                sections[nsections].line = lineno;
                nsections++;
            }
            /* The lines that follow belong to this section in any case, so
             * that their own problems are still reported. */
            memset(&scratch, 0, sizeof scratch);
            sseen = 0;
            if (name_is(l.a, l.alen, "global")) {
                in_global = true;
                break;
            }
            in_global = false;
            const char *why = NULL;
            if (l.a[0] != '/') {
                report(&p, lineno,
                       "section name must be 'global' or an absolute path or glob, not '%.*s'",
                       (int)(l.alen > 128 ? 128 : l.alen), l.a);
                break;
            }
            if (l.alen > AS_GLOB_PATTERN_MAX) {
                report(&p, lineno, "section name too long (%zu bytes, limit %d)", l.alen,
                       AS_GLOB_PATTERN_MAX);
                break;
            }
            if (as_glob_check(l.a, l.alen, &why) != 0) {
                report(&p, lineno, "bad pattern in section header: %s", why);
                break;
            }
            if (dup || exe == NULL || !as_glob_match(l.a, l.alen, exe, exelen)) {
                break;
            }
            if (nmatches >= AS_CONFIG_MATCH_MAX) {
                report(&p, lineno, "more than %u sections match this program",
                       AS_CONFIG_MATCH_MAX);
                break;
            }
            matches[nmatches].body = (uint32_t)l.next;
            matches[nmatches].line = lineno;
            matches[nmatches].exact = as_glob_is_literal(l.a, l.alen);
            matches[nmatches].literals = (uint32_t)as_glob_literal_count(l.a, l.alen);
            nmatches++;
            break;
        }
        }
    }

    /* Pass 2: apply the matching sections, least specific first, so that
     * the most specific one wins for each key it sets. */
    if (p.errors == 0) {
        for (unsigned i = 1; i < nmatches; i++) { /* insertion sort */
            struct match m = matches[i];
            unsigned j = i;
            while (j > 0 && less_specific(&m, &matches[j - 1])) {
                matches[j] = matches[j - 1];
                j--;
            }
            matches[j] = m;
        }
        /* The exclude globs of the global section and of every matching
         * section add up: count them together so that none is dropped. */
        memset(&scratch, 0, sizeof scratch);
        scratch.v.nexclude = out->global.v.nexclude;
        memcpy(scratch.v.exclude, out->global.v.exclude, sizeof scratch.v.exclude);
        for (unsigned i = 0; i < nmatches && p.errors == 0; i++) {
            unsigned ln = matches[i].line;
            for (size_t off = matches[i].body; off < len; off = l.next) {
                read_line(text, len, off, &l);
                ln++;
                if (l.kind == L_HEADER) {
                    break;
                }
                if (l.kind != L_KEYVAL) {
                    continue;
                }
                /* checked in pass 1; only the merged exclude list can
                 * overflow here */
                char err[200];
                if (key_index(l.a, l.alen) == AS_KEY_EXCLUDE &&
                    as_settings_set(&scratch, l.a, l.alen, l.b, l.blen, err, sizeof err) != 0) {
                    report(&p, ln, "too many exclude= globs for this program (at most %d, "
                                   "the global section's included)", AS_EXCLUDE_MAX);
                    continue;
                }
                apply(&p, ln, &l, &out->program, NULL);
            }
        }
        if (p.errors == 0) {
            out->matched = nmatches;
            out->section_line = nmatches ? matches[nmatches - 1].line : 0;
        }
    }

    out->errors = p.errors;
    if (p.errors) {
        clear_layers(out);
        return -EINVAL;
    }
    return 0;
}

/* Short names for the errors open(2), fstat(2) and read(2) can give. */
static const char *err_text(int e)
{
    switch (e) {
    case EACCES: return "permission denied (EACCES)";
    case EPERM: return "operation not permitted (EPERM)";
    case ELOOP: return "too many symbolic links (ELOOP)";
    case ENOTDIR: return "a path component is not a directory (ENOTDIR)";
    case ENAMETOOLONG: return "file name too long (ENAMETOOLONG)";
    case EISDIR: return "is a directory (EISDIR)";
    case EIO: return "input/output error (EIO)";
    case EMFILE: return "too many open files (EMFILE)";
    case ENFILE: return "too many open files in system (ENFILE)";
    case ENOMEM: return "out of memory (ENOMEM)";
    case ENXIO: return "no such device (ENXIO)";
    case ENODEV: return "no such device (ENODEV)";
    case EAGAIN: return "resource temporarily unavailable (EAGAIN)";
    case EOVERFLOW: return "value too large (EOVERFLOW)";
    case ETXTBSY: return "text file busy (ETXTBSY)";
    case EFAULT: return "bad address (EFAULT)";
    case EINVAL: return "invalid argument (EINVAL)";
    default: return NULL;
    }
}

static void report_errno(struct parser *p, const char *what, int e)
{
    const char *t = err_text(e);
    if (t) {
        report(p, 0, "%s: %s", what, t);
    } else {
        report(p, 0, "%s: error %d", what, e);
    }
}

static void close_fd(int fd)
{
    (void)as_syscall3(__NR_close, fd, 0, 0);
}

static const char *file_type(mode_t m)
{
    switch (m & S_IFMT) {
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    case S_IFLNK: return "a symbolic link";
    default: return "not a regular file";
    }
}

int as_config_load_buf(const char *path, bool strict_owner, const char *exe, char *buf,
                       size_t buflen, struct as_config *out, as_error_fn fn, void *ctx)
{
    struct parser p = {NULL, 0, path ? path : "(null)", fn, ctx, 0, false};
    memset(out, 0, sizeof *out);
    if (path == NULL || path[0] == '\0' || (buf == NULL && buflen)) {
        report(&p, 0, "no configuration file name");
        out->errors = p.errors;
        return -EINVAL;
    }
    size_t limit = buflen < AS_CONFIG_SIZE_MAX ? buflen : AS_CONFIG_SIZE_MAX;

    int fd = (int)as_syscall6(__NR_openat, AT_FDCWD, (long)path,
                              O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0, 0, 0);
    if (fd == -ENOENT) {
        return -ENOENT;
    }
    if (fd < 0) {
        report_errno(&p, "cannot open", -fd);
        out->errors = p.errors;
        return fd;
    }

    int ret = 0;
    struct stat st;
    long r = as_syscall3(__NR_fstat, fd, (long)&st, 0);
    if (r < 0) {
        report_errno(&p, "cannot stat", (int)-r);
        ret = (int)r;
    } else if (S_ISDIR(st.st_mode)) {
        report(&p, 0, "is a directory, not a configuration file");
        ret = -EISDIR;
    } else if (!S_ISREG(st.st_mode)) {
        report(&p, 0, "is %s, not a regular file", file_type(st.st_mode));
        ret = -EINVAL;
    } else if (strict_owner && st.st_uid != 0) {
        report(&p, 0, "not owned by root (uid %u): ignored (must be owned by root, writable by root only)",
               (unsigned)st.st_uid);
        ret = -EPERM;
    } else if (strict_owner && (st.st_mode & (S_IWGRP | S_IWOTH))) {
        unsigned m = (unsigned)(st.st_mode & 07777);
        char oct[5] = {(char)('0' + ((m >> 9) & 7)), (char)('0' + ((m >> 6) & 7)),
                       (char)('0' + ((m >> 3) & 7)), (char)('0' + (m & 7)), '\0'};
        report(&p, 0, "writable by group or others (mode %s): ignored (must be owned by root, writable by root only)",
               oct);
        ret = -EPERM;
    } else if (st.st_size < 0 || (unsigned long long)st.st_size > limit) {
        report(&p, 0, "file too large (%lld bytes, limit %zu)", (long long)st.st_size, limit);
        ret = -EFBIG;
    }

    size_t got = 0;
    while (ret == 0) {
        char extra = 0;
        char *dst = got < limit ? buf + got : &extra;
        size_t want = got < limit ? limit - got : 1;
        r = as_syscall3(__NR_read, fd, (long)dst, (long)want);
        if (r == -EINTR) {
            continue;
        }
        if (r < 0) {
            report_errno(&p, "cannot read", (int)-r);
            ret = (int)r;
            break;
        }
        if (r == 0) {
            break;
        }
        if (got >= limit) { /* grew past the limit while being read */
            report(&p, 0, "file too large (more than %zu bytes)", limit);
            ret = -EFBIG;
            break;
        }
        got += (size_t)r;
    }
    close_fd(fd);

    if (ret != 0) {
        out->errors = p.errors;
        return ret;
    }
    return as_config_parse(buf, got, path, exe, out, fn, ctx);
}

int as_config_load(const char *path, bool strict_owner, const char *exe, struct as_config *out,
                   as_error_fn fn, void *ctx)
{
    static char buf[AS_CONFIG_SIZE_MAX];
    return as_config_load_buf(path, strict_owner, exe, buf, sizeof buf, out, fn, ctx);
}
