/* When a seal makes the kernel refuse a program's call, autoseal says so:
 * one event=seal-refused line per (call, object), naming the object from
 * /proc/self/maps (issue 12 item 10).
 *
 *   e2e_seal_refused enforce|audit
 *
 * Runs with libautoseal preloaded and AUTOSEAL_OPTIONS=...,log=stderr; the
 * program sends its own stderr to a file, makes the calls, reads the file
 * back and counts the lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096ul

__attribute__((noinline)) static int victim(int x)
{
    return x + 1;
}

static int count(const char *log, const char *needle1, const char *needle2)
{
    int n = 0;
    for (const char *p = log; (p = strstr(p, needle1)) != NULL; p++) {
        const char *eol = strchr(p, '\n');
        size_t l = eol ? (size_t)(eol - p) : strlen(p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(l < sizeof line - 1 ? l : sizeof line - 1), p);
        if (needle2 == NULL || strstr(line, needle2)) {
            n++;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "enforce") && strcmp(argv[1], "audit"))) {
        fprintf(stderr, "usage: %s enforce|audit\n", argv[0]);
        return 2;
    }
    bool enforce = strcmp(argv[1], "enforce") == 0;
    char logpath[] = "/tmp/as-seal-refused-XXXXXX";
    int lf = mkstemp(logpath);
    int saved = dup(2);
    if (lf < 0 || saved < 0 || dup2(lf, 2) < 0) {
        perror("log file");
        return 1;
    }
    unlink(logpath);
    int fails = 0;
#define CHECK(c, ...)                                    \
    do {                                                 \
        if (!(c)) {                                      \
            dprintf(saved, "FAIL " __VA_ARGS__);         \
            dprintf(saved, "\n");                        \
            fails++;                                     \
        }                                                \
    } while (0)

    /* the program's text: sealed by autoseal (enforce), not in audit mode */
    uintptr_t text = (uintptr_t)victim & ~(PAGE - 1);
    for (int i = 0; i < 3; i++) {
        int r = mprotect((void *)text, PAGE, PROT_READ | PROT_EXEC);
        CHECK(enforce ? (r == -1 && errno == EPERM) : r == 0, "mprotect text: %d %s", r,
              strerror(errno));
    }
    int r = 0;
    if (enforce) { /* (in audit mode it would succeed and take our code with it) */
        r = munmap((void *)text, PAGE);
        CHECK(r == -1 && errno == EPERM, "munmap text: %d %s", r, strerror(errno));
    }

    /* memory the program sealed itself: in both modes */
    void *own = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(own != MAP_FAILED && syscall(462, own, PAGE, 0) == 0, "mseal own page: %s",
          strerror(errno));
    r = mprotect(own, PAGE, PROT_READ | PROT_WRITE);
    CHECK(r == -1 && errno == EPERM, "mprotect own sealed page: %d", r);
    r = munmap(own, PAGE);
    CHECK(r == -1 && errno == EPERM, "munmap own sealed page: %d", r);

    /* EPERM without a memory seal: a memfd with F_SEAL_WRITE mapped shared
     * writable.  No seal-refused line. */
    int mfd = memfd_create("as-test", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    CHECK(mfd >= 0 && ftruncate(mfd, PAGE) == 0 && fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE) == 0,
          "memfd: %s", strerror(errno));
    void *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    CHECK(m == MAP_FAILED && errno == EPERM, "memfd write mapping: %p %s", m, strerror(errno));

    /* errno is the kernel's, unchanged by the logging */
    errno = 0;
    r = munmap(own, PAGE);
    CHECK(r == -1 && errno == EPERM, "errno after logged refusal: %s", strerror(errno));

    fflush(stderr);
    char log[16384];
    ssize_t n = pread(lf, log, sizeof log - 1, 0);
    log[n > 0 ? n : 0] = '\0';
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 0] = '\0';
    char objself[4200];
    snprintf(objself, sizeof objself, "object=%s", self);
    int mp_text = count(log, "event=seal-refused call=mprotect ", objself);
    int mu_text = count(log, "event=seal-refused call=munmap ", objself);
    int mp_own = count(log, "event=seal-refused call=mprotect ", "object=[anonymous]");
    int mu_own = count(log, "event=seal-refused call=munmap ", "object=[anonymous]");
    int mm = count(log, "event=seal-refused call=mmap ", NULL);
    CHECK(mp_text == (enforce ? 1 : 0), "mprotect text lines: %d (3 refusals, want one line)",
          mp_text);
    CHECK(mu_text == (enforce ? 1 : 0), "munmap text lines: %d", mu_text);
    CHECK(mp_own == 1, "mprotect own page lines: %d", mp_own);
    CHECK(mu_own == 1, "munmap own page lines: %d (2 refusals, want one line)", mu_own);
    CHECK(mm == 0, "a seal-refused line for an EPERM that is no seal: %d", mm);
    dup2(saved, 2);
    if (fails) {
        fprintf(stderr, "log was:\n%s", log);
        return 1;
    }
    printf("PASS seal-refused %s: text mprotect %d munmap %d, own page mprotect %d munmap %d\n",
           argv[1], mp_text, mu_text, mp_own, mu_own);
    return 0;
}
