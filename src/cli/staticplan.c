#include "staticplan.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "elfinfo.h"

#ifndef NT_GNU_ABI_TAG
#define NT_GNU_ABI_TAG 1
#endif

int static_image_parse(const unsigned char *buf, size_t len, struct static_image *im,
                       size_t *need, char *err, size_t errlen)
{
    memset(im, 0, sizeof *im);
    bool is64 = false;
    if (elf_ident_check(buf, len, &is64, err, errlen) != 0) {
        return -1;
    }
    if (!is64 || __SIZEOF_POINTER__ != 8) {
        snprintf(err, errlen, "not a 64-bit ELF file on a 64-bit host");
        return -1;
    }
    if (len < sizeof(Elf64_Ehdr)) {
        *need = sizeof(Elf64_Ehdr);
        return 1;
    }
    Elf64_Ehdr eh;
    memcpy(&eh, buf, sizeof eh);
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        snprintf(err, errlen, "not an executable (e_type %u)", eh.e_type);
        return -1;
    }
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0) {
        snprintf(err, errlen, "no usable program header table");
        return -1;
    }
    if (eh.e_phnum > STATIC_PHNUM_MAX) {
        snprintf(err, errlen, "too many program headers (%u, limit %d)", eh.e_phnum,
                 STATIC_PHNUM_MAX);
        return -1;
    }
    if (eh.e_phoff > ((uint64_t)1 << 24)) {
        snprintf(err, errlen, "implausible program header offset 0x%llx",
                 (unsigned long long)eh.e_phoff);
        return -1;
    }
    uint64_t end = eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
    if (end > len) {
        *need = (size_t)end;
        return 1;
    }
    im->type = eh.e_type;
    im->machine = eh.e_machine;
    im->entry = eh.e_entry;
    im->phnum = eh.e_phnum;
    memcpy(im->ph, buf + eh.e_phoff, im->phnum * sizeof(Elf64_Phdr));
    bool load = false;
    for (size_t i = 0; i < im->phnum; i++) {
        const ElfW(Phdr) *p = &im->ph[i];
        switch (p->p_type) {
        case PT_LOAD:
            load = true;
            break;
        case PT_INTERP:
            im->interp = true;
            break;
        case PT_DYNAMIC:
            im->dynamic = true;
            break;
        case PT_GNU_RELRO:
            im->relro = true;
            break;
        case PT_NOTE:
            if (im->nnotes < sizeof im->note_off / sizeof im->note_off[0]) {
                im->note_off[im->nnotes] = p->p_offset;
                im->note_size[im->nnotes] = p->p_filesz;
                im->nnotes++;
            }
            break;
        default:
            break;
        }
    }
    if (!load) {
        snprintf(err, errlen, "no PT_LOAD segment");
        return -1;
    }
    return 0;
}

bool static_notes_have_abi_tag(const unsigned char *notes, size_t len)
{
    size_t off = 0;
    while (len - off >= 12) {
        uint32_t namesz, descsz, type;
        memcpy(&namesz, notes + off, 4);
        memcpy(&descsz, notes + off + 4, 4);
        memcpy(&type, notes + off + 8, 4);
        off += 12;
        size_t nsz = ((size_t)namesz + 3) & ~(size_t)3, dsz = ((size_t)descsz + 3) & ~(size_t)3;
        if (nsz < namesz || nsz > len - off) {
            return false;
        }
        if (type == NT_GNU_ABI_TAG && namesz == 4 && memcmp(notes + off, "GNU", 4) == 0) {
            return true;
        }
        off += nsz;
        if (dsz < descsz || dsz > len - off) {
            return false;
        }
        off += dsz;
    }
    return false;
}

bool static_bias(const struct static_image *im, uint64_t at_entry, size_t page, uintptr_t *bias)
{
    if (im->type == ET_EXEC) {
        *bias = 0;
        return at_entry == 0 || at_entry == im->entry;
    }
    uint64_t b = at_entry - im->entry;
    if (at_entry < im->entry || (b & (page - 1)) != 0) {
        return false;
    }
    *bias = (uintptr_t)b;
    return true;
}

int static_plan_initial(const struct static_image *im, uintptr_t bias, size_t page,
                        bool seal_data, struct as_range *out, size_t max)
{
    /* Without the RELRO header: the writable segment that holds RELRO stays
     * out entirely until the program has protected it. */
    ElfW(Phdr) ph[STATIC_PHNUM_MAX];
    size_t n = 0;
    for (size_t i = 0; i < im->phnum; i++) {
        if (im->ph[i].p_type != PT_GNU_RELRO) {
            ph[n++] = im->ph[i];
        }
    }
    struct as_layout_opts o = {.pagesize = page, .seal_data = seal_data && !im->relro,
                               .no_gaps = true};
    return as_object_ranges(ph, n, bias, &o, out, max);
}

int static_plan_after_relro(const struct static_image *im, uintptr_t bias, size_t page,
                            bool seal_data, struct as_range *out, size_t max)
{
    if (seal_data) {
        struct as_layout_opts o = {.pagesize = page, .seal_data = true, .no_gaps = true};
        return as_object_ranges(im->ph, im->phnum, bias, &o, out, max);
    }
    if (max < 1) {
        return -E2BIG;
    }
    return as_relro_range(im->ph, im->phnum, bias, page, &out[0]) ? 1 : 0;
}

bool static_mprotect_covers(const struct as_range *relro, uint64_t addr, uint64_t len,
                            uint64_t prot)
{
    if (prot & PROT_WRITE) {
        return false;
    }
    return addr <= relro->start && addr + len >= relro->end && addr + len >= addr;
}
