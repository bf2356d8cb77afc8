#include "unitfile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

void unit_free(struct unit_info *u)
{
    free(u->ld_preload);
    free(u->exec_start);
    free(u->exec_start_cmd);
    free(u->syscall_errno);
    free(u->id);
    free(u->load_state);
    free(u->active_state);
    free(u->result);
    for (size_t i = 0; i < u->nnoexec; i++) {
        free(u->noexec[i]);
    }
    for (size_t i = 0; i < u->nexec; i++) {
        free(u->exec[i]);
    }
    memset(u, 0, sizeof *u);
}

void env_words(const char *val, void (*fn)(void *ctx, const char *word), void *ctx)
{
    struct sbuf w = {0};
    const char *p = val;
    for (;;) {
        while (*p && isspace((unsigned char)*p)) {
            p++;
        }
        if (!*p) {
            break;
        }
        w.len = 0;
        sb_add(&w, "", 0);
        char q = 0;
        for (; *p; p++) {
            if (q) {
                if (*p == q) {
                    q = 0;
                } else if (*p == '\\' && q == '"' && p[1]) {
                    p++;
                    sb_add(&w, p, 1);
                } else {
                    sb_add(&w, p, 1);
                }
            } else if (*p == '"' || *p == '\'') {
                q = *p;
            } else if (*p == '\\' && p[1]) {
                p++;
                sb_add(&w, p, 1);
            } else if (isspace((unsigned char)*p)) {
                break;
            } else {
                sb_add(&w, p, 1);
            }
        }
        fn(ctx, w.s);
    }
    sb_free(&w);
}

static void env_cb(void *ctx, const char *word)
{
    struct unit_info *u = ctx;
    if (strncmp(word, "LD_PRELOAD=", 11) == 0) {
        free(u->ld_preload);
        u->ld_preload = xstrdup(word + 11);
    }
}

static bool truthy(const char *v)
{
    return !strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") ||
           !strcmp(v, "1");
}

static void add_paths(char **arr, size_t *n, const char *v)
{
    if (*v == '\0') {
        while (*n) {
            free(arr[--*n]);
        }
        return;
    }
    for (const char *p = v; *p;) {
        p += strspn(p, " \t");
        size_t l = strcspn(p, " \t");
        if (l && *n < UNIT_MAX_PATHS) {
            const char *s = p;
            size_t sl = l;
            while (sl && (*s == '-' || *s == '+')) { /* "-/path": ignore if missing */
                s++;
                sl--;
            }
            if (sl) {
                arr[(*n)++] = xasprintf("%.*s", (int)sl, s);
            }
        }
        p += l;
    }
}

static bool names_mseal(const char *v)
{
    for (const char *p = v; *p;) {
        p += strspn(p, " \t");
        size_t l = strcspn(p, " \t");
        size_t nl = strcspn(p, " \t:"); /* "mseal:EPERM" */
        if (nl > l) {
            nl = l;
        }
        if (nl == 5 && !strncmp(p, "mseal", 5)) {
            return true;
        }
        p += l;
    }
    return false;
}

/* Does the filter list v name one of the words in names (NULL-ended)? */
static bool names_any(const char *v, const char *const *names)
{
    for (const char *p = v; *p;) {
        p += strspn(p, " \t");
        size_t l = strcspn(p, " \t");
        size_t nl = strcspn(p, " \t:");
        if (nl > l) {
            nl = l;
        }
        for (size_t i = 0; names[i]; i++) {
            if (nl == strlen(names[i]) && !strncmp(p, names[i], nl)) {
                return true;
            }
        }
        p += l;
    }
    return false;
}

/* The settings only the launcher path (static ExecStart=) looks at. */
static void set_launcher_key(struct unit_info *u, const char *k, const char *v, bool show)
{
    static const char *const ptrace_names[] = {"ptrace", "@debug", NULL};
    static const char *const deny_names[] = {"ptrace", "@debug", NULL};
    if (!strcmp(k, "SystemCallFilter")) {
        if (*v == '\0') {
            u->allow_has_ptrace = u->deny_has_ptrace = false;
        } else if (*v == '~') {
            u->deny_has_ptrace |= names_any(v + 1, deny_names);
        } else {
            u->allow_has_ptrace |= names_any(v, ptrace_names);
        }
    } else if (!strcmp(k, "ExecStart")) {
        if (*v == '\0') {
            u->nexec_start = 0;
            free(u->exec_start_cmd);
            u->exec_start_cmd = NULL;
            return;
        }
        u->nexec_start++;
        if (u->exec_start_cmd) {
            return;
        }
        const char *p = v;
        size_t l;
        if (show) {
            /* "{ path=/usr/bin/x ; argv[]=/usr/bin/x a b ; ignore_errors=no ; ... }" */
            const char *q = strstr(v, "argv[]=");
            if (!q) {
                return;
            }
            p = q + 7;
            const char *e = strstr(p, " ;");
            l = e ? (size_t)(e - p) : strlen(p);
            if (strstr(v, "ignore_errors=yes")) {
                snprintf(u->exec_prefix, sizeof u->exec_prefix, "-");
            }
        } else {
            p += strspn(p, " \t");
            size_t np = strspn(p, "@-:+!");
            if (np >= sizeof u->exec_prefix) {
                np = sizeof u->exec_prefix - 1;
            }
            memcpy(u->exec_prefix, p, np);
            u->exec_prefix[np] = '\0';
            p += strspn(p, "@-:+!");
            l = strlen(p);
        }
        u->exec_start_cmd = xasprintf("%.*s", (int)l, p);
    }
}

static void set_key(struct unit_info *u, const char *k, const char *v, bool show)
{
    set_launcher_key(u, k, v, show);
    if (!strcmp(k, "Environment")) {
        env_words(v, env_cb, u);
    } else if (!strcmp(k, "EnvironmentFile") || !strcmp(k, "EnvironmentFiles")) {
        if (*v) {
            u->has_env_file = true;
        }
    } else if (!strcmp(k, "SystemCallErrorNumber")) {
        free(u->syscall_errno);
        u->syscall_errno = *v ? xstrdup(v) : NULL;
    } else if (show && (!strcmp(k, "Id") || !strcmp(k, "LoadState") || !strcmp(k, "ActiveState") ||
                        !strcmp(k, "Result"))) {
        char **f = !strcmp(k, "Id") ? &u->id : !strcmp(k, "LoadState") ? &u->load_state
                   : !strcmp(k, "ActiveState") ? &u->active_state : &u->result;
        free(*f);
        *f = xstrdup(v);
    } else if (!strcmp(k, "SystemCallFilter")) {
        u->filter_set = *v != '\0' && strcmp(v, "~") != 0;
        if (*v == '\0') {
            u->syscall_allow = u->allow_has_mseal = u->deny_has_mseal = false;
        } else if (*v == '~') {
            if (names_mseal(v + 1)) {
                u->deny_has_mseal = true;
                u->allow_has_mseal = false;
            }
        } else {
            u->syscall_allow = true;
            if (names_mseal(v)) {
                u->allow_has_mseal = true;
            }
        }
    } else if (!strcmp(k, "MemoryDenyWriteExecute")) {
        u->mdwe = truthy(v);
    } else if (!strcmp(k, "NoExecPaths")) {
        add_paths(u->noexec, &u->nnoexec, v);
    } else if (!strcmp(k, "ExecPaths")) {
        add_paths(u->exec, &u->nexec, v);
    } else if (!strcmp(k, "ExecStart") && u->exec_start == NULL && *v) {
        const char *p = v;
        if (show) {
            /* "{ path=/usr/bin/x ; argv[]=... }" */
            const char *q = strstr(v, "path=");
            if (!q) {
                return;
            }
            p = q + 5;
        }
        p += strspn(p, " \t");
        while (*p && strchr("@-:+!", *p)) {
            p++;
        }
        size_t l = strcspn(p, " \t;");
        if (l) {
            u->exec_start = xasprintf("%.*s", (int)l, p);
        }
    }
}

void unit_parse(const char *buf, size_t len, bool show, struct unit_info *u)
{
    memset(u, 0, sizeof *u);
    bool in_service = show;
    struct sbuf line = {0};
    const char *p = buf, *end = buf + len;
    while (p < end) {
        /* logical line: backslash-newline continues */
        line.len = 0;
        sb_add(&line, "", 0);
        for (;;) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *e = nl ? nl : end;
            if (!show && e > p && e[-1] == '\\') {
                sb_add(&line, p, (size_t)(e - p - 1));
                sb_add(&line, " ", 1);
                p = nl ? nl + 1 : end;
                if (p >= end) {
                    break;
                }
                continue;
            }
            sb_add(&line, p, (size_t)(e - p));
            p = nl ? nl + 1 : end;
            break;
        }
        char *s = line.s;
        while (isspace((unsigned char)*s)) {
            s++;
        }
        size_t l = strlen(s);
        while (l && isspace((unsigned char)s[l - 1])) {
            s[--l] = '\0';
        }
        if (!show && (*s == '#' || *s == ';' || *s == '\0')) {
            continue;
        }
        if (!show && *s == '[') {
            in_service = !strcmp(s, "[Service]");
            continue;
        }
        char *eq = strchr(s, '=');
        if (!in_service || !eq) {
            continue;
        }
        char *k = s, *v = eq + 1;
        char *ke = eq;
        while (ke > k && isspace((unsigned char)ke[-1])) {
            ke--;
        }
        *ke = '\0';
        while (isspace((unsigned char)*v)) {
            v++;
        }
        set_key(u, k, v, show);
    }
    sb_free(&line);
}

static bool under(const char *path, const char *dir)
{
    size_t l = strlen(dir);
    while (l > 1 && dir[l - 1] == '/') {
        l--;
    }
    if (l == 1 && dir[0] == '/') {
        return path[0] == '/';
    }
    return strncmp(path, dir, l) == 0 && (path[l] == '/' || path[l] == '\0');
}

bool unit_noexec_covers(const struct unit_info *u, const char *path)
{
    size_t best_no = 0, best_ex = 0;
    for (size_t i = 0; i < u->nnoexec; i++) {
        if (under(path, u->noexec[i]) && strlen(u->noexec[i]) > best_no) {
            best_no = strlen(u->noexec[i]);
        }
    }
    for (size_t i = 0; i < u->nexec; i++) {
        if (under(path, u->exec[i]) && strlen(u->exec[i]) > best_ex) {
            best_ex = strlen(u->exec[i]);
        }
    }
    /* The more specific path wins (systemd applies them as nested mounts). */
    return best_no > 0 && best_no > best_ex;
}

char *unit_escape(const char *s)
{
    struct sbuf b = {0};
    sb_add(&b, "", 0);
    for (; *s; s++) {
        if (*s == '%') {
            sb_puts(&b, "%%");
        } else if (*s == '\\' || *s == '"') {
            sb_add(&b, "\\", 1);
            sb_add(&b, s, 1);
        } else {
            sb_add(&b, s, 1);
        }
    }
    return b.s;
}

size_t unit_parse_many(const char *buf, size_t len, struct unit_info **out)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    const char *p = buf, *end = buf + len;
    while (p < end) {
        /* one unit: up to an empty line */
        const char *e = p;
        while (e < end) {
            const char *nl = memchr(e, '\n', (size_t)(end - e));
            if (!nl) {
                e = end;
                break;
            }
            if (nl + 1 < end && nl[1] == '\n') {
                e = nl + 1;
                break;
            }
            e = nl + 1;
        }
        if (e > p) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                *out = xrealloc(*out, cap * sizeof **out);
            }
            unit_parse(p, (size_t)(e - p), true, &(*out)[n]);
            if ((*out)[n].id) {
                n++;
            } else {
                unit_free(&(*out)[n]);
            }
        }
        p = e;
        while (p < end && *p == '\n') {
            p++;
        }
    }
    return n;
}
