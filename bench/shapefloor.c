/* The shape floor: a preload library shaped like libautoseal.so - the same
 * exported functions, about the same .text, .rodata, RELRO and .bss sizes
 * (bench/common.sh bench_shape passes them from the library measured) -
 * and an empty constructor.  What autoseal's `mode=off` costs above this is
 * what its constructor does besides sealing; what the shape floor costs
 * above the empty preload is the price of the library's size and exports.
 * For startup measurements only: the exports are plain forwarders
 * (memory calls as raw system calls, dl* through dlvsym(RTLD_NEXT) on
 * first use, so dlsym(RTLD_NEXT) called through it resolves from here). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef TEXT_BYTES
#define TEXT_BYTES 53248
#endif
#ifndef RO_BYTES
#define RO_BYTES 16384
#endif
#ifndef RELRO_BYTES
#define RELRO_BYTES 12288
#endif
#ifndef BSS_BYTES
#define BSS_BYTES 290000
#endif

#define EXPORT __attribute__((visibility("default")))
#pragma GCC diagnostic ignored "-Wmissing-prototypes" /* no libc headers' prototypes here */

#define STR_(x) #x
#define STR(x) STR_(x)
__asm__(".pushsection .text\n.p2align 4\n.skip " STR(TEXT_BYTES) ", 0xcc\n.popsection");

__attribute__((used)) static const unsigned char ro_pad[RO_BYTES] = {1};
/* RELRO: a page-aligned object, as autoseal's frozen pages */
__attribute__((used, aligned(4096))) static const void *const relro_pad[RELRO_BYTES / 8] = {
    &relro_pad};
__attribute__((used)) static unsigned char bss_pad[BSS_BYTES];

EXPORT const int autoseal_preload_abi = 0;

EXPORT void *mmap(void *a, size_t l, int p, int f, int fd, off_t o)
{
    return (void *)syscall(SYS_mmap, a, l, p, f, fd, o);
}
EXPORT void *mmap64(void *a, size_t l, int p, int f, int fd, off_t o)
{
    return (void *)syscall(SYS_mmap, a, l, p, f, fd, o);
}
EXPORT int mprotect(void *a, size_t l, int p)
{
    return (int)syscall(SYS_mprotect, a, l, p);
}
EXPORT int pkey_mprotect(void *a, size_t l, int p, int k)
{
    return (int)syscall(SYS_pkey_mprotect, a, l, p, k);
}
EXPORT int munmap(void *a, size_t l)
{
    return (int)syscall(SYS_munmap, a, l);
}
EXPORT int madvise(void *a, size_t l, int adv)
{
    return (int)syscall(SYS_madvise, a, l, adv);
}
EXPORT ssize_t process_madvise(int fd, const void *iov, size_t n, int adv, unsigned fl)
{
    return syscall(SYS_process_madvise, fd, iov, n, adv, fl);
}
EXPORT int personality(unsigned long p)
{
    return (int)syscall(SYS_personality, p);
}
EXPORT void *shmat(int id, const void *a, int fl)
{
    return (void *)syscall(SYS_shmat, id, a, fl);
}
EXPORT void *mremap(void *a, size_t ol, size_t nl, int fl, ...)
{
    va_list ap;
    va_start(ap, fl);
    void *na = va_arg(ap, void *);
    va_end(ap);
    return (void *)syscall(SYS_mremap, a, ol, nl, fl, na);
}

static void *real(const char *name)
{
    return dlvsym(RTLD_NEXT, name, "GLIBC_2.34");
}
EXPORT void *dlopen(const char *f, int m)
{
    void *(*fn)(const char *, int) = (void *(*)(const char *, int))real("dlopen");
    return fn(f, m);
}
EXPORT void *dlmopen(Lmid_t ns, const char *f, int m)
{
    void *(*fn)(Lmid_t, const char *, int) = (void *(*)(Lmid_t, const char *, int))real("dlmopen");
    return fn(ns, f, m);
}
EXPORT void *dlsym(void *h, const char *s)
{
    void *(*fn)(void *, const char *) = (void *(*)(void *, const char *))real("dlsym");
    return fn(h, s);
}
EXPORT int dlclose(void *h)
{
    int (*fn)(void *) = (int (*)(void *))real("dlclose");
    return fn(h);
}

__attribute__((constructor)) static void shapefloor(void)
{
}
