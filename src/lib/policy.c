#include "policy.h"

#include <errno.h>
#include <string.h>

#include "fmt.h"

/* Name tables without pointers: in .rodata, nothing for ld.so to relocate
 * (a relocated table costs the library a dirty page at every exec). */
struct enum_name {
    char name[12];
    unsigned char key; /* enum as_key */
    int value;
};

static const struct enum_name names[] = {
    {"enforce", AS_KEY_MODE, AS_MODE_ENFORCE}, {"audit", AS_KEY_MODE, AS_MODE_AUDIT},
    {"off", AS_KEY_MODE, AS_MODE_OFF},
    {"default", AS_KEY_PROFILE, AS_PROFILE_DEFAULT}, {"strict", AS_KEY_PROFILE, AS_PROFILE_STRICT},
    {"jit", AS_KEY_PROFILE, AS_PROFILE_JIT},
    {"syslog", AS_KEY_LOG, AS_LOG_SYSLOG}, {"stderr", AS_KEY_LOG, AS_LOG_STDERR},
    {"none", AS_KEY_LOG, AS_LOG_NONE}, {"journal", AS_KEY_LOG, AS_LOG_JOURNAL},
    {"auto", AS_KEY_LOG, AS_LOG_AUTO},
    {"error", AS_KEY_LOGLEVEL, AS_LEVEL_ERROR}, {"warn", AS_KEY_LOGLEVEL, AS_LEVEL_WARN},
    {"info", AS_KEY_LOGLEVEL, AS_LEVEL_INFO}, {"debug", AS_KEY_LOGLEVEL, AS_LEVEL_DEBUG},
    {"keep", AS_KEY_DATA, AS_DATA_KEEP}, {"seal", AS_KEY_DATA, AS_DATA_SEAL},
    {"safe", AS_KEY_LDSO, AS_LDSO_SAFE}, {"all", AS_KEY_LDSO, AS_LDSO_ALL},
    {"promote", AS_KEY_DLOPEN, AS_DLOPEN_PROMOTE}, {"keep", AS_KEY_DLOPEN, AS_DLOPEN_KEEP},
    {"off", AS_KEY_DLOPEN, AS_DLOPEN_OFF},
    {"keep", AS_KEY_EXEC, AS_EXEC_KEEP}, {"seal-file", AS_KEY_EXEC, AS_EXEC_SEAL_FILE},
    {"seal", AS_KEY_EXEC, AS_EXEC_SEAL},
    {"allow", AS_KEY_WX, AS_WX_ALLOW}, {"deny", AS_KEY_WX, AS_WX_DENY},
    {"allow", AS_KEY_EXECMEM, AS_EXECMEM_ALLOW}, {"deny", AS_KEY_EXECMEM, AS_EXECMEM_DENY},
    {"kernel", AS_KEY_EXECMEM, AS_EXECMEM_KERNEL},
    {"yes", AS_KEY_INHERIT, AS_INHERIT_YES}, {"no", AS_KEY_INHERIT, AS_INHERIT_NO},
    {"keep", AS_KEY_VDSO, AS_VDSO_KEEP}, {"seal", AS_KEY_VDSO, AS_VDSO_SEAL},
};
#define NNAMES (sizeof names / sizeof names[0])

struct key_desc {
    char name[12];
    size_t offset; /* of the int field in struct as_policy */
};

#define FIELD(f) offsetof(struct as_policy, f)
static const struct key_desc keys[AS_KEY_COUNT] = {
    [AS_KEY_MODE] = {"mode", FIELD(mode)},
    [AS_KEY_PROFILE] = {"profile", FIELD(profile)},
    [AS_KEY_LOG] = {"log", FIELD(log)},
    [AS_KEY_LOGLEVEL] = {"loglevel", FIELD(loglevel)},
    [AS_KEY_DATA] = {"data", FIELD(data)},
    [AS_KEY_LDSO] = {"ldso-relro", FIELD(ldso)},
    [AS_KEY_DLOPEN] = {"dlopen", FIELD(dlopen)},
    [AS_KEY_EXEC] = {"exec", FIELD(exec)},
    [AS_KEY_WX] = {"wx", FIELD(wx)},
    [AS_KEY_EXECMEM] = {"execmem", FIELD(execmem)},
    [AS_KEY_INHERIT] = {"inherit", FIELD(inherit)},
    [AS_KEY_EXCLUDE] = {"exclude", 0},
    [AS_KEY_VDSO] = {"vdso", FIELD(vdso)},
};

static int add_exclude(struct as_policy *p, const char *glob, size_t len)
{
    for (unsigned i = 0; i < p->nexclude; i++) {
        if (strlen(p->exclude[i]) == len && memcmp(p->exclude[i], glob, len) == 0) {
            return 0;
        }
    }
    if (p->nexclude >= AS_EXCLUDE_MAX) {
        return -E2BIG;
    }
    memcpy(p->exclude[p->nexclude], glob, len);
    p->exclude[p->nexclude][len] = '\0';
    p->nexclude++;
    return 0;
}

static int *field(struct as_policy *p, enum as_key k)
{
    return (int *)(void *)((char *)p + keys[k].offset);
}

static const int *cfield(const struct as_policy *p, enum as_key k)
{
    return (const int *)(const void *)((const char *)p + keys[k].offset);
}

static bool eq(const char *a, size_t alen, const char *lit)
{
    size_t l = strlen(lit);
    return alen == l && memcmp(a, lit, l) == 0;
}

static const char *enum_to_name(int key, int v)
{
    for (size_t i = 0; i < NNAMES; i++) {
        if (names[i].key == key && names[i].value == v) {
            return names[i].name;
        }
    }
    return "?";
}

const char *as_mode_name(int mode)
{
    return enum_to_name(AS_KEY_MODE, mode);
}

const char *as_profile_name(int profile)
{
    return enum_to_name(AS_KEY_PROFILE, profile);
}

const char *as_key_name(enum as_key key)
{
    return key < AS_KEY_COUNT ? keys[key].name : "?";
}

static size_t values_list(int key, char *buf, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < NNAMES; i++) {
        if (names[i].key == key) {
            n += as_fmt(buf + (n < len ? n : len), n < len ? len - n : 0, "%s%s",
                        n ? "|" : "", names[i].name);
        }
    }
    return n;
}

int as_settings_set(struct as_settings *s, const char *key, size_t keylen,
                    const char *val, size_t vallen, char *err, size_t errlen)
{
    if (errlen) {
        err[0] = '\0';
    }
    for (int k = 0; k < AS_KEY_COUNT; k++) {
        if (!eq(key, keylen, keys[k].name)) {
            continue;
        }
        if (k == AS_KEY_EXCLUDE) {
            if (vallen == 0 || vallen >= AS_GLOB_MAX || memchr(val, '\0', vallen)) {
                as_fmt(err, errlen, "bad value for key 'exclude': a glob of 1 to %d bytes is needed",
                       AS_GLOB_MAX - 1);
                return -EINVAL;
            }
            if (add_exclude(&s->v, val, vallen) != 0) {
                as_fmt(err, errlen, "too many exclude= globs (at most %d)", AS_EXCLUDE_MAX);
                return -E2BIG;
            }
            s->set |= 1u << k;
            return 0;
        }
        if (k == AS_KEY_LOG && vallen > 5 && memcmp(val, "file:", 5) == 0) {
            const char *path = val + 5;
            size_t plen = vallen - 5;
            if (path[0] != '/' || plen >= AS_PATH_MAX || memchr(path, '\0', plen)) {
                as_fmt(err, errlen, "bad value '%.*s' for key 'log': file: needs an absolute path shorter than %d bytes",
                       (int)vallen, val, AS_PATH_MAX);
                return -EINVAL;
            }
            memcpy(s->v.log_path, path, plen);
            s->v.log_path[plen] = '\0';
            s->v.log = AS_LOG_FILE;
            s->set |= 1u << k;
            return 0;
        }
        for (const struct enum_name *e = names; e < names + NNAMES; e++) {
            if (e->key == k && eq(val, vallen, e->name)) {
                *field(&s->v, (enum as_key)k) = e->value;
                s->set |= 1u << k;
                return 0;
            }
        }
        char list[128];
        values_list(k, list, sizeof list);
        as_fmt(err, errlen, "bad value '%.*s' for key '%s' (expected %s%s)",
               (int)(vallen > 64 ? 64 : vallen), val, keys[k].name, list,
               k == AS_KEY_LOG ? "|file:PATH" : "");
        return -EINVAL;
    }
    as_fmt(err, errlen, "unknown key '%.*s'", (int)(keylen > 64 ? 64 : keylen), key);
    return -ENOENT;
}

int as_settings_set_kv(struct as_settings *s, const char *kv, char *err, size_t errlen)
{
    const char *eqs = strchr(kv, '=');
    if (eqs == NULL || eqs == kv) {
        as_fmt(err, errlen, "'%.*s' is not KEY=VALUE", (int)(strlen(kv) > 64 ? 64 : strlen(kv)), kv);
        return -EINVAL;
    }
    if (strchr(kv, ',')) {
        as_fmt(err, errlen, "'%.*s': a value cannot contain ',' (the AUTOSEAL_OPTIONS separator)",
               (int)(strlen(kv) > 64 ? 64 : strlen(kv)), kv);
        return -EINVAL;
    }
    return as_settings_set(s, kv, (size_t)(eqs - kv), eqs + 1, strlen(eqs + 1), err, errlen);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int as_options_parse(struct as_settings *s, const char *text, as_error_fn fn, void *ctx)
{
    int errors = 0;
    if (text == NULL) {
        return 0;
    }
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ',');
        if (end == NULL) {
            end = p + strlen(p);
        }
        const char *a = p, *b = end;
        while (a < b && is_space(*a)) {
            a++;
        }
        while (b > a && is_space(b[-1])) {
            b--;
        }
        if (a < b) {
            const char *eqs = memchr(a, '=', (size_t)(b - a));
            char err[256];
            if (eqs == NULL || eqs == a) {
                as_fmt(err, sizeof err, "AUTOSEAL_OPTIONS: '%.*s' is not key=value",
                       (int)((b - a) > 64 ? 64 : (b - a)), a);
                errors++;
                if (fn) {
                    fn(ctx, err);
                }
            } else {
                const char *k_end = eqs, *v = eqs + 1;
                while (k_end > a && is_space(k_end[-1])) {
                    k_end--;
                }
                while (v < b && is_space(*v)) {
                    v++;
                }
                char msg[200];
                if (as_settings_set(s, a, (size_t)(k_end - a), v, (size_t)(b - v), msg,
                                    sizeof msg) != 0) {
                    as_fmt(err, sizeof err, "AUTOSEAL_OPTIONS: %s", msg);
                    errors++;
                    if (fn) {
                        fn(ctx, err);
                    }
                }
            }
        }
        p = *end ? end + 1 : end;
    }
    return errors;
}

void as_policy_defaults(struct as_policy *p)
{
    memset(p, 0, sizeof *p);
    p->mode = AS_MODE_ENFORCE;
    p->profile = AS_PROFILE_DEFAULT;
    p->log = AS_LOG_AUTO;
    p->loglevel = AS_LEVEL_WARN;
    p->data = AS_DATA_KEEP;
    p->ldso = AS_LDSO_SAFE;
    p->dlopen = AS_DLOPEN_PROMOTE;
    p->exec = AS_EXEC_KEEP;
    p->wx = AS_WX_ALLOW;
    p->execmem = AS_EXECMEM_ALLOW;
    p->inherit = AS_INHERIT_YES;
}

static void apply_profile(struct as_policy *p, int profile)
{
    p->profile = profile;
    switch (profile) {
    case AS_PROFILE_STRICT:
        /* data=seal (seal on tighten) is opt-in: Chromium and MariaDB make
         * their read-only data writable again later (docs/security.md) */
        p->data = AS_DATA_KEEP;
        p->ldso = AS_LDSO_ALL;
        p->exec = AS_EXEC_SEAL;
        p->wx = AS_WX_DENY;
        /* the kernel's W^X too: interposition cannot see libc's own entry
         * points (__mprotect, dlvsym, RTLD_DEEPBIND, a call by address) */
        p->execmem = AS_EXECMEM_KERNEL;
        break;
    case AS_PROFILE_JIT:
        /* JITs create, flip, remap and unmap executable memory all the
         * time, including code they map from files themselves (node remaps
         * its embedded builtins from its own binary and unmaps them at
         * exit): seal ELF images only, never touch the runtime's memory. */
        p->data = AS_DATA_KEEP;
        p->ldso = AS_LDSO_SAFE;
        p->exec = AS_EXEC_KEEP;
        p->wx = AS_WX_ALLOW;
        p->execmem = AS_EXECMEM_ALLOW;
        break;
    case AS_PROFILE_DEFAULT:
    default:
        break;
    }
}

void as_policy_resolve(struct as_policy *out, const struct as_settings *layers, size_t nlayers)
{
    as_policy_defaults(out);
    int profile = AS_PROFILE_DEFAULT;
    for (size_t i = 0; i < nlayers; i++) {
        if (layers[i].set & (1u << AS_KEY_PROFILE)) {
            profile = layers[i].v.profile;
        }
    }
    apply_profile(out, profile);
    bool log_set = false;
    for (size_t i = 0; i < nlayers; i++) {
        for (int k = 0; k < AS_KEY_COUNT; k++) {
            if (k == AS_KEY_PROFILE || !(layers[i].set & (1u << k))) {
                continue;
            }
            if (k == AS_KEY_EXCLUDE) {
                for (unsigned g = 0; g < layers[i].v.nexclude; g++) {
                    (void)add_exclude(out, layers[i].v.exclude[g], strlen(layers[i].v.exclude[g]));
                }
                continue;
            }
            *field(out, (enum as_key)k) = *cfield(&layers[i].v, (enum as_key)k);
            if (k == AS_KEY_LOG) {
                log_set = true;
                memcpy(out->log_path, layers[i].v.log_path, sizeof out->log_path);
            }
        }
    }
    /* Choosing a log target explicitly asks for the summary line too,
     * unless a log level was chosen as well. */
    bool level_set = false;
    for (size_t i = 0; i < nlayers; i++) {
        level_set |= (layers[i].set & (1u << AS_KEY_LOGLEVEL)) != 0;
    }
    if (log_set && !level_set) {
        out->loglevel = AS_LEVEL_INFO;
    }
}

const char *as_policy_value_name(const struct as_policy *p, enum as_key key)
{
    if (key >= AS_KEY_COUNT || key == AS_KEY_EXCLUDE) {
        return "?";
    }
    return enum_to_name((int)key, *cfield(p, key));
}
