/* A static test program that checks nothing itself: it answers commands on
 * stdin so that the test can probe it from outside while it runs.
 *   ready line:  "ready PID RELRO_ADDR POINTER_VALUE"
 *   mprotect     mprotect(own text page, RWX)          -> "mprotect OK|EPERM|..."
 *   relro        mprotect(RELRO page, RW)              -> "relro OK|EPERM|..."
 *   rwx          mmap(anonymous, RWX)                  -> "rwx OK|EACCES|..."
 *   echo WORD    -> "echo WORD"  (stdin passes through)
 *   exit N       -> exit(N)
 *   raise SIG    -> raise(SIG)
 * SIGUSR1 prints "usr1". */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Relocated in a static-pie: in RELRO (.data.rel.ro). */
__attribute__((section(".data.rel.ro"))) static const char *const words[] = {"alpha", "beta",
                                                                         "gamma"};
static volatile sig_atomic_t usr1;

static void on_usr1(int s)
{
    (void)s;
    usr1 = 1;
}

static const char *ename(int e)
{
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    default: return strerror(e);
    }
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t text = (uintptr_t)(void *)main & ~(uintptr_t)(page - 1);
    uintptr_t relro = (uintptr_t)&words[1] & ~(uintptr_t)(page - 1);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready %d %#lx %s\n", (int)getpid(), (unsigned long)relro, words[1]);
    char line[256];
    for (;;) {
        if (fgets(line, sizeof line, stdin) == NULL) {
            if (errno == EINTR || (ferror(stdin) && errno == EINTR)) {
                clearerr(stdin);
            } else {
                return 0;
            }
        }
        if (usr1) {
            usr1 = 0;
            printf("usr1\n");
        }
        line[strcspn(line, "\n")] = '\0';
        if (!strcmp(line, "mprotect")) {
            int r = mprotect((void *)text, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC);
            printf("mprotect %s\n", ename(r ? errno : 0));
            if (r == 0) {
                mprotect((void *)text, (size_t)page, PROT_READ | PROT_EXEC);
            }
        } else if (!strcmp(line, "relro")) {
            int r = mprotect((void *)relro, (size_t)page, PROT_READ | PROT_WRITE);
            printf("relro %s\n", ename(r ? errno : 0));
        } else if (!strcmp(line, "rwx")) {
            void *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            printf("rwx %s\n", ename(p == MAP_FAILED ? errno : 0));
        } else if (!strncmp(line, "echo ", 5)) {
            printf("echo %s\n", line + 5);
        } else if (!strncmp(line, "exit ", 5)) {
            exit(atoi(line + 5));
        } else if (!strncmp(line, "raise ", 6)) {
            raise(atoi(line + 6));
        } else if (!strcmp(line, "usr1?")) {
            printf("usr1? %d\n", (int)usr1);
        } else if (line[0]) {
            printf("unknown %s\n", line);
        }
    }
}
