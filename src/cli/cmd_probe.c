/* autoseal probe: what this machine offers for sealing. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmds.h"
#include "config.h"
#include "probe.h"
#include "smaps.h"
#include "sys.h" /* __NR_mseal: the library's definition */
#include "util.h"

#ifndef PR_GET_MDWE
#define PR_GET_MDWE 66
#endif

static const char probe_help[] =
    "Usage: autoseal probe [--json]\n"
    "\n"
    "Report what this machine offers: whether mseal(2) works (tried on a fresh\n"
    "private mapping in a child process: available, ENOSYS, refused by seccomp\n"
    "with EPERM or killed with SIGSYS), whether the kernel seals system\n"
    "mappings ([vdso] has the VmFlags token sl), PR_SET_MDWE support\n"
    "(prctl PR_GET_MDWE), whether libautoseal loads (/bin/true run with it\n"
    "preloaded and AUTOSEAL_OPTIONS=log=stderr must print its startup line),\n"
    "and which system configuration file that library reads (recorded in the\n"
    "library file itself, section .autoseal.sysconf) and whether it exists.\n"
    "\n"
    "Exit status: 0 mseal works and the library loads, 1 otherwise, 2 usage error.\n";

enum { CHILD_UNSEALED = 200, CHILD_MMAP_FAILED = 201 };

void probe_mseal(struct mseal_result *r)
{
    memset(r, 0, sizeof *r);
    pid_t pid = fork();
    if (pid < 0) {
        r->status = "error";
        r->err = errno;
        snprintf(r->detail, sizeof r->detail, "fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        long pg = sysconf(_SC_PAGESIZE);
        void *p = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            _exit(CHILD_MMAP_FAILED);
        }
        if (syscall(__NR_mseal, p, (size_t)pg, 0UL) != 0) {
            _exit(errno & 0xff);
        }
        /* Proof: a sealed page refuses mprotect with EPERM. */
        if (mprotect(p, (size_t)pg, PROT_READ) == 0 || errno != EPERM) {
            _exit(CHILD_UNSEALED);
        }
        _exit(0);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            r->status = "error";
            r->err = errno;
            snprintf(r->detail, sizeof r->detail, "waitpid: %s", strerror(errno));
            return;
        }
    }
    if (WIFSIGNALED(st)) {
        r->status = WTERMSIG(st) == SIGSYS ? "sigsys" : "error";
        snprintf(r->detail, sizeof r->detail, "the probe was killed by signal %d%s",
                 WTERMSIG(st), WTERMSIG(st) == SIGSYS ? " (a seccomp filter kills on mseal)" : "");
        return;
    }
    int code = WEXITSTATUS(st);
    if (code == 0) {
        r->status = "available";
        snprintf(r->detail, sizeof r->detail, "mseal sealed a test mapping and mprotect on it failed with EPERM");
    } else if (code == ENOSYS) {
        r->status = "enosys";
        r->err = code;
        snprintf(r->detail, sizeof r->detail, "ENOSYS: the kernel has no mseal (needs Linux 6.10+, 64-bit)");
    } else if (code == EPERM) {
        r->status = "eperm";
        r->err = code;
        snprintf(r->detail, sizeof r->detail, "EPERM: refused, most likely by a seccomp filter (container or service sandbox)");
    } else if (code == CHILD_UNSEALED) {
        r->status = "error";
        snprintf(r->detail, sizeof r->detail, "mseal returned 0 but mprotect on the page still worked");
    } else if (code == CHILD_MMAP_FAILED) {
        r->status = "error";
        snprintf(r->detail, sizeof r->detail, "could not map a test page");
    } else {
        r->status = "error";
        r->err = code;
        snprintf(r->detail, sizeof r->detail, "mseal failed: %s", strerror(code));
    }
}

/* 1 sealed, 0 not sealed, -1 unknown. */
static int probe_vdso(void)
{
    char *buf;
    size_t len;
    if (read_file("/proc/self/smaps", (size_t)1 << 26, false, &buf, &len) != 0) {
        return -1;
    }
    struct mapping *m;
    size_t n;
    char err[128];
    int res = -1;
    if (smaps_parse(buf, len, &m, &n, err, sizeof err) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(m[i].path, "[vdso]") == 0 && m[i].has_vmflags) {
                res = m[i].sealed ? 1 : 0;
            }
        }
        smaps_free(m, n);
    }
    free(buf);
    return res;
}

/* The system configuration path compiled into the library file (section
 * .autoseal.sysconf, src/lib/sysconf.c); NULL if the file has none. */
static char *library_sysconf(const char *lib)
{
    if (elf_version(EV_CURRENT) == EV_NONE) {
        return NULL;
    }
    int fd = open(lib, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    char *res = NULL;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    size_t shstrndx;
    if (elf != NULL && elf_kind(elf) == ELF_K_ELF && elf_getshdrstrndx(elf, &shstrndx) == 0) {
        for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL && res == NULL;
             scn = elf_nextscn(elf, scn)) {
            GElf_Shdr sh;
            const char *name;
            if (gelf_getshdr(scn, &sh) == NULL ||
                (name = elf_strptr(elf, shstrndx, sh.sh_name)) == NULL ||
                strcmp(name, ".autoseal.sysconf") != 0 || sh.sh_type != SHT_PROGBITS) {
                continue;
            }
            Elf_Data *d = elf_getdata(scn, NULL);
            if (d != NULL && d->d_buf != NULL && d->d_size > 1 && d->d_size < 4096 &&
                memchr(d->d_buf, '\0', d->d_size) == (char *)d->d_buf + d->d_size - 1 &&
                ((const char *)d->d_buf)[0] == '/') {
                res = xstrdup(d->d_buf);
            }
        }
    }
    if (elf != NULL) {
        elf_end(elf);
    }
    close(fd);
    return res;
}

bool probe_library(const char *root, const char *lib, char *line, size_t linelen, char *why,
                   size_t whylen, char **stderr_out)
{
    if (stderr_out != NULL) {
        *stderr_out = NULL;
    }
    line[0] = why[0] = '\0';
    bool chrooted = root != NULL && root[0] != '\0' && strcmp(root, "/") != 0;
    if (lib != NULL) {
        char *full = xasprintf("%s%s", chrooted ? root : "", lib);
        int r = access(full, R_OK);
        if (r != 0) {
            snprintf(why, whylen, "%s: %s", full, strerror(errno));
        }
        free(full);
        if (r != 0) {
            return false;
        }
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        return false;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        dup2(fds[1], 2);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
        }
        if (chrooted && (chroot(root) != 0 || chdir("/") != 0)) {
            dprintf(2, "chroot %s: %s\n", root, strerror(errno));
            _exit(127);
        }
        if (lib != NULL) {
            setenv("LD_PRELOAD", lib, 1);
        } else {
            unsetenv("LD_PRELOAD"); /* only what /etc/ld.so.preload names */
        }
        setenv("AUTOSEAL_OPTIONS", "log=stderr,loglevel=info", 1);
        unsetenv("AUTOSEAL_CONFIG"); /* the system file, as services see it */
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    struct sbuf out = {0};
    sb_read_fd(&out, fds[0], 65536);
    close(fds[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    bool ok = false;
    for (char *p = out.s; p && *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        /* autoseal[PID]: ... event=startup ... */
        if (strncmp(p, "autoseal[", 9) == 0) {
            char *l = xasprintf("%.*s", (int)n, p);
            bool startup = strstr(l, " event=startup") != NULL;
            if (startup) {
                snprintf(line, linelen, "%s", l);
                ok = true;
            }
            free(l);
            if (startup) {
                break;
            }
        }
        p = nl ? nl + 1 : p + n;
    }
    if (!ok) {
        snprintf(why, whylen, "/bin/true %s without an autoseal startup line%s%.*s",
                 WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ran" : "failed",
                 out.len ? "; stderr: " : "", (int)(out.len > 200 ? 200 : out.len),
                 out.s ? out.s : "");
    }
    if (stderr_out != NULL) {
        *stderr_out = xstrdup(out.s ? out.s : "");
    }
    sb_free(&out);
    return ok;
}

int cmd_probe(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(probe_help, stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else {
            die_usage("probe", "unexpected argument '%s'", argv[i]);
        }
    }
    struct utsname u;
    if (uname(&u) != 0) {
        snprintf(u.release, sizeof u.release, "unknown");
    }
    struct mseal_result ms;
    probe_mseal(&ms);
    int vdso = probe_vdso();
    errno = 0;
    int mdwe = prctl(PR_GET_MDWE, 0L, 0L, 0L, 0L);
    int mdwe_err = mdwe < 0 ? errno : 0;
    const char *how;
    char *lib = autoseal_library_path(&how);
    char line[512], why[512];
    bool loads = probe_library(NULL, lib, line, sizeof line, why, sizeof why, NULL);
    bool mseal_ok = !strcmp(ms.status, "available");
    const char *conf_from = "library";
    char *conf = library_sysconf(lib);
    if (conf == NULL) { /* a library without the section: this build's path */
        conf = xstrdup(AUTOSEAL_SYSCONF);
        conf_from = "tool";
    }
    bool conf_exists = access(conf, F_OK) == 0;
    const char *env_conf = getenv("AUTOSEAL_CONFIG");

    if (json) {
        printf("{\"autoseal_version\":\"%s\",\"kernel\":", AUTOSEAL_VERSION);
        json_str(stdout, u.release);
        printf(",\"mseal\":{\"status\":\"%s\",\"errno\":%d,\"detail\":", ms.status, ms.err);
        json_str(stdout, ms.detail);
        printf("},\"system_mappings_sealed\":%s,",
               vdso < 0 ? "null" : vdso ? "true" : "false");
        if (mdwe >= 0) {
            printf("\"mdwe\":{\"supported\":true,\"flags\":%d}", mdwe);
        } else {
            printf("\"mdwe\":{\"supported\":false,\"errno\":%d}", mdwe_err);
        }
        fputs(",\"library\":{\"path\":", stdout);
        json_str(stdout, lib);
        printf(",\"found_by\":\"%s\",\"loads\":%s,\"startup_line\":", how,
               loads ? "true" : "false");
        if (loads) {
            json_str(stdout, line);
        } else {
            fputs("null", stdout);
        }
        fputs(",\"error\":", stdout);
        if (loads) {
            fputs("null", stdout);
        } else {
            json_str(stdout, why);
        }
        fputs("},\"config\":{\"path\":", stdout);
        json_str(stdout, conf);
        printf(",\"from\":\"%s\",\"exists\":%s,\"environment\":", conf_from,
               conf_exists ? "true" : "false");
        if (env_conf != NULL && env_conf[0] != '\0') {
            json_str(stdout, env_conf);
        } else {
            fputs("null", stdout);
        }
        puts("}}");
    } else {
        printf("kernel:                 %s\n", u.release);
        printf("mseal:                  %s (%s)\n", ms.status, ms.detail);
        printf("system mappings sealed: %s\n",
               vdso < 0 ? "unknown (no [vdso] in /proc/self/smaps)"
               : vdso   ? "yes ([vdso] has VmFlags sl)"
                        : "no ([vdso] is not sealed; CONFIG_MSEAL_SYSTEM_MAPPINGS is off)");
        if (mdwe >= 0) {
            printf("PR_SET_MDWE:            supported (this process: flags=%d)\n", mdwe);
        } else {
            printf("PR_SET_MDWE:            not supported (%s)\n", strerror(mdwe_err));
        }
        printf("library:                %s (%s)\n", lib, how);
        if (loads) {
            printf("library loads:          yes: %s\n", line);
        } else {
            printf("library loads:          no: %s\n", why);
        }
        printf("configuration file:     %s (%s; %s)\n", conf,
               conf_exists ? "exists" : "does not exist: built-in defaults",
               !strcmp(conf_from, "library") ? "the path compiled into the library"
                                             : "this tool's path: the library does not record one");
        if (env_conf != NULL && env_conf[0] != '\0') {
            printf("AUTOSEAL_CONFIG:        %s (replaces it for unprivileged programs run from here)\n",
                   env_conf);
        }
    }
    free(conf);
    free(lib);
    return mseal_ok && loads ? EXIT_OK : EXIT_CHECK;
}
