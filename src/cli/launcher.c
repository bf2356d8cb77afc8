#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "avail.h"
#include "elfinfo.h"
#include "frozen.h"
#include "log.h"
#include "preflight.h"
#include "progpolicy.h"
#include "seal.h"
#include "smaps.h"
#include "staticplan.h"
#include "sys.h"
#include "tracee.h"
#include "util.h"

#ifndef PTRACE_O_EXITKILL
#define PTRACE_O_EXITKILL (1 << 20)
#endif

#define NR_MSEAL __NR_mseal /* sys.h */
/* System calls the program may make before its RELRO is protected. */
#define RELRO_FOLLOW_MAX 10000

/* x86-64 numbers of the calls that end the wait for the RELRO mprotect. */
#define X_MPROTECT 10
#define X_EXECVE 59
#define X_EXIT 60
#define X_EXIT_GROUP 231
#define X_EXECVEAT 322

static void set_mdwe(bool on)
{
    if (on && prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) != 0) {
        warnx_("warning: PR_SET_MDWE refused (%s): execmem=kernel does not apply", strerror(errno));
    }
}

static AS_NORETURN void exec_program(const struct launch *l, bool mdwe)
{
    set_mdwe(mdwe);
    fflush(NULL);
    execv(l->path, l->argv);
    int e = errno;
    warnx_("cannot run %s: %s", l->argv[0], strerror(e));
    _exit(e == ENOENT ? 127 : 126);
}

struct remote {
    struct tracee *t;
    int ptrace_err;
    unsigned long calls;
};

static int remote_mseal(uintptr_t start, size_t len, void *ctx)
{
    struct remote *r = ctx;
    long args[6] = {(long)start, (long)len, 0, 0, 0, 0}, ret = 0;
    int rc = tracee_syscall(r->t, NR_MSEAL, args, &ret);
    r->calls++;
    if (rc != 0) {
        r->ptrace_err = rc;
        return -ENOSYS; /* stops as_seal_range; the caller checks ptrace_err */
    }
    return (int)ret;
}

struct run {
    const struct launch *l;
    struct tracee t;
    struct static_image im;
    uintptr_t bias;
    size_t page;
    bool audit;
    bool seal_image;   /* not excluded */
    struct as_seal_stats stats;
    unsigned long bytes;
    char failure[200]; /* why sealing stopped, for the one message */
};

static const char *errname(int e)
{
    switch (e) {
    case ENOSYS: return "ENOSYS";
    case EPERM: return "EPERM";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case ESRCH: return "ESRCH";
    default: return strerror(e);
    }
}

/* Seal (or, in audit mode, log) ranges in the tracee.  false: stop. */
static bool seal_ranges(struct run *r, const struct as_range *rg, int n, const char *what)
{
    for (int i = 0; i < n; i++) {
        char range[64];
        snprintf(range, sizeof range, "%" PRIxPTR "-%" PRIxPTR, rg[i].start, rg[i].end);
        if (r->audit) {
            as_log(AS_LEVEL_WARN, "event=audit would=seal target=%s pid=%d range=%s kind=%s",
                   r->l->image, (int)r->t.pid, range, what);
            continue;
        }
        struct remote rm = {&r->t, 0, 0};
        int rc = as_seal_range(rg[i].start, rg[i].end, r->page, remote_mseal, &rm, &r->stats);
        if (rm.ptrace_err) {
            snprintf(r->failure, sizeof r->failure, "ptrace failed while sealing %s: %s", range,
                     strerror(-rm.ptrace_err));
            return false;
        }
        if (r->stats.unavailable) {
            snprintf(r->failure, sizeof r->failure,
                     "mseal is not available in the program (%s%s)",
                     errname(-r->stats.unavailable),
                     r->stats.unavailable == -EPERM ? ": a seccomp filter?" : ": kernel before 6.10?");
            return false;
        }
        if (rc == 0 || rc == -ENOMEM) {
            r->bytes += rg[i].end - rg[i].start;
        }
        as_log(AS_LEVEL_DEBUG, "event=sealed target=%s pid=%d range=%s kind=%s result=%d",
               r->l->image, (int)r->t.pid, range, what, rc);
    }
    return true;
}

/* The program's auxiliary vector: AT_ENTRY. */
static int read_at_entry(pid_t pid, uint64_t *entry)
{
    char p[64], *buf = NULL;
    size_t len = 0;
    snprintf(p, sizeof p, "/proc/%d/auxv", (int)pid);
    int rc = read_file(p, 1 << 16, false, &buf, &len);
    if (rc != 0) {
        return rc;
    }
    rc = -ENOENT;
    for (size_t off = 0; off + 16 <= len; off += 16) {
        uint64_t k, v;
        memcpy(&k, buf + off, 8);
        memcpy(&v, buf + off + 8, 8);
        if (k == AT_ENTRY) {
            *entry = v;
            rc = 0;
            break;
        }
    }
    free(buf);
    return rc;
}

/* Program headers of what the kernel really loaded: /proc/PID/exe. */
static int read_image(struct run *r, bool *glibc)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/exe", (int)r->t.pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(r->failure, sizeof r->failure, "cannot open %s: %s", p, strerror(errno));
        return -1;
    }
    unsigned char buf[8192];
    ssize_t got = pread(fd, buf, sizeof buf, 0);
    size_t need = 0;
    int rc = got > 0 ? static_image_parse(buf, (size_t)got, &r->im, &need, r->failure,
                                          sizeof r->failure)
                     : -1;
    if (rc == 1) {
        snprintf(r->failure, sizeof r->failure, "program headers beyond the first %zu bytes",
                 sizeof buf);
        rc = -1;
    } else if (got <= 0) {
        snprintf(r->failure, sizeof r->failure, "cannot read %s", p);
    }
    *glibc = false;
    for (size_t i = 0; rc == 0 && i < r->im.nnotes && !*glibc; i++) {
        unsigned char note[512];
        size_t n = r->im.note_size[i] < sizeof note ? (size_t)r->im.note_size[i] : sizeof note;
        ssize_t k = pread(fd, note, n, (off_t)r->im.note_off[i]);
        *glibc = k > 0 && static_notes_have_abi_tag(note, (size_t)k);
    }
    close(fd);
    return rc;
}

static void seal_system_mappings(struct run *r)
{
    char p[64], *buf = NULL, err[160];
    size_t len;
    snprintf(p, sizeof p, "/proc/%d/maps", (int)r->t.pid);
    if (read_file(p, 1 << 22, false, &buf, &len) != 0) {
        return;
    }
    struct mapping *m = NULL;
    size_t n = 0;
    if (smaps_parse(buf, len, &m, &n, err, sizeof err) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(m[i].path, "[vdso]") || !strcmp(m[i].path, "[vvar]") ||
                !strcmp(m[i].path, "[vvar_vclock]")) {
                struct as_range rg = {(uintptr_t)m[i].start, (uintptr_t)m[i].end, 0};
                if (!seal_ranges(r, &rg, 1, m[i].path)) {
                    break;
                }
            }
        }
        smaps_free(m, n);
    }
    free(buf);
}

/* Re-send signals postponed during injection; they come back as
 * signal-delivery-stops (still traced) or are delivered (detached). */
static void repost(struct tracee *t)
{
    for (size_t i = 0; i < t->npending; i++) {
        kill(t->pid, t->pending[i]);
    }
    t->npending = 0;
}

/* Follow the program until its mprotect of RELRO has returned 0, then seal
 * RELRO.  Returns 1 sealed, 0 stopped following (why says why), -1 the
 * program ended (r->t.wstatus). */
static int follow_relro(struct run *r, const struct as_range *relro, const char **why)
{
    int deliver = 0;
    bool matched = false;
    unsigned count = 0;
    for (;;) {
        repost(&r->t);
        if (ptrace(PTRACE_SYSCALL, r->t.pid, 0, (void *)(long)deliver) != 0) {
            *why = "ptrace failed";
            return 0;
        }
        deliver = 0;
        int st;
        pid_t w = waitpid(r->t.pid, &st, __WALL);
        if (w < 0) {
            if (errno == EINTR) {
                continue; /* cannot happen: SA_RESTART */
            }
            *why = "waitpid failed";
            return 0;
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            r->t.exited = true;
            r->t.wstatus = st;
            return -1;
        }
        if (!WIFSTOPPED(st)) {
            continue;
        }
        int sig = WSTOPSIG(st);
        if (sig == (SIGTRAP | 0x80)) {
            struct tracee_sc sc;
            if (tracee_syscall_info(r->t.pid, &sc) != 0) {
                *why = "PTRACE_GET_SYSCALL_INFO failed";
                return 0;
            }
            if (sc.entry) {
                if (++count > RELRO_FOLLOW_MAX) {
                    *why = "no mprotect of RELRO within the first 10000 system calls";
                    return 0;
                }
                if (sc.nr == X_EXIT || sc.nr == X_EXIT_GROUP) {
                    *why = "the program exits before protecting RELRO";
                    return 0;
                }
                if (sc.nr == X_EXECVE || sc.nr == X_EXECVEAT) {
                    *why = "the program execs before protecting RELRO";
                    return 0;
                }
                matched = sc.nr == X_MPROTECT &&
                          static_mprotect_covers(relro, sc.args[0], sc.args[1], sc.args[2]);
            } else if (sc.exit && matched) {
                if (sc.rval != 0) {
                    *why = "the program's mprotect of RELRO failed";
                    return 0;
                }
                return 1;
            }
            continue;
        }
        if (sig == SIGTRAP && (st >> 16) != 0) {
            continue; /* a ptrace event */
        }
        siginfo_t si;
        if (ptrace(PTRACE_GETSIGINFO, r->t.pid, 0, &si) == 0) {
            deliver = sig; /* signal-delivery-stop: pass it on */
        }
        /* else a group-stop: resume */
    }
}

/* Detach: the program runs on untraced. */
static void detach(struct run *r)
{
    repost(&r->t);
    if (ptrace(PTRACE_DETACH, r->t.pid, 0, 0) != 0 && errno != ESRCH) {
        warnx_("cannot detach from %s: %s", r->l->argv[0], strerror(errno));
    }
}

/* The tracer's part (the helper process), from the seize of the launcher
 * process, which is about to exec the program: until its execve has
 * returned pass signals on; the stop after execve's return is the first
 * point where the program is mapped and has not run. */
static void trace(struct run *r)
{
    pid_t pid = r->t.pid;
    const char *name = r->l->argv[0];
    bool exec_seen = false;
    for (;;) {
        int st;
        if (waitpid(pid, &st, __WALL) < 0) {
            if (errno == EINTR) {
                continue;
            }
            warn_errno("waitpid");
            ptrace(PTRACE_DETACH, pid, 0, 0);
            return;
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            return; /* the exec failed, or a signal killed it */
        }
        int sig = WSTOPSIG(st), deliver = 0;
        if (!exec_seen && sig == SIGTRAP && (st >> 16) == PTRACE_EVENT_EXEC) {
            exec_seen = true;
        } else if (exec_seen && sig == (SIGTRAP | 0x80)) {
            break; /* execve's syscall-exit-stop */
        } else if ((st >> 16) == 0 && sig != SIGTRAP && sig != (SIGTRAP | 0x80)) {
            siginfo_t si;
            if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0) {
                deliver = sig; /* signal-delivery-stop: pass it on */
            }
        }
        /* else a group-stop (PTRACE_EVENT_STOP) or another event: resume */
        long req = exec_seen ? PTRACE_SYSCALL : PTRACE_CONT;
        if (ptrace((enum __ptrace_request)req, pid, 0, (void *)(long)deliver) != 0) {
            warnx_("cannot trace %s (%s): it runs unsealed", name, strerror(errno));
            ptrace(PTRACE_DETACH, pid, 0, 0);
            return;
        }
    }

    bool glibc = false;
    const char *stop_why = NULL;
    if (read_image(r, &glibc) != 0) {
        goto fail;
    }
    if (r->im.interp) {
        /* not static after all (the file changed): nothing to do here */
        stop_why = "it has a dynamic loader after all (file replaced?)";
        goto fail_quiet;
    }
    uint64_t at_entry = 0;
    if (read_at_entry(pid, &at_entry) != 0 || !static_bias(&r->im, at_entry, r->page, &r->bias)) {
        snprintf(r->failure, sizeof r->failure, "cannot find the load address (AT_ENTRY)");
        goto fail;
    }
    /* a syscall instruction of the program's own text */
    int frc = -ENOENT;
    for (size_t i = 0; i < r->im.phnum && frc != 0; i++) {
        const ElfW(Phdr) *p = &r->im.ph[i];
        if (p->p_type == PT_LOAD && (p->p_flags & PF_X)) {
            frc = tracee_find_syscall(&r->t, r->bias + p->p_vaddr,
                                      r->bias + p->p_vaddr + p->p_filesz);
        }
    }
    if (frc != 0) {
        snprintf(r->failure, sizeof r->failure, "no syscall instruction found in its text (%s)",
                 strerror(-frc));
        goto fail;
    }

    bool seal_data = r->l->policy.data == AS_DATA_SEAL;
    bool wait_relro = r->seal_image && r->im.relro && glibc;
    struct as_range rg[AS_RANGES_MAX(STATIC_PHNUM_MAX)];
    if (r->seal_image) {
        int n = static_plan_initial(&r->im, r->bias, r->page, seal_data && !wait_relro, rg,
                                    sizeof rg / sizeof rg[0]);
        if (n < 0) {
            snprintf(r->failure, sizeof r->failure, "bad program headers (%s)", strerror(-n));
            goto fail;
        }
        if (!seal_ranges(r, rg, n, "text")) {
            goto fail;
        }
    }
    if (r->l->policy.vdso == AS_VDSO_SEAL) {
        seal_system_mappings(r);
        if (r->failure[0]) {
            goto fail;
        }
    }
    if (r->seal_image && r->im.relro && !glibc) {
        as_log(AS_LEVEL_INFO, "event=relro-unsealed target=%s pid=%d msg=\"not a glibc program: "
               "its startup never makes RELRO read-only\"", r->l->image, (int)pid);
    }
    if (wait_relro) {
        struct as_range relro[AS_RANGES_MAX(STATIC_PHNUM_MAX)];
        int n = static_plan_after_relro(&r->im, r->bias, r->page, seal_data, relro,
                                        sizeof relro / sizeof relro[0]);
        if (n > 0 && r->audit) {
            seal_ranges(r, relro, n, "relro-after-mprotect");
        } else if (n > 0) {
            struct as_range only;
            if (!as_relro_range(r->im.ph, r->im.phnum, r->bias, r->page, &only)) {
                only = relro[0];
            }
            int fr = follow_relro(r, &only, &stop_why);
            if (fr < 0) {
                return; /* the program ended */
            }
            if (fr == 1 && !seal_ranges(r, relro, n, "relro")) {
                goto fail;
            }
            if (fr == 0) {
                warnx_("note: %s: RELRO left unsealed: %s", name, stop_why);
            }
        }
    }
    as_log(AS_LEVEL_INFO,
           "event=launcher target=%s pid=%d mode=%s sealed-bytes=%lu calls=%lu holes=%lu config=%s",
           r->l->image, (int)pid, as_mode_name(r->l->policy.mode), r->bytes, r->stats.calls,
           r->stats.holes, r->l->config_used);
    detach(r);
    return;

fail:
    if (r->t.exited) {
        if (WIFSIGNALED(r->t.wstatus) && WTERMSIG(r->t.wstatus) == SIGSYS) {
            warnx_("%s was killed by SIGSYS at its first mseal: a seccomp filter kills on "
                   "mseal; allow mseal (systemd: SystemCallFilter=mseal) or run it without "
                   "autoseal", name);
        }
        return; /* it ended (killed?) while being sealed */
    }
    warnx_("%s: %s: it runs %s", name, r->failure,
           r->bytes ? "with what was sealed so far" : "unsealed");
fail_quiet:
    if (stop_why && !r->failure[0]) {
        as_log(AS_LEVEL_INFO, "event=launcher-skip target=%s msg=\"%s\"", r->l->image, stop_why);
    }
    if (!r->t.exited) {
        detach(r);
    }
}

/* Would mseal kill the program?  Its seccomp filter at exec is ours (the
 * child adds none).  The library's own startup check answers it: with a
 * filter in force a probe child makes the call first, so that a filter that
 * kills on mseal (or one that cannot be probed) costs the seals, not the
 * program. */
static bool mseal_killed_by_filter(void)
{
    int filters;
    int a = as_avail_at_startup(&filters);
    return a == AS_AVAIL_NO_KILL || a == AS_AVAIL_NO_PROBE;
}

/* ---- the helper that traces this process ----
 *
 * The program keeps the PID autoseal was started with: this process execs
 * it, and a short-lived helper (a grandchild, so that nobody has to reap
 * it: it is reparented) seizes this process before the exec, seals the
 * program at its first stop after execve, detaches and exits.  A
 * supervisor sees the program as the process it started (systemd's main
 * PID), its signals reach the program once, and the exit status is the
 * program's own.  Handshake over two pipes: the helper sends its PID, this
 * process allows it to trace (Yama ptrace_scope 1: PR_SET_PTRACER), the
 * helper seizes and answers 'A' (attached) or 'F' (it printed why not). */

static bool read_all(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        got += (size_t)r;
    }
    return true;
}

static bool write_all(int fd, const void *buf, size_t n)
{
    size_t put = 0;
    while (put < n) {
        ssize_t r = write(fd, (const char *)buf + put, n - put);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        put += (size_t)r;
    }
    return true;
}

static AS_NORETURN void tracer_main(const struct launch *l, bool seal_image, pid_t target,
                                    int up, int down)
{
    /* The terminal's and a supervisor's signals are for the program (the
     * helper is in its process group and cgroup): being killed half-way
     * would kill the program too (PTRACE_O_EXITKILL). */
    static const int quiet[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGALRM};
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        signal(quiet[i], SIG_IGN);
    }
    /* stdin and stdout are the program's: a reader must see its EOF */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        if (null > 1) {
            close(null);
        }
    }
    pid_t me = getpid();
    char ok = 0;
    if (!write_all(up, &me, sizeof me) || !read_all(down, &ok, 1)) {
        _exit(0); /* the launcher went away: nothing to trace */
    }
    long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SEIZE, target, 0, (void *)opts) != 0) {
        if (errno == ESRCH) {
            _exit(0); /* the launcher died (a signal): nothing to say */
        }
        warnx_("cannot trace %s (ptrace: %s; Yama ptrace_scope, a seccomp filter or a "
               "container policy?): it runs unsealed", l->argv[0], strerror(errno));
        (void)write_all(up, "F", 1);
        _exit(0);
    }
    (void)write_all(up, "A", 1);
    close(up);
    close(down);
    long page = sysconf(_SC_PAGESIZE);
    struct run r;
    memset(&r, 0, sizeof r);
    r.l = l;
    r.t.pid = target;
    r.page = page > 0 ? (size_t)page : 4096;
    r.audit = l->policy.mode == AS_MODE_AUDIT;
    r.seal_image = seal_image;
    trace(&r);
    fflush(NULL);
    _exit(0);
}

/* Start the helper and wait until it has seized this process.  false: it
 * could not (a line was printed); the program is to run unsealed. */
static bool start_tracer(const struct launch *l, bool seal_image)
{
    int up[2], down[2];
    if (pipe2(up, O_CLOEXEC) != 0) {
        warn_errno("pipe");
        return false;
    }
    if (pipe2(down, O_CLOEXEC) != 0) {
        warn_errno("pipe");
        close(up[0]);
        close(up[1]);
        return false;
    }
    pid_t target = getpid();
    fflush(NULL);
    pid_t mid = fork();
    if (mid == 0) {
        close(up[0]);
        close(down[1]);
        pid_t t = fork();
        if (t == 0) {
            tracer_main(l, seal_image, target, up[1], down[0]);
        }
        _exit(t > 0 ? 0 : 1);
    }
    close(up[1]);
    close(down[0]);
    bool attached = false;
    pid_t helper = 0;
    int st = 0;
    if (mid < 0) {
        warn_errno("fork");
    } else {
        while (waitpid(mid, &st, 0) < 0 && errno == EINTR) {
        }
        if (!read_all(up[0], &helper, sizeof helper) || helper <= 0) {
            warnx_("the tracing helper did not start: %s runs unsealed", l->argv[0]);
        } else {
            /* Yama ptrace_scope 1 lets only ancestors trace, unless asked;
             * without Yama there is nothing to ask (EINVAL) */
            (void)prctl(PR_SET_PTRACER, (unsigned long)helper, 0L, 0L, 0L);
            char c = 0;
            attached = write_all(down[1], "G", 1) && read_all(up[0], &c, 1) && c == 'A';
        }
    }
    close(up[0]);
    close(down[1]);
    return attached;
}

void launcher_run(const struct launch *l)
{
    const struct as_policy *p = &l->policy;
    bool mdwe = p->execmem == AS_EXECMEM_KERNEL && p->mode != AS_MODE_OFF;
    as_log_configure(p, false);
    if (p->mode == AS_MODE_OFF) {
        exec_program(l, false);
    }
    bool seal_image = !prog_policy_excludes(p, l->image);
    if (!seal_image && p->vdso != AS_VDSO_SEAL) {
        as_log(AS_LEVEL_INFO, "event=excluded target=%s", l->image);
        exec_program(l, mdwe); /* nothing to seal; MDWE needs no tracing */
    }
    struct file_facts f;
    file_facts_of(l->image, &f);
    if (f.setuid || f.setgid || f.caps) {
        warnx_("%s is %s: autoseal run does not trace privileged programs; it runs unsealed",
               l->image, f.caps ? "a file-capability program" : f.setuid ? "setuid" : "setgid");
        exec_program(l, mdwe);
    }
    if (!tracee_supported()) {
        warnx_("sealing static programs from outside needs x86-64: %s runs unsealed", l->argv[0]);
        exec_program(l, mdwe);
    }

    /* An inherited SIGCHLD=SIG_IGN would reap the helper's parent behind
     * our back: the default until the exec, then what was inherited. */
    struct sigaction chld, dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &dfl, &chld);
    if (p->mode != AS_MODE_AUDIT && mseal_killed_by_filter()) {
        warnx_("mseal is killed by the seccomp filter in force: %s runs unsealed; allow mseal "
               "(systemd: SystemCallFilter=mseal)", l->argv[0]);
        sigaction(SIGCHLD, &chld, NULL);
        exec_program(l, mdwe);
    }
    /* traced from here on: the helper seals the program at the exec (when
     * it could not start or attach it said why: the program runs unsealed) */
    (void)start_tracer(l, seal_image);
    sigaction(SIGCHLD, &chld, NULL);
    exec_program(l, mdwe);
}

