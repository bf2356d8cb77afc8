/* Unit tests: configuration file parser, safe reader and glob matcher. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "glob.h"
#include "policy.h"

#ifndef AS_FIXTURES
#error "AS_FIXTURES must name test/unit/fixtures/config"
#endif

/* ---- helpers ---------------------------------------------------------- */

#define MAXMSG 40
struct msgs {
    int n;
    char m[MAXMSG][512];
};

static void collect(void *ctx, const char *msg)
{
    struct msgs *ms = ctx;
    if (ms->n < MAXMSG) {
        snprintf(ms->m[ms->n], sizeof ms->m[0], "%s", msg);
    }
    ms->n++;
}

static char buf[AS_CONFIG_SIZE_MAX];

/* Load a fixture by its relative name (messages then name it exactly). */
static int load_fixture(const char *name, const char *exe, bool privileged, struct as_config *c,
                        struct msgs *ms)
{
    ck_assert_int_eq(chdir(AS_FIXTURES), 0);
    memset(ms, 0, sizeof *ms);
    return as_config_load_buf(name, privileged, exe, buf, sizeof buf, c, collect, ms);
}

/* The effective policy: defaults < global < program. */
static void resolve(const struct as_config *c, struct as_policy *p)
{
    struct as_settings layers[2] = {c->global, c->program};
    as_policy_resolve(p, layers, 2);
}

static bool layers_empty(const struct as_config *c)
{
    return c->global.set == 0 && c->program.set == 0 && c->global.v.nexclude == 0 &&
           c->program.v.nexclude == 0;
}

static bool gm(const char *pat, const char *str)
{
    return as_glob_match(pat, strlen(pat), str, strlen(str));
}

/* A fresh directory under /tmp that anybody may enter. */
static void tmpdir(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/as-config-test.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chmod(dir, 0755), 0);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    size_t l = strlen(text);
    ck_assert_int_eq(write(fd, text, l), (ssize_t)l);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    close(fd);
}

/* ---- glob ------------------------------------------------------------- */

START_TEST(glob_literal_and_star)
{
    ck_assert(gm("/usr/bin/node", "/usr/bin/node"));
    ck_assert(!gm("/usr/bin/node", "/usr/bin/nodejs"));
    ck_assert(!gm("/usr/bin/node", "/usr/bin/nod"));
    ck_assert(gm("/usr/bin/*", "/usr/bin/node"));
    ck_assert(gm("/usr/bin/*", "/usr/bin/"));
    ck_assert(!gm("/usr/bin/*", "/usr/bin/x/node")); /* '*' stops at '/' */
    ck_assert(gm("/usr/*/node", "/usr/bin/node"));
    ck_assert(!gm("/usr/*/node", "/usr/local/bin/node"));
    ck_assert(gm("/opt/legacy/*", "/opt/legacy/app"));
    ck_assert(gm("*", "abc"));
    ck_assert(!gm("*", "/abc"));
    ck_assert(gm("", ""));
    ck_assert(!gm("", "a"));
    ck_assert(gm("/a*b*c", "/aXXbYYc"));
    ck_assert(!gm("/a*b*c", "/aXXbYYcd"));
}
END_TEST

START_TEST(glob_double_star)
{
    ck_assert(gm("/usr/**", "/usr/bin/node"));
    ck_assert(gm("/usr/**", "/usr/"));
    ck_assert(!gm("/usr/**", "/usr"));
    ck_assert(gm("/opt/**/bin/x", "/opt/a/b/c/bin/x"));
    ck_assert(gm("/opt/**/bin/x", "/opt/bin/x")); /* "/ ** /" matches one '/' */
    ck_assert(!gm("/opt/**/bin/x", "/optbin/x"));
    ck_assert(gm("/usr/lib/jvm/**/java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"));
    ck_assert(gm("/usr/lib/jvm/*/bin/java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"));
    ck_assert(!gm("/usr/lib/jvm/*/java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"));
    ck_assert(gm("**/x", "x"));
    ck_assert(gm("**", "/any/thing"));
    ck_assert(gm("/a**b", "/a/x/yb"));
}
END_TEST

START_TEST(glob_any_and_classes)
{
    ck_assert(gm("/bin/?s", "/bin/ls"));
    ck_assert(!gm("/bin/?s", "/bin/s"));
    ck_assert(!gm("/bin?ls", "/bin/ls")); /* '?' never matches '/' */
    ck_assert(gm("/x/[abc]", "/x/b"));
    ck_assert(!gm("/x/[abc]", "/x/d"));
    ck_assert(gm("/x/[a-c][0-9]", "/x/c7"));
    ck_assert(!gm("/x/[a-c][0-9]", "/x/c"));
    ck_assert(gm("/x/[!a-c]", "/x/d"));
    ck_assert(gm("/x/[^a-c]", "/x/d"));
    ck_assert(!gm("/x/[!a-c]", "/x/a"));
    ck_assert(!gm("/x[!a]y", "/x/y")); /* a class never matches '/' */
    ck_assert(gm("/x/[]]", "/x/]"));
    ck_assert(gm("/x/[!]]", "/x/a"));
    ck_assert(gm("/x/[a-]", "/x/-"));
    ck_assert(gm("/x/[\\]]", "/x/]"));
    ck_assert(gm("/x/\\*", "/x/*"));
    ck_assert(!gm("/x/\\*", "/x/a"));
    ck_assert(gm("/x/\\[a]", "/x/[a]"));
    ck_assert(gm("/x/[\x80-\xff]", "/x/\xc3"));
}
END_TEST

START_TEST(glob_invalid)
{
    const char *why = NULL;
    ck_assert_int_eq(as_glob_check("/x/[abc", 7, &why), -EINVAL);
    ck_assert_str_eq(why, "missing ']' in pattern");
    ck_assert_int_eq(as_glob_check("/x/[z-a]", 8, &why), -EINVAL);
    ck_assert_str_eq(why, "reversed range in '[...]'");
    ck_assert_int_eq(as_glob_check("/x/\\", 4, &why), -EINVAL);
    ck_assert_str_eq(why, "trailing '\\' in pattern");
    ck_assert_int_eq(as_glob_check("/x/[]", 5, &why), -EINVAL);
    ck_assert_int_eq(as_glob_check("/x\0y", 4, &why), -EINVAL);
    ck_assert_str_eq(why, "NUL byte in pattern");
    static char longpat[AS_GLOB_PATTERN_MAX + 2];
    memset(longpat, 'a', sizeof longpat - 1);
    ck_assert_int_eq(as_glob_check(longpat, AS_GLOB_PATTERN_MAX + 1, &why), -ENAMETOOLONG);
    ck_assert(!as_glob_match(longpat, AS_GLOB_PATTERN_MAX + 1, longpat, AS_GLOB_PATTERN_MAX + 1));
    ck_assert_int_eq(as_glob_check(longpat, AS_GLOB_PATTERN_MAX, &why), 0);
    ck_assert(as_glob_match(longpat, AS_GLOB_PATTERN_MAX, longpat, AS_GLOB_PATTERN_MAX));
    /* invalid patterns match nothing, not even themselves */
    ck_assert(!gm("/x/[abc", "/x/[abc"));
    ck_assert(!gm("/x/[abc", "/x/a"));
}
END_TEST

START_TEST(glob_specificity_helpers)
{
    ck_assert(as_glob_is_literal("/usr/bin/node", 13));
    ck_assert(as_glob_is_literal("/x/\\*", 5));
    ck_assert(!as_glob_is_literal("/x/*", 4));
    ck_assert(!as_glob_is_literal("/x/?", 4));
    ck_assert(!as_glob_is_literal("/x/[a]", 6));
    ck_assert_uint_eq(as_glob_literal_count("/usr/bin/node", 13), 13);
    ck_assert_uint_eq(as_glob_literal_count("/usr/bin/*", 10), 9);
    ck_assert_uint_eq(as_glob_literal_count("/usr/**", 7), 5);
    ck_assert_uint_eq(as_glob_literal_count("/x/[ab]?\\*", 10), 4);
}
END_TEST

/* Patterns of more than 64 tokens: state words and the closure's carry
 * across word boundaries. */
START_TEST(glob_long_patterns)
{
    char pat[AS_GLOB_PATTERN_MAX + 1], str[600];
    /* 62 literals, then a run of 4 "**" (tokens 62..65), then "x" */
    memset(pat, 'p', 62);
    memcpy(pat + 62, "********x", 10);
    memset(str, 'p', 62);
    memcpy(str + 62, "/q/r/x", 7);
    ck_assert(gm(pat, str));
    str[62] = '\0';
    strcat(str, "x");
    ck_assert(gm(pat, str));
    str[62] = '\0';
    strcat(str, "/y");
    ck_assert(!gm(pat, str));
    /* "/a*" repeated: 150 tokens, the string jumps word boundaries */
    size_t n = 0, m = 0;
    for (int i = 0; i < 50; i++) {
        memcpy(pat + n, "/a*", 3);
        n += 3;
        m += (size_t)snprintf(str + m, sizeof str - m, "/a%s", i % 3 ? "bc" : "");
    }
    pat[n] = '\0';
    ck_assert(gm(pat, str));
    str[m - 1] = '/';
    ck_assert(!gm(pat, str));
    /* "/ ** /" chains across a word boundary: 60 literals then 20 of them */
    n = 0;
    memset(pat, 'z', 60);
    n = 60;
    for (int i = 0; i < 20; i++) {
        memcpy(pat + n, "/**", 3);
        n += 3;
    }
    memcpy(pat + n, "/e", 3);
    memset(str, 'z', 60);
    memcpy(str + 60, "/e", 3);
    ck_assert(gm(pat, str));
    memcpy(str + 60, "/d/d/d/e", 9);
    ck_assert(gm(pat, str));
    memcpy(str + 60, "/e/", 4);
    ck_assert(!gm(pat, str));
}
END_TEST

/* Exponential backtracking would never finish here (20 stars over 4096
 * bytes: more than 10^50 ways to split the string); the NFA does a bounded
 * number of word operations per byte.  No clock is read: the test case's
 * timeout (tcase "glob-pathological") is only the hang guard. */
START_TEST(glob_pathological_is_fast)
{
    static char str[4096 + 1];
    static char pat[AS_GLOB_PATTERN_MAX + 1];
    memset(str, 'a', 4096);
    ck_assert(!gm("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", str));
    ck_assert(!gm("**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b", str));
    ck_assert(gm("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a", str));
    /* the longest pattern: "*a" x 511 then "b" */
    size_t n = 0;
    while (n + 2 < AS_GLOB_PATTERN_MAX) {
        pat[n++] = '*';
        pat[n++] = 'a';
    }
    pat[n++] = 'b';
    ck_assert(!as_glob_match(pat, n, str, 4096));
}
END_TEST

/* ---- parsing and precedence ------------------------------------------ */

START_TEST(parse_precedence)
{
    struct as_config c;
    struct msgs ms;
    struct as_policy p;

    /* exact section beats both globs; keys only the globs set still apply */
    ck_assert_int_eq(load_fixture("precedence.conf", "/usr/bin/node", false, &c, &ms), 0);
    ck_assert_int_eq(ms.n, 0);
    ck_assert_uint_eq(c.errors, 0);
    ck_assert_uint_eq(c.matched, 3);
    ck_assert_uint_eq(c.section_line, 14);
    ck_assert_int_eq(c.global.v.loglevel, AS_LEVEL_ERROR);
    ck_assert_int_eq(c.global.v.log, AS_LOG_NONE); /* from [global] at the end */
    ck_assert_int_eq(c.program.v.profile, AS_PROFILE_JIT);
    resolve(&c, &p);
    ck_assert_int_eq(p.profile, AS_PROFILE_JIT);  /* program beats global */
    ck_assert_int_eq(p.data, AS_DATA_SEAL);       // from [/usr/**]
    ck_assert_int_eq(p.dlopen, AS_DLOPEN_KEEP);   // from [/usr/**]
    ck_assert_int_eq(p.wx, AS_WX_ALLOW);          // from [/usr/bin/*]
    ck_assert_int_eq(p.loglevel, AS_LEVEL_ERROR); /* global */
    ck_assert_int_eq(p.mode, AS_MODE_ENFORCE);

    // [/usr/bin/*] (9 literals) beats [/usr/**] (5 literals)
    ck_assert_int_eq(load_fixture("precedence.conf", "/usr/bin/redis-server", false, &c, &ms), 0);
    ck_assert_uint_eq(c.matched, 2);
    ck_assert_uint_eq(c.section_line, 5);
    resolve(&c, &p);
    ck_assert_int_eq(p.profile, AS_PROFILE_STRICT);
    ck_assert_int_eq(p.data, AS_DATA_SEAL);
    ck_assert_int_eq(p.wx, AS_WX_ALLOW); /* explicit key beats the strict profile */

    /* ** crosses '/', * does not */
    ck_assert_int_eq(load_fixture("precedence.conf", "/usr/bin/sub/tool", false, &c, &ms), 0);
    ck_assert_uint_eq(c.matched, 1);
    ck_assert_uint_eq(c.section_line, 9);
    resolve(&c, &p);
    ck_assert_int_eq(p.profile, AS_PROFILE_DEFAULT);
    ck_assert_int_eq(p.data, AS_DATA_SEAL);

    /* no section matches: global only */
    ck_assert_int_eq(load_fixture("precedence.conf", "/bin/true", false, &c, &ms), 0);
    ck_assert_uint_eq(c.matched, 0);
    ck_assert_uint_eq(c.section_line, 0);
    ck_assert_uint_eq(c.program.set, 0);
    ck_assert_uint_ne(c.global.set, 0);

    /* no program given: global only */
    ck_assert_int_eq(load_fixture("precedence.conf", NULL, false, &c, &ms), 0);
    ck_assert_uint_eq(c.matched, 0);
    ck_assert_uint_eq(c.program.set, 0);
}
END_TEST

START_TEST(parse_mode_off_one_program)
{
    struct as_config c;
    struct msgs ms;
    struct as_policy p;
    ck_assert_int_eq(load_fixture("precedence.conf", "/opt/legacy/app", false, &c, &ms), 0);
    resolve(&c, &p);
    ck_assert_int_eq(p.mode, AS_MODE_OFF);
    ck_assert_int_eq(load_fixture("precedence.conf", "/opt/legacy/sub/app", false, &c, &ms), 0);
    resolve(&c, &p);
    ck_assert_int_eq(p.mode, AS_MODE_ENFORCE);
    ck_assert_int_eq(load_fixture("precedence.conf", "/opt/other", false, &c, &ms), 0);
    resolve(&c, &p);
    ck_assert_int_eq(p.mode, AS_MODE_ENFORCE);
}
END_TEST

START_TEST(parse_most_specific_wins)
{
    struct as_config c;
    struct msgs ms;
    struct as_policy p;
    ck_assert_int_eq(load_fixture("specificity.conf", "/srv/app/bin/server", false, &c, &ms), 0);
    ck_assert_uint_eq(c.matched, 6);
    ck_assert_uint_eq(c.section_line, 2);
    resolve(&c, &p);
    ck_assert_int_eq(p.loglevel, AS_LEVEL_DEBUG); /* exact, although first */
    ck_assert_int_eq(p.mode, AS_MODE_AUDIT);      // [/srv/app/bin/serv*] (17) beats [/srv/**] (5)
    ck_assert_int_eq(p.inherit, AS_INHERIT_NO);   // only [/srv/**] sets it
    ck_assert_int_eq(p.exec, AS_EXEC_KEEP);       /* tie at 13 literals: the later one */

    ck_assert_int_eq(load_fixture("specificity.conf", "/srv/app/lib/server", false, &c, &ms), 0);
    resolve(&c, &p);
    ck_assert_int_eq(p.loglevel, AS_LEVEL_WARN);  /* /srv/app/ * /server (16) */
    ck_assert_int_eq(p.mode, AS_MODE_ENFORCE);

    ck_assert_int_eq(load_fixture("exact.conf", "/srv/exact", false, &c, &ms), 0);
    ck_assert_uint_eq(c.matched, 3);
    ck_assert_uint_eq(c.section_line, 2);
    resolve(&c, &p);
    ck_assert_int_eq(p.loglevel, AS_LEVEL_DEBUG);

    ck_assert_int_eq(load_fixture("tie.conf", "/t/ab", false, &c, &ms), 0);
    resolve(&c, &p);
    ck_assert_int_eq(p.loglevel, AS_LEVEL_ERROR); /* same specificity: later wins */
    ck_assert_uint_eq(c.section_line, 3);
}
END_TEST

START_TEST(parse_exclude_appends)
{
    struct as_config c;
    struct msgs ms;
    struct as_policy p;
    ck_assert_int_eq(load_fixture("exclude.conf", "/usr/bin/prog", false, &c, &ms), 0);
    ck_assert_uint_eq(c.global.v.nexclude, 1);
    ck_assert_uint_eq(c.program.v.nexclude, 3);
    resolve(&c, &p);
    ck_assert_uint_eq(p.nexclude, 4);
    ck_assert_str_eq(p.exclude[0], "/usr/lib/x86_64-linux-gnu/libglobal.so*");
    ck_assert_str_eq(p.exclude[1], "/usr/lib/*/libone.so*");
    ck_assert_str_eq(p.exclude[3], "/opt/lib/libthree.so");
}
END_TEST

START_TEST(parse_empty_and_comments)
{
    struct as_config c;
    struct msgs ms;
    ck_assert_int_eq(load_fixture("empty.conf", "/bin/true", false, &c, &ms), 0);
    ck_assert(layers_empty(&c));
    ck_assert_int_eq(load_fixture("comments.conf", "/bin/true", false, &c, &ms), 0);
    ck_assert(layers_empty(&c));
    ck_assert_int_eq(ms.n, 0);
}
END_TEST

START_TEST(parse_crlf_like_lf)
{
    struct as_config a, b;
    struct msgs ms;
    ck_assert_int_eq(load_fixture("crlf.conf", "/usr/sbin/sshd", false, &a, &ms), 0);
    ck_assert_int_eq(ms.n, 0);
    ck_assert_int_eq(load_fixture("lf.conf", "/usr/sbin/sshd", false, &b, &ms), 0);
    ck_assert_int_eq(a.global.set, b.global.set);
    ck_assert_int_eq(a.program.set, b.program.set);
    ck_assert_int_eq(a.global.v.mode, AS_MODE_AUDIT);
    ck_assert_int_eq(a.program.v.profile, AS_PROFILE_STRICT);
    ck_assert_uint_eq(a.matched, 1);
}
END_TEST

START_TEST(parse_unterminated_text)
{
    /* not NUL-terminated, no final newline: only len bytes are read */
    static const char text[] = "mode = auditXXXX";
    struct as_config c;
    ck_assert_int_eq(as_config_parse(text, 12, "t", NULL, &c, NULL, NULL), 0);
    ck_assert_int_eq(c.global.v.mode, AS_MODE_AUDIT);
    ck_assert_int_eq(as_config_parse(NULL, 0, "t", NULL, &c, NULL, NULL), 0);
    ck_assert(layers_empty(&c));
}
END_TEST

/* Every bad file: one message "FILE:LINE: problem", nothing applied. */
static const struct bad {
    const char *file;
    const char *msg;
} bads[] = {
    {"bad-syntax.conf", "bad-syntax.conf:3: expected 'key = value', '[section]' or '# comment'"},
    {"bad-unknown-key.conf", "bad-unknown-key.conf:2: unknown key 'colour'"},
    {"bad-value.conf",
     "bad-value.conf:3: bad value 'fast' for key 'profile' (expected default|strict|jit)"},
    {"bad-missing-bracket.conf", "bad-missing-bracket.conf:2: missing ']' in section header"},
    {"bad-empty-section.conf", "bad-empty-section.conf:2: empty section name"},
    {"bad-relative-section.conf", "bad-relative-section.conf:2: section name must be 'global' "
                                  "or an absolute path or glob, not 'node'"},
    {"bad-glob.conf", "bad-glob.conf:2: bad pattern in section header: missing ']' in pattern"},
    {"bad-duplicate-key.conf", "bad-duplicate-key.conf:4: duplicate key 'profile' in this section"},
    {"bad-duplicate-section.conf",
     "bad-duplicate-section.conf:4: duplicate section [/usr/bin/node] (first at line 1)"},
    {"bad-no-key.conf", "bad-no-key.conf:2: missing key before '='"},
    {"bad-text-after-header.conf",
     "bad-text-after-header.conf:1: unexpected text after ']' in section header"},
    {"bad-empty-value.conf",
     "bad-empty-value.conf:1: bad value '' for key 'mode' (expected enforce|audit|off)"},
    {"bad-inline-comment.conf", "bad-inline-comment.conf:1: bad value 'audit # not a comment' "
                                "for key 'mode' (expected enforce|audit|off)"},
    {"bad-long-line.conf", "bad-long-line.conf:3: line too long (2011 bytes, limit 1024)"},
    {"bad-nul.conf", "bad-nul.conf:2: NUL byte in line (column 8)"},
    {"bad-control.conf", "bad-control.conf:2: control character 0x1b in line (column 13)"},
};

START_TEST(parse_bad_file)
{
    const struct bad *b = &bads[_i];
    struct as_config c;
    struct msgs ms;
    int r = load_fixture(b->file, "/usr/bin/node", false, &c, &ms);
    ck_assert_int_eq(r, -EINVAL);
    ck_assert_int_eq(ms.n, 1);
    ck_assert_str_eq(ms.m[0], b->msg);
    ck_assert_uint_eq(c.errors, 1);
    ck_assert(layers_empty(&c)); /* fallback: the whole file is ignored */
    ck_assert_uint_eq(c.matched, 0);
    struct as_policy p, d;
    resolve(&c, &p);
    as_policy_defaults(&d);
    ck_assert_mem_eq(&p, &d, sizeof p); /* built-in defaults, which seal */
    ck_assert_int_eq(p.mode, AS_MODE_ENFORCE);
}
END_TEST

START_TEST(parse_many_errors_bounded)
{
    struct as_config c;
    struct msgs ms;
    ck_assert_int_eq(load_fixture("bad-many.conf", NULL, false, &c, &ms), -EINVAL);
    ck_assert_int_eq(ms.n, AS_CONFIG_ERRORS_MAX + 1);
    ck_assert_str_eq(ms.m[0], "bad-many.conf:1: expected 'key = value', '[section]' or '# comment'");
    ck_assert_str_eq(ms.m[AS_CONFIG_ERRORS_MAX], "bad-many.conf: too many errors (20), giving up");
    ck_assert_uint_eq(c.errors, AS_CONFIG_ERRORS_MAX);
    ck_assert(layers_empty(&c));
}
END_TEST

START_TEST(parse_every_problem_reported)
{
    static const char text[] = "mode = audit\n"
                               "bogus\n"
                               "[/x]\n"
                               "profile = fast\n"
                               "[/y\n";
    struct as_config c;
    struct msgs ms = {0};
    ck_assert_int_eq(as_config_parse(text, sizeof text - 1, "f", "/x", &c, collect, &ms), -EINVAL);
    ck_assert_int_eq(ms.n, 3);
    ck_assert_str_eq(ms.m[0], "f:2: expected 'key = value', '[section]' or '# comment'");
    ck_assert_str_eq(ms.m[1], "f:4: bad value 'fast' for key 'profile' (expected default|strict|jit)");
    ck_assert_str_eq(ms.m[2], "f:5: missing ']' in section header");
    ck_assert_uint_eq(c.errors, 3);
    ck_assert(layers_empty(&c));
}
END_TEST

START_TEST(parse_too_many_excludes)
{
    /* 5 + 4 globs merged for one program: more than AS_EXCLUDE_MAX */
    char text[1024];
    size_t n = 0;
    n += (size_t)snprintf(text + n, sizeof text - n, "[/p/*]\n");
    for (int i = 0; i < 5; i++) {
        n += (size_t)snprintf(text + n, sizeof text - n, "exclude = /a%d\n", i);
    }
    n += (size_t)snprintf(text + n, sizeof text - n, "[/p/q]\n");
    for (int i = 0; i < 4; i++) {
        n += (size_t)snprintf(text + n, sizeof text - n, "exclude = /b%d\n", i);
    }
    struct as_config c;
    struct msgs ms = {0};
    /* each section alone is fine; another program only matches one */
    ck_assert_int_eq(as_config_parse(text, n, "f", "/p/r", &c, collect, &ms), 0);
    ck_assert_uint_eq(c.program.v.nexclude, 5);
    ck_assert_int_eq(as_config_parse(text, n, "f", "/p/q", &c, collect, &ms), -EINVAL);
    ck_assert_int_eq(ms.n, 1);
    ck_assert_str_eq(ms.m[0], "f:11: too many exclude= globs for this program (at most 8, "
                              "the global section's included)");
    ck_assert(layers_empty(&c));

    /* the global section's globs count too; a glob repeated is counted once */
    static const char text2[] = "exclude = /g1\nexclude = /g2\nexclude = /g3\n"
                                "[/p/*]\nexclude = /g1\nexclude = /a1\nexclude = /a2\n"
                                "exclude = /a3\nexclude = /a4\nexclude = /a5\n"
                                "[/p/q]\nexclude = /b1\n";
    ms.n = 0;
    ck_assert_int_eq(as_config_parse(text2, sizeof text2 - 1, "f", "/p/r", &c, collect, &ms), 0);
    struct as_policy p;
    resolve(&c, &p);
    ck_assert_uint_eq(p.nexclude, 8);
    ck_assert_int_eq(as_config_parse(text2, sizeof text2 - 1, "f", "/p/q", &c, collect, &ms),
                     -EINVAL);
    ck_assert_int_eq(ms.n, 1);
    ck_assert_str_eq(ms.m[0], "f:12: too many exclude= globs for this program (at most 8, "
                              "the global section's included)");
}
END_TEST

START_TEST(parse_long_name_keeps_tail)
{
    char name[300];
    memset(name, 'd', sizeof name);
    memcpy(name + sizeof name - 12, "/x/name.conf", 12);
    name[sizeof name - 1] = '\0'; /* ".../x/name.con" */
    struct as_config c;
    struct msgs ms = {0};
    ck_assert_int_eq(as_config_parse("oops\n", 5, name, NULL, &c, collect, &ms), -EINVAL);
    ck_assert_int_eq(ms.n, 1);
    ck_assert(strncmp(ms.m[0], "...", 3) == 0);
    ck_assert_ptr_nonnull(strstr(ms.m[0], "/x/name.con:1: expected"));
    ck_assert_uint_lt(strlen(ms.m[0]), 256);
}
END_TEST

/* The shipped example must parse and mean what its comments say. */
START_TEST(parse_shipped_example)
{
    static const struct {
        const char *exe;
        int profile, mode, execmem;
    } cases[] = {
        {"/usr/sbin/nginx", AS_PROFILE_STRICT, AS_MODE_ENFORCE, AS_EXECMEM_KERNEL},
        {"/usr/bin/redis-check-rdb", AS_PROFILE_STRICT, AS_MODE_ENFORCE, AS_EXECMEM_KERNEL},
        {"/usr/lib/postgresql/15/bin/postgres", AS_PROFILE_STRICT, AS_MODE_ENFORCE,
         AS_EXECMEM_ALLOW},
        {"/usr/sbin/sshd", AS_PROFILE_STRICT, AS_MODE_ENFORCE, AS_EXECMEM_KERNEL},
        {"/usr/bin/node", AS_PROFILE_JIT, AS_MODE_ENFORCE, AS_EXECMEM_ALLOW},
        {"/usr/lib/jvm/java-17-openjdk-amd64/bin/java", AS_PROFILE_JIT, AS_MODE_ENFORCE,
         AS_EXECMEM_ALLOW},
        {"/usr/bin/true", AS_PROFILE_DEFAULT, AS_MODE_ENFORCE, AS_EXECMEM_ALLOW},
        {"/usr/bin/redis-server", AS_PROFILE_DEFAULT, AS_MODE_ENFORCE, AS_EXECMEM_ALLOW},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct as_config c;
        struct msgs ms = {0};
        struct as_policy p;
        int r = as_config_load_buf(AS_EXAMPLE, false, cases[i].exe, buf, sizeof buf, &c, collect,
                                   &ms);
        ck_assert_msg(r == 0, "%s: %d %s", cases[i].exe, r, ms.n ? ms.m[0] : "");
        resolve(&c, &p);
        ck_assert_msg(p.profile == cases[i].profile && p.mode == cases[i].mode &&
                          p.execmem == cases[i].execmem,
                      "%s: profile %d mode %d execmem %d", cases[i].exe, p.profile, p.mode,
                      p.execmem);
        ck_assert_int_eq(p.log, AS_LOG_SYSLOG);
    }
}
END_TEST

/* ---- loading files ---------------------------------------------------- */

START_TEST(load_missing_is_silent)
{
    struct as_config c;
    struct msgs ms;
    errno = 4242;
    ck_assert_int_eq(load_fixture("no-such-file.conf", "/bin/true", false, &c, &ms), -ENOENT);
    ck_assert_int_eq(errno, 4242); /* errno preserved */
    ck_assert_int_eq(ms.n, 0);
    ck_assert_uint_eq(c.errors, 0);
    ck_assert(layers_empty(&c));
    ck_assert_int_eq(as_config_load("/nonexistent-dir/autoseal.conf", true, NULL, &c, collect,
                                    &ms),
                     -ENOENT);
    ck_assert_int_eq(ms.n, 0);
}
END_TEST

START_TEST(load_static_buffer)
{
    struct as_config c;
    struct msgs ms = {0};
    ck_assert_int_eq(chdir(AS_FIXTURES), 0);
    errno = 4242;
    ck_assert_int_eq(as_config_load("mode-off.conf", false, "/bin/true", &c, collect, &ms), 0);
    ck_assert_int_eq(errno, 4242);
    ck_assert_int_eq(c.global.v.mode, AS_MODE_OFF);
    ck_assert_int_eq(ms.n, 0);
}
END_TEST

START_TEST(load_directory)
{
    struct as_config c;
    struct msgs ms = {0};
    int r = as_config_load_buf(AS_FIXTURES, false, NULL, buf, sizeof buf, &c, collect, &ms);
    ck_assert_int_eq(r, -EISDIR);
    ck_assert_int_eq(ms.n, 1);
    ck_assert_ptr_nonnull(strstr(ms.m[0], ": is a directory, not a configuration file"));
    ck_assert_uint_eq(c.errors, 1);
    ck_assert(layers_empty(&c));
}
END_TEST

START_TEST(load_fifo_does_not_block)
{
    char dir[64], path[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/fifo.conf", dir);
    ck_assert_int_eq(mkfifo(path, 0644), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        alarm(5); /* a blocking open or read would die here */
        struct as_config c;
        struct msgs ms = {0};
        int r = as_config_load_buf(path, false, NULL, buf, sizeof buf, &c, collect, &ms);
        char want[200];
        snprintf(want, sizeof want, "%s: is a FIFO, not a regular file", path);
        _exit(r == -EINVAL && ms.n == 1 && strcmp(ms.m[0], want) == 0 && layers_empty(&c) ? 0
                                                                                         : 1);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    unlink(path);
    rmdir(dir);
    ck_assert_msg(!WIFSIGNALED(st), "load on a FIFO was killed by signal %d (hung?)",
                  WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(load_device)
{
    struct as_config c;
    struct msgs ms = {0};
    int r = as_config_load_buf("/dev/null", false, NULL, buf, sizeof buf, &c, collect, &ms);
    ck_assert_int_eq(r, -EINVAL);
    ck_assert_int_eq(ms.n, 1);
    ck_assert_str_eq(ms.m[0], "/dev/null: is a character device, not a regular file");
}
END_TEST

START_TEST(load_enormous_sparse_file)
{
    char dir[64], path[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/huge.conf", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 1L << 30), 0); /* 1 GiB, sparse */
    close(fd);
    struct as_config c;
    struct msgs ms = {0};
    /* refused from fstat's size: the message names the size and the limit
     * (reading it could not fit in buf anyway; the tcase timeout guards a hang) */
    int r = as_config_load_buf(path, false, NULL, buf, sizeof buf, &c, collect, &ms);
    unlink(path);
    rmdir(dir);
    ck_assert_int_eq(r, -EFBIG);
    ck_assert_int_eq(ms.n, 1);
    char want[200];
    snprintf(want, sizeof want, "%s: file too large (1073741824 bytes, limit 65536)", path);
    ck_assert_str_eq(ms.m[0], want);
    ck_assert(layers_empty(&c));
}
END_TEST

START_TEST(load_size_limit_exact)
{
    char dir[64], path[128];
    static char text[AS_CONFIG_SIZE_MAX + 2];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/limit.conf", dir);
    /* exactly the limit: comment lines, then one setting */
    memset(text, '\n', AS_CONFIG_SIZE_MAX);
    text[0] = '#';
    memcpy(text + AS_CONFIG_SIZE_MAX - 11, "mode=audit\n", 11);
    text[AS_CONFIG_SIZE_MAX] = '\0';
    write_file(path, text, 0644);
    struct as_config c;
    struct msgs ms = {0};
    ck_assert_int_eq(as_config_load_buf(path, false, NULL, buf, sizeof buf, &c, collect, &ms), 0);
    ck_assert_int_eq(c.global.v.mode, AS_MODE_AUDIT);
    /* one byte more */
    text[AS_CONFIG_SIZE_MAX] = '\n';
    text[AS_CONFIG_SIZE_MAX + 1] = '\0';
    write_file(path, text, 0644);
    ck_assert_int_eq(as_config_load_buf(path, false, NULL, buf, sizeof buf, &c, collect, &ms),
                     -EFBIG);
    ck_assert_int_eq(ms.n, 1);
    /* a smaller caller buffer is the limit */
    write_file(path, "mode = audit\n", 0644);
    ck_assert_int_eq(as_config_load_buf(path, false, NULL, buf, 8, &c, collect, &ms), -EFBIG);
    ck_assert_int_eq(ms.n, 2);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(load_privileged_permissions)
{
    char dir[64], path[128], want[256];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/perm.conf", dir);
    struct as_config c;
    struct msgs ms = {0};

    write_file(path, "mode = off\n", 0664);
    if (geteuid() == 0) {
        /* root-owned, group-writable: refused when privileged */
        ck_assert_int_eq(as_config_load_buf(path, true, NULL, buf, sizeof buf, &c, collect, &ms),
                         -EPERM);
        ck_assert_int_eq(ms.n, 1);
        snprintf(want, sizeof want,
                 "%s: writable by group or others (mode 0664): ignored (must be owned by root, writable by root only)",
                 path);
        ck_assert_str_eq(ms.m[0], want);
        ck_assert(layers_empty(&c));
        /* other-writable */
        ck_assert_int_eq(chmod(path, 0602), 0);
        ms.n = 0;
        ck_assert_int_eq(as_config_load_buf(path, true, NULL, buf, sizeof buf, &c, collect, &ms),
                         -EPERM);
        ck_assert_int_eq(ms.n, 1);
        /* root-owned 0644: accepted */
        ck_assert_int_eq(chmod(path, 0644), 0);
        ms.n = 0;
        ck_assert_int_eq(as_config_load_buf(path, true, NULL, buf, sizeof buf, &c, collect, &ms),
                         0);
        ck_assert_int_eq(c.global.v.mode, AS_MODE_OFF);
        /* hand it to nobody: not owned by root any more */
        ck_assert_int_eq(chown(path, 65534, 65534), 0);
    }
    /* owned by a non-root user (nobody, or ourselves when not root) */
    ms.n = 0;
    ck_assert_int_eq(as_config_load_buf(path, true, NULL, buf, sizeof buf, &c, collect, &ms),
                     -EPERM);
    ck_assert_int_eq(ms.n, 1);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    snprintf(want, sizeof want, "%s: not owned by root (uid %u): ignored (must be owned by root, writable by root only)",
             path, (unsigned)st.st_uid);
    ck_assert_str_eq(ms.m[0], want);
    ck_assert(layers_empty(&c));
    /* an unprivileged program accepts it */
    ms.n = 0;
    ck_assert_int_eq(chmod(path, 0666), 0);
    ck_assert_int_eq(as_config_load_buf(path, false, NULL, buf, sizeof buf, &c, collect, &ms), 0);
    ck_assert_int_eq(c.global.v.mode, AS_MODE_OFF);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* chmod 000 stops everybody but root: run the load as nobody. */
START_TEST(load_unreadable)
{
    char dir[64], path[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/secret.conf", dir);
    write_file(path, "mode = off\n", 0000);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        alarm(5);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
            _exit(2);
        }
        struct as_config c;
        struct msgs ms = {0};
        int r = as_config_load_buf(path, false, NULL, buf, sizeof buf, &c, collect, &ms);
        char want[200];
        snprintf(want, sizeof want, "%s: cannot open: permission denied (EACCES)", path);
        _exit(r == -EACCES && ms.n == 1 && strcmp(ms.m[0], want) == 0 && layers_empty(&c) &&
                      c.errors == 1
                  ? 0
                  : 1);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    unlink(path);
    rmdir(dir);
    ck_assert(WIFEXITED(st));
    ck_assert_msg(WEXITSTATUS(st) != 2, "could not become nobody");
    ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(load_symlinks)
{
    char dir[64], path[128], link[128], loop[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/real.conf", dir);
    snprintf(link, sizeof link, "%s/link.conf", dir);
    snprintf(loop, sizeof loop, "%s/loop.conf", dir);
    write_file(path, "mode = audit\n", 0644);
    ck_assert_int_eq(symlink(path, link), 0);
    ck_assert_int_eq(symlink(loop, loop), 0);
    struct as_config c;
    struct msgs ms = {0};
    /* followed: the checks apply to the file itself */
    ck_assert_int_eq(as_config_load_buf(link, true, NULL, buf, sizeof buf, &c, collect, &ms),
                     geteuid() == 0 ? 0 : -EPERM);
    if (geteuid() == 0) {
        ck_assert_int_eq(c.global.v.mode, AS_MODE_AUDIT);
    }
    ms.n = 0;
    ck_assert_int_eq(as_config_load_buf(loop, false, NULL, buf, sizeof buf, &c, collect, &ms),
                     -ELOOP);
    ck_assert_int_eq(ms.n, 1);
    ck_assert_ptr_nonnull(strstr(ms.m[0], "cannot open: too many symbolic links (ELOOP)"));
    unlink(loop);
    unlink(link);
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *g = tcase_create("glob");
    tcase_add_test(g, glob_literal_and_star);
    tcase_add_test(g, glob_double_star);
    tcase_add_test(g, glob_any_and_classes);
    tcase_add_test(g, glob_invalid);
    tcase_add_test(g, glob_specificity_helpers);
    tcase_add_test(g, glob_long_patterns);
    suite_add_tcase(s, g);

    TCase *gp = tcase_create("glob-pathological");
    tcase_set_timeout(gp, 20); /* hang guard, not a speed bound */
    tcase_add_test(gp, glob_pathological_is_fast);
    suite_add_tcase(s, gp);

    TCase *p = tcase_create("parse");
    tcase_add_test(p, parse_precedence);
    tcase_add_test(p, parse_mode_off_one_program);
    tcase_add_test(p, parse_most_specific_wins);
    tcase_add_test(p, parse_exclude_appends);
    tcase_add_test(p, parse_empty_and_comments);
    tcase_add_test(p, parse_crlf_like_lf);
    tcase_add_test(p, parse_unterminated_text);
    tcase_add_loop_test(p, parse_bad_file, 0, (int)(sizeof bads / sizeof bads[0]));
    tcase_add_test(p, parse_many_errors_bounded);
    tcase_add_test(p, parse_every_problem_reported);
    tcase_add_test(p, parse_too_many_excludes);
    tcase_add_test(p, parse_long_name_keeps_tail);
    tcase_add_test(p, parse_shipped_example);
    suite_add_tcase(s, p);

    TCase *l = tcase_create("load");
    tcase_set_timeout(l, 20);
    tcase_add_test(l, load_missing_is_silent);
    tcase_add_test(l, load_static_buffer);
    tcase_add_test(l, load_directory);
    tcase_add_test(l, load_fifo_does_not_block);
    tcase_add_test(l, load_device);
    tcase_add_test(l, load_enormous_sparse_file);
    tcase_add_test(l, load_size_limit_exact);
    tcase_add_test(l, load_privileged_permissions);
    tcase_add_test(l, load_unreadable);
    tcase_add_test(l, load_symlinks);
    suite_add_tcase(s, l);
    return s;
}

static Suite *suite(void)
{
    return config_suite();
}

#include "../lib/check_main.h"
