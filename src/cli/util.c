#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static void vmsg(const char *fmt, va_list ap, int err) AS_PRINTF(1, 0);
static void vmsg(const char *fmt, va_list ap, int err)
{
    fflush(stdout);
    fputs("autoseal: ", stderr);
    vfprintf(stderr, fmt, ap);
    if (err) {
        fprintf(stderr, ": %s", strerror(err));
    }
    fputc('\n', stderr);
}

void warnx_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap, 0);
    va_end(ap);
}

void warn_errno(const char *fmt, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap, e);
    va_end(ap);
}

void die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap, 0);
    va_end(ap);
    exit(status);
}

void die_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap, 0);
    va_end(ap);
    fprintf(stderr, "Try 'autoseal %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    exit(EXIT_USAGE);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        die(EXIT_CHECK, "out of memory");
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        die(EXIT_CHECK, "out of memory");
    }
    return q;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        die(EXIT_CHECK, "out of memory");
    }
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        die(EXIT_CHECK, "bad format");
    }
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

int read_file(const char *path, size_t max, bool regular_only, char **out, size_t *len)
{
    /* O_NONBLOCK: a FIFO must not make us hang. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        return -errno;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return -EISDIR;
    }
    if (regular_only && !S_ISREG(st.st_mode)) {
        close(fd);
        return -EINVAL;
    }
    if (regular_only && (uintmax_t)st.st_size > max) {
        close(fd);
        return -EFBIG;
    }
    size_t cap = regular_only ? (size_t)st.st_size + 1 : 65536, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max) {
                free(buf);
                close(fd);
                return -EFBIG;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            free(buf);
            close(fd);
            return -e;
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 64;
        while (c < b->len + n + 1) {
            c *= 2;
        }
        b->s = xrealloc(b->s, c);
        b->cap = c;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sb_puts(struct sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n < sizeof tmp) {
        sb_add(b, tmp, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_add(b, big, (size_t)n);
    free(big);
}

void sb_free(struct sbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void sb_json_str(struct sbuf *b, const char *s)
{
    sb_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sb_puts(b, "\\\""); break;
        case '\\': sb_puts(b, "\\\\"); break;
        case '\n': sb_puts(b, "\\n"); break;
        case '\t': sb_puts(b, "\\t"); break;
        case '\r': sb_puts(b, "\\r"); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                sb_printf(b, "\\u%04x", *p);
            } else {
                sb_add(b, (const char *)p, 1);
            }
        }
    }
    sb_add(b, "\"", 1);
}

void json_str(FILE *f, const char *s)
{
    struct sbuf b = {0};
    sb_json_str(&b, s);
    fputs(b.s, f);
    sb_free(&b);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *autoseal_library_path(const char **how)
{
    char exe[PATH_MAX];
    if (realpath("/proc/self/exe", exe)) {
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            /* Build tree: build/bin/autoseal -> build/lib/libautoseal.so */
            char *p = xasprintf("%s/../lib/libautoseal.so", exe);
            char real[PATH_MAX];
            if (is_file(p) && realpath(p, real)) {
                free(p);
                *how = "build-tree";
                return xstrdup(real);
            }
            free(p);
            /* Installed tree moved as a whole (e.g. a package unpacked
             * with dpkg -x into another root): same layout relative to
             * the tool as the compiled-in paths. */
            p = xasprintf("%s/%s/libautoseal.so", exe, AUTOSEAL_BIN_TO_PKGLIB);
            if (is_file(p) && realpath(p, real)) {
                free(p);
                if (strcmp(real, AUTOSEAL_PKGLIBDIR "/libautoseal.so") == 0) {
                    *how = "installed";
                } else {
                    *how = "relocated";
                }
                return xstrdup(real);
            }
            free(p);
        }
    }
    *how = "installed";
    return xstrdup(AUTOSEAL_PKGLIBDIR "/libautoseal.so");
}

bool opt_value(int argc, char **argv, int *i, const char *name, const char **val,
               const char *cmd)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) {
        return false;
    }
    if (a[n] == '=') {
        *val = a + n + 1;
        return true;
    }
    if (a[n] != '\0') {
        return false;
    }
    if (*i + 1 >= argc) {
        die_usage(cmd, "option '%s' needs a value", name);
    }
    *val = argv[++*i];
    return true;
}

void sb_read_fd(struct sbuf *b, int fd, size_t limit)
{
    char tmp[4096];
    ssize_t r;
    while ((r = read(fd, tmp, sizeof tmp)) != 0) {
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (b->len < limit) {
            sb_add(b, tmp, (size_t)r);
        }
    }
}
