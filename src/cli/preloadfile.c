/* /etc/ld.so.preload editing (see preloadfile.h). */
#include "preloadfile.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define SEPS " \t\n:"

bool preload_path_ok(const char *path)
{
    if (path == NULL || path[0] != '/' || strlen(path) >= 4096) {
        return false;
    }
    for (const char *p = path; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f || strchr(" :#$", *p)) {
            return false;
        }
    }
    return true;
}

/* Call fn for each entry (comments skipped); stops when fn returns true. */
static void each_entry(const char *buf, size_t len, bool (*fn)(const char *, size_t, void *),
                       void *arg)
{
    size_t i = 0;
    while (i < len) {
        if (buf[i] == '#') {
            while (i < len && buf[i] != '\n') {
                i++;
            }
            continue;
        }
        if (strchr(SEPS, buf[i]) || buf[i] == '\0') {
            i++;
            continue;
        }
        size_t s = i;
        while (i < len && buf[i] != '#' && buf[i] != '\0' && !strchr(SEPS, buf[i])) {
            i++;
        }
        if (fn(buf + s, i - s, arg)) {
            return;
        }
    }
}

struct count_arg {
    const char *path;
    size_t plen;
    int n;
    char *other;
};

static bool count_fn(const char *e, size_t n, void *a_)
{
    struct count_arg *a = a_;
    static const char base[] = "/libautoseal.so";
    if (n == a->plen && memcmp(e, a->path, n) == 0) {
        a->n++;
    } else if (a->other == NULL && n >= sizeof base - 1 &&
               memcmp(e + n - (sizeof base - 1), base, sizeof base - 1) == 0) {
        a->other = xasprintf("%.*s", (int)n, e);
    }
    return false;
}

int preload_count(const char *buf, size_t len, const char *path, char **other_autoseal)
{
    struct count_arg a = {path, strlen(path), 0, NULL};
    if (buf != NULL) {
        each_entry(buf, len, count_fn, &a);
    }
    if (other_autoseal != NULL) {
        *other_autoseal = a.other;
    } else {
        free(a.other);
    }
    return a.n;
}

char *preload_add(const char *buf, size_t len, const char *path, size_t *outlen)
{
    struct sbuf b = {0};
    sb_add(&b, "", 0);
    if (buf != NULL) {
        sb_add(&b, buf, len);
        if (len > 0 && buf[len - 1] != '\n') {
            sb_puts(&b, "\n");
        }
    }
    sb_printf(&b, "%s\n", path);
    *outlen = b.len;
    return b.s;
}

static bool only_separators(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strchr(SEPS, s[i]) || s[i] == '\0') {
            return false;
        }
    }
    return true;
}

char *preload_remove(const char *buf, size_t len, const char *path, size_t *outlen)
{
    struct sbuf b = {0};
    size_t plen = strlen(path);
    sb_add(&b, "", 0);
    for (size_t i = 0; i < len;) {
        const char *nlp = memchr(buf + i, '\n', len - i);
        size_t end = nlp ? (size_t)(nlp - buf) + 1 : len; /* the line with its newline */
        char *l = xmalloc(end - i + 1);
        memcpy(l, buf + i, end - i);
        l[end - i] = '\0';
        size_t ll = end - i;
        i = end;
        bool removed = false;
        for (;;) {
            const char *hash = memchr(l, '#', ll);
            size_t body = hash ? (size_t)(hash - l) : ll;
            size_t j = 0;
            for (; j + plen <= body; j++) {
                if (memcmp(l + j, path, plen) == 0 && (j == 0 || strchr(SEPS, l[j - 1])) &&
                    (j + plen == body || strchr(SEPS, l[j + plen]))) {
                    break;
                }
            }
            if (j + plen > body) {
                break;
            }
            memmove(l + j, l + j + plen, ll - j - plen + 1);
            ll -= plen;
            removed = true;
        }
        if (!(removed && only_separators(l, ll))) {
            sb_add(&b, l, ll);
        }
        free(l);
    }
    *outlen = b.len;
    return b.s;
}

char *preload_disable(const char *cur, size_t len, const char *bak, size_t baklen,
                      const char *path, size_t *outlen, bool *remove_file)
{
    size_t elen;
    char *enabled = preload_add(bak, baklen, path, &elen);
    bool untouched = elen == len && memcmp(enabled, cur, len) == 0;
    free(enabled);
    *remove_file = false;
    if (untouched) { /* exactly what enable made: put the old file back */
        if (bak == NULL) {
            *remove_file = true;
            *outlen = 0;
            return xstrdup("");
        }
        char *r = xmalloc(baklen + 1);
        memcpy(r, bak, baklen);
        r[baklen] = '\0';
        *outlen = baklen;
        return r;
    }
    /* edited since: remove the entry, keep everything else */
    char *r = preload_remove(cur, len, path, outlen);
    if (*outlen == 0 && bak == NULL) {
        *remove_file = true;
    }
    return r;
}
