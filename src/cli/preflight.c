#include "preflight.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "staticplan.h"
#include "util.h"

void file_facts_of(const char *path, struct file_facts *f)
{
    memset(f, 0, sizeof *f);
    struct stat st;
    if (stat(path, &st) == 0) {
        f->setuid = (st.st_mode & S_ISUID) != 0;
        /* setgid without group-execute means mandatory locking, not setgid */
        f->setgid = (st.st_mode & S_ISGID) != 0 && (st.st_mode & S_IXGRP) != 0;
    }
    f->caps = getxattr(path, "security.capability", NULL, 0) > 0;
}

char *resolve_command(const char *cmd)
{
    if (strchr(cmd, '/')) {
        return access(cmd, F_OK) == 0 ? xstrdup(cmd) : NULL;
    }
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0') {
        path = "/usr/local/bin:/usr/bin:/bin";
    }
    for (const char *p = path;;) {
        const char *c = strchr(p, ':');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        char *cand = n ? xasprintf("%.*s/%s", (int)n, p, cmd) : xasprintf("./%s", cmd);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
            return cand;
        }
        free(cand);
        if (!c) {
            return NULL;
        }
        p = c + 1;
    }
}

bool on_noexec_mount(const char *path)
{
    struct statvfs sv;
    return statvfs(path, &sv) == 0 && (sv.f_flag & ST_NOEXEC) != 0;
}

/* The ELF file that the kernel really loads for path: path itself, or the
 * interpreter of a "#!" script. */
char *preflight_image(const char *path)
{
    char buf[256];
    FILE *f = fopen(path, "re");
    if (!f) {
        return xstrdup(path);
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (n < 2 || buf[0] != '#' || buf[1] != '!') {
        return xstrdup(path);
    }
    char *s = buf + 2;
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t l = strcspn(s, " \t\n");
    if (l == 0) {
        return xstrdup(path);
    }
    s[l] = '\0';
    return xstrdup(s);
}

int preflight_warn(const char *path, const char *lib)
{
    int n = 0;
    if (access(lib, R_OK) != 0) {
        warnx_("warning: the library %s is missing or unreadable: nothing will be sealed; "
               "reinstall autoseal or build it (cmake --build)", lib);
        n++;
    } else if (on_noexec_mount(lib)) {
        warnx_("warning: %s is on a noexec mount: the loader refuses to map it and nothing "
               "will be sealed; install the library on a file system mounted with exec", lib);
        n++;
    }
    struct file_facts f;
    file_facts_of(path, &f);
    if (f.setuid || f.setgid || f.caps) {
        warnx_("warning: %s is %s: the loader runs in secure mode and ignores LD_PRELOAD "
               "paths with a slash, so autoseal will not load; use /etc/ld.so.preload for "
               "such programs (system-wide) or run a copy without the %s",
               path, f.caps ? "a file-capability program" : f.setuid ? "setuid" : "setgid",
               f.caps ? "capabilities" : "privilege bits");
        n++;
    }
    char *target = preflight_image(path);
    enum elf_link link = preflight_link(target);
    if (link == LINK_STATIC || link == LINK_STATIC_PIE) {
        warnx_("warning: %s is %s: no dynamic loader runs, so LD_PRELOAD has no "
               "effect and nothing will be sealed; rebuild it dynamically linked",
               target, link == LINK_STATIC ? "statically linked" : "static-pie");
        n++;
    }
    free(target);
    return n;
}

/* Does the dynamic segment [off, off+size) of fd set DF_1_PIE? */
static bool dynamic_is_pie(int fd, uint64_t off, uint64_t size)
{
    ElfW(Dyn) d[256];
    size_t want = size < sizeof d ? (size_t)size : sizeof d;
    ssize_t got = pread(fd, d, want, (off_t)off);
    for (size_t i = 0; got > 0 && i < (size_t)got / sizeof d[0] && d[i].d_tag != DT_NULL; i++) {
        if (d[i].d_tag == DT_FLAGS_1 && (d[i].d_un.d_val & DF_1_PIE) != 0) {
            return true;
        }
    }
    return false;
}

enum elf_link preflight_link(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return LINK_NONE;
    }
    struct stat st;
    unsigned char buf[8192];
    ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? pread(fd, buf, sizeof buf, 0) : -1;
    struct static_image im;
    size_t need = 0;
    char err[160];
    enum elf_link link = LINK_NONE;
    if (got > 0 && static_image_parse(buf, (size_t)got, &im, &need, err, sizeof err) == 0) {
        if (im.interp) {
            link = LINK_DYNAMIC;
        } else if (im.type == ET_EXEC) {
            link = im.dynamic ? LINK_DYNAMIC : LINK_STATIC;
        } else {
            /* ET_DYN without PT_INTERP: static-pie if DF_1_PIE, else a library */
            link = LINK_DYNAMIC;
            for (size_t i = 0; i < im.phnum; i++) {
                if (im.ph[i].p_type == PT_DYNAMIC &&
                    dynamic_is_pie(fd, im.ph[i].p_offset, im.ph[i].p_filesz)) {
                    link = LINK_STATIC_PIE;
                }
            }
        }
    }
    close(fd);
    return link;
}

bool preflight_is_static(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return false;
    }
    unsigned char buf[8192];
    ssize_t got = pread(fd, buf, sizeof buf, 0);
    close(fd);
    struct static_image im;
    size_t need = 0;
    char err[160];
    return got > 0 && static_image_parse(buf, (size_t)got, &im, &need, err, sizeof err) == 0 &&
           !im.interp;
}
