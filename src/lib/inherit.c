#define _GNU_SOURCE
#include "inherit.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

static bool is_sep(char c)
{
    return c == ':' || c == ' ' || c == '\t';
}

size_t as_preload_strip(char *s, const char *base)
{
    size_t n = strlen(s), w = 0, blen = strlen(base);
    size_t i = 0;
    while (i < n) {
        while (i < n && is_sep(s[i])) {
            i++;
        }
        size_t start = i;
        while (i < n && !is_sep(s[i])) {
            i++;
        }
        size_t len = i - start;
        if (len == 0) {
            break;
        }
        const char *e = s + start;
        size_t el = len;
        const char *slash = memrchr(e, '/', el);
        const char *name = slash ? slash + 1 : e;
        size_t nl = (size_t)(e + el - name);
        if (nl == blen && memcmp(name, base, blen) == 0) {
            continue; /* drop it */
        }
        if (w > 0) {
            s[w++] = ':';
        }
        memmove(s + w, e, len);
        w += len;
    }
    s[w] = '\0';
    return w;
}

static const char self_marker;

/* Edit environ directly: some programs (bash) define their own getenv,
 * setenv and unsetenv, which are not usable before their main(). */
static void drop_var(const char *name)
{
    size_t nl = strlen(name);
    char **w = environ;
    for (char **r = environ; r && *r; r++) {
        if (strncmp(*r, name, nl) == 0 && (*r)[nl] == '=') {
            continue;
        }
        *w++ = *r;
    }
    if (w) {
        *w = NULL;
    }
}

extern void *__libc_stack_end;

char *as_env_find(const char *name)
{
    char **env = environ;
    if (env == NULL && __libc_stack_end != NULL) {
        /* the initial stack: argc, argv..., NULL, envp... */
        long *sp = __libc_stack_end;
        long argc = sp[0];
        if (argc >= 0 && argc < (1L << 20)) {
            env = (char **)(void *)(sp + 1 + argc + 1);
        }
    }
    size_t nl = strlen(name);
    for (; env && *env; env++) {
        if (strncmp(*env, name, nl) == 0 && (*env)[nl] == '=') {
            return *env + nl + 1;
        }
    }
    return NULL;
}

void as_drop_from_environment(bool preload)
{
    drop_var("AUTOSEAL_OPTIONS");
    drop_var("AUTOSEAL_CONFIG");
    if (!preload) {
        return;
    }
    char *pre = as_env_find("LD_PRELOAD");
    if (pre == NULL) {
        return;
    }
    Dl_info di;
    const char *base = "libautoseal.so";
    if (dladdr(&self_marker, &di) && di.dli_fname) {
        const char *sl = strrchr(di.dli_fname, '/');
        base = sl ? sl + 1 : di.dli_fname;
    }
    if (as_preload_strip(pre, base) == 0) {
        drop_var("LD_PRELOAD");
    }
}
