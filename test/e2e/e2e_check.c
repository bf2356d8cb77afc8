/* End-to-end checks of libautoseal from inside a real process.
 *
 *   e2e_check seals sealed|strict|unsealed   every mapping of every object
 *   e2e_check features                       things that must keep working
 *
 * Seals are judged from the kernel's view (smaps VmFlags "sl") and by trying
 * the operations, never from autoseal's own report. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <iconv.h>
#include <link.h>
#include <locale.h>
#include <netdb.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frozen.h"
#include "maps.h"

int e2e_a_value(void);


struct obj {
    char name[256];
    uintptr_t start, end;             /* span of its PT_LOAD segments */
    uintptr_t relro_start, relro_end; /* rounded as glibc does */
    bool is_ldso, is_vdso;
    int sealed_maps, unsealed_ro_pages;
};

static struct obj objs[128];
static int nobjs;

static int collect(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    if (nobjs == 128) {
        return 1;
    }
    struct obj *o = &objs[nobjs];
    memset(o, 0, sizeof *o);
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    long page = sysconf(_SC_PAGESIZE);
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t s = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD) {
            uintptr_t e = (s + ph->p_memsz + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
            s &= ~((uintptr_t)page - 1);
            lo = s < lo ? s : lo;
            hi = e > hi ? e : hi;
        } else if (ph->p_type == PT_GNU_RELRO) {
            o->relro_start = s & ~((uintptr_t)page - 1);
            o->relro_end = (s + ph->p_memsz) & ~((uintptr_t)page - 1);
        }
    }
    if (lo >= hi) {
        return 0;
    }
    o->start = lo;
    o->end = hi;
    snprintf(o->name, sizeof o->name, "%s", info->dlpi_name[0] ? info->dlpi_name : "<main>");
    uintptr_t vdso = getauxval(AT_SYSINFO_EHDR), base = getauxval(AT_BASE);
    o->is_vdso = vdso >= lo && vdso < hi;
    o->is_ldso = base >= lo && base < hi;
    nobjs++;
    return 0;
}

static struct obj *owner(const struct tmap *m)
{
    for (int i = 0; i < nobjs; i++) {
        if (m->start >= objs[i].start && m->end <= objs[i].end) {
            return &objs[i];
        }
    }
    return NULL;
}

static bool kernel_seals_vdso(void)
{
    static struct tmap m[512];
    int n = tmaps_read(1, m, 512);
    for (int i = 0; i < n; i++) {
        if (strcmp(m[i].path, "[vdso]") == 0) {
            return m[i].sealed;
        }
    }
    return false;
}

/* Destructive probes in a child: munmap and mmap(MAP_FIXED) must fail. */
static void destructive_probes(const struct tmap *m, int nmaps, const bool *expect)
{
    pid_t pid = fork();
    if (pid == 0) {
        int bad = 0;
        for (int i = 0; i < nmaps; i++) {
            if (!expect[i]) {
                continue;
            }
            void *a = (void *)m[i].start;
            size_t pg = (size_t)sysconf(_SC_PAGESIZE);
            errno = 0;
            if (munmap(a, pg) == 0 || errno != EPERM) {
                fprintf(stderr, "FAIL munmap %p (%s) errno=%d\n", a, m[i].path, errno);
                _exit(2);
            }
            errno = 0;
            void *r = mmap(a, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (r != MAP_FAILED || errno != EPERM) {
                fprintf(stderr, "FAIL mmap(MAP_FIXED) %p (%s) errno=%d\n", a, m[i].path, errno);
                _exit(2);
            }
            errno = 0;
            r = mremap(a, pg, 2 * pg, MREMAP_MAYMOVE);
            if (r != MAP_FAILED || errno != EPERM) {
                fprintf(stderr, "FAIL mremap(grow) %p (%s) errno=%d\n", a, m[i].path, errno);
                _exit(2);
            }
        }
        _exit(bad);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "destructive probes child status 0x%x", st);
}

/* libautoseal's frozen page(s) (symbol as_page): sealed once stored when
 * mseal works; libc's mprotect/mremap are refused there in every mode. */
static uintptr_t prot_start, prot_end;
static uintptr_t ledger_start, ledger_end; /* the anonymous ledger, if any */

static void find_protected_area(void)
{
    for (int i = 0; i < nobjs; i++) {
        if (strstr(objs[i].name, "libautoseal.so") == NULL) {
            continue;
        }
        char err[200];
        uint64_t size = 0;
        uint64_t v = telf_symbol(objs[i].name, "as_page", &size, err, sizeof err);
        CHECK(v != 0 && size > 0, "as_page in %s: %s", objs[i].name, err);
        /* the object's first PT_LOAD starts at its load bias (page 0) */
        prot_start = objs[i].start + (uintptr_t)v;
        prot_end = prot_start + (uintptr_t)size;
        const struct as_frozen *f = (const struct as_frozen *)prot_start;
        if (f->stored == AS_FROZEN_MAGIC && f->ledger != NULL) {
            ledger_start = (uintptr_t)f->ledger;
            ledger_end = ledger_start + AS_LEDGER_BYTES;
        }
    }
}

/* Checks of one mapping that touches the protected area; false if it
 * does not touch it. */
static bool check_protected(const struct tmap *m, bool want_sealed)
{
    bool ledger = ledger_end != 0 && m->start < ledger_end && m->end > ledger_start;
    if (!ledger && (prot_end == 0 || m->start >= prot_end || m->end <= prot_start)) {
        return false;
    }
    /* the ledger is never sealed: it is written at safe points */
    bool exp = want_sealed && !ledger;
    if (ledger) {
        CHECK(m->start == ledger_start && m->end == ledger_end && strcmp(m->perms, "r--p") == 0,
              "ledger %lx-%lx %s: expected its own read-only mapping", (unsigned long)m->start,
              (unsigned long)m->end, m->perms);
    }
    CHECK(m->sealed == exp, "%lx-%lx %s frozen page: smaps sealed=%d, expected %d",
          (unsigned long)m->start, (unsigned long)m->end, m->perms, m->sealed, exp);
    CHECK(tprobe_mprotect(m) == 1, "%lx-%lx protected area: mprotect was not refused",
          (unsigned long)m->start, (unsigned long)m->end);
    size_t len = m->end - m->start;
    errno = 0;
    void *r = mremap((void *)m->start, len, len, 0);
    CHECK(r == MAP_FAILED && errno == EPERM, "protected area: mremap r=%p errno=%d", r, errno);
    return true;
}

static int check_seals(const char *expect)
{
    bool want_sealed = strcmp(expect, "unsealed") != 0;
    bool strict = strcmp(expect, "strict") == 0;
    dl_iterate_phdr(collect, NULL);
    find_protected_area();
    static struct tmap m[4096];
    static bool expect_sealed[4096];
    int n = tmaps_read(0, m, 4096);
    CHECK(n > 10, "could not read /proc/self/smaps (%d)", n);
    bool vdso_kernel = kernel_seals_vdso();
    int sealed_total = 0;
    for (int i = 0; i < n; i++) {
        struct obj *o = owner(&m[i]);
        bool writable = m[i].perms[1] == 'w';
        bool exp;
        if (check_protected(&m[i], want_sealed)) {
            expect_sealed[i] = false; /* no destructive probes there */
            if (m[i].sealed && o) {
                o->sealed_maps++;
                sealed_total++;
            }
            continue;
        }
        if (o == NULL || o->is_vdso) {
            /* heap, stack, anonymous, other files, vdso/vvar: never ours */
            bool sys = strcmp(m[i].path, "[vdso]") == 0 || strncmp(m[i].path, "[vvar", 5) == 0;
            exp = sys && vdso_kernel;
            if (strcmp(m[i].path, "[vsyscall]") == 0) {
                continue; /* not a VMA one can probe */
            }
        } else if (strict) {
            /* every non-writable byte, ld.so's whole RELRO included; writable
             * data is never sealed at startup (docs/security.md) */
            exp = !writable;
        } else {
            exp = want_sealed && !writable;
        }
        if (!want_sealed && o != NULL && !o->is_vdso) {
            exp = false;
        }
        expect_sealed[i] = exp && o != NULL && !o->is_vdso;
        /* ld.so: the page holding __stack_prot stays open (ldso-relro=safe) */
        if (o && o->is_ldso && exp && !strict && !m[i].sealed && m[i].start >= o->relro_start &&
            m[i].end <= o->relro_end && (m[i].end - m[i].start) == (size_t)sysconf(_SC_PAGESIZE)) {
            o->unsealed_ro_pages++;
            CHECK(o->unsealed_ro_pages <= 1, "more than one unsealed RELRO page in ld.so");
            expect_sealed[i] = false;
            continue;
        }
        CHECK(m[i].sealed == exp, "%lx-%lx %s %s: smaps sealed=%d, expected %d",
              (unsigned long)m[i].start, (unsigned long)m[i].end, m[i].perms, m[i].path,
              m[i].sealed, exp);
        int probe = tprobe_mprotect(&m[i]);
        CHECK(probe == (exp ? 1 : 0), "%lx-%lx %s %s: mprotect probe %d, expected sealed=%d",
              (unsigned long)m[i].start, (unsigned long)m[i].end, m[i].perms, m[i].path, probe,
              exp);
        if (m[i].perms[1] != 'w' && m[i].perms[0] != '-' && o != NULL && !o->is_vdso) {
            /* same-size mremap: a no-op when unsealed, EPERM when sealed */
            size_t len = m[i].end - m[i].start;
            errno = 0;
            void *r = mremap((void *)m[i].start, len, len, 0);
            CHECK((r == MAP_FAILED && errno == EPERM) == exp, "%s: mremap same size r=%p errno=%d",
                  m[i].path, r, errno);
        }
        if (exp && o) {
            o->sealed_maps++;
            sealed_total++;
        }
    }
    if (want_sealed) {
        destructive_probes(m, n, expect_sealed);
        /* every object must have been covered */
        for (int i = 0; i < nobjs; i++) {
            if (!objs[i].is_vdso) {
                CHECK(objs[i].sealed_maps > 0, "object %s has no sealed mapping", objs[i].name);
            }
        }
        const char *need[] = {"<main>", "libe2e_a.so", "libe2e_b.so", "libe2e_preload2.so",
                              "libautoseal.so", "libc.so.6", "ld-linux"};
        for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
            bool found = false;
            for (int i = 0; i < nobjs; i++) {
                found |= strstr(objs[i].name, need[k]) != NULL && objs[i].sealed_maps > 0;
            }
            CHECK(found, "object %s not found sealed", need[k]);
        }
    } else {
        CHECK(sealed_total == 0, "%d mappings sealed, expected none", sealed_total);
    }
    printf("objects=%d mappings=%d sealed=%d value=%d\n", nobjs, n, sealed_total, e2e_a_value());
    return t_failures ? 1 : 0;
}

/* ---- features that must keep working under the shim ---- */

/* PLUGIN_NAME(): see maps.h */

static void *thread_exit_fn(void *arg)
{
    (void)arg;
    pthread_exit((void *)7); /* loads libgcc_s for unwinding */
}

static void *thread_work(void *arg)
{
    volatile long *sum = arg;
    for (int i = 0; i < 1000; i++) {
        void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            *(volatile char *)p = 1;
            munmap(p, 4096);
            __atomic_add_fetch(sum, 1, __ATOMIC_RELAXED);
        }
    }
    return NULL;
}

static int features(void)
{
    /* fork */
    pid_t pid = fork();
    if (pid == 0) {
        _exit(e2e_a_value() == 42 ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork child status 0x%x", st);
    printf("ok fork\n");

    /* exec of a child */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "exit 3", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "exec child status 0x%x", st);
    printf("ok exec\n");

    /* threads */
    pthread_t th[4];
    long sum = 0;
    for (int i = 0; i < 4; i++) {
        pthread_create(&th[i], NULL, thread_work, &sum);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
    }
    CHECK(sum == 4000, "threads mmap sum %ld", sum);
    printf("ok threads\n");

    /* pthread_exit (libgcc_s dlopen'ed late) */
    pthread_t t;
    void *ret = NULL;
    pthread_create(&t, NULL, thread_exit_fn, NULL);
    pthread_join(t, &ret);
    CHECK(ret == (void *)7, "pthread_exit value %p", ret);
    printf("ok pthread_exit\n");

    /* backtrace() */
    void *frames[16];
    int nf = backtrace(frames, 16);
    CHECK(nf >= 2, "backtrace gave %d frames", nf);
    char **syms = backtrace_symbols(frames, nf);
    CHECK(syms != NULL, "backtrace_symbols failed");
    free(syms);
    printf("ok backtrace\n");

    /* locale, iconv (gconv module dlopen'ed by libc), NSS */
    CHECK(setlocale(LC_ALL, "C.UTF-8") != NULL, "setlocale C.UTF-8");
    iconv_t cd = iconv_open("UTF-8", "ISO-8859-15");
    CHECK(cd != (iconv_t)-1, "iconv_open: %s", strerror(errno));
    if (cd != (iconv_t)-1) {
        char in[] = "caf\xe9 \xa4", out[32] = {0};
        char *ip = in, *op = out;
        size_t il = strlen(in), ol = sizeof out - 1;
        CHECK(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1, "iconv");
        CHECK(strcmp(out, "caf\xc3\xa9 \xe2\x82\xac") == 0, "iconv result '%s'", out);
        iconv_close(cd);
    }
    struct passwd *pw = getpwnam("root");
    CHECK(pw != NULL && pw->pw_uid == 0, "getpwnam(root)");
    struct addrinfo *ai = NULL;
    CHECK(getaddrinfo("localhost", "80", NULL, &ai) == 0, "getaddrinfo(localhost)");
    if (ai) {
        freeaddrinfo(ai);
    }
    printf("ok locale-iconv-nss\n");

    /* dlopen / dlclose of a library (found through RUNPATH $ORIGIN) */
    for (int i = 0; i < 3; i++) {
        void *h = dlopen(PLUGIN_NAME("libe2e_plugin.so"), RTLD_NOW);
        CHECK(h != NULL, "dlopen plugin: %s", dlerror());
        if (h) {
            int (*fn)(void) = NULL;
            void *sym = dlsym(h, "e2e_plugin_value");
            memcpy(&fn, &sym, sizeof fn);
            CHECK(fn && fn() == 42, "plugin value");
            CHECK(dlclose(h) == 0, "dlclose plugin: %s", dlerror());
        }
    }
    printf("ok dlopen-dlclose\n");

    /* dlopen of a library that needs an executable stack */
    void *h = dlopen(PLUGIN_NAME("libe2e_execstack.so"), RTLD_NOW);
    CHECK(h != NULL, "dlopen execstack: %s", dlerror());
    if (h) {
        int (*fn)(void) = NULL;
        void *sym = dlsym(h, "e2e_execstack_value");
        memcpy(&fn, &sym, sizeof fn);
        CHECK(fn && fn() == 99, "execstack value");
    }
    printf("ok dlopen-execstack\n");

    printf("value %d\n", e2e_a_value());
    return t_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    int errno_at_main = errno;
    if (argc >= 2 && strcmp(argv[1], "errno") == 0) {
        printf("errno at main %d\n", errno_at_main);
        return errno_at_main == 4242 ? 0 : 1;
    }
    if (argc >= 3 && strcmp(argv[1], "seals") == 0) {
        int r = check_seals(argv[2]);
        if (r == 0) {
            printf("PASS seals %s\n", argv[2]);
        }
        return r;
    }
    if (argc >= 2 && strcmp(argv[1], "features") == 0) {
        int r = features();
        if (r == 0) {
            printf("PASS features\n");
        }
        return r;
    }
    fprintf(stderr, "usage: %s seals sealed|strict|unsealed | features\n", argv[0]);
    return 2;
}
