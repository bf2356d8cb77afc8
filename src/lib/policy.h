/* The effective policy and the key=value settings that build it.
 *
 * Settings come in layers (built-in defaults < config global section <
 * matching program sections < AUTOSEAL_OPTIONS).  Each layer records which
 * keys it set; as_policy_resolve() applies the chosen profile first and then
 * every explicitly set key, so any key overrides its profile. */
#ifndef AUTOSEAL_POLICY_H
#define AUTOSEAL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum as_mode { AS_MODE_ENFORCE = 0, AS_MODE_AUDIT, AS_MODE_OFF };
enum as_profile { AS_PROFILE_DEFAULT = 0, AS_PROFILE_STRICT, AS_PROFILE_JIT };
/* AS_LOG_AUTO (the default): the journal when its socket exists, else syslog. */
enum as_log_target { AS_LOG_SYSLOG = 0, AS_LOG_STDERR, AS_LOG_NONE, AS_LOG_FILE, AS_LOG_JOURNAL,
                     AS_LOG_AUTO };
enum as_log_level { AS_LEVEL_ERROR = 0, AS_LEVEL_WARN, AS_LEVEL_INFO, AS_LEVEL_DEBUG };
enum as_data { AS_DATA_KEEP = 0, AS_DATA_SEAL };
enum as_ldso { AS_LDSO_SAFE = 0, AS_LDSO_ALL };
enum as_dlopen { AS_DLOPEN_PROMOTE = 0, AS_DLOPEN_KEEP, AS_DLOPEN_OFF };
enum as_exec { AS_EXEC_KEEP = 0, AS_EXEC_SEAL_FILE, AS_EXEC_SEAL };
enum as_wx { AS_WX_ALLOW = 0, AS_WX_DENY };
enum as_execmem { AS_EXECMEM_ALLOW = 0, AS_EXECMEM_DENY, AS_EXECMEM_KERNEL };
enum as_inherit { AS_INHERIT_YES = 0, AS_INHERIT_NO };
enum as_vdso { AS_VDSO_KEEP = 0, AS_VDSO_SEAL };

#define AS_PATH_MAX 256
#define AS_EXCLUDE_MAX 8      /* exclude= globs kept */
#define AS_GLOB_MAX 192       /* bytes per exclude glob, NUL included */

struct as_policy {
    int mode;      /* enum as_mode */
    int profile;   /* enum as_profile */
    int log;       /* enum as_log_target */
    int loglevel;  /* enum as_log_level */
    int data;      /* enum as_data: seal writable .data/.bss too */
    int ldso;      /* enum as_ldso: how much of ld.so's RELRO to seal */
    int dlopen;    /* enum as_dlopen */
    int exec;      /* enum as_exec */
    int wx;        /* enum as_wx */
    int execmem;   /* enum as_execmem */
    int inherit;   /* enum as_inherit */
    int vdso;      /* enum as_vdso: seal [vdso]/[vvar]/[vvar_vclock] (opt-in) */
    char log_path[AS_PATH_MAX];
    unsigned nexclude;                      /* exclude= globs (library paths) */
    char exclude[AS_EXCLUDE_MAX][AS_GLOB_MAX];
};

/* One key of the policy. */
enum as_key {
    AS_KEY_MODE = 0,
    AS_KEY_PROFILE,
    AS_KEY_LOG,
    AS_KEY_LOGLEVEL,
    AS_KEY_DATA,
    AS_KEY_LDSO,
    AS_KEY_DLOPEN,
    AS_KEY_EXEC,
    AS_KEY_WX,
    AS_KEY_EXECMEM,
    AS_KEY_INHERIT,
    AS_KEY_EXCLUDE, /* appends: every layer's globs are kept */
    AS_KEY_VDSO,
    AS_KEY_COUNT
};

struct as_settings {
    struct as_policy v;
    uint32_t set; /* bit (1u << enum as_key) for each key this layer set */
};

/* Error reporting callback for parsers: one human-readable message. */
typedef void (*as_error_fn)(void *ctx, const char *msg);

/* Set one key from text.  exclude= appends a glob (-E2BIG when full).  Returns 0, -ENOENT (unknown key) or -EINVAL (bad
 * value); on error a message is written to err (always NUL-terminated). */
int as_settings_set(struct as_settings *s, const char *key, size_t keylen,
                    const char *val, size_t vallen, char *err, size_t errlen);

/* One "KEY=VALUE" item as the tool's -o takes it (no ',' allowed: it would
 * split in AUTOSEAL_OPTIONS).  Same returns as as_settings_set(). */
int as_settings_set_kv(struct as_settings *s, const char *kv, char *err, size_t errlen);

/* Parse "key=value,key=value" (AUTOSEAL_OPTIONS).  Bad items are reported
 * through fn and skipped; the others apply.  Returns the number of errors. */
int as_options_parse(struct as_settings *s, const char *text, as_error_fn fn,
                     void *ctx);

/* Built-in defaults (the default profile, enforce, log=auto). */
void as_policy_defaults(struct as_policy *p);

/* Resolve layers, lowest precedence first, into the effective policy. */
void as_policy_resolve(struct as_policy *out, const struct as_settings *layers,
                       size_t nlayers);

/* Names for logs and the CLI. */
const char *as_mode_name(int mode);
const char *as_profile_name(int profile);
const char *as_key_name(enum as_key key);

/* The name of the value key has in p ("?" for exclude or a bad key). */
const char *as_policy_value_name(const struct as_policy *p, enum as_key key);

/* Render the policy as "key=value,..." into buf. Returns bytes needed.
 * (policy_format.c: in autoseal_core, not in the preload library.) */
size_t as_policy_format(const struct as_policy *p, char *buf, size_t len);

#endif
