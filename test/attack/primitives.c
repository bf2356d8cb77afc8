/* Attacker primitives against a process sealed by libautoseal.
 *
 * Run with libautoseal preloaded and AUTOSEAL_OPTIONS selecting a profile;
 * argv[1] names the expectation column (off, default, strict, jit).  Each
 * primitive is what a corrupted pointer or length handed to a memory
 * management call would do.  It runs in a fresh forked child (one failure
 * cannot hide another) which reports the call's answer and what happened to
 * the target memory: read back and compared with a snapshot, permissions
 * compared with /proc/self/maps.  The parent compares every answer with the
 * table below and fails on any difference.
 *
 * Where a call succeeds the child goes on with the attack (writes to the
 * page it made writable, checks the page it made executable is), so the
 * mode=off control proves that each check can see an attack succeed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/pidfd.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forged_maps.h"
#include "frozen.h" /* struct as_frozen: to check the frozen page we found */
#include "maps.h"

#define PAGE 4096ul

/* ---- victims: each on pages of its own ---------------------------------- */

/* Two pages of .text, filled with `ret` (valid code, called once below). */
__asm__(".pushsection .text.as_victim,\"ax\",@progbits\n"
        ".balign 4096\n"
        ".type as_victim_text,@function\n"
        "as_victim_text:\n"
        ".fill 8192,1,0xc3\n"
        ".size as_victim_text,8192\n"
        ".popsection\n");
extern const unsigned char as_victim_text[];

/* One page of RELRO (.data.rel.ro): 512 pointers, each relocated at load
 * time (R_X86_64_RELATIVE in a PIE), so the page differs from the file. */
__asm__(".pushsection .data.rel.ro.as_victim,\"aw\",@progbits\n"
        ".balign 4096\n"
        "as_victim_relro:\n"
        ".rept 512\n"
        ".quad as_victim_text\n"
        ".endr\n"
        ".popsection\n");
extern const uintptr_t as_victim_relro[];

#define PATTERN16 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
#define PATTERN256                                                                          \
    PATTERN16, PATTERN16, PATTERN16, PATTERN16, PATTERN16, PATTERN16, PATTERN16, PATTERN16, \
        PATTERN16, PATTERN16, PATTERN16, PATTERN16, PATTERN16, PATTERN16, PATTERN16, PATTERN16
#define PATTERN4096                                                                           \
    PATTERN256, PATTERN256, PATTERN256, PATTERN256, PATTERN256, PATTERN256, PATTERN256,      \
        PATTERN256, PATTERN256, PATTERN256, PATTERN256, PATTERN256, PATTERN256, PATTERN256, \
        PATTERN256, PATTERN256

__attribute__((aligned(4096), used)) static const unsigned char victim_ro[4096] = {PATTERN4096};
__attribute__((aligned(4096), used)) static unsigned char victim_data[4096] = {PATTERN4096};
__attribute__((aligned(4096), used)) static unsigned char victim_bss[4096];

/* ---- outcomes ------------------------------------------------------------- */

enum outcome {
    O_OK = 0,   /* the call succeeded and the attack took effect */
    O_EPERM,    /* refused with EPERM, memory intact */
    O_EACCES,   /* refused with EACCES, memory intact */
    O_FAULT,    /* (writes) the write faulted, memory intact */
    O_COUNT
};
static const char *const outcome_names[O_COUNT] = {"ok", "EPERM", "EACCES", "fault"};

enum effect { E_INTACT = 0, E_CHANGED, E_GONE, E_FAULT, E_SETUP };
static const char *const effect_names[] = {"intact", "changed", "gone", "fault", "setup-error"};

struct report {
    int err;    /* errno of the call, 0 if it succeeded */
    int effect; /* enum effect */
    char note[160];
};

/* ---- fault-safe memory access ------------------------------------------- */

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_armed;

static void on_fault(int sig)
{
    if (fault_armed) {
        fault_armed = 0;
        siglongjmp(fault_jmp, sig);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_fault_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fault;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* Copy len bytes from src; false if the read faulted. */
static bool safe_read(void *dst, const volatile unsigned char *src, size_t len)
{
    if (sigsetjmp(fault_jmp, 1) != 0) {
        return false;
    }
    fault_armed = 1;
    unsigned char *d = dst;
    for (size_t i = 0; i < len; i++) {
        d[i] = src[i];
    }
    fault_armed = 0;
    return true;
}

/* Write one byte; false if the write faulted. */
static bool safe_write(volatile unsigned char *dst, unsigned char v)
{
    if (sigsetjmp(fault_jmp, 1) != 0) {
        return false;
    }
    fault_armed = 1;
    *dst = v;
    fault_armed = 0;
    return true;
}

/* Permissions of the mapping holding addr ("r-xp"), "" if unmapped. */
static void perms_of(uintptr_t addr, char out[5])
{
    out[0] = '\0';
    FILE *f = fopen("/proc/self/maps", "re");
    if (f == NULL) {
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e;
        char p[5];
        if (sscanf(line, "%lx-%lx %4s", &s, &e, p) == 3 && addr >= s && addr < e) {
            memcpy(out, p, 5);
            break;
        }
    }
    fclose(f);
}

/* The state of one target page before an attack. */
struct snap {
    uintptr_t addr;
    unsigned char bytes[PAGE];
    char perms[5];
};

static bool take_snap(struct snap *s, uintptr_t addr)
{
    s->addr = addr;
    perms_of(addr, s->perms);
    return s->perms[0] != '\0' && safe_read(s->bytes, (const unsigned char *)addr, PAGE);
}

static int compare_snap(const struct snap *s, char *note, size_t notelen)
{
    static unsigned char now[PAGE];
    char p[5];
    perms_of(s->addr, p);
    if (p[0] == '\0' || !safe_read(now, (const unsigned char *)s->addr, PAGE)) {
        snprintf(note, notelen, "page %#lx unmapped or unreadable", (unsigned long)s->addr);
        return E_GONE;
    }
    if (memcmp(now, s->bytes, PAGE) != 0) {
        size_t i = 0;
        while (now[i] == s->bytes[i]) {
            i++;
        }
        snprintf(note, notelen, "page %#lx byte %zu: %#x -> %#x", (unsigned long)s->addr, i,
                 s->bytes[i], now[i]);
        return E_CHANGED;
    }
    if (strcmp(p, s->perms) != 0) {
        snprintf(note, notelen, "page %#lx perms %s -> %s", (unsigned long)s->addr, s->perms, p);
        return E_CHANGED;
    }
    snprintf(note, notelen, "page %#lx %s unchanged", (unsigned long)s->addr, p);
    return E_INTACT;
}

/* ---- addresses ------------------------------------------------------------ */

/* the frozen page says data=seal (seal on tighten): the ctest column
 * strict-data-seal runs the strict column with AUTOSEAL_OPTIONS data=seal */
static bool policy_data_seal;
static uintptr_t text_page, rodata_page, relro_page, data_page, bss_page, policy_page;
static uintptr_t relro_start, relro_end; /* the main program's RELRO, page-rounded inward */
static char setup_error[512];

static int find_main_relro(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_GNU_RELRO) {
            uintptr_t s = info->dlpi_addr + ph->p_vaddr;
            relro_start = s & ~(PAGE - 1);
            relro_end = (s + ph->p_memsz) & ~(PAGE - 1);
        }
    }
    return 1; /* the first object is the program */
}

struct lib_find {
    const char *want; /* basename prefix */
    char path[4096];
    uintptr_t base;
};

static int find_lib(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct lib_find *lf = data;
    const char *n = info->dlpi_name;
    if (n == NULL || n[0] == '\0') {
        return 0;
    }
    const char *b = strrchr(n, '/');
    b = b ? b + 1 : n;
    if (strncmp(b, lf->want, strlen(lf->want)) != 0) {
        return 0;
    }
    snprintf(lf->path, sizeof lf->path, "%s", n);
    lf->base = info->dlpi_addr;
    return 1;
}

static bool setup(const char *column)
{
    text_page = (uintptr_t)as_victim_text;
    rodata_page = (uintptr_t)victim_ro;
    relro_page = (uintptr_t)as_victim_relro;
    data_page = (uintptr_t)victim_data;
    bss_page = (uintptr_t)victim_bss;
    if ((text_page | rodata_page | relro_page | data_page | bss_page) & (PAGE - 1)) {
        snprintf(setup_error, sizeof setup_error, "a victim is not page aligned");
        return false;
    }
    dl_iterate_phdr(find_main_relro, NULL);
    if (!(relro_page >= relro_start && relro_page + PAGE <= relro_end)) {
        snprintf(setup_error, sizeof setup_error,
                 "RELRO victim %#lx outside the program's RELRO [%#lx, %#lx): link with -z relro",
                 (unsigned long)relro_page, (unsigned long)relro_start,
                 (unsigned long)relro_end);
        return false;
    }
    if (as_victim_relro[0] != (uintptr_t)as_victim_text) {
        snprintf(setup_error, sizeof setup_error, "RELRO victim not relocated as expected");
        return false;
    }
    victim_bss[0] = 1; /* make sure the page exists */

    if (dlsym(RTLD_DEFAULT, "autoseal_preload_abi") == NULL) {
        snprintf(setup_error, sizeof setup_error,
                 "libautoseal is not loaded: run with LD_PRELOAD=.../libautoseal.so");
        return false;
    }
    struct lib_find lf = {"libautoseal.so", {0}, 0};
    dl_iterate_phdr(find_lib, &lf);
    if (lf.path[0] == '\0') {
        snprintf(setup_error, sizeof setup_error, "libautoseal.so not found by dl_iterate_phdr");
        return false;
    }
    char err[200];
    uint64_t v = telf_symbol(lf.path, "as_page", NULL, err, sizeof err);
    if (v == 0) {
        snprintf(setup_error, sizeof setup_error, "as_page in %.200s: %s", lf.path, err);
        return false;
    }
    policy_page = lf.base + (uintptr_t)v;
    if (policy_page & (PAGE - 1)) {
        snprintf(setup_error, sizeof setup_error, "as_page at %#lx is not page aligned",
                 (unsigned long)policy_page);
        return false;
    }
    /* Prove the address is the frozen page: it holds the policy we asked for. */
    const struct as_frozen *f = (const struct as_frozen *)policy_page;
    bool want_off = strcmp(column, "off") == 0;
    int want_profile = strcmp(column, "strict") == 0 ? AS_PROFILE_STRICT
                       : strcmp(column, "jit") == 0  ? AS_PROFILE_JIT
                                                     : AS_PROFILE_DEFAULT;
    if (want_off ? f->policy.mode != AS_MODE_OFF
                 : (f->policy.mode != AS_MODE_ENFORCE || f->policy.profile != want_profile)) {
        snprintf(setup_error, sizeof setup_error,
                 "frozen page at %#lx says mode=%s profile=%s; column %s expects otherwise "
                 "(check AUTOSEAL_OPTIONS)",
                 (unsigned long)policy_page, as_mode_name(f->policy.mode),
                 as_profile_name(f->policy.profile), column);
        return false;
    }
    policy_data_seal = f->policy.data == AS_DATA_SEAL;
    return true;
}

/* ---- the primitives --------------------------------------------------------- */

static int call_err(int r)
{
    return r == 0 ? 0 : errno;
}

/* mprotect(target, prot); when it works, write to the page (if writable). */
static void mprotect_attack(struct report *r, uintptr_t target, int prot)
{
    struct snap s;
    if (!take_snap(&s, target)) {
        r->effect = E_SETUP;
        return;
    }
    r->err = call_err(mprotect((void *)target, PAGE, prot));
    if (r->err == 0 && (prot & PROT_WRITE)) {
        volatile unsigned char *p = (volatile unsigned char *)(target + PAGE - 1);
        safe_write(p, (unsigned char)(*p ^ 0x5a));
    }
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void p_text_rwx(struct report *r)
{
    mprotect_attack(r, text_page, PROT_READ | PROT_WRITE | PROT_EXEC);
}

static void p_text_rw(struct report *r)
{
    mprotect_attack(r, text_page, PROT_READ | PROT_WRITE);
}

static void p_rodata_rw(struct report *r)
{
    mprotect_attack(r, rodata_page, PROT_READ | PROT_WRITE);
}

static void p_relro_rw(struct report *r)
{
    /* the whole RELRO (GOT included), then write to our page of it */
    struct snap s;
    if (!take_snap(&s, relro_page)) {
        r->effect = E_SETUP;
        return;
    }
    r->err = call_err(mprotect((void *)relro_start, relro_end - relro_start,
                               PROT_READ | PROT_WRITE));
    if (r->err == 0) {
        safe_write((volatile unsigned char *)relro_page, 0x5a);
    }
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void p_text_mmap_fixed(struct report *r)
{
    struct snap s;
    if (!take_snap(&s, text_page)) {
        r->effect = E_SETUP;
        return;
    }
    void *m = mmap((void *)text_page, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    r->err = m == MAP_FAILED ? errno : 0;
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void p_text_munmap(struct report *r)
{
    struct snap s;
    if (!take_snap(&s, text_page)) {
        r->effect = E_SETUP;
        return;
    }
    r->err = call_err(munmap((void *)text_page, PAGE));
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void p_text_mremap_move(struct report *r)
{
    struct snap s;
    void *dst = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (dst == MAP_FAILED || !take_snap(&s, text_page)) {
        r->effect = E_SETUP;
        return;
    }
    void *m = mremap((void *)text_page, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    r->err = m == MAP_FAILED ? errno : 0;
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void p_text_mremap_shrink(struct report *r)
{
    struct snap s;
    if (!take_snap(&s, text_page + PAGE)) {
        r->effect = E_SETUP;
        return;
    }
    void *m = mremap((void *)text_page, 2 * PAGE, PAGE, 0);
    r->err = m == MAP_FAILED ? errno : 0;
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void madvise_attack(struct report *r, bool raw)
{
    struct snap s;
    if (!take_snap(&s, relro_page)) {
        r->effect = E_SETUP;
        return;
    }
    int rc = raw ? (int)syscall(SYS_madvise, (void *)relro_page, PAGE, MADV_DONTNEED)
                 : madvise((void *)relro_page, PAGE, MADV_DONTNEED);
    r->err = call_err(rc);
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

/* MADV_GUARD_INSTALL then MADV_GUARD_REMOVE (Linux 6.13): the page comes
 * back as the file's bytes, unrelocated (issue 12 item 1). */
static void p_relro_madvise_guard(struct report *r)
{
    struct snap s;
    if (!take_snap(&s, relro_page)) {
        r->effect = E_SETUP;
        return;
    }
    r->err = call_err(madvise((void *)relro_page, PAGE, 102 /* MADV_GUARD_INSTALL */));
    if (r->err == 0) {
        r->err = call_err(madvise((void *)relro_page, PAGE, 103 /* MADV_GUARD_REMOVE */));
    }
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

/* libc's madvise called by address (found from libc's load base and its
 * .dynsym): past the interposer, and the kernel allows the discard. */
static void p_relro_madvise_by_address(struct report *r)
{
    struct lib_find lf = {"libc.so.6", {0}, 0};
    dl_iterate_phdr(find_lib, &lf);
    char err[200] = "libc.so.6 not found by dl_iterate_phdr";
    uint64_t v = lf.path[0] ? telf_symbol(lf.path, "madvise", NULL, err, sizeof err) : 0;
    struct snap s;
    if (v == 0 || !take_snap(&s, relro_page)) {
        r->effect = E_SETUP;
        snprintf(r->note, sizeof r->note, "%.150s", err);
        return;
    }
    int (*fn)(void *, size_t, int) = (int (*)(void *, size_t, int))(lf.base + (uintptr_t)v);
    r->err = call_err(fn((void *)relro_page, PAGE, MADV_DONTNEED));
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

/* process_madvise(2) (glibc 2.36) on our own pidfd (issue 12 item 2). */
static void p_relro_process_madvise(struct report *r)
{
    struct snap s;
    int pidfd = pidfd_open(getpid(), 0);
    if (pidfd < 0 || !take_snap(&s, relro_page)) {
        r->effect = E_SETUP;
        snprintf(r->note, sizeof r->note, "pidfd_open: %s", strerror(errno));
        return;
    }
    struct iovec iov = {(void *)relro_page, PAGE};
    ssize_t n = process_madvise(pidfd, &iov, 1, MADV_DONTNEED, 0);
    r->err = n < 0 ? errno : 0;
    close(pidfd);
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void p_relro_madvise_libc(struct report *r)
{
    madvise_attack(r, false);
}

static void p_relro_madvise_raw(struct report *r)
{
    madvise_attack(r, true);
}

static void p_data_exec(struct report *r)
{
    mprotect_attack(r, data_page, PROT_READ | PROT_EXEC);
}

static void p_heap_exec(struct report *r)
{
    unsigned char *h = malloc(3 * PAGE);
    if (h == NULL) {
        r->effect = E_SETUP;
        return;
    }
    memset(h, 0xc3, 3 * PAGE);
    uintptr_t pg = ((uintptr_t)h + PAGE - 1) & ~(PAGE - 1);
    mprotect_attack(r, pg, PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* A mapping an attack tried to create W+X (MAP_FAILED: refused). */
static void judge_new_mapping(struct report *r, void *m, const char *what)
{
    if (m == MAP_FAILED) {
        r->effect = E_INTACT;
        snprintf(r->note, sizeof r->note, "%sno mapping created", what);
        return;
    }
    char p[5];
    perms_of((uintptr_t)m, p);
    r->effect = strncmp(p, "rwx", 3) == 0 ? E_CHANGED : E_INTACT;
    snprintf(r->note, sizeof r->note, "%snew mapping %p %s", what, m, p);
}

static void p_wx_mmap(struct report *r)
{
    void *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    r->err = m == MAP_FAILED ? errno : 0;
    judge_new_mapping(r, m, "");
}

static void p_wx_mprotect(struct report *r)
{
    void *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        r->effect = E_SETUP;
        return;
    }
    memset(m, 0xc3, PAGE);
    mprotect_attack(r, (uintptr_t)m, PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* Writes through /proc/self/mem ignore page protections (FOLL_FORCE),
 * sealed or not: documented hole. */
static void p_text_proc_mem(struct report *r)
{
    struct snap s;
    if (!take_snap(&s, text_page)) {
        r->effect = E_SETUP;
        return;
    }
    int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        r->err = errno;
    } else {
        unsigned char v = 0x90;
        ssize_t w = pwrite(fd, &v, 1, (off_t)(text_page + PAGE - 1));
        r->err = w == 1 ? 0 : (w < 0 ? errno : EIO);
        close(fd);
    }
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

/* The same through raw system calls: libautoseal's interposers never see
 * them, so the wx/execmem rules do not apply (documented hole; only the
 * kernel's seals and execmem=kernel's MDWE act on raw calls). */
static void p_heap_exec_raw(struct report *r)
{
    unsigned char *h = malloc(3 * PAGE);
    if (h == NULL) {
        r->effect = E_SETUP;
        return;
    }
    memset(h, 0xc3, 3 * PAGE);
    uintptr_t pg = ((uintptr_t)h + PAGE - 1) & ~(PAGE - 1);
    struct snap s;
    if (!take_snap(&s, pg)) {
        r->effect = E_SETUP;
        return;
    }
    r->err = call_err((int)syscall(SYS_mprotect, pg, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC));
    if (r->err == 0) {
        safe_write((volatile unsigned char *)(pg + PAGE - 1), 0x99);
    }
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void p_wx_mmap_raw(struct report *r)
{
    long m = syscall(SYS_mmap, 0l, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1l, 0l);
    r->err = m == -1 ? errno : 0;
    judge_new_mapping(r, m == -1 ? MAP_FAILED : (void *)m, "raw syscall: ");
}

static void p_data_ro(struct report *r)
{
    mprotect_attack(r, data_page, PROT_READ);
}

static void p_bss_ro(struct report *r)
{
    mprotect_attack(r, bss_page, PROT_READ);
}

/* The program made a page of its data read-only itself (its own
 * hardening: ro-after-init); the attack makes it writable again and writes.
 * data=seal (strict) sealed the page when it was made read-only. */
static void tighten_then_loosen(struct report *r, uintptr_t target)
{
    if (mprotect((void *)target, PAGE, PROT_READ) != 0) {
        snprintf(r->note, sizeof r->note, "setup: mprotect(PROT_READ): %s", strerror(errno));
        r->effect = E_SETUP;
        return;
    }
    mprotect_attack(r, target, PROT_READ | PROT_WRITE);
}

static void p_data_tighten_rw(struct report *r)
{
    tighten_then_loosen(r, data_page);
}

static void p_bss_tighten_rw(struct report *r)
{
    tighten_then_loosen(r, bss_page);
}

static void unmap_attack(struct report *r, uintptr_t target)
{
    struct snap s;
    if (!take_snap(&s, target)) {
        r->effect = E_SETUP;
        return;
    }
    r->err = call_err(munmap((void *)target, PAGE));
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void p_data_munmap(struct report *r)
{
    unmap_attack(r, data_page);
}

static void p_bss_munmap(struct report *r)
{
    unmap_attack(r, bss_page);
}

static void p_policy_rw(struct report *r)
{
    mprotect_attack(r, policy_page, PROT_READ | PROT_WRITE);
}

static void p_policy_munmap(struct report *r)
{
    unmap_attack(r, policy_page);
}

static void p_policy_write(struct report *r)
{
    struct snap s;
    if (!take_snap(&s, policy_page)) {
        r->effect = E_SETUP;
        return;
    }
    /* the policy's first word: mode (enforce=0 -> off=2) */
    bool wrote = safe_write((volatile unsigned char *)policy_page, AS_MODE_OFF);
    int e = compare_snap(&s, r->note, sizeof r->note);
    r->err = 0;
    r->effect = wrote ? (e == E_INTACT ? E_CHANGED : e) : (e == E_INTACT ? E_FAULT : e);
}

/* ---- double mappings (issue 12 item 6) -----------------------------------
 * One file, mapped writable and executable: write code through the one,
 * run it through the other.  What Erlang/OTP's JIT does with a memfd. */

static const unsigned char code42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3}; /* mov $42,%eax; ret */

/* The RX mapping (or MAP_FAILED) is judged: when it exists, write the code
 * through w (the writable view) and run it through x. */
static void run_dual(struct report *r, unsigned char *w, void *x, const char *how)
{
    r->err = x == MAP_FAILED ? errno : 0;
    if (x == MAP_FAILED) {
        r->effect = E_INTACT;
        snprintf(r->note, sizeof r->note, "%s: no executable mapping", how);
        return;
    }
    memcpy(w, code42, sizeof code42);
    int got = ((int (*)(void))(uintptr_t)x)();
    r->effect = got == 42 ? E_CHANGED : E_INTACT;
    snprintf(r->note, sizeof r->note, "%s: code written through %p ran at %p (%d)", how,
             (void *)w, x, got);
}

static void p_memfd_dual_map(struct report *r)
{
    int fd = memfd_create("as-jit", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, PAGE) != 0) {
        r->effect = E_SETUP;
        return;
    }
    unsigned char *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (w == MAP_FAILED) {
        r->effect = E_SETUP;
        return;
    }
    void *x = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    run_dual(r, w, x, "memfd RW+RX");
}

/* A file opened O_RDWR, mapped executable: written through the fd. */
static void p_rdwr_file_exec(struct report *r)
{
    char path[] = "/tmp/as-attack-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, PAGE) != 0) {
        r->effect = E_SETUP;
        return;
    }
    unlink(path);
    void *x = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    r->err = x == MAP_FAILED ? errno : 0;
    if (x == MAP_FAILED) {
        r->effect = E_INTACT;
        snprintf(r->note, sizeof r->note, "O_RDWR file: no executable mapping");
        return;
    }
    int got = 0;
    if (pwrite(fd, code42, sizeof code42, 0) == (ssize_t)sizeof code42) {
        got = ((int (*)(void))(uintptr_t)x)();
    }
    r->effect = got == 42 ? E_CHANGED : E_INTACT;
    snprintf(r->note, sizeof r->note, "O_RDWR file: code written with pwrite ran at %p (%d)", x,
             got);
}

/* A file with a MAP_SHARED writable mapping, reopened O_RDONLY and
 * mapped executable. */
static void p_shared_writable_file_exec(struct report *r)
{
    char path[] = "/var/tmp/as-attack-XXXXXX"; /* not tmpfs: a regular file */
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, PAGE) != 0) {
        r->effect = E_SETUP;
        return;
    }
    unsigned char *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    int ro = open(path, O_RDONLY | O_CLOEXEC);
    unlink(path);
    if (w == MAP_FAILED || ro < 0) {
        r->effect = E_SETUP;
        return;
    }
    void *x = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, ro, 0);
    close(ro);
    run_dual(r, w, x, "shared RW mapping + O_RDONLY RX");
}

/* mprotect adding exec to a shared writable memfd mapping's twin */
static void p_memfd_mprotect_rx(struct report *r)
{
    int fd = memfd_create("as-jit", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, PAGE) != 0) {
        r->effect = E_SETUP;
        return;
    }
    unsigned char *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *x = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    if (w == MAP_FAILED || x == MAP_FAILED) {
        r->effect = E_SETUP;
        return;
    }
    int rc = mprotect(x, PAGE, PROT_READ | PROT_EXEC);
    run_dual(r, w, rc == 0 ? (void *)x : MAP_FAILED, "memfd RW + R, mprotect RX");
}

/* A RW file mapping whose maps line forges r-xp for itself at byte 4096
 * (issue 12 item 4), made R-X. */
static void p_forged_maps_rx(struct report *r)
{
    char err[256], base[64];
    void *m = forged_maps_mapping(err, sizeof err, base, sizeof base);
    struct snap s;
    if (m == MAP_FAILED || !take_snap(&s, (uintptr_t)m)) {
        r->effect = E_SETUP;
        snprintf(r->note, sizeof r->note, "%.150s", err);
        return;
    }
    r->err = call_err(mprotect(m, PAGE, PROT_READ | PROT_EXEC));
    r->effect = compare_snap(&s, r->note, sizeof r->note);
    forged_cleanup(base);
}

/* personality(READ_IMPLIES_EXEC), then a plain RW mmap: the kernel makes
 * it rwx; write code there and run it (issue 12 item 3). */
static void p_read_implies_exec(struct report *r)
{
    int rc = personality(READ_IMPLIES_EXEC);
    r->err = rc == -1 ? errno : 0;
    if (rc == -1) {
        r->effect = E_INTACT;
        snprintf(r->note, sizeof r->note, "persona %#x", personality(0xffffffff));
        return;
    }
    unsigned char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        /* the kernel's W^X (MDWE) refuses an rwx mapping: count as refused */
        r->err = errno;
        r->effect = E_INTACT;
        snprintf(r->note, sizeof r->note, "personality ok, mmap RW refused");
        return;
    }
    char p[5];
    perms_of((uintptr_t)m, p);
    bool ran = false;
    if (p[2] == 'x') {
        m[0] = 0xc3; /* ret */
        ((void (*)(void))(uintptr_t)m)();
        ran = true;
    }
    r->effect = ran ? E_CHANGED : E_INTACT;
    snprintf(r->note, sizeof r->note, "mmap RW gave %s%s", p, ran ? ", code written there ran" : "");
}

/* ---- libc's own entry points (issue 12 item 5) ----------------------------
 * Each reaches the kernel without libautoseal's interposers: only the
 * kernel's W^X (PR_SET_MDWE, execmem=kernel, which strict uses) refuses. */

typedef int (*mprotect_fn)(void *, size_t, int);
typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);

/* An anonymous RW page holding code (ret), made R-X through fn; run it.
 * errloc: the __errno_location of fn's libc (another namespace's libc has
 * its own errno), NULL for ours. */
static void exec_gain_via_ns(struct report *r, mprotect_fn fn, int *(*errloc)(void),
                             const char *how)
{
    if (fn == NULL) {
        r->effect = E_SETUP;
        snprintf(r->note, sizeof r->note, "%s: not found (%s)", how, dlerror());
        return;
    }
    void *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct snap s;
    if (m == MAP_FAILED) {
        r->effect = E_SETUP;
        return;
    }
    memset(m, 0xc3, PAGE);
    if (!take_snap(&s, (uintptr_t)m)) {
        r->effect = E_SETUP;
        return;
    }
    int rc = fn(m, PAGE, PROT_READ | PROT_EXEC);
    r->err = rc == 0 ? 0 : errloc ? *errloc() : errno;
    if (rc == 0) {
        ((void (*)(void))(uintptr_t)m)(); /* the new code runs */
    }
    r->effect = compare_snap(&s, r->note, sizeof r->note);
}

static void exec_gain_via(struct report *r, mprotect_fn fn, const char *how)
{
    exec_gain_via_ns(r, fn, NULL, how);
}

/* An anonymous RWX mapping through fn. */
static void rwx_mmap_via(struct report *r, mmap_fn fn, const char *how)
{
    if (fn == NULL) {
        r->effect = E_SETUP;
        snprintf(r->note, sizeof r->note, "%s: not found (%s)", how, dlerror());
        return;
    }
    void *m = fn(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
    r->err = m == MAP_FAILED ? errno : 0;
    char what[64];
    snprintf(what, sizeof what, "%s: ", how);
    judge_new_mapping(r, m, what);
}

static void *libc_handle(void)
{
    return dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
}

static void p_dlvsym_next_mprotect(struct report *r)
{
    exec_gain_via(r, (mprotect_fn)(uintptr_t)dlvsym(RTLD_NEXT, "mprotect", "GLIBC_2.2.5"),
                  "dlvsym(RTLD_NEXT)");
}

static void p_dlsym_libc_mprotect(struct report *r)
{
    void *h = libc_handle();
    exec_gain_via(r, h ? (mprotect_fn)(uintptr_t)dlsym(h, "mprotect") : NULL, "dlsym(libc)");
}

static void p_dunder_mprotect(struct report *r)
{
    exec_gain_via(r, (mprotect_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "__mprotect"), "__mprotect");
}

static void p_dunder_mmap(struct report *r)
{
    rwx_mmap_via(r, (mmap_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "__mmap"), "__mmap");
}

static void p_dlmopen_libc_mprotect(struct report *r)
{
    void *h = dlmopen(LM_ID_NEWLM, "libc.so.6", RTLD_NOW);
    int *(*errloc)(void) = h ? (int *(*)(void))(uintptr_t)dlsym(h, "__errno_location") : NULL;
    exec_gain_via_ns(r, h && errloc ? (mprotect_fn)(uintptr_t)dlsym(h, "mprotect") : NULL,
                     errloc, "dlmopen(libc)");
}

/* A return-oriented chain's view: libc's mprotect by address, found
 * from libc's load base and its .dynsym, no symbol lookup at all. */
static void p_libc_mprotect_by_address(struct report *r)
{
    struct lib_find lf = {"libc.so.6", {0}, 0};
    dl_iterate_phdr(find_lib, &lf);
    char err[200] = "libc.so.6 not found by dl_iterate_phdr";
    uint64_t v = lf.path[0] ? telf_symbol(lf.path, "mprotect", NULL, err, sizeof err) : 0;
    if (v == 0) {
        r->effect = E_SETUP;
        snprintf(r->note, sizeof r->note, "%.150s", err);
        return;
    }
    exec_gain_via(r, (mprotect_fn)(lf.base + (uintptr_t)v), "libc mprotect by address");
}

#ifndef AS_NO_DEEPBIND
static void p_deepbind_mmap_rwx(struct report *r)
{
    void *h = dlopen(AS_DEEPBIND_LIB, RTLD_NOW | RTLD_DEEPBIND);
    void *(*fn)(int *) = h ? (void *(*)(int *))(uintptr_t)dlsym(h, "as_deep_mmap_rwx") : NULL;
    if (fn == NULL) {
        r->effect = E_SETUP;
        snprintf(r->note, sizeof r->note, "%.150s", dlerror());
        return;
    }
    judge_new_mapping(r, fn(&r->err), "RTLD_DEEPBIND library: ");
}
#endif

/* ---- the table -------------------------------------------------------------- */

enum column { C_OFF = 0, C_DEFAULT, C_STRICT, C_JIT, C_COUNT };
static const char *const column_names[C_COUNT] = {"off", "default", "strict", "jit"};

struct primitive {
    const char *name;
    void (*run)(struct report *);
    enum outcome expect[C_COUNT]; /* off, default, strict, jit */
    const char *what; /* for the table in docs/security.md (--list) */
    const char *who;  /* what refuses it */
};

/* Under data=seal, data the program made read-only is sealed. */
static enum outcome expected(const struct primitive *p, enum column col)
{
    if (policy_data_seal && (p->run == p_data_tighten_rw || p->run == p_bss_tighten_rw)) {
        return O_EPERM;
    }
    return p->expect[col];
}

/* Shorthands for the table. */
#define OK O_OK
#define PERM O_EPERM
#define ACCES O_EACCES
#define FAULT O_FAULT

static const struct primitive primitives[] = {
    /* sealed images: refused in every enforcing profile.  The seal answers
     * EPERM; in strict, wx=deny answers the W+X requests first (EACCES). */
    {"text-mprotect-rwx", p_text_rwx, {OK, PERM, ACCES, PERM},
     "`mprotect` a page of `.text` RWX",
     "seal; in strict `wx=deny` answers first"},
    {"text-mprotect-rw", p_text_rw, {OK, PERM, PERM, PERM},
     "`mprotect` a page of `.text` RW",
     "seal"},
    {"rodata-mprotect-rw", p_rodata_rw, {OK, PERM, PERM, PERM},
     "`mprotect` a page of `.rodata` RW",
     "seal"},
    {"relro-got-mprotect-rw", p_relro_rw, {OK, PERM, PERM, PERM},
     "`mprotect` the whole RELRO (GOT included) RW",
     "seal"},
    {"text-mmap-fixed", p_text_mmap_fixed, {OK, PERM, ACCES, PERM},
     "`mmap(MAP_FIXED)` RWX over `.text`",
     "seal; in strict `wx=deny` answers first"},
    {"text-munmap", p_text_munmap, {OK, PERM, PERM, PERM},
     "`munmap` a page of `.text`",
     "seal"},
    {"text-mremap-move", p_text_mremap_move, {OK, PERM, PERM, PERM},
     "`mremap` `.text` elsewhere (`MAYMOVE\\|FIXED`)",
     "seal"},
    {"text-mremap-shrink", p_text_mremap_shrink, {OK, PERM, PERM, PERM},
     "`mremap` shrink `.text` (2 pages to 1)",
     "seal"},
    /* madvise(DONTNEED) reverts relocated RELRO pages to the file's bytes:
     * the kernel allows it on sealed file-backed memory; libautoseal's
     * madvise() interposer refuses it, a raw syscall bypasses that. */
    {"relro-madvise-dontneed-libc", p_relro_madvise_libc, {OK, PERM, PERM, PERM},
     "`madvise(MADV_DONTNEED)` on RELRO, through libc",
     "interposer rule"},
    {"relro-madvise-dontneed-syscall", p_relro_madvise_raw, {OK, OK, OK, OK},
     "`madvise(MADV_DONTNEED)` on RELRO, raw `syscall`",
     "nobody: hole"},
    /* libc's own madvise by address: no kernel rule can stop it (hole) */
    {"relro-madvise-dontneed-libc-by-address", p_relro_madvise_by_address, {OK, OK, OK, OK},
     "`madvise(MADV_DONTNEED)` on RELRO, libc's `madvise` called by address",
     "nobody: hole"},
    {"relro-process-madvise-dontneed", p_relro_process_madvise, {OK, PERM, PERM, PERM},
     "`process_madvise(own pidfd, MADV_DONTNEED)` on RELRO",
     "interposer rule"},
    /* advice the rule did not know: refused by an allow-list */
    {"relro-madvise-guard-install-remove", p_relro_madvise_guard, {OK, PERM, PERM, PERM},
     "`madvise(MADV_GUARD_INSTALL)` then `MADV_GUARD_REMOVE` on RELRO",
     "interposer rule (allow-list)"},
    /* new executable memory: allowed unless execmem=deny / wx=deny (strict) */
    {"data-mprotect-exec", p_data_exec, {OK, OK, ACCES, OK},
     "`mprotect` a `.data` page R-X",
     "`execmem`"},
    {"heap-mprotect-exec", p_heap_exec, {OK, OK, ACCES, OK},
     "`mprotect` a `malloc`'ed page RWX",
     "`wx=deny`"},
    {"anon-mmap-rwx", p_wx_mmap, {OK, OK, ACCES, OK},
     "`mmap` anonymous RWX",
     "`wx=deny`"},
    {"anon-mprotect-rw-to-rwx", p_wx_mprotect, {OK, OK, ACCES, OK},
     "`mprotect` anonymous RW to RWX",
     "`wx=deny`"},
    /* the same through raw system calls: only the kernel's W^X (MDWE,
     * strict's execmem=kernel) stops them */
    {"heap-mprotect-exec-syscall", p_heap_exec_raw, {OK, OK, ACCES, OK},
     "`mprotect` a `malloc`'ed page RWX, raw `syscall`",
     "MDWE (strict: `execmem=kernel`)"},
    {"anon-mmap-rwx-syscall", p_wx_mmap_raw, {OK, OK, ACCES, OK},
     "`mmap` anonymous RWX, raw `syscall`",
     "MDWE (strict: `execmem=kernel`)"},
    /* double mappings: write through one view, run through the other */
    {"memfd-dual-map-rw-rx", p_memfd_dual_map, {OK, OK, ACCES, OK},
     "memfd mapped RW and RX, code written through one, run through the other",
     "`execmem` (writable file)"},
    {"rdwr-file-mmap-rx", p_rdwr_file_exec, {OK, OK, ACCES, OK},
     "file opened `O_RDWR` mapped RX, code written with `pwrite`",
     "`execmem` (writable file)"},
    {"shared-writable-file-mmap-rx", p_shared_writable_file_exec, {OK, OK, ACCES, OK},
     "file with a `MAP_SHARED` RW mapping, reopened `O_RDONLY` and mapped RX",
     "`execmem` (writable file)"},
    {"memfd-mprotect-rx", p_memfd_mprotect_rx, {OK, OK, ACCES, OK},
     "memfd mapped RW and R, the R view `mprotect`ed RX",
     "`execmem`"},
    /* a forged /proc/self/maps line must not make RW memory "already exec" */
    {"file-mprotect-rx-forged-maps-line", p_forged_maps_rx, {OK, OK, ACCES, OK},
     "RW file mapping whose >4 KiB maps line forges `r-xp`, `mprotect` RX",
     "`execmem` (maps parser)"},
    /* two libc calls to W+X memory: personality(READ_IMPLIES_EXEC), mmap RW */
    {"personality-read-implies-exec", p_read_implies_exec, {OK, OK, PERM, OK},
     "`personality(READ_IMPLIES_EXEC)`, then `mmap` RW (rwx), code run",
     "interposer rule"},
    /* libc's own entry points and RTLD_DEEPBIND: past the interposers,
     * refused by MDWE in strict */
    {"anon-mprotect-rx-dlvsym-next", p_dlvsym_next_mprotect, {OK, OK, ACCES, OK},
     "`mprotect` RX through `dlvsym(RTLD_NEXT, \"mprotect\", \"GLIBC_2.2.5\")`",
     "MDWE (strict)"},
    {"anon-mprotect-rx-dlsym-libc", p_dlsym_libc_mprotect, {OK, OK, ACCES, OK},
     "`mprotect` RX through `dlsym(libc handle, \"mprotect\")`",
     "MDWE (strict)"},
    {"anon-mprotect-rx-__mprotect", p_dunder_mprotect, {OK, OK, ACCES, OK},
     "`mprotect` RX through `__mprotect`",
     "MDWE (strict)"},
    {"anon-mmap-rwx-__mmap", p_dunder_mmap, {OK, OK, ACCES, OK},
     "`mmap` RWX through `__mmap`",
     "MDWE (strict)"},
    {"anon-mprotect-rx-dlmopen-libc", p_dlmopen_libc_mprotect, {OK, OK, ACCES, OK},
     "`mprotect` RX through libc in a `dlmopen` namespace",
     "MDWE (strict)"},
    {"anon-mprotect-rx-libc-by-address", p_libc_mprotect_by_address, {OK, OK, ACCES, OK},
     "`mprotect` RX, libc's `mprotect` called by address",
     "MDWE (strict)"},
#ifndef AS_NO_DEEPBIND /* ASan builds: the runtime exits on RTLD_DEEPBIND */
    {"anon-mmap-rwx-rtld-deepbind", p_deepbind_mmap_rwx, {OK, OK, ACCES, OK},
     "`mmap` RWX from a library loaded with `RTLD_DEEPBIND`",
     "MDWE (strict)"},
#endif
    /* writable data is never sealed at startup: making it read-only is the
     * program's own hardening and always allowed; data=seal (opt-in) seals
     * what was made read-only, so it cannot be made writable again.
     * munmap of writable data is not stopped (docs/security.md) */
    {"data-mprotect-ro", p_data_ro, {OK, OK, OK, OK},
     "`mprotect` a `.data` page R",
     "nobody: the program's own hardening"},
    {"bss-mprotect-ro", p_bss_ro, {OK, OK, OK, OK},
     "`mprotect` a `.bss` page R",
     "nobody: the program's own hardening"},
    /* data=seal (opt-in, ctest attack.primitives.strict-data-seal): EPERM */
    {"data-ro-then-mprotect-rw", p_data_tighten_rw, {OK, OK, OK, OK},
     "`.data` page made R, then `mprotect` RW and write",
     "nobody; **EPERM** with `data=seal` (seal on tighten, opt-in)"},
    {"bss-ro-then-mprotect-rw", p_bss_tighten_rw, {OK, OK, OK, OK},
     "`.bss` page made R, then `mprotect` RW and write",
     "nobody; **EPERM** with `data=seal`"},
    {"data-munmap", p_data_munmap, {OK, OK, OK, OK},
     "`munmap` a `.data` page",
     "nobody (see \"Writable data\")"},
    {"bss-munmap", p_bss_munmap, {OK, OK, OK, OK},
     "`munmap` a `.bss` page",
     "nobody (see \"Writable data\")"},
    /* /proc/self/mem writes go through any protection (documented hole) */
    {"text-write-proc-self-mem", p_text_proc_mem, {OK, OK, OK, OK},
     "write to `.text` through `/proc/self/mem`",
     "nobody: hole"},
    /* libautoseal's own frozen page: read-only in every mode, sealed
     * unless mode=off (which seals nothing at all) */
    {"policy-page-mprotect-rw", p_policy_rw, {PERM, PERM, PERM, PERM},
     "`mprotect` the frozen page RW",
     "libautoseal (every mode), then the seal"},
    {"policy-page-munmap", p_policy_munmap, {PERM, PERM, PERM, PERM},
     "`munmap` the frozen page",
     "libautoseal (every mode), then the seal"},
    {"policy-page-write", p_policy_write, {FAULT, FAULT, FAULT, FAULT},
     "write to the frozen page",
     "read-only page"},
};

#define NPRIM (sizeof primitives / sizeof primitives[0])

static bool judge(enum outcome want, const struct report *r, char *got, size_t gotlen)
{
    if (r->effect == E_SETUP) {
        snprintf(got, gotlen, "setup-error");
        return false;
    }
    const char *e = r->err == 0 ? "ok" : r->err == EPERM ? "EPERM" : r->err == EACCES ? "EACCES"
                                                                                  : strerror(r->err);
    snprintf(got, gotlen, "%s/%s", e, effect_names[r->effect]);
    switch (want) {
    case O_OK:
        return r->err == 0 && (r->effect == E_CHANGED || r->effect == E_GONE);
    case O_EPERM:
        return r->err == EPERM && r->effect == E_INTACT;
    case O_EACCES:
        return r->err == EACCES && r->effect == E_INTACT;
    case O_FAULT:
        return r->err == 0 && r->effect == E_FAULT;
    default:
        return false;
    }
}

static bool run_one(const struct primitive *p, enum column col)
{
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return false;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        alarm(10);
        install_fault_handler();
        struct report r;
        memset(&r, 0, sizeof r);
        p->run(&r);
        ssize_t w = write(fds[1], &r, sizeof r);
        _exit(w == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fds[1]);
    struct report r;
    memset(&r, 0, sizeof r);
    ssize_t n = read(fds[0], &r, sizeof r);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    char got[96];
    bool pass;
    enum outcome want = expected(p, col);
    if (n != (ssize_t)sizeof r || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(got, sizeof got, "child-died(%s %d)",
                 WIFSIGNALED(status) ? "signal" : "exit",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        pass = false;
    } else {
        pass = judge(want, &r, got, sizeof got);
    }
    printf("%-4s %-32s expected %-6s got %-22s %s\n", pass ? "PASS" : "FAIL", p->name,
           want < O_COUNT ? outcome_names[want] : "?", got, r.note);
    return pass;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s off|default|strict|jit|--list\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "--list") == 0) { /* for scripts/attack-matrix.sh */
        for (size_t i = 0; i < NPRIM; i++) {
            printf("%s\t%s\t%s\n", primitives[i].name, primitives[i].what, primitives[i].who);
        }
        return 0;
    }
    int col = -1;
    for (int i = 0; i < C_COUNT; i++) {
        if (strcmp(argv[1], column_names[i]) == 0) {
            col = i;
        }
    }
    if (col < 0) {
        fprintf(stderr, "unknown column %s\n", argv[1]);
        return 2;
    }
    /* the victim text is code: call it once so it is what it claims */
    ((void (*)(void))(uintptr_t)as_victim_text)();
    if (!setup(argv[1])) {
        fprintf(stderr, "setup failed: %s\n", setup_error);
        return 1;
    }
    printf("column %s: text %#lx rodata %#lx relro %#lx [%#lx,%#lx) data %#lx bss %#lx "
           "policy %#lx\n",
           argv[1], (unsigned long)text_page, (unsigned long)rodata_page,
           (unsigned long)relro_page, (unsigned long)relro_start, (unsigned long)relro_end,
           (unsigned long)data_page, (unsigned long)bss_page, (unsigned long)policy_page);
    unsigned failed = 0;
    for (size_t i = 0; i < NPRIM; i++) {
        if (!run_one(&primitives[i], (enum column)col)) {
            failed++;
        }
    }
#ifdef AS_NO_DEEPBIND
    printf("not run: anon-mmap-rwx-rtld-deepbind (the ASan runtime exits on RTLD_DEEPBIND)\n");
#endif
    printf("%zu primitives, %u failed\n", NPRIM, failed);
    return failed ? 1 : 0;
}
