#include "smaps.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool vmflags_has(const char *line, size_t len, const char *tok)
{
    size_t tl = strlen(tok), i = 0;
    while (i < len) {
        while (i < len && isspace((unsigned char)line[i])) {
            i++;
        }
        size_t s = i;
        while (i < len && !isspace((unsigned char)line[i])) {
            i++;
        }
        if (i - s == tl && memcmp(line + s, tok, tl) == 0) {
            return true;
        }
    }
    return false;
}

static bool parse_hex(const char **p, const char *end, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int digits = 0;
    while (s < end && isxdigit((unsigned char)*s)) {
        if (digits >= 16) {
            return false;
        }
        int d = isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10);
        x = x << 4 | (uint64_t)d;
        digits++;
        s++;
    }
    if (!digits) {
        return false;
    }
    *p = s;
    *v = x;
    return true;
}

static bool parse_dec(const char **p, const char *end, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int digits = 0;
    while (s < end && isdigit((unsigned char)*s)) {
        if (digits >= 20) {
            return false;
        }
        x = x * 10 + (uint64_t)(*s - '0');
        digits++;
        s++;
    }
    if (!digits) {
        return false;
    }
    *p = s;
    *v = x;
    return true;
}

static bool expect(const char **p, const char *end, char c)
{
    if (*p < end && **p == c) {
        (*p)++;
        return true;
    }
    return false;
}

/* "start-end perms offset maj:min inode   path" */
static bool parse_header(const char *s, const char *end, struct mapping *m)
{
    uint64_t maj, min;
    memset(m, 0, sizeof *m);
    m->object = -1;
    if (!parse_hex(&s, end, &m->start) || !expect(&s, end, '-') || !parse_hex(&s, end, &m->end) ||
        !expect(&s, end, ' ') || end - s < 5) {
        return false;
    }
    memcpy(m->perms, s, 4);
    m->perms[4] = '\0';
    s += 4;
    if (!expect(&s, end, ' ') || !parse_hex(&s, end, &m->offset) || !expect(&s, end, ' ') ||
        !parse_hex(&s, end, &maj) || !expect(&s, end, ':') || !parse_hex(&s, end, &min) ||
        !expect(&s, end, ' ') || !parse_dec(&s, end, &m->inode)) {
        return false;
    }
    if (m->end < m->start || maj > 0xffffffffu || min > 0xffffffffu) {
        return false;
    }
    m->dev_major = (unsigned)maj;
    m->dev_minor = (unsigned)min;
    while (s < end && *s == ' ') {
        s++;
    }
    size_t pl = (size_t)(end - s);
    m->path = malloc(pl + 1);
    if (!m->path) {
        return false;
    }
    memcpy(m->path, s, pl);
    m->path[pl] = '\0';
    return true;
}

static bool is_header(const char *s, const char *end)
{
    /* A header starts with hex digits and a '-'; field lines with "Name:". */
    const char *p = s;
    while (p < end && isxdigit((unsigned char)*p)) {
        p++;
    }
    return p > s && p < end && *p == '-';
}

int smaps_parse(const char *buf, size_t len, struct mapping **out, size_t *n, char *err,
                size_t errlen)
{
    size_t cap = 64, cnt = 0;
    struct mapping *v = malloc(cap * sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t lineno = 0;
    const char *p = buf, *bend = buf + len;
    while (p < bend) {
        const char *nl = memchr(p, '\n', (size_t)(bend - p));
        const char *e = nl ? nl : bend;
        lineno++;
        if (e > p) {
            if (is_header(p, e)) {
                if (cnt == cap) {
                    cap *= 2;
                    struct mapping *nv = realloc(v, cap * sizeof *v);
                    if (!nv) {
                        smaps_free(v, cnt);
                        snprintf(err, errlen, "out of memory");
                        return -1;
                    }
                    v = nv;
                }
                if (!parse_header(p, e, &v[cnt])) {
                    free(v[cnt].path);
                    smaps_free(v, cnt);
                    snprintf(err, errlen, "line %zu: not a mapping line", lineno);
                    return -1;
                }
                cnt++;
            } else if (cnt > 0 && (size_t)(e - p) >= 8 && memcmp(p, "VmFlags:", 8) == 0) {
                v[cnt - 1].has_vmflags = true;
                v[cnt - 1].sealed = vmflags_has(p + 8, (size_t)(e - p - 8), "sl");
            } else if (cnt == 0) {
                smaps_free(v, cnt);
                snprintf(err, errlen, "line %zu: field before any mapping", lineno);
                return -1;
            }
        }
        p = nl ? nl + 1 : bend;
    }
    *out = v;
    *n = cnt;
    return 0;
}

void smaps_free(struct mapping *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].path);
    }
    free(m);
}

static bool file_backed(const struct mapping *m)
{
    return m->inode != 0 && m->path[0] != '\0' && m->path[0] != '[';
}

static bool anonymous(const struct mapping *m)
{
    return m->inode == 0 && m->path[0] == '\0';
}

static bool same_file(const struct mapping *a, const struct mapping *b)
{
    return a->inode == b->inode && a->dev_major == b->dev_major && a->dev_minor == b->dev_minor &&
           strcmp(a->path, b->path) == 0;
}

static bool prot_none(const struct mapping *m)
{
    return m->perms[0] == '-' && m->perms[1] == '-' && m->perms[2] == '-';
}

static void count(struct byte_count *c, const struct mapping *m)
{
    c->total += m->end - m->start;
    if (m->sealed) {
        c->sealed += m->end - m->start;
    }
}

double pct(const struct byte_count *c)
{
    return c->total ? 100.0 * (double)c->sealed / (double)c->total : 100.0;
}

static bool is_autoseal(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    return strncmp(b, "libautoseal.so", 14) == 0;
}

void smaps_group(struct mapping *m, size_t n, struct object_stats **objs, size_t *nobjs,
                 struct process_stats *ps)
{
    memset(ps, 0, sizeof *ps);
    size_t cap = 16, no = 0;
    struct object_stats *o = calloc(cap, sizeof *o);
    if (!o) {
        abort();
    }
    /* Pass 1: assign file-backed mappings and the anonymous pieces that
     * belong to them. */
    int cur = -1;       /* object of the previous file-backed mapping */
    size_t last = 0;    /* index of the object's last member */
    for (size_t i = 0; i < n; i++) {
        struct mapping *x = &m[i];
        if (file_backed(x)) {
            if (cur >= 0 && same_file(&m[o[cur].first], x)) {
                x->object = cur;
            } else {
                if (no == cap) {
                    cap *= 2;
                    o = realloc(o, cap * sizeof *o);
                    if (!o) {
                        abort();
                    }
                }
                memset(&o[no], 0, sizeof o[no]);
                o[no].path = x->path;
                o[no].first = i;
                cur = (int)no++;
                x->object = cur;
            }
            last = i;
            continue;
        }
        if (cur >= 0 && anonymous(x) && m[last].end == x->start && last + 1 == i) {
            /* A PROT_NONE gap joins when the same file follows right after. */
            if (prot_none(x) && i + 1 < n && file_backed(&m[i + 1]) &&
                same_file(&m[i + 1], &m[o[cur].first]) && m[i + 1].start == x->end) {
                x->object = cur;
                last = i;
                continue;
            }
            /* The bss tail: anonymous rw right after a writable file mapping. */
            if (x->perms[0] == 'r' && x->perms[1] == 'w' && m[last].perms[1] == 'w' &&
                file_backed(&m[last])) {
                x->object = cur;
                cur = -1; /* nothing more joins this object */
                continue;
            }
        }
        cur = -1; /* anything else ends the object */
    }
    /* Only groups with an executable mapping are ELF images; the others
     * are data files (locale archives, caches, fonts). */
    int *remap = calloc(no ? no : 1, sizeof *remap);
    bool *exec = calloc(no ? no : 1, sizeof *exec);
    if (!remap || !exec) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i].object >= 0 && m[i].perms[2] == 'x') {
            exec[m[i].object] = true;
        }
    }
    size_t kept = 0;
    for (size_t k = 0; k < no; k++) {
        remap[k] = exec[k] ? (int)kept : -1;
        if (exec[k]) {
            o[kept++] = o[k];
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i].object >= 0) {
            m[i].object = remap[m[i].object];
        }
    }
    no = kept;
    free(remap);
    free(exec);
    /* Pass 2: counts. */
    for (size_t i = 0; i < n; i++) {
        struct mapping *x = &m[i];
        bool w = x->perms[1] == 'w', ex = x->perms[2] == 'x';
        if (x->has_vmflags) {
            ps->have_vmflags = true;
        }
        if (w && ex) {
            ps->wx_maps++;
            ps->wx_bytes += x->end - x->start;
        }
        if (ex && strcmp(x->path, "[vsyscall]") != 0) {
            count(&ps->exec_all, x);
        }
        if (x->object < 0) {
            continue;
        }
        struct object_stats *ob = &o[x->object];
        ob->nmaps++;
        count(&ob->image, x);
        count(&ps->image, x);
        if (!w) {
            count(&ob->nonwritable, x);
            count(&ps->nonwritable, x);
            if (!x->sealed) {
                ob->nonwritable_unsealed++;
                ps->nonwritable_unsealed++;
            }
        }
        if (ex) {
            count(&ob->exec, x);
            if (!x->sealed) {
                ob->exec_unsealed++;
            }
        }
        if (w && ex) {
            ob->wx++;
        }
        if (is_autoseal(x->path)) {
            ps->autoseal_loaded = true;
        }
    }
    *objs = o;
    *nobjs = no;
}
