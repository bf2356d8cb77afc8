/* Runtime rules through the interposers, from a real process.
 *   e2e_runtime allow|deny   expected outcome of the W^X / execmem calls
 * Proves that each interposer is reached (a named version node in the
 * version script would silently bypass them) and that errno is exactly
 * what the rule or the kernel says. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "maps.h"

extern int e2e_early_errno;
extern void *e2e_early_addr;


#define RWX (PROT_READ | PROT_WRITE | PROT_EXEC)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static void expect_mmap(void *r, int err, bool deny, const char *what)
{
    if (deny) {
        CHECK(r == MAP_FAILED && err == EACCES, "%s: expected EACCES, got %p errno=%d", what, r, err);
    } else {
        CHECK(r != MAP_FAILED, "%s: expected success, errno=%d", what, err);
    }
}

static void *hammer(void *arg)
{
    long *ok = arg;
    for (int i = 0; i < 2000; i++) {
        char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, ANON, -1, 0);
        if (p == MAP_FAILED) {
            continue;
        }
        p[0] = 1;
        if (mprotect(p, 4096, PROT_READ) == 0 && mprotect(p, 4096, PROT_READ | PROT_WRITE) == 0 &&
            munmap(p, 8192) == 0) {
            __atomic_add_fetch(ok, 1, __ATOMIC_RELAXED);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s allow|deny\n", argv[0]);
        return 2;
    }
    bool deny = strcmp(argv[1], "deny") == 0;
    long pg = sysconf(_SC_PAGESIZE);

    /* from a library constructor, before autoseal's constructor */
    CHECK((e2e_early_errno == EACCES) == deny, "early constructor mmap errno=%d", e2e_early_errno);

    errno = 0;
    void *r = mmap(NULL, (size_t)pg, RWX, ANON, -1, 0);
    expect_mmap(r, errno, deny, "mmap rwx");
    errno = 0;
    r = mmap64(NULL, (size_t)pg, RWX, ANON, -1, 0);
    expect_mmap(r, errno, deny, "mmap64 rwx");
    errno = 0;
    r = mmap(NULL, (size_t)pg, PROT_READ | PROT_EXEC, ANON, -1, 0);
    expect_mmap(r, errno, deny, "mmap anon exec");

    char *rw = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, ANON, -1, 0);
    CHECK(rw != MAP_FAILED, "mmap rw");
    errno = 0;
    int m = mprotect(rw, (size_t)pg, RWX);
    CHECK(deny ? (m == -1 && errno == EACCES) : m == 0, "mprotect rw->rwx r=%d errno=%d", m, errno);
    errno = 0;
    m = pkey_mprotect(rw, (size_t)pg, PROT_READ | PROT_EXEC, -1);
    CHECK(deny ? (m == -1 && errno == EACCES) : m == 0, "pkey_mprotect ->rx r=%d errno=%d", m, errno);

    int id = shmget(IPC_PRIVATE, (size_t)pg, IPC_CREAT | 0600);
    if (id >= 0) {
        errno = 0;
        void *s = shmat(id, NULL, SHM_EXEC);
        CHECK(deny ? (s == (void *)-1 && errno == EACCES) : s != (void *)-1,
              "shmat SHM_EXEC %p errno=%d", s, errno);
        if (s != (void *)-1) {
            shmdt(s);
        }
        shmctl(id, IPC_RMID, NULL);
    }

    /* calls no rule touches: exactly the kernel's answers and errno */
    errno = 1234;
    void *ok = mmap(NULL, (size_t)pg, PROT_READ, ANON, -1, 0);
    CHECK(ok != MAP_FAILED && errno == 1234, "plain mmap changed errno to %d", errno);
    errno = 0;
    r = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE, -1, 0); /* EBADF from the kernel */
    CHECK(r == MAP_FAILED && errno == EBADF, "mmap bad fd errno=%d", errno);
    errno = 0;
    r = mmap(NULL, (size_t)pg, PROT_READ, ANON, -1, 1); /* unaligned offset: EINVAL */
    CHECK(r == MAP_FAILED && errno == EINVAL, "mmap bad offset errno=%d", errno);
    errno = 0;
    CHECK(mprotect((void *)1, 10, PROT_READ) == -1 && errno == EINVAL, "mprotect unaligned errno=%d", errno);
    errno = 0;
    void *mr = mremap(ok, (size_t)pg, 2 * (size_t)pg, MREMAP_MAYMOVE);
    CHECK(mr != MAP_FAILED, "mremap errno=%d", errno);
    errno = 0;
    CHECK(madvise(mr, (size_t)pg, MADV_DONTNEED) == 0, "madvise anon errno=%d", errno);

    /* several threads hammering the interposers */
    pthread_t th[8];
    long okc = 0;
    for (int i = 0; i < 8; i++) {
        pthread_create(&th[i], NULL, hammer, &okc);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
    }
    CHECK(okc == 8 * 2000, "hammer ok=%ld", okc);

    if (t_failures == 0) {
        printf("PASS runtime %s\n", argv[1]);
    }
    return t_failures ? 1 : 0;
}
