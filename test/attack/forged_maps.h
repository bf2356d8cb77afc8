/* A file mapping whose /proc/self/maps line forges another line (issue 12
 * item 4).  The file's path is over 4 KiB (built with mkdirat/openat, one
 * directory at a time), mapped RW; then its last component is renamed so
 * that, at byte 4096 of its maps line, the path reads
 *     START-END r-xp 00000000 00:00 1 x
 * naming the mapping itself as executable.  A parser that reads maps in
 * 4 KiB chunks and parses the tail of a long line as a line of its own
 * believes the RW mapping is already executable.  Used by the attack test
 * and the unit tests. */
#ifndef AUTOSEAL_TEST_FORGED_MAPS_H
#define AUTOSEAL_TEST_FORGED_MAPS_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Offset of the path in our maps line for addr, or -1. */
static long forged_path_offset(void *addr, long *linelen)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (f == NULL) {
        return -1;
    }
    static char line[16384];
    long off = -1;
    char want[32];
    snprintf(want, sizeof want, "%lx-", (unsigned long)(uintptr_t)addr);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, want, strlen(want)) == 0) {
            char *p = strchr(line, '/');
            off = p ? p - line : -1;
            *linelen = (long)strlen(line);
            break;
        }
    }
    fclose(f);
    return off;
}

/* Map one page RW from a file with a forged maps line.  Returns the
 * mapping or MAP_FAILED with a reason in err.  The directories are left
 * behind under /tmp (removed by forged_cleanup). */
static void *forged_maps_mapping(char *err, size_t errlen, char *base, size_t baselen)
{
    snprintf(base, baselen, "/tmp/as-forged-XXXXXX");
    if (mkdtemp(base) == NULL) {
        snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
        return MAP_FAILED;
    }
    int dfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    size_t plen = strlen(base);
    char comp[201];
    memset(comp, 'd', 200);
    comp[200] = '\0';
    /* the path (before the last component) ends 100..300 bytes before
     * byte 4096 of the line; the path starts at about byte 73 */
    while (dfd >= 0 && plen + 201 < 4096 - 73 - 100) {
        if (mkdirat(dfd, comp, 0700) != 0) {
            snprintf(err, errlen, "mkdirat: %s", strerror(errno));
            close(dfd);
            return MAP_FAILED;
        }
        int nfd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        close(dfd);
        dfd = nfd;
        plen += 201;
    }
    if (dfd < 0) {
        snprintf(err, errlen, "open directory: %s", strerror(errno));
        return MAP_FAILED;
    }
    int fd = openat(dfd, "f", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, 4096) != 0) {
        snprintf(err, errlen, "create file: %s", strerror(errno));
        close(dfd);
        return MAP_FAILED;
    }
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        snprintf(err, errlen, "mmap: %s", strerror(errno));
        close(dfd);
        return MAP_FAILED;
    }
    long linelen = 0, off = forged_path_offset(m, &linelen);
    long pad = 4096 - (off + (long)plen + 1);
    char fake[96];
    int fl = snprintf(fake, sizeof fake, "%lx-%lx r-xp 00000000 00:00 1 x",
                      (unsigned long)(uintptr_t)m, (unsigned long)(uintptr_t)m + 4096);
    if (off < 0 || pad < 1 || pad + fl > 255) {
        snprintf(err, errlen, "path at %ld of the line, %zu long: cannot place the fake", off,
                 plen);
        munmap(m, 4096);
        close(dfd);
        return MAP_FAILED;
    }
    char name[256];
    memset(name, 'n', (size_t)pad);
    memcpy(name + pad, fake, (size_t)fl + 1);
    if (renameat(dfd, "f", dfd, name) != 0) {
        snprintf(err, errlen, "renameat: %s", strerror(errno));
        munmap(m, 4096);
        close(dfd);
        return MAP_FAILED;
    }
    close(dfd);
    off = forged_path_offset(m, &linelen);
    if (linelen < 4096 + fl) {
        snprintf(err, errlen, "maps line only %ld bytes", linelen);
        munmap(m, 4096);
        return MAP_FAILED;
    }
    return m;
}

static void forged_cleanup(const char *base)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (strncmp(base, "/tmp/as-forged-", 15) == 0 && system(cmd) != 0) {
        fprintf(stderr, "could not remove %s\n", base);
    }
}

#endif
