/* faults-maxmap REMAINING LIB: use up vm.max_map_count (read from
 * /proc/sys/vm/max_map_count, never changed) until only REMAINING mappings
 * are left, then dlopen LIB and call it.  Prints what happened on stdout
 * (the same with and without autoseal, or autoseal changed the outcome)
 * and whether LIB's text is sealed on stderr. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096ul

static long count_maps(void)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (f == NULL) {
        return -1;
    }
    long n = 0;
    int c;
    while ((c = getc_unlocked(f)) != EOF) {
        n += c == '\n';
    }
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s REMAINING LIB\n", argv[0]);
        return 2;
    }
    long remaining = atol(argv[1]);
    FILE *f = fopen("/proc/sys/vm/max_map_count", "re");
    long max = 0;
    if (f == NULL || fscanf(f, "%ld", &max) != 1) {
        fprintf(stderr, "cannot read /proc/sys/vm/max_map_count\n");
        return 2;
    }
    fclose(f);
    long cur = count_maps();
    long fill = max - cur - remaining;
    if (cur < 0 || fill < 4) {
        fprintf(stderr, "max_map_count %ld, %ld mappings: cannot leave %ld\n", max, cur, remaining);
        return 2;
    }
    /* one PROT_NONE reservation, every other page made readable: each
     * mprotect adds two mappings.  Not MAP_NORESERVE: autoseal's ledger is
     * a read-only MAP_NORESERVE mapping, and a readable last page next to
     * it would merge with it (one mapping fewer than counted) */
    size_t pages = (size_t)fill + 4;
    unsigned char *r = mmap(NULL, pages * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    long m = fill / 2;
    for (long i = 0; i < m; i++) {
        if (mprotect(r + (size_t)(2 * i + 1) * PG, PG, PROT_READ) != 0) {
            fprintf(stderr, "mprotect %ld: %s\n", i, strerror(errno));
            return 2;
        }
    }
    if (fill & 1) {
        /* one more: the last page of the reservation */
        if (mprotect(r + (pages - 1) * PG, PG, PROT_READ) != 0) {
            perror("mprotect last");
            return 2;
        }
    }
    long left = max - count_maps();
    printf("mappings left before dlopen: %ld\n", left);
    fflush(stdout);

    void *h = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        printf("dlopen: failed\n");
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 0;
    }
    int (*fn)(void) = NULL;
    void *sym = dlsym(h, "faults_dl_answer");
    memcpy(&fn, &sym, sizeof fn);
    if (fn == NULL) {
        printf("dlsym: failed\n");
        return 0;
    }
    printf("dlopen: ok answer=%d\n", fn());
    uintptr_t page = (uintptr_t)sym & ~(uintptr_t)(PG - 1);
    int sealed = syscall(SYS_mprotect, page, PG, PROT_READ | PROT_EXEC) != 0 && errno == EPERM;
    fprintf(stderr, "dl-sealed=%s\n", sealed ? "yes" : "no");
    /* the process must go on working: more mappings, some may fail */
    int ok = 0;
    for (int i = 0; i < 8; i++) {
        void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ok += p != MAP_FAILED;
    }
    fprintf(stderr, "later mmaps ok: %d/8\n", ok);
    return 0;
}
