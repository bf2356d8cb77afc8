/* runtimebench: cost of the calls autoseal may interpose, in one process.
 *
 *   runtimebench [-s SCALE] PLUGIN.so
 *
 * Prints, one per line, OP <TAB> NS-PER-OPERATION for
 *   first-dlopen  the first dlopen(RTLD_NOW) + dlsym of PLUGIN in this
 *             process (one shot, before anything else: under autoseal the
 *             dlsym is the safe point that makes it non-unloadable and seals it)
 *   dlsym     dlsym of the plugin's entry point on an open handle
 *   mseal     mseal(2) of one whole read-only anonymous mapping (what a
 *             seal call costs the kernel; not interposed)
 *   mmap      an mmap(4 KiB, RW, private anonymous) + munmap pair
 *   mprotect  one mprotect of an anonymous page (toggling RW <-> R)
 *   dlopen    a dlopen(RTLD_NOW) + dlsym + call + dlclose cycle of PLUGIN
 * then "maps-growth <TAB> N": lines /proc/self/maps gained over the
 * dlopen cycles (non-zero when dlclose cannot unmap, e.g. a sealed plugin).
 * Each operation runs a warm-up, then five timed rounds (CLOCK_MONOTONIC);
 * the median round is printed.
 * Run it with and without LD_PRELOAD in alternating processes; the ratio is
 * the overhead.  Exit status 1 when an operation fails. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what)
{
    perror(what);
    exit(1);
}

static void op_mmap(long n)
{
    for (long i = 0; i < n; i++) {
        void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            fail("runtimebench: mmap");
        }
        if (munmap(p, 4096) != 0) {
            fail("runtimebench: munmap");
        }
    }
}

static void *page;

static void op_mprotect(long n)
{
    for (long i = 0; i < n; i += 2) {
        if (mprotect(page, 4096, PROT_READ) != 0) {
            fail("runtimebench: mprotect R");
        }
        if (mprotect(page, 4096, PROT_READ | PROT_WRITE) != 0) {
            fail("runtimebench: mprotect RW");
        }
    }
}

static const char *plugin;
static volatile int sink;

static void op_dlopen(long n)
{
    for (long i = 0; i < n; i++) {
        void *h = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
        if (h == NULL) {
            fprintf(stderr, "runtimebench: dlopen %s: %s\n", plugin, dlerror());
            exit(1);
        }
        int (*f)(int);
        *(void **)&f = dlsym(h, "autoseal_bench_plugin");
        if (f == NULL) {
            fprintf(stderr, "runtimebench: dlsym: %s\n", dlerror());
            exit(1);
        }
        sink = f(sink);
        if (dlclose(h) != 0) {
            fprintf(stderr, "runtimebench: dlclose: %s\n", dlerror());
            exit(1);
        }
    }
}

static void *plugin_handle;

static void op_dlsym(long n)
{
    for (long i = 0; i < n; i++) {
        if (dlsym(plugin_handle, "autoseal_bench_plugin") == NULL) {
            fprintf(stderr, "runtimebench: dlsym: %s\n", dlerror());
            exit(1);
        }
    }
}

/* read-only pages separated by PROT_NONE ones: each its own mapping */
static char *seal_area;
static long seal_next, seal_max;

static void op_mseal(long n)
{
    for (long i = 0; i < n; i++) {
        if (seal_next >= seal_max) {
            fprintf(stderr, "runtimebench: mseal: out of pages\n");
            exit(1);
        }
        if (syscall(462, seal_area + 2 * 4096 * seal_next++, 4096, 0) != 0) {
            fail("runtimebench: mseal");
        }
    }
}

static long count_maps(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (f == NULL) {
        return -1;
    }
    long n = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        n += c == '\n';
    }
    fclose(f);
    return n;
}

#define ROUNDS 5

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* warm-up, then ROUNDS timed rounds of n / ROUNDS operations: prints the
 * median round (one interrupt or preemption spoils one round, not all) */
static void timed(const char *name, void (*fn)(long), long n)
{
    double r[ROUNDS];
    long per = (n / ROUNDS + 1) & ~1l; /* even, for the mprotect toggles */
    fn(per / 5 + 2);
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = now_ns();
        fn(per);
        uint64_t t1 = now_ns();
        r[i] = (double)(t1 - t0) / (double)per;
    }
    qsort(r, ROUNDS, sizeof r[0], cmp_double);
    printf("%s\t%.1f\n", name, r[ROUNDS / 2]);
}

int main(int argc, char **argv)
{
    double scale = 1.0;
    int opt;
    while ((opt = getopt(argc, argv, "s:")) != -1) {
        if (opt == 's') {
            scale = strtod(optarg, NULL);
        } else {
            fprintf(stderr, "usage: runtimebench [-s SCALE] PLUGIN.so\n");
            return 2;
        }
    }
    if (optind + 1 != argc || !(scale > 0)) {
        fprintf(stderr, "usage: runtimebench [-s SCALE] PLUGIN.so\n");
        return 2;
    }
    plugin = argv[optind];
    /* first: nothing else has loaded the plugin or called dl* yet */
    uint64_t f0 = now_ns();
    plugin_handle = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
    void *entry = plugin_handle ? dlsym(plugin_handle, "autoseal_bench_plugin") : NULL;
    uint64_t f1 = now_ns();
    if (entry == NULL) {
        fprintf(stderr, "runtimebench: dlopen %s: %s\n", plugin, dlerror());
        return 1;
    }
    printf("first-dlopen\t%.1f\n", (double)(f1 - f0));
    timed("dlsym", op_dlsym, (long)(200000 * scale) + 1);
    seal_max = (long)(3000 * scale) + 16;
    seal_area = mmap(NULL, (size_t)(2 * 4096 * seal_max), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (seal_area == MAP_FAILED) {
        fail("runtimebench: mmap");
    }
    for (long i = 0; i < seal_max; i++) {
        if (mprotect(seal_area + (2 * i + 1) * 4096, 4096, PROT_NONE) != 0) {
            fail("runtimebench: mprotect");
        }
    }
    timed("mseal", op_mseal, (long)(2000 * scale) + 1);
    /* the toggled page sits between two PROT_NONE guard pages, so it never
     * merges with a neighbour: the same VMA work with and without a preload */
    char *g = mmap(NULL, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g == MAP_FAILED) {
        fail("runtimebench: mmap");
    }
    page = g + 4096;
    if (mprotect(page, 4096, PROT_READ | PROT_WRITE) != 0) {
        fail("runtimebench: mprotect");
    }
    timed("mmap", op_mmap, (long)(20000 * scale) + 1);
    timed("mprotect", op_mprotect, (long)(50000 * scale) + 1);
    long before = count_maps();
    timed("dlopen", op_dlopen, (long)(1000 * scale) + 1);
    printf("maps-growth\t%ld\n", count_maps() - before);
    return fflush(stdout) == 0 ? 0 : 1;
}
