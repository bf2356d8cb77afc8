/* Fleet view helpers: verdicts, reasons, cgroup units, Prometheus labels. */
#include "fleet.h"

#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "util.h"

const char *const fleet_reasons[] = {
    "none",         /* sealed */
    "no-preload",   /* libautoseal is not loaded (not in ld.so.preload/LD_PRELOAD, or refused) */
    "static",       /* a static binary: no preload library can load */
    "mode-off",     /* loaded, its configuration says mode=off */
    "mode-audit",   /* loaded, mode=audit: logs, seals nothing */
    "seccomp",      /* loaded, nothing (or not all) sealed, a seccomp filter is active */
    "kernel",       /* loaded, nothing sealed, the kernel has no mseal */
    "excluded",     /* loaded, what is unsealed matches exclude= */
    "no-image",     /* no non-writable image memory at all */
    "unknown",      /* loaded, not (fully) sealed, no cause found */
    NULL};

const char *fleet_reason_text(const char *r)
{
    static const struct {
        const char *reason, *text;
    } t[] = {
        {"no-preload", "libautoseal is not mapped: not in /etc/ld.so.preload or LD_PRELOAD, or "
                       "the loader could not map it (NoExecPaths=, a noexec mount)"},
        {"static", "a static binary: no preload library can load"},
        {"mode-off", "its policy (configuration file or AUTOSEAL_OPTIONS) says mode=off"},
        {"mode-audit", "its policy says mode=audit: it logs what it would seal, seals nothing"},
        {"seccomp", "the library is loaded and a seccomp filter is active (Seccomp: 2): the "
                    "filter refused mseal (its event=unavailable log line has the errno)"},
        {"kernel", "the kernel has no mseal (Linux 6.10 or later, 64-bit, is needed)"},
        {"excluded", "what stays unsealed matches the policy's exclude= globs"},
        {"no-image", "no non-writable ELF image memory"},
        {"unknown", "the library is loaded, no filter, no policy reason found: see its log"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (!strcmp(r, t[i].reason)) {
            return t[i].text;
        }
    }
    return "";
}

const char *fleet_state_name(int state)
{
    switch (state) {
    case FLEET_SEALED:
        return "sealed";
    case FLEET_PARTIAL:
        return "partial";
    default:
        return "unsealed";
    }
}

int fleet_classify(const struct fleet_facts *f, const char **reason)
{
    int state;
    if (f->ro_total == 0) {
        *reason = "no-image";
        return FLEET_UNSEALED;
    }
    if (f->ro_failing == 0 && f->ro_sealed > 0) {
        *reason = "none";
        return FLEET_SEALED;
    }
    state = f->ro_sealed == 0 ? FLEET_UNSEALED : FLEET_PARTIAL;
    if (!f->autoseal_loaded) {
        *reason = f->static_exe ? "static" : "no-preload";
    } else if (f->mode == AS_MODE_OFF) {
        *reason = "mode-off";
    } else if (f->mode == AS_MODE_AUDIT) {
        *reason = "mode-audit";
    } else if (f->seccomp == 2) {
        *reason = "seccomp";
    } else if (state == FLEET_UNSEALED && f->kernel_mseal == 0) {
        *reason = "kernel";
    } else if (f->unsealed_excluded) {
        *reason = "excluded";
    } else {
        *reason = "unknown";
    }
    return state;
}

static bool unit_suffix(const char *s, size_t n)
{
    return (n > 8 && memcmp(s + n - 8, ".service", 8) == 0) ||
           (n > 6 && memcmp(s + n - 6, ".scope", 6) == 0);
}

/* First .service/.scope component of path [p, e). */
static bool unit_in_path(const char *p, const char *e, char *out, size_t outlen)
{
    while (p < e) {
        while (p < e && *p == '/') {
            p++;
        }
        const char *c = p;
        while (p < e && *p != '/') {
            p++;
        }
        if (unit_suffix(c, (size_t)(p - c))) {
            snprintf(out, outlen, "%.*s", (int)(p - c), c);
            return true;
        }
    }
    return false;
}

void fleet_unit_from_cgroup(const char *text, size_t len, char *out, size_t outlen)
{
    snprintf(out, outlen, "-");
    const char *p = text, *end = text + len;
    bool found_named = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        /* ID:CONTROLLERS:PATH */
        const char *c1 = memchr(p, ':', (size_t)(e - p));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(e - c1 - 1)) : NULL;
        if (c2) {
            bool unified = c1 - p == 1 && p[0] == '0' && c2 == c1 + 1;
            bool named = (size_t)(c2 - c1 - 1) == strlen("name=systemd") &&
                         memcmp(c1 + 1, "name=systemd", strlen("name=systemd")) == 0;
            if (unified) {
                if (unit_in_path(c2 + 1, e, out, outlen)) {
                    return;
                }
            } else if (named && !found_named) {
                found_named = unit_in_path(c2 + 1, e, out, outlen);
            }
        }
        p = nl ? nl + 1 : end;
    }
}

void prom_label_value(FILE *f, const char *s)
{
    putc('"', f);
    for (; *s; s++) {
        if (*s == '\\' || *s == '"') {
            putc('\\', f);
            putc(*s, f);
        } else if (*s == '\n') {
            fputs("\\n", f);
        } else {
            putc(*s, f);
        }
    }
    putc('"', f);
}

static bool same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

void fleet_count_add(struct fleet_counts *c, const char *k0, const char *k1, const char *k2,
                     uint64_t n)
{
    for (size_t i = 0; i < c->n; i++) {
        struct fleet_count *x = &c->v[i];
        if (same(x->k[0], k0) && same(x->k[1], k1) && same(x->k[2], k2)) {
            x->n += n;
            return;
        }
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    struct fleet_count *x = &c->v[c->n++];
    x->k[0] = k0 ? xstrdup(k0) : NULL;
    x->k[1] = k1 ? xstrdup(k1) : NULL;
    x->k[2] = k2 ? xstrdup(k2) : NULL;
    x->n = n;
}

static int cmp_count(const void *a, const void *b)
{
    const struct fleet_count *x = a, *y = b;
    if (x->n != y->n) {
        return x->n > y->n ? -1 : 1;
    }
    return strcmp(x->k[0] ? x->k[0] : "", y->k[0] ? y->k[0] : "");
}

void fleet_count_cap(struct fleet_counts *c, size_t max, const char *other)
{
    struct fleet_counts tot = {0}, out = {0};
    for (size_t i = 0; i < c->n; i++) {
        fleet_count_add(&tot, c->v[i].k[0], NULL, NULL, c->v[i].n);
    }
    if (tot.n > 1) {
        qsort(tot.v, tot.n, sizeof *tot.v, cmp_count);
    }
    /* the kept values, largest first; then everything else folded */
    for (size_t t = 0; t < tot.n && t < max; t++) {
        for (size_t i = 0; i < c->n; i++) {
            if (same(c->v[i].k[0], tot.v[t].k[0])) {
                fleet_count_add(&out, c->v[i].k[0], c->v[i].k[1], c->v[i].k[2], c->v[i].n);
            }
        }
    }
    for (size_t t = max; t < tot.n; t++) {
        for (size_t i = 0; i < c->n; i++) {
            if (same(c->v[i].k[0], tot.v[t].k[0])) {
                fleet_count_add(&out, other, c->v[i].k[1], c->v[i].k[2], c->v[i].n);
            }
        }
    }
    fleet_count_free(&tot);
    fleet_count_free(c);
    *c = out;
}

void fleet_count_free(struct fleet_counts *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (int k = 0; k < 3; k++) {
            free(c->v[i].k[k]);
        }
    }
    free(c->v);
    c->v = NULL;
    c->n = c->cap = 0;
}
