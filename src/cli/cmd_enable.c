/* autoseal enable --system / disable --system: /etc/ld.so.preload. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "config.h"
#include "preloadfile.h"
#include "probe.h"
#include "util.h"

static const char enable_help[] =
    "Usage: autoseal enable --system [--root DIR] [--library PATH]\n"
    "       autoseal disable --system [--root DIR] [--library PATH]\n"
    "\n"
    "enable: preload libautoseal into every program of the system by adding it\n"
    "to /etc/ld.so.preload, after checking that mseal(2) works here and that\n"
    "the library loads (/bin/true run with it must print autoseal's startup\n"
    "line), and that the library file and its directories are owned by root\n"
    "and not writable by anyone else.  Other entries are kept byte for byte;\n"
    "the file is replaced atomically (temporary file, fsync, rename) and the\n"
    "previous one saved as /etc/ld.so.preload.autoseal-bak (no file before:\n"
    "no backup).  No comment is written (glibc mis-parses a second '#').  Then\n"
    "/bin/true runs once more without LD_PRELOAD: unless autoseal comes up\n"
    "through the file and ld.so complains about nothing new, the previous\n"
    "file is put back.  Enabling twice changes nothing.\n"
    "\n"
    "disable: remove the library's entry.  When the file is still exactly what\n"
    "enable made of it, the file from before is put back byte for byte (or\n"
    "deleted, when enable created it); after other edits every entry naming\n"
    "the library is removed and the rest kept.  The file before the change is\n"
    "saved as /etc/ld.so.preload.autoseal-bak.\n"
    "\n"
    "Options:\n"
    "  --system         required: the system-wide file /etc/ld.so.preload\n"
    "  --root DIR       operate on DIR/etc/ld.so.preload; the checks run\n"
    "                   chrooted into DIR (a container or image root)\n"
    "  --library PATH   the library entry (default: the installed library,\n"
    "                   " AUTOSEAL_PKGLIBDIR "/libautoseal.so)\n"
    "\n"
    "Exit status: 0 done (or nothing to do), 1 a check or the update failed,\n"
    "2 usage error.\n";

struct target {
    bool library_given;
    const char *root;  /* "" for / */
    char *file;        /* ROOT/etc/ld.so.preload */
    char *backup;      /* ROOT/etc/ld.so.preload.autoseal-bak */
    char *dir;         /* ROOT/etc */
    const char *entry; /* the path written into the file */
};

/* The file's bytes: 0 and *buf NULL when it does not exist. */
static int load(const char *path, char **buf, size_t *len, struct stat *st)
{
    *buf = NULL;
    *len = 0;
    if (lstat(path, st) != 0) {
        return errno == ENOENT ? 0 : -errno;
    }
    if (!S_ISREG(st->st_mode)) {
        return -EINVAL; /* a symbolic link would be replaced by a file: refuse */
    }
    int r = read_file(path, (size_t)1 << 20, true, buf, len);
    if (r != 0) {
        return r;
    }
    if (memchr(*buf, '\0', *len) != NULL) {
        free(*buf);
        *buf = NULL;
        return -EINVAL;
    }
    return 0;
}

/* Write data to path atomically: temporary file in the same directory,
 * mode/owner of st (or 0644 root), fsync, rename, fsync of the directory. */
static int write_atomic(const char *dir, const char *path, const char *data, size_t len,
                        const struct stat *st)
{
    char *tmp = xasprintf("%s.autoseal-tmp.XXXXXX", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return -e;
    }
    int r = 0;
    mode_t mode = st ? st->st_mode & 07777 : 0644;
    if (fchmod(fd, mode) != 0 || (st && fchown(fd, st->st_uid, st->st_gid) != 0)) {
        r = -errno;
    }
    for (size_t off = 0; r == 0 && off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno != EINTR) {
            r = -errno;
        } else if (n > 0) {
            off += (size_t)n;
        }
    }
    if (r == 0 && fsync(fd) != 0) {
        r = -errno;
    }
    if (close(fd) != 0 && r == 0) {
        r = -errno;
    }
    if (r == 0 && rename(tmp, path) != 0) {
        r = -errno;
    }
    if (r != 0) {
        unlink(tmp);
    } else {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(tmp);
    return r;
}

/* The file as it was before this change, under the backup name; no file
 * before: no backup (that is how disable knows autoseal created it). */
static int backup(const struct target *t, const char *buf, size_t len, const struct stat *st)
{
    if (buf == NULL) {
        return unlink(t->backup) == 0 || errno == ENOENT ? 0 : -errno;
    }
    return write_atomic(t->dir, t->backup, buf, len, st);
}

/* A line of ld.so's complaints in after that was not in before. */
static char *new_ldso_error(const char *before, const char *after)
{
    for (const char *p = after; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *l = xasprintf("%.*s", (int)n, p);
        if (strstr(l, "ld.so") != NULL && (before == NULL || strstr(before, l) == NULL)) {
            return l;
        }
        free(l);
        p = nl ? nl + 1 : p + n;
    }
    return NULL;
}

/* The library file and every directory above it: root-owned, not writable
 * by group or others (the library runs in every root daemon). */
static bool trusted_path(const char *root, const char *entry, char **why)
{
    char *p = xasprintf("%s%s", root, entry);
    char real[PATH_MAX];
    if (realpath(p, real) == NULL) {
        *why = xasprintf("%s: %s", p, strerror(errno));
        free(p);
        return false;
    }
    free(p);
    for (;;) {
        struct stat st;
        if (stat(real, &st) != 0) {
            *why = xasprintf("%s: %s", real, strerror(errno));
            return false;
        }
        /* a root-owned sticky directory (/tmp) cannot have root's entries replaced */
        bool sticky_ok = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) && st.st_uid == 0;
        if (st.st_uid != 0 || ((st.st_mode & 0022) != 0 && !sticky_ok)) {
            *why = xasprintf(
                     "%s is %s (uid %u, mode %04o): whoever can change it would run code in "
                     "every program", real,
                     st.st_uid != 0 ? "not owned by root" : "writable by group or others",
                     (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
            return false;
        }
        if (strcmp(real, "/") == 0) {
            return true;
        }
        char *slash = strrchr(real, '/');
        slash[slash == real ? 1 : 0] = '\0';
    }
}

static int do_enable(const struct target *t)
{
    bool library_given = t->library_given;
    char why[512], line[512];
    if (!preload_path_ok(t->entry)) {
        die_usage("enable", "'%s' cannot be an ld.so.preload entry (absolute path without "
                  "white space, ':', '#' or '$')", t->entry);
    }
    struct stat st;
    char *buf;
    size_t len;
    int r = load(t->file, &buf, &len, &st);
    if (r != 0) {
        warnx_("%s: %s", t->file,
               r == -EINVAL ? "not a regular text file (a symbolic link? edit its target)"
                            : strerror(-r));
        return EXIT_CHECK;
    }
    char *other = NULL;
    int n = preload_count(buf, len, t->entry, &other);
    if (n > 0) {
        printf("already enabled: %s preloads %s\n", t->file, t->entry);
        free(other);
        free(buf);
        return EXIT_OK;
    }
    if (other != NULL) {
        warnx_("%s already preloads another autoseal library (%s); run autoseal disable "
               "--system --library %s first", t->file, other, other);
        free(other);
        free(buf);
        return EXIT_CHECK;
    }
    /* a bad system configuration would run every process with the built-in
     * defaults instead of what the administrator wrote */
    if (config_check_system(t->root[0] ? t->root : NULL, false) != EXIT_OK) {
        warnx_("not enabled: fix the configuration first ('autoseal config check%s%s')",
               t->root[0] ? " --root " : "", t->root);
        free(buf);
        return EXIT_CHECK;
    }
    struct mseal_result ms;
    probe_mseal(&ms);
    if (strcmp(ms.status, "available") != 0) {
        warnx_("not enabled: mseal does not work here: %s (%s)", ms.status, ms.detail);
        free(buf);
        return EXIT_CHECK;
    }
    char *untrusted = NULL;
    if (!trusted_path(t->root, t->entry, &untrusted)) {
        warnx_("not enabled: %s%s", untrusted,
               library_given ? "" : " (not installed? --library PATH names another)");
        free(untrusted);
        free(buf);
        return EXIT_CHECK;
    }
    char *err_before = NULL, *err_after = NULL;
    if (!probe_library(t->root, t->entry, line, sizeof line, why, sizeof why, &err_before)) {
        warnx_("not enabled: the library does not load: %s%s", why,
               library_given ? "" : " (not installed? --library PATH names another)");
        free(err_before);
        free(buf);
        return EXIT_CHECK;
    }
    size_t olen;
    char *out = preload_add(buf, len, t->entry, &olen);
    r = backup(t, buf, len, &st);
    if (r == 0) {
        r = write_atomic(t->dir, t->file, out, olen, buf ? &st : NULL);
    }
    free(out);
    if (r != 0) {
        warnx_("not enabled: writing %s: %s", buf ? t->file : t->dir, strerror(-r));
        free(err_before);
        free(buf);
        return EXIT_CHECK;
    }
    /* Through the file itself now: autoseal must come up and ld.so must
     * not complain about anything new, else the previous file goes back. */
    bool up = probe_library(t->root, NULL, line, sizeof line, why, sizeof why, &err_after);
    char *complaint = new_ldso_error(err_before, err_after);
    free(err_before);
    free(err_after);
    if (!up || complaint != NULL) {
        int rr = buf ? write_atomic(t->dir, t->file, buf, len, &st) : (unlink(t->file) ? -errno : 0);
        warnx_("not enabled: with the new %s %s%s; %s", t->file,
               complaint ? "ld.so said: " : "autoseal did not start: ", complaint ? complaint : why,
               rr == 0 ? "the previous file is back" : "COULD NOT RESTORE the previous file");
        free(complaint);
        free(buf);
        return EXIT_CHECK;
    }
    printf("enabled: %s preloads %s%s%s\n", t->file, t->entry,
           buf ? "; previous file saved as " : " (file created)", buf ? t->backup : "");
    free(buf);
    return EXIT_OK;
}

static int do_disable(const struct target *t)
{
    struct stat st;
    char *buf;
    size_t len;
    int r = load(t->file, &buf, &len, &st);
    if (r != 0) {
        warnx_("%s: %s", t->file, r == -EINVAL ? "not a regular text file" : strerror(-r));
        return EXIT_CHECK;
    }
    if (buf == NULL || preload_count(buf, len, t->entry, NULL) == 0) {
        printf("not enabled: %s does not preload %s\n", t->file, t->entry);
        free(buf);
        return EXIT_OK;
    }
    struct stat bst;
    char *bak;
    size_t baklen;
    if (load(t->backup, &bak, &baklen, &bst) != 0) {
        bak = NULL; /* unreadable backup: remove the entry only */
    }
    size_t olen;
    bool remove_file;
    char *out = preload_disable(buf, len, bak, baklen, t->entry, &olen, &remove_file);
    free(bak);
    r = write_atomic(t->dir, t->backup, buf, len, &st);
    if (r == 0) {
        if (remove_file) {
            r = unlink(t->file) == 0 ? 0 : -errno;
        } else {
            r = write_atomic(t->dir, t->file, out, olen, &st);
        }
    }
    free(out);
    free(buf);
    if (r != 0) {
        warnx_("disable: writing %s: %s", t->file, strerror(-r));
        return EXIT_CHECK;
    }
    printf("disabled: %s no longer preloads %s%s\n", t->file, t->entry,
           remove_file ? " (file removed: autoseal had created it)" : "");
    printf("previous file saved as %s\n", t->backup);
    return EXIT_OK;
}

static int enable_main(int argc, char **argv, bool enable)
{
    const char *cmd = enable ? "enable" : "disable";
    bool system = false;
    const char *root = NULL, *library = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(enable_help, stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--system")) {
            system = true;
        } else if (opt_value(argc, argv, &i, "--root", &root, cmd) ||
                   opt_value(argc, argv, &i, "--library", &library, cmd)) {
        } else {
            die_usage(cmd, "unexpected argument '%s'", argv[i]);
        }
    }
    if (!system) {
        die_usage(cmd, "--system is required (the only scope: /etc/ld.so.preload)");
    }
    struct target t;
    t.library_given = library != NULL;
    char rootbuf[PATH_MAX];
    if (root == NULL || root[0] == '\0') {
        t.root = "";
    } else {
        if (realpath(root, rootbuf) == NULL) {
            die(EXIT_USAGE, "--root %s: %s", root, strerror(errno));
        }
        t.root = strcmp(rootbuf, "/") == 0 ? "" : rootbuf;
    }
    t.dir = xasprintf("%s/etc", t.root);
    t.file = xasprintf("%s/etc/ld.so.preload", t.root);
    t.backup = xasprintf("%s/etc/ld.so.preload.autoseal-bak", t.root);
    /* The installed library, as seen inside the root (the tool may be run
     * from a build tree or from another root: --library names another). */
    t.entry = library != NULL ? library : AUTOSEAL_PKGLIBDIR "/libautoseal.so";
    /* One change at a time (a lock on the directory, no extra file). */
    int dfd = open(t.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        die(EXIT_CHECK, "%s: %s", t.dir, strerror(errno));
    }
    if (flock(dfd, LOCK_EX) != 0) {
        die(EXIT_CHECK, "lock %s: %s", t.dir, strerror(errno));
    }
    int rc = enable ? do_enable(&t) : do_disable(&t);
    close(dfd);
    free(t.dir);
    free(t.file);
    free(t.backup);
    return rc;
}

int cmd_enable(int argc, char **argv)
{
    return enable_main(argc, argv, true);
}

int cmd_disable(int argc, char **argv)
{
    return enable_main(argc, argv, false);
}
