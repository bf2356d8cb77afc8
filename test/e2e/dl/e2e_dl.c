/* Objects loaded after startup: e2e_dl sealed|unsealed|lookup
 * (lookup: the lookup semantics only, no look at the mappings - under
 * qemu-user, where /proc/self/smaps is the emulator's and mseal is ENOSYS:
 * scripts/cross-aarch64.sh)
 *  - dlopen lookup semantics are unchanged (RUNPATH of the caller, RTLD_NEXT
 *    of another preloaded library, RTLD_NOLOAD, dlmopen namespaces);
 *  - a plugin is sealed once the program has called dlsym on it;
 *  - constructors run once and in order when a dependency's constructor
 *    calls dlsym/dlopen during the dlopen;
 *  - 1000 dlopen/dlclose cycles neither crash nor grow the mappings. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <iconv.h>
#include <sys/wait.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maps.h"

void *e2e_loader_open(const char *name, int mode);
int e2e_a_value(void);


static void *sym(void *h, const char *name)
{
    return dlsym(h, name);
}

static int call_int(void *p)
{
    int (*fn)(void) = NULL;
    memcpy(&fn, &p, sizeof fn);
    return fn ? fn() : -1;
}

static struct tmap maps[4096];

/* Non-writable mappings of files whose name ends with suffix: count those
 * sealed (smaps "sl" and the mprotect probe agreeing) and those not. */
static void count_sealed(const char *suffix, int *sealed, int *open_)
{
    *sealed = *open_ = 0;
    int n = tmaps_read(0, maps, 4096);
    size_t sl = strlen(suffix);
    for (int i = 0; i < n; i++) {
        size_t pl = strlen(maps[i].path);
        if (pl < sl || strcmp(maps[i].path + pl - sl, suffix) != 0 || maps[i].perms[1] == 'w') {
            continue;
        }
        int probe = tprobe_mprotect(&maps[i]);
        CHECK(probe == (maps[i].sealed ? 1 : 0), "%s: smaps and probe disagree", maps[i].path);
        if (maps[i].sealed) {
            (*sealed)++;
        } else {
            (*open_)++;
        }
    }
}

static bool lookup_only;

static void expect_sealed(const char *suffix, bool want, const char *what)
{
    if (lookup_only) {
        return;
    }
    int s, o;
    count_sealed(suffix, &s, &o);
    if (want) {
        CHECK(s > 0 && o == 0, "%s: %s sealed=%d unsealed=%d, expected all sealed", what, suffix, s, o);
    } else {
        CHECK(s == 0 && o > 0, "%s: %s sealed=%d unsealed=%d, expected none sealed", what, suffix, s, o);
    }
}

static int nmaps(void)
{
    if (lookup_only) {
        return 0;
    }
    return tmaps_read(0, maps, 4096);
}

int main(int argc, char **argv)
{
    bool want = argc > 1 && strcmp(argv[1], "sealed") == 0;
    lookup_only = argc > 1 && strcmp(argv[1], "lookup") == 0;
    bool runpath_only = argc > 2 && strcmp(argv[2], "runpath") == 0;
    CHECK(e2e_a_value() == 42, "libe2e_a"); /* keeps libe2e_a/b loaded */

    if (runpath_only) {
#if defined(__SANITIZE_ADDRESS__)
        /* ASan's dlopen interceptor is not a tail call: libasan becomes
         * the caller, with or without autoseal */
        printf("SKIP runpath-of-caller: ASan's dlopen interceptor changes the caller\n");
        return 77;
#endif
        /* RUNPATH of the calling library, not of the program nor of autoseal */
        void *h = e2e_loader_open("libe2e_subplugin.so", RTLD_NOW);
        CHECK(h != NULL, "dlopen through libe2e_loader's RUNPATH: %s", dlerror());
        CHECK(h && call_int(sym(h, "e2e_subplugin_value")) == 17, "subplugin value");
        expect_sealed("/libe2e_subplugin.so", want, "runpath plugin after dlsym");
        if (t_failures == 0) {
            printf("PASS runpath-of-caller %s\n", argv[1]);
        }
        return t_failures ? 1 : 0;
    }

    if (argc > 2 && strcmp(argv[2], "dlmopen") == 0) {
#if defined(__SANITIZE_ADDRESS__)
        /* an instrumented library in a new namespace loads a second ASan
         * runtime, which refuses to start */
        printf("SKIP dlmopen: a second ASan runtime cannot start in a new namespace\n");
        return 77;
#endif
        /* dlmopen into a new namespace */
        char path[4096];
        ssize_t l = readlink("/proc/self/exe", path, sizeof path - 64);
        CHECK(l > 0, "readlink");
        path[l > 0 ? l : 0] = '\0';
        char *slash = strrchr(path, '/');
        if (slash) {
            strcpy(slash + 1, "libe2e_cycle.so");
        }
        void *m = dlmopen(LM_ID_NEWLM, path, RTLD_NOW);
        CHECK(m != NULL, "dlmopen: %s", dlerror());
        Lmid_t lmid = 0;
        CHECK(m && dlinfo(m, RTLD_DI_LMID, &lmid) == 0 && lmid != LM_ID_BASE, "new namespace %ld", (long)lmid);
        CHECK(m && call_int(sym(m, "e2e_cycle_value")) == 42, "dlmopen'ed value");
        /* sealed like any other object loaded later */
        expect_sealed("/libe2e_cycle.so", want, "dlmopen'ed object after dlsym");
        if (t_failures == 0) {
            printf("PASS dlmopen %s\n", argv[1]);
        }
        return t_failures ? 1 : 0;
    }

    if (argc > 2 && strcmp(argv[2], "fork") == 0) {
        /* libc loads gconv modules with its own dlopen, which no trampoline
         * sees; fork() is a safe point, so the child finds it sealed */
        iconv_t cd = iconv_open("UTF-8", "ISO-8859-15");
        CHECK(cd != (iconv_t)-1, "iconv_open");
        pid_t pid = fork();
        if (pid == 0) {
            expect_sealed("/ISO8859-15.so", want, "gconv module in the forked child");
            _exit(t_failures ? 1 : 0);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status 0x%x", st);
        if (t_failures == 0) {
            printf("PASS fork %s\n", argv[1]);
        }
        return t_failures ? 1 : 0;
    }

    /* RTLD_NEXT from another preloaded library */
    int next = call_int(sym(RTLD_DEFAULT, "e2e_next_dup"));
    CHECK(next == 1, "RTLD_NEXT from the preloaded library found %d, expected libe2e_b's 1", next);
    printf("ok rtld-next\n");

    /* RTLD_NOLOAD */
    CHECK(dlopen(PLUGIN_NAME("libe2e_plugin.so"), RTLD_NOW | RTLD_NOLOAD) == NULL, "NOLOAD before loading");
    void *p = dlopen(PLUGIN_NAME("libe2e_plugin.so"), RTLD_NOW);
    CHECK(p != NULL, "dlopen plugin: %s", dlerror());
    void *p2 = dlopen(PLUGIN_NAME("libe2e_plugin.so"), RTLD_NOW | RTLD_NOLOAD);
    CHECK(p2 == p, "NOLOAD after loading %p vs %p", p2, p);
    if (p2) {
        dlclose(p2);
    }
    /* sealed once the program called dlsym on it */
    CHECK(call_int(sym(p, "e2e_plugin_value")) == 42, "plugin value");
    expect_sealed("/libe2e_plugin.so", want, "after dlsym");
    printf("ok dlsym-then-sealed\n");

    /* constructors: once, in order, although inner's calls dlsym/dlopen */
    void *o = dlopen(PLUGIN_NAME("libe2e_outer.so"), RTLD_NOW);
    CHECK(o != NULL, "dlopen outer: %s", dlerror());
    int *runs = sym(o, "e2e_outer_ctor_runs"), *saw = sym(o, "e2e_outer_saw_inner");
    CHECK(runs && *runs == 1, "outer constructor ran %d times", runs ? *runs : -1);
    CHECK(saw && *saw == 1, "outer constructor ran before inner's finished");
    runs = sym(o, "e2e_middle_ctor_runs");
    saw = sym(o, "e2e_middle_saw_inner");
    CHECK(runs && *runs == 1, "middle constructor ran %d times", runs ? *runs : -1);
    CHECK(saw && *saw == 1, "middle constructor ran before inner's finished (run early)");
    expect_sealed("/libe2e_outer.so", want, "outer");
    expect_sealed("/libe2e_inner.so", want, "inner");
    expect_sealed("/libe2e_middle.so", want, "middle");
    printf("ok constructors-in-order\n");

    /* 1000 dlopen/dlclose cycles of a plugin not loaded yet in the base
     * namespace (the dlmopen'ed copy above lives in another one) */
    int base = nmaps();
    int after1 = -1;
    for (int i = 0; i < 1000; i++) {
        void *c = dlopen(PLUGIN_NAME("libe2e_cycle.so"), RTLD_NOW);
        if (c == NULL) {
            CHECK(0, "cycle %d: %s", i, dlerror());
            break;
        }
        CHECK(call_int(sym(c, "e2e_cycle_value")) == 42, "cycle value");
        CHECK(dlclose(c) == 0, "dlclose: %s", dlerror());
        if (i == 0) {
            after1 = nmaps();
        }
    }
    int end = nmaps();
    CHECK(lookup_only || end == after1, "mappings grew over 1000 cycles: %d after the first, %d at the end", after1, end);
    if (!want && !lookup_only) {
        CHECK(end == base, "without autoseal dlclose unmaps: %d before, %d after", base, end);
    }
    printf("ok cycles base=%d first=%d end=%d\n", base, after1, end);
    if (t_failures == 0) {
        printf("PASS dl %s\n", argv[1]);
    }
    return t_failures ? 1 : 0;
}
