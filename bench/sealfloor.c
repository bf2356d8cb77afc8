/* The seal floor: a preload library that makes exactly the mseal(2) calls
 * libautoseal.so makes at startup (default profile) and nothing else - no
 * policy, no configuration, no seccomp check, no tracker.  What autoseal
 * costs above this is what it spends besides sealing.  libc only.
 *
 * Per object (dl_iterate_phdr, vDSO skipped): the non-writable PT_LOAD
 * segments and PT_GNU_RELRO rounded down at both ends, adjacent ranges
 * coalesced, one call per range; ld.so's RELRO without the page(s) holding
 * an int equal to PROT_GROWSDOWN (its __stack_prot, as ldso-relro=safe);
 * this library's own RELRO last, in a call of its own (autoseal seals its
 * RELRO after storing its frozen page).  Checked against autoseal with
 * strace (bench/check-floor.sh). */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096ul
#define DOWN(x) ((uintptr_t)(x) & ~(PG - 1))
#define UP(x) DOWN((uintptr_t)(x) + PG - 1)

static uintptr_t own_s, own_e;

static void seal(uintptr_t s, uintptr_t e)
{
    if (e > s) {
        (void)syscall(462, s, e - s, 0);
    }
}

static int cb(struct dl_phdr_info *in, size_t size, void *data)
{
    (void)size;
    (void)data;
    uintptr_t s[16], e[16], rs = 0, re = 0, ra = 0, mine = (uintptr_t)&own_s;
    int n = 0, own = 0;
    uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);
    for (int i = 0; i < in->dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &in->dlpi_phdr[i];
        uintptr_t a = in->dlpi_addr + p->p_vaddr;
        if (p->p_type == PT_LOAD && mine >= a && mine < a + p->p_memsz) {
            own = 1;
        }
        if (p->p_type == PT_LOAD && vdso >= a && vdso < a + p->p_memsz) {
            return 0; /* the vDSO */
        }
        if (p->p_type == PT_LOAD && !(p->p_flags & PF_W) && n < 15) {
            s[n] = DOWN(a), e[n++] = UP(a + p->p_memsz);
        } else if (p->p_type == PT_GNU_RELRO) {
            rs = DOWN(a), re = DOWN(a + p->p_memsz), ra = a;
        }
    }
    if (in->dlpi_phnum == 0) {
        return 0;
    }
    if (own) {
        own_s = rs, own_e = re; /* sealed last */
    } else if (re > rs && in->dlpi_addr == getauxval(AT_BASE)) {
        /* every page holding a candidate stays unsealed */
        uintptr_t from = rs;
        for (const int *v = (const int *)ra; v < (const int *)re && n < 14; v++) {
            if ((*v == 0x01000000 || *v == 0x01000003) && DOWN(v) >= from) {
                s[n] = from, e[n++] = DOWN(v);
                from = DOWN(v) + PG;
            }
        }
        s[n] = from, e[n++] = re;
    } else if (re > rs) {
        s[n] = rs, e[n++] = re;
    }
    /* sort (n is tiny) and coalesce adjacent ranges */
    for (int i = 1; i < n; i++) {
        for (int j = i; j > 0 && s[j - 1] > s[j]; j--) {
            uintptr_t t = s[j]; s[j] = s[j - 1]; s[j - 1] = t;
            t = e[j]; e[j] = e[j - 1]; e[j - 1] = t;
        }
    }
    for (int i = 0; i < n;) {
        uintptr_t a = s[i], b = e[i++];
        if (b <= a) {
            continue;
        }
        while (i < n && s[i] <= b) {
            b = e[i] > b ? e[i] : b;
            i++;
        }
        seal(a, b);
    }
    return 0;
}

__attribute__((constructor)) static void sealfloor(void)
{
    dl_iterate_phdr(cb, NULL);
    seal(own_s, own_e);
}
