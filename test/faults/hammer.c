/* libfaults-hammer.so: preloaded next to libautoseal.  Its constructor
 * starts HAMMER_THREADS threads that map, protect, verify and unmap memory
 * in a loop, so that they run while libautoseal initialises (or right
 * after, depending on the constructor order).  hammer_join() waits for
 * them and returns the number of wrong results. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HAMMER_THREADS 200
#define HAMMER_ROUNDS 40

static pthread_t threads[HAMMER_THREADS];
static int started;
static unsigned long failures;
static unsigned long operations;

static void fail(void)
{
    __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

static void *work(void *arg)
{
    uintptr_t id = (uintptr_t)arg;
    const size_t pg = 4096;
    for (int round = 0; round < HAMMER_ROUNDS; round++) {
        unsigned char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            fail();
            continue;
        }
        unsigned char v = (unsigned char)(id * 31 + (uintptr_t)round);
        memset(m, v, 3 * pg);
        /* split the mapping, make the middle read-only, then writable again */
        if (mprotect(m + pg, pg, PROT_READ) != 0) {
            fail();
        }
        for (size_t i = 0; i < 3 * pg; i += 512) {
            if (m[i] != v) {
                fail();
                break;
            }
        }
        if (mprotect(m + pg, pg, PROT_READ | PROT_WRITE) != 0) {
            fail();
        }
        m[pg] = (unsigned char)(v + 1);
        if (m[pg] != (unsigned char)(v + 1)) {
            fail();
        }
        if (munmap(m, 3 * pg) != 0) {
            fail();
        }
        __atomic_add_fetch(&operations, 4, __ATOMIC_RELAXED);
    }
    return NULL;
}

__attribute__((constructor)) static void hammer_start(void)
{
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 * 1024);
    for (int i = 0; i < HAMMER_THREADS; i++) {
        int e = pthread_create(&threads[i], &a, work, (void *)(uintptr_t)i);
        if (e != 0) {
            char msg[96];
            int n = snprintf(msg, sizeof msg, "hammer: pthread_create %d: %s\n", i, strerror(e));
            if (write(2, msg, (size_t)n) < 0) {
                /* nothing to do */
            }
            fail();
            break;
        }
        started++;
    }
    pthread_attr_destroy(&a);
}

/* Join every thread; returns the number of failures (calls that failed,
 * memory that read back wrong, threads that could not start). */
__attribute__((visibility("default"))) unsigned long hammer_join(unsigned long *ops);
unsigned long hammer_join(unsigned long *ops)
{
    for (int i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
    }
    if (started != HAMMER_THREADS) {
        fail();
    }
    *ops = operations;
    return failures;
}
