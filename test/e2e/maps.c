#define _GNU_SOURCE
#include "maps.h"

int t_failures;

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int tprot_of(const char *perms)
{
    return (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
           (perms[2] == 'x' ? PROT_EXEC : 0);
}

int tmaps_read(int pid, struct tmap *out, int max)
{
    char fn[64];
    if (pid == 0) {
        snprintf(fn, sizeof fn, "/proc/self/smaps");
    } else {
        snprintf(fn, sizeof fn, "/proc/%d/smaps", pid);
    }
    FILE *f = fopen(fn, "re");
    if (f == NULL) {
        return -1;
    }
    char line[1024];
    int n = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e;
        char perms[8];
        int off = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s%n", &s, &e, perms, &off) == 3) {
            if (n + 1 >= max) {
                break;
            }
            n++;
            memset(&out[n], 0, sizeof out[n]);
            out[n].start = s;
            out[n].end = e;
            memcpy(out[n].perms, perms, 4);
            const char *p = line + off;
            while (*p == ' ') {
                p++;
            }
            size_t l = strcspn(p, "\n");
            if (l >= sizeof out[n].path) {
                l = sizeof out[n].path - 1;
            }
            memcpy(out[n].path, p, l);
            continue;
        }
        if (n >= 0 && strncmp(line, "VmFlags:", 8) == 0) {
            char *save = NULL;
            for (char *tok = strtok_r(line + 8, " \n", &save); tok;
                 tok = strtok_r(NULL, " \n", &save)) {
                if (strcmp(tok, "sl") == 0) {
                    out[n].sealed = true;
                }
            }
        }
    }
    fclose(f);
    return n + 1;
}

int tprobe_mprotect(const struct tmap *m)
{
    int saved = errno;
    int r = mprotect((void *)m->start, m->end - m->start, tprot_of(m->perms));
    int e = errno;
    errno = saved;
    if (r == 0) {
        return 0;
    }
    return e == EPERM ? 1 : -1;
}

const char *tpath_next_to_exe(const char *name)
{
    static char buf[4][4096];
    static int k;
    char *b = buf[k++ & 3];
    ssize_t l = readlink("/proc/self/exe", b, 4000);
    if (l <= 0) {
        return name;
    }
    b[l] = '\0';
    char *slash = strrchr(b, '/');
    snprintf(slash + 1, 4096 - (size_t)(slash + 1 - b), "%s", name);
    return b;
}
