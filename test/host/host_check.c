/* host_check: autoseal must never hang, crash or kill a program that runs
 * fine without it, and must not trust its own writable memory.
 *
 *   host_check lock-race PLUGIN ROUNDS [--no-autoseal]
 *       a thread maps memory while holding the program's lock; the main
 *       thread dlopens copies of PLUGIN whose constructor takes that lock
 *   host_check fork-storm PLUGIN N [--no-autoseal]
 *       a thread loops on dlsym while the main thread forks N children
 *       that each dlopen PLUGIN; every child must finish, sealed
 *   host_check small-stack PLUGIN
 *       dlsym/mmap from a PTHREAD_STACK_MIN thread and a 24 KiB one after
 *       a dlopen, mmap from a signal handler on an 8 KiB sigaltstack
 *   host_check late-seccomp PLUGIN
 *       the program installs a filter that kills on mseal, then dlopens
 *   host_check flip BYTE PLUGIN
 *       fill all of libautoseal's writable memory with BYTE, then dlopen:
 *       the plugin is still sealed, RELRO madvise still refused
 *   host_check early-stack PLUGIN
 *       with libhost_early.so preloaded after libautoseal: the stack depth
 *       of the first mmap (before autoseal's constructor: the policy is
 *       resolved inside it, configuration file included) and of mmap,
 *       mprotect and a dlsym with a new object after it, at most ~2 KiB
 *   host_check long-path PLUGIN
 *       dlopen PLUGIN through a path of more than 300 bytes
 *   host_check execmem
 *       exit 0 iff an anonymous PROT_EXEC mapping is refused (EACCES)
 *   host_check many PLUGIN
 *       one dlopen bringing 41 new objects: all sealed
 *   host_check vdso sealed|unsealed
 *       the kernel's system mappings are (not) sealed
 *
 * Seals are judged from /proc/self/smaps (VmFlags sl) and by trying the
 * operation.  Every wait has a deadline: a hang exits 3 with "HANG". */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "maps.h"

static const char *what = "?";

static void on_alarm(int sig)
{
    (void)sig;
    char msg[160];
    int n = snprintf(msg, sizeof msg, "HANG: %s did not finish before its deadline\n", what);
    if (write(2, msg, (size_t)n) < 0) {
        /* nothing more to do */
    }
    _exit(3);
}

static void deadline(unsigned seconds, const char *name)
{
    what = name;
    signal(SIGALRM, on_alarm);
    alarm(seconds);
}

static bool autoseal_loaded(void)
{
    return dlsym(RTLD_DEFAULT, "autoseal_preload_abi") != NULL;
}

/* Is the mapping that holds addr sealed? 1 yes, 0 no, -1 not found. */
static int sealed_at(const void *addr)
{
    static struct tmap m[8192];
    int n = tmaps_read(0, m, 8192);
    for (int i = 0; i < n; i++) {
        if ((uintptr_t)addr >= m[i].start && (uintptr_t)addr < m[i].end) {
            return m[i].sealed ? 1 : 0;
        }
    }
    return -1;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (in < 0 || out < 0) {
        return -1;
    }
    char buf[65536];
    ssize_t r;
    while ((r = read(in, buf, sizeof buf)) > 0) {
        if (write(out, buf, (size_t)r) != r) {
            r = -1;
            break;
        }
    }
    close(in);
    close(out);
    return r < 0 ? -1 : 0;
}

/* ---- lock-race ---- */

static pthread_mutex_t prog_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;

/* Called by host_plugin's constructor, inside dlopen (loader lock held). */
void host_ctor_hook(void);
void host_ctor_hook(void)
{
    pthread_mutex_lock(&prog_lock);
    pthread_mutex_unlock(&prog_lock);
}

static void *mapper(void *arg)
{
    (void)arg;
    while (!stop) {
        pthread_mutex_lock(&prog_lock);
        for (int i = 0; i < 32; i++) {
            void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p != MAP_FAILED) {
                (void)mprotect(p, 4096, PROT_READ);
                (void)madvise(p, 4096, MADV_DONTNEED);
                munmap(p, 4096);
            }
        }
        pthread_mutex_unlock(&prog_lock);
    }
    return NULL;
}

static int lock_race(const char *plugin, int rounds)
{
    char dir[] = "/tmp/autoseal-race-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    deadline(240, "lock-race");
    pthread_t t;
    pthread_create(&t, NULL, mapper, NULL);
    int failed = 0;
    for (int r = 0; r < rounds; r++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/plugin%d.so", dir, r);
        if (copy_file(plugin, path) != 0) {
            perror("copy");
            failed = 1;
            break;
        }
        void *h = dlopen(path, RTLD_NOW);
        if (h == NULL) {
            fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
            failed = 1;
            break;
        }
        if (dlsym(h, "host_plugin_value") == NULL) {
            failed = 1;
        }
        dlclose(h);
        unlink(path);
    }
    stop = 1;
    pthread_join(t, NULL);
    rmdir(dir);
    alarm(0);
    printf("lock-race: %d rounds, %s\n", rounds, failed ? "FAILED" : "no hang");
    return failed;
}

/* ---- fork-storm ---- */

static void *dlsym_loop(void *arg)
{
    (void)arg;
    while (!stop) {
        (void)dlsym(RTLD_DEFAULT, "host_plugin2_value");
        (void)dlsym(RTLD_DEFAULT, "malloc");
    }
    return NULL;
}

static volatile sig_atomic_t child_timeout;
static void on_child_alarm(int sig)
{
    (void)sig;
    child_timeout = 1;
}

static int fork_storm(const char *plugin, int n, bool expect_sealed)
{
    pthread_t t;
    pthread_create(&t, NULL, dlsym_loop, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_child_alarm; /* no SA_RESTART: waitpid returns EINTR */
    sigaction(SIGALRM, &sa, NULL);
    int hung = 0, unsealed = 0, broken = 0;
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            broken++;
            break;
        }
        if (pid == 0) {
            alarm(0);
            void *h = dlopen(plugin, RTLD_NOW);
            if (h == NULL) {
                _exit(4);
            }
            void *f = dlsym(h, "host_plugin2_value");
            if (f == NULL) {
                _exit(5);
            }
            _exit(!expect_sealed || sealed_at(f) == 1 ? 0 : 1);
        }
        child_timeout = 0;
        alarm(20);
        int st = 0;
        pid_t w;
        do {
            w = waitpid(pid, &st, 0);
        } while (w < 0 && errno == EINTR && !child_timeout);
        alarm(0);
        if (w != pid) {
            hung++;
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            continue;
        }
        if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 1)) {
            broken++;
        } else if (WEXITSTATUS(st) == 1) {
            unsealed++;
        }
    }
    stop = 1;
    pthread_join(t, NULL);
    printf("fork-storm: %d children, %d hung, %d unsealed, %d broken\n", n, hung, unsealed,
           broken);
    return hung || unsealed || broken ? 1 : 0;
}

/* ---- small-stack ---- */

static void *plugin_handle;

static void *small_thread(void *arg)
{
    (void)arg;
    /* a safe point with work to do (the plugin is new), then the memory
     * interposers */
    void *f = dlsym(plugin_handle, "host_plugin2_value");
    void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
        (void)mprotect(p, 4096, PROT_READ);
        (void)madvise(p, 8192, MADV_DONTNEED);
        munmap(p, 8192);
    }
    return f;
}

static volatile int handler_ok;
static void on_usr1(int sig)
{
    (void)sig;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED && mprotect(p, 4096, PROT_READ) == 0 && munmap(p, 4096) == 0) {
        handler_ok = 1;
    }
}

static int run_small(size_t stack, const char *plugin)
{
    plugin_handle = dlopen(plugin, RTLD_NOW);
    if (plugin_handle == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    pthread_attr_t a;
    pthread_attr_init(&a);
    if (pthread_attr_setstacksize(&a, stack) != 0) {
        fprintf(stderr, "stack size %zu refused\n", stack);
        return 1;
    }
    pthread_t t;
    if (pthread_create(&t, &a, small_thread, NULL) != 0) {
        fprintf(stderr, "pthread_create with a %zu-byte stack failed\n", stack);
        return 1;
    }
    void *f = NULL;
    pthread_join(t, &f);
    if (f == NULL) {
        fprintf(stderr, "dlsym in the small thread failed\n");
        return 1;
    }
    int s = sealed_at(f);
    if (autoseal_loaded() && s != 1) {
        fprintf(stderr, "plugin not sealed after the small thread's dlsym (%d)\n", s);
        return 1;
    }
    printf("small-stack: %zu-byte thread stack ok\n", stack);
    return 0;
}

static int small_stack(const char *plugin)
{
    deadline(60, "small-stack");
    pid_t pid = fork();
    if (pid == 0) {
        _exit(run_small(PTHREAD_STACK_MIN, plugin));
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "PTHREAD_STACK_MIN thread: status 0x%x\n", st);
        return 1;
    }
    pid = fork();
    if (pid == 0) {
        _exit(run_small(24 * 1024, plugin));
    }
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "24 KiB thread: status 0x%x\n", st);
        return 1;
    }
    static char alt[8192] __attribute__((aligned(16)));
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        perror("sigaltstack");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    if (!handler_ok) {
        fprintf(stderr, "mmap/mprotect/munmap in the sigaltstack handler failed\n");
        return 1;
    }
    printf("small-stack: 8 KiB sigaltstack handler ok\n");
    return 0;
}

/* ---- late-seccomp ---- */

static int late_seccomp(const char *plugin)
{
    deadline(60, "late-seccomp");
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 462 /* mseal */, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        perror("seccomp");
        return 77;
    }
    void *h = dlopen(plugin, RTLD_NOW);
    if (h == NULL || dlsym(h, "host_plugin2_value") == NULL) {
        fprintf(stderr, "dlopen/dlsym failed\n");
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        _exit(dlsym(RTLD_DEFAULT, "malloc") ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "child status 0x%x\n", st);
        return 1;
    }
    printf("late-seccomp: alive after dlopen, dlsym and fork under a filter that kills mseal\n");
    return 0;
}

/* ---- flip ---- */

struct obj_find {
    const char *needle;
    uintptr_t base, lo, hi, relro_s, relro_e, text;
};

static int find_obj(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct obj_find *o = data;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, o->needle) == NULL) {
        return 0;
    }
    long page = sysconf(_SC_PAGESIZE);
    o->base = info->dlpi_addr;
    o->lo = UINTPTR_MAX;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t s = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD) {
            uintptr_t e = s + ph->p_memsz;
            o->lo = s < o->lo ? s : o->lo;
            o->hi = e > o->hi ? e : o->hi;
            if ((ph->p_flags & PF_X) && o->text == 0) {
                o->text = s & ~((uintptr_t)page - 1);
            }
        } else if (ph->p_type == PT_GNU_RELRO) {
            o->relro_s = s & ~((uintptr_t)page - 1);
            o->relro_e = (s + ph->p_memsz) & ~((uintptr_t)page - 1);
        }
    }
    return 1;
}

static int flip(int byte, const char *plugin)
{
    deadline(60, "flip");
    if (!autoseal_loaded()) {
        fprintf(stderr, "run with libautoseal preloaded\n");
        return 2;
    }
    struct obj_find a = {.needle = "libautoseal"};
    dl_iterate_phdr(find_obj, &a);
    static struct tmap m[8192];
    int n = tmaps_read(0, m, 8192);
    size_t flipped = 0;
    for (int i = 0; i < n; i++) {
        /* the object's writable pages (.data, .bss: the anonymous bss
         * mapping may have merged with a neighbour, so clip to the span) */
        uintptr_t hi = (a.hi + 4095) & ~(uintptr_t)4095;
        uintptr_t s = m[i].start > a.lo ? m[i].start : a.lo;
        uintptr_t e = m[i].end < hi ? m[i].end : hi;
        if (s < e && m[i].perms[1] == 'w') {
            memset((void *)s, byte, e - s);
            flipped += e - s;
        }
    }
    if (flipped == 0) {
        fprintf(stderr, "no writable memory of libautoseal found\n");
        return 2;
    }
    int bad = 0;
    void *h = dlopen(plugin, RTLD_NOW);
    void *f = h ? dlsym(h, "host_plugin2_value") : NULL;
    if (f == NULL || sealed_at(f) != 1) {
        fprintf(stderr, "FAIL: a plugin loaded after the flip is not sealed (%d)\n",
                f ? sealed_at(f) : -2);
        bad++;
    }
    struct obj_find c = {.needle = "libc.so"};
    dl_iterate_phdr(find_obj, &c);
    if (c.relro_e > c.relro_s) {
        errno = 0;
        int r = madvise((void *)c.relro_s, 4096, MADV_DONTNEED);
        if (r == 0 || errno != EPERM) {
            fprintf(stderr, "FAIL: madvise(DONTNEED) on libc's RELRO: r=%d errno=%d\n", r, errno);
            bad++;
        }
    }
    errno = 0;
    if (mprotect((void *)c.text, 4096, PROT_READ | PROT_WRITE) == 0 || errno != EPERM) {
        fprintf(stderr, "FAIL: mprotect(RW) of libc's text: errno=%d\n", errno);
        bad++;
    }
    /* and the dl* trampolines still reach the real functions */
    if (dlsym(RTLD_DEFAULT, "malloc") == NULL) {
        fprintf(stderr, "FAIL: dlsym broken after the flip\n");
        bad++;
    }
    printf("flip 0x%02x: %zu bytes of libautoseal's writable memory overwritten, %s\n", byte,
           flipped, bad ? "FAILED" : "decisions unchanged");
    return bad ? 1 : 0;
}

/* ---- early-stack ---- */

#define STACK_LIMIT 2560 /* "at most ~2 KiB of the caller's stack" */

static void *stack_plugin;
static void later_calls(void)
{
    void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
        (void)mprotect(p, 4096, PROT_READ);
        munmap(p, 8192);
    }
    /* a safe point with work (the plugin is new) */
    (void)dlsym(stack_plugin, "host_plugin2_value");
}

static int early_stack(const char *plugin)
{
    deadline(60, "early-stack");
    size_t *early = dlsym(RTLD_DEFAULT, "host_early_used");
    int *before = dlsym(RTLD_DEFAULT, "host_early_sealed_before");
    size_t (*depth)(void (*)(void)) = NULL;
    void *d = dlsym(RTLD_DEFAULT, "host_stack_depth");
    memcpy(&depth, &d, sizeof depth);
    if (early == NULL || before == NULL || depth == NULL) {
        fprintf(stderr, "early-stack: libhost_early.so is not preloaded\n");
        return 1;
    }
    int bad = 0;
    if (*before) {
        fprintf(stderr, "early-stack: libc was sealed before libhost_early's constructor: "
                        "its mmap was not the first entry\n");
        bad = 1;
    }
    printf("early-stack: first mmap (resolving the policy) used %zu bytes of the caller's stack\n",
           *early);
    if (*early > STACK_LIMIT) {
        fprintf(stderr, "early-stack: first mmap used %zu bytes (limit %d)\n", *early, STACK_LIMIT);
        bad = 1;
    }
    stack_plugin = dlopen(plugin, RTLD_NOW);
    if (stack_plugin == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    size_t later = depth(later_calls);
    printf("early-stack: mmap, mprotect, munmap and a dlsym with work used %zu bytes\n", later);
    if (later > STACK_LIMIT) {
        fprintf(stderr, "early-stack: later calls used %zu bytes (limit %d)\n", later, STACK_LIMIT);
        bad = 1;
    }
    if (autoseal_loaded() && sealed_at(dlsym(stack_plugin, "host_plugin2_value")) != 1) {
        fprintf(stderr, "early-stack: the plugin was not sealed by the measured dlsym\n");
        bad = 1;
    }
    return bad;
}

/* ---- long-path ---- */

static int long_path(const char *plugin)
{
    deadline(60, "long-path");
    char path[PATH_MAX] = "/tmp/autoseal-longpath-XXXXXX";
    if (mkdtemp(path) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    char top[PATH_MAX];
    snprintf(top, sizeof top, "%s", path);
    const char *seg = "a-directory-name-of-sixty-bytes-to-make-the-path-long-enough";
    for (int i = 0; i < 6; i++) {
        size_t l = strlen(path);
        snprintf(path + l, sizeof path - l, "/%s", seg);
        if (mkdir(path, 0755) != 0) {
            perror("mkdir");
            return 2;
        }
    }
    size_t l = strlen(path);
    snprintf(path + l, sizeof path - l, "/libplugin.so");
    if (copy_file(plugin, path) != 0) {
        perror("copy");
        return 2;
    }
    void *h = dlopen(path, RTLD_NOW);
    void *f = h ? dlsym(h, "host_plugin2_value") : NULL;
    int s = f ? sealed_at(f) : -2;
    printf("long-path: %zu-byte path, sealed=%d\n", strlen(path), s);
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    if (system(cmd) != 0) {
        fprintf(stderr, "cleanup of %s failed\n", top);
    }
    return s == 1 ? 0 : 1;
}

/* vdso=seal: [vdso], [vvar], [vvar_vclock] sealed (smaps, and a
 * same-size mremap refused) - or, without it, none of them. */
static int vdso_check(bool want)
{
    static struct tmap m[8192];
    int n = tmaps_read(0, m, 8192);
    int seen = 0, bad = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(m[i].path, "[vdso]") != 0 && strncmp(m[i].path, "[vvar", 5) != 0) {
            continue;
        }
        seen++;
        size_t len = m[i].end - m[i].start;
        errno = 0;
        void *r = mremap((void *)m[i].start, len, len, 0);
        bool refused = r == MAP_FAILED && errno == EPERM;
        if (m[i].sealed != want || refused != want) {
            fprintf(stderr, "FAIL: %s smaps sealed=%d, mremap refused=%d, expected %d\n",
                    m[i].path, m[i].sealed, refused, want);
            bad++;
        }
    }
    printf("vdso: %d system mappings, %s\n", seen, bad ? "FAILED" : want ? "all sealed" : "none sealed");
    return seen >= 2 && bad == 0 ? 0 : 1;
}

/* One dlopen that brings in 41 new objects (a plugin and 40 dependencies,
 * more than one safe-point batch): every one of them sealed. */
static int many(const char *plugin)
{
    deadline(60, "many");
    void *h = dlopen(plugin, RTLD_NOW);
    void *f = h ? dlsym(h, "host_big_value") : NULL;
    if (f == NULL) {
        fprintf(stderr, "dlopen/dlsym %s: %s\n", plugin, dlerror());
        return 1;
    }
    int want = 41, found = 0, bad = 0;
    for (int i = -1; i < 40; i++) {
        char sym[32];
        snprintf(sym, sizeof sym, i < 0 ? "host_big_value" : "host_dep%d", i);
        void *s = dlsym(h, sym);
        if (s == NULL) {
            fprintf(stderr, "FAIL: %s not found\n", sym);
            bad++;
            continue;
        }
        found++;
        if (sealed_at(s) != 1) {
            fprintf(stderr, "FAIL: the object holding %s is not sealed\n", sym);
            bad++;
        }
    }
    printf("many: %d of %d objects found, %d not sealed\n", found, want, bad);
    return found == want && bad == 0 ? 0 : 1;
}

/* mode=audit: a plugin loaded later is logged (host.sh), never sealed */
static int audit_dlopen(const char *plugin)
{
    void *h = dlopen(plugin, RTLD_NOW);
    void *f = h ? dlsym(h, "host_plugin2_value") : NULL;
    (void)dlsym(RTLD_DEFAULT, "malloc"); /* a second safe point: no second line */
    int s = f ? sealed_at(f) : -2;
    printf("audit-dlopen: sealed=%d\n", s);
    return s == 0 ? 0 : 1;
}

static int execmem(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    bool refused = p == MAP_FAILED && errno == EACCES;
    printf("execmem: %s\n", refused ? "refused" : "allowed");
    return refused ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: see the comment at the top of host_check.c\n");
        return 2;
    }
    const char *cmd = argv[1];
    bool no_autoseal = argc > 1 && strcmp(argv[argc - 1], "--no-autoseal") == 0;
    if (strcmp(cmd, "execmem") != 0 && autoseal_loaded() == no_autoseal) {
        fprintf(stderr, "libautoseal is %s, but the test expects otherwise\n",
                no_autoseal ? "loaded" : "not loaded");
        return 2;
    }
    if (strcmp(cmd, "lock-race") == 0 && argc >= 4) {
        return lock_race(argv[2], atoi(argv[3]));
    }
    if (strcmp(cmd, "fork-storm") == 0 && argc >= 4) {
        return fork_storm(argv[2], atoi(argv[3]), !no_autoseal);
    }
    if (strcmp(cmd, "small-stack") == 0 && argc >= 3) {
        return small_stack(argv[2]);
    }
    if (strcmp(cmd, "late-seccomp") == 0 && argc >= 3) {
        return late_seccomp(argv[2]);
    }
    if (strcmp(cmd, "flip") == 0 && argc >= 4) {
        return flip(atoi(argv[2]), argv[3]);
    }
    if (strcmp(cmd, "early-stack") == 0 && argc >= 3) {
        return early_stack(argv[2]);
    }
    if (strcmp(cmd, "long-path") == 0 && argc >= 3) {
        return long_path(argv[2]);
    }
    if (strcmp(cmd, "execmem") == 0) {
        return execmem();
    }
    if (strcmp(cmd, "many") == 0 && argc >= 3) {
        return many(argv[2]);
    }
    if (strcmp(cmd, "audit-dlopen") == 0 && argc >= 3) {
        return audit_dlopen(argv[2]);
    }
    if (strcmp(cmd, "vdso") == 0 && argc >= 3) {
        return vdso_check(strcmp(argv[2], "sealed") == 0);
    }
    fprintf(stderr, "host_check: bad arguments\n");
    return 2;
}
