/* autoseal.h - seal a program's own security-critical memory with mseal(2).
 *
 * Link with `pkg-config --cflags --libs autoseal` (library libautoseal-api).
 * Linking this library seals nothing by itself: memory is sealed only when
 * the program calls one of the functions below.  It works with or without
 * the LD_PRELOAD library libautoseal.so.  docs/api.md has the full contract.
 *
 * Conventions: functions returning int return 0 on success and a negative
 * errno value on failure (autoseal_protect() also returns a positive errno,
 * see there); they never change errno and never allocate.  All functions
 * are thread-safe.  Addresses and lengths must be page-aligned: nothing is
 * ever rounded beyond what the caller passed. */
#ifndef AUTOSEAL_H
#define AUTOSEAL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define AUTOSEAL_EXPORT __attribute__((visibility("default")))
#else
#define AUTOSEAL_EXPORT
#endif

/* Version of this API (incremented on additions). */
#define AUTOSEAL_API_VERSION 1

/* Name of the section holding AUTOSEAL_RO_AFTER_INIT variables. */
#define AUTOSEAL_RO_AFTER_INIT_SECTION autoseal_ro_after_init

/* 1 if this process can seal memory, 0 if not (kernel older than 6.10,
 * 32-bit kernel, or a seccomp filter answering ENOSYS/EPERM).  The answer
 * of a side-effect-free probe (mseal of an empty range), cached, and
 * updated whenever autoseal_seal() sees the kernel refuse. */
AUTOSEAL_EXPORT int autoseal_available(void);

/* The page size the addresses and lengths below must be multiples of. */
AUTOSEAL_EXPORT size_t autoseal_pagesize(void);

/* Seal [addr, addr+len): afterwards mprotect, munmap, mremap and
 * mmap(MAP_FIXED) over the range fail with EPERM for the life of the
 * process.  The range must be mapped; its protection is not changed.
 *   0        sealed (sealing an already sealed range succeeds again)
 *   -EINVAL  addr not page-aligned, len zero or not a multiple of the page
 *            size, or addr+len overflows (nothing is rounded)
 *   -ENOMEM  some page of the range is not mapped (nothing sealed)
 *   -ENOSYS  the kernel cannot seal here: no mseal(2), or a seccomp filter
 *            answered ENOSYS or EPERM (nothing sealed)
 *   other    another -errno from mseal(2) */
AUTOSEAL_EXPORT int autoseal_seal(void *addr, size_t len);

/* Change the protection of [addr, addr+len) to prot (PROT_NONE or an OR of
 * PROT_READ, PROT_WRITE, PROT_EXEC), then seal it.  Same alignment rules as
 * autoseal_seal().
 *   0        protection changed and range sealed
 *   < 0      -errno of the protection step, nothing sealed: -EINVAL (bad
 *            alignment or length, or prot has other bits), -ENOMEM (not
 *            mapped), -EPERM (already sealed, or refused by policy),
 *            -EACCES; the protection is unchanged except where the kernel
 *            itself applies mprotect(2) partially (see docs/api.md)
 *   > 0      protection CHANGED but the range is NOT sealed; the value is
 *            the positive errno of the seal step: ENOSYS when the kernel
 *            cannot seal (as for autoseal_seal), else another errno
 * So `rc < 0`: nothing done; `rc > 0`: protected only; `rc == 0`: both. */
AUTOSEAL_EXPORT int autoseal_protect(void *addr, size_t len, int prot);

/* Page-backed memory that autoseal_protect() can later freeze: a private
 * anonymous mapping (never malloc memory) of size rounded up to whole pages,
 * readable and writable, zero-filled, page-aligned.  Returns NULL and sets
 * errno (EINVAL for size 0, ENOMEM) on failure; the only function here that
 * sets errno. */
AUTOSEAL_EXPORT void *autoseal_alloc(size_t size);

/* Unmap memory from autoseal_alloc(); size is the size that was given to
 * autoseal_alloc().  autoseal_free(NULL, n) does nothing and returns 0.
 *   0        unmapped
 *   -EINVAL  addr not page-aligned or size 0
 *   -EPERM   the memory is sealed: sealed memory can never be unmapped and
 *            stays mapped until the process exits (nothing is unmapped) */
AUTOSEAL_EXPORT int autoseal_free(void *addr, size_t size);

/* Read-only after init: the userspace counterpart of the kernel's
 * __ro_after_init.  Mark global or static variables that are written during
 * initialisation:
 *
 *     static AUTOSEAL_RO_AFTER_INIT struct config cfg;
 *
 * They are placed in their own section, which the linker script that
 * `pkg-config --libs autoseal` adds (autoseal-api.ld) aligns and pads to
 * whole pages, outside PT_GNU_RELRO.  autoseal_lock() makes it read-only
 * and seals it.  Do not combine with const.  Works for the main program
 * and for shared libraries: each object's own section is registered by a
 * constructor that this header adds to every translation unit including it
 * (registration only records the range; nothing is sealed before
 * autoseal_lock()).  Define AUTOSEAL_NO_SECTION_HOOK to leave it out. */
#if defined(__GNUC__) /* GCC and Clang */
#define AUTOSEAL_RO_AFTER_INIT __attribute__((section("autoseal_ro_after_init")))
#else
#error "AUTOSEAL_RO_AFTER_INIT needs GCC or Clang"
#endif

/* Make every registered AUTOSEAL_RO_AFTER_INIT section (of the main program
 * and of each loaded shared object that includes this header) read-only,
 * then seal it.  Call it once initialisation is over; calling it again is
 * harmless and also locks sections of objects loaded since.
 *   0        every registered section is read-only and sealed (or there is
 *            none)
 *   -ENOSYS  every section is read-only, but the kernel cannot seal (see
 *            autoseal_seal()): the data stays read-only, not sealed
 *   -EINVAL  some object's section is not page-aligned at both ends (it was
 *            linked without autoseal-api.ld): that section was left
 *            writable; the others were locked
 *   -ENOSPC  more objects registered than the library can track (64): the
 *            extra ones were left writable
 *   other    -errno of mprotect or mseal for some section (e.g. -EPERM when
 *            libautoseal.so's data=seal already sealed it writable) */
AUTOSEAL_EXPORT int autoseal_lock(void);

/* ---- Implementation details: not part of the API ---------------------- */
AUTOSEAL_EXPORT int autoseal__register(void *start, void *stop);
AUTOSEAL_EXPORT void autoseal__unregister(void *start, void *stop);

#if !defined(AUTOSEAL_NO_SECTION_HOOK)
/* Hidden: each object (executable or shared library) sees its own section.
 * Weak: an object without AUTOSEAL_RO_AFTER_INIT variables sees NULL. */
extern char __start_autoseal_ro_after_init[]
    __attribute__((weak, visibility("hidden")));
extern char __stop_autoseal_ro_after_init[]
    __attribute__((weak, visibility("hidden")));

__attribute__((constructor, used)) static void autoseal__hook_register(void)
{
    /* No comparison here: the compiler may assume two symbols differ.
     * autoseal__register() ignores an empty or absent (NULL) section. */
    (void)autoseal__register(__start_autoseal_ro_after_init,
                             __stop_autoseal_ro_after_init);
}

__attribute__((destructor, used)) static void autoseal__hook_unregister(void)
{
    autoseal__unregister(__start_autoseal_ro_after_init,
                         __stop_autoseal_ro_after_init);
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* AUTOSEAL_H */
