#include "elfinfo.h"

#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GNU_PROPERTY_X86_FEATURE_1_AND
#define GNU_PROPERTY_X86_FEATURE_1_AND 0xc0000002u
#endif
#ifndef GNU_PROPERTY_X86_FEATURE_1_IBT
#define GNU_PROPERTY_X86_FEATURE_1_IBT (1u << 0)
#endif
#ifndef GNU_PROPERTY_X86_FEATURE_1_SHSTK
#define GNU_PROPERTY_X86_FEATURE_1_SHSTK (1u << 1)
#endif
#ifndef GNU_PROPERTY_MEMORY_SEAL
#define GNU_PROPERTY_MEMORY_SEAL 3u
#endif
#ifndef PT_GNU_PROPERTY
#define PT_GNU_PROPERTY 0x6474e553
#endif
#ifndef NT_GNU_PROPERTY_TYPE_0
#define NT_GNU_PROPERTY_TYPE_0 5
#endif
#ifndef DF_1_PIE
#define DF_1_PIE 0x08000000
#endif

/* Bounds on hostile input: more than this is rejected, not walked. */
#define MAX_PHNUM 4096
#define MAX_DYN 65536
#define MAX_NEEDED 1024

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

void elf_info_free(struct elf_info *e)
{
    free(e->interp);
    for (size_t i = 0; i < e->nneeded; i++) {
        free(e->needed[i]);
    }
    free(e->needed);
    free(e->runpath);
    free(e->rpath);
    free(e->soname);
    memset(e, 0, sizeof *e);
}

static uint32_t rd32(const unsigned char *p, bool msb)
{
    return msb ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
               : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

/* Walk the properties in one NT_GNU_PROPERTY_TYPE_0 descriptor. */
static void parse_properties(struct elf_info *e, const unsigned char *d, size_t n, bool msb)
{
    size_t align = e->elfclass == 64 ? 8 : 4;
    size_t off = 0;
    e->has_properties = true;
    while (n - off >= 8) {
        uint32_t type = rd32(d + off, msb), sz = rd32(d + off + 4, msb);
        off += 8;
        if (sz > n - off) {
            return;
        }
        if (type == GNU_PROPERTY_X86_FEATURE_1_AND && sz >= 4) {
            uint32_t bits = rd32(d + off, msb);
            e->ibt = (bits & GNU_PROPERTY_X86_FEATURE_1_IBT) != 0;
            e->shstk = (bits & GNU_PROPERTY_X86_FEATURE_1_SHSTK) != 0;
        } else if (type == GNU_PROPERTY_MEMORY_SEAL) {
            e->memory_seal = true;
        }
        size_t adv = (sz + align - 1) & ~(align - 1);
        if (adv < sz || adv > n - off) {
            return;
        }
        off += adv;
    }
}

static void parse_notes(Elf *elf, struct elf_info *e, const GElf_Phdr *ph, size_t len, bool msb)
{
    if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset || ph->p_filesz == 0) {
        return;
    }
    Elf_Type t = ph->p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR;
    Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz, t);
    if (d == NULL || d->d_buf == NULL) {
        return;
    }
    size_t off = 0, name_off, desc_off;
    GElf_Nhdr nh;
    for (int guard = 0; guard < 4096; guard++) {
        size_t next = gelf_getnote(d, off, &nh, &name_off, &desc_off);
        if (next == 0 || next <= off) {
            break;
        }
        if (nh.n_type == NT_GNU_PROPERTY_TYPE_0 && nh.n_namesz == 4 &&
            name_off + 4 <= d->d_size && memcmp((const char *)d->d_buf + name_off, "GNU", 4) == 0 &&
            desc_off <= d->d_size && nh.n_descsz <= d->d_size - desc_off) {
            parse_properties(e, (const unsigned char *)d->d_buf + desc_off, nh.n_descsz, msb);
        }
        off = next;
    }
}

/* Translate a virtual address to a file offset through the PT_LOADs. */
static bool vaddr_to_off(const GElf_Phdr *loads, size_t nload, uint64_t va, uint64_t *off)
{
    for (size_t i = 0; i < nload; i++) {
        const GElf_Phdr *p = &loads[i];
        if (va >= p->p_vaddr && va - p->p_vaddr < p->p_filesz) {
            *off = p->p_offset + (va - p->p_vaddr);
            return true;
        }
    }
    return false;
}

static const char *dynstr(const char *buf, uint64_t stroff, uint64_t strsz, uint64_t idx,
                          size_t *n)
{
    if (idx >= strsz) {
        return NULL;
    }
    const char *s = buf + stroff + idx;
    const char *z = memchr(s, '\0', strsz - idx);
    if (z == NULL) {
        return NULL;
    }
    *n = (size_t)(z - s);
    return s;
}

static int parse_dynamic(Elf *elf, char *buf, size_t len, struct elf_info *e,
                         const GElf_Phdr *dynph, const GElf_Phdr *loads, size_t nload,
                         char *err, size_t errlen)
{
    if (dynph->p_offset > len || dynph->p_filesz > len - dynph->p_offset) {
        seterr(err, errlen, "PT_DYNAMIC lies beyond the end of the file");
        return -1;
    }
    size_t entsz = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
    if (entsz == 0) {
        seterr(err, errlen, "cannot size dynamic entries");
        return -1;
    }
    size_t count = dynph->p_filesz / entsz;
    if (count == 0) {
        return 0;
    }
    if (count > MAX_DYN) {
        count = MAX_DYN;
    }
    Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)dynph->p_offset, count * entsz, ELF_T_DYN);
    if (d == NULL) {
        seterr(err, errlen, "cannot read the dynamic section: %s", elf_errmsg(-1));
        return -1;
    }
    uint64_t strtab = 0, strsz = 0, flags = 0, flags1 = 0;
    bool have_strtab = false, have_strsz = false;
    size_t nneeded = 0;
    for (size_t i = 0; i < count; i++) {
        GElf_Dyn dyn;
        if (gelf_getdyn(d, (int)i, &dyn) == NULL || dyn.d_tag == DT_NULL) {
            break;
        }
        switch (dyn.d_tag) {
        case DT_STRTAB: strtab = dyn.d_un.d_ptr; have_strtab = true; break;
        case DT_STRSZ: strsz = dyn.d_un.d_val; have_strsz = true; break;
        case DT_FLAGS: flags |= dyn.d_un.d_val; break;
        case DT_FLAGS_1: flags1 |= dyn.d_un.d_val; break;
        case DT_BIND_NOW: e->bind_now = true; break;
        case DT_TEXTREL: e->textrel = true; break;
        case DT_NEEDED: nneeded++; break;
        default: break;
        }
    }
    if (flags & DF_BIND_NOW || flags1 & DF_1_NOW) {
        e->bind_now = true;
    }
    if (flags & DF_TEXTREL) {
        e->textrel = true;
    }
    if (flags1 & DF_1_PIE) {
        e->pie = true;
    }
    bool need_strings = false;
    for (size_t i = 0; i < count; i++) {
        GElf_Dyn dyn;
        if (gelf_getdyn(d, (int)i, &dyn) == NULL || dyn.d_tag == DT_NULL) {
            break;
        }
        if (dyn.d_tag == DT_NEEDED || dyn.d_tag == DT_RUNPATH || dyn.d_tag == DT_RPATH ||
            dyn.d_tag == DT_SONAME) {
            need_strings = true;
        }
    }
    if (!need_strings) {
        return 0;
    }
    uint64_t stroff = 0;
    if (!have_strtab || !have_strsz) {
        seterr(err, errlen, "dynamic section names strings but has no DT_STRTAB/DT_STRSZ");
        return -1;
    }
    /* Linked objects hold the address; a few odd files hold the offset. */
    if (!vaddr_to_off(loads, nload, strtab, &stroff)) {
        seterr(err, errlen, "DT_STRTAB 0x%llx is not inside any PT_LOAD",
               (unsigned long long)strtab);
        return -1;
    }
    if (stroff > len || strsz > len - stroff) {
        seterr(err, errlen, "dynamic string table (offset 0x%llx, size %llu) lies beyond the end of the file",
               (unsigned long long)stroff, (unsigned long long)strsz);
        return -1;
    }
    if (nneeded > MAX_NEEDED) {
        seterr(err, errlen, "implausible number of DT_NEEDED entries (%zu)", nneeded);
        return -1;
    }
    e->needed = calloc(nneeded ? nneeded : 1, sizeof *e->needed);
    if (e->needed == NULL) {
        seterr(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        GElf_Dyn dyn;
        if (gelf_getdyn(d, (int)i, &dyn) == NULL || dyn.d_tag == DT_NULL) {
            break;
        }
        char **slot = NULL;
        switch (dyn.d_tag) {
        case DT_NEEDED:
            if (e->nneeded < nneeded) {
                slot = &e->needed[e->nneeded];
            }
            break;
        case DT_RUNPATH: slot = &e->runpath; break;
        case DT_RPATH: slot = &e->rpath; break;
        case DT_SONAME: slot = &e->soname; break;
        default: continue;
        }
        if (slot == NULL) {
            continue;
        }
        size_t n;
        const char *s = dynstr(buf, stroff, strsz, dyn.d_un.d_val, &n);
        if (s == NULL) {
            seterr(err, errlen, "dynamic string offset %llu is outside the string table (size %llu)",
                   (unsigned long long)dyn.d_un.d_val, (unsigned long long)strsz);
            return -1;
        }
        free(*slot);
        *slot = dupn(s, n);
        if (*slot == NULL) {
            seterr(err, errlen, "out of memory");
            return -1;
        }
        if (dyn.d_tag == DT_NEEDED) {
            e->nneeded++;
        }
    }
    return 0;
}

static const char *type_name(unsigned t)
{
    switch (t) {
    case ET_EXEC: return "executable";
    case ET_DYN: return "shared-object";
    case ET_REL: return "relocatable";
    case ET_CORE: return "core";
    default: return "other";
    }
}

int elf_analyze(char *buf, size_t len, struct elf_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (errlen) {
        err[0] = '\0';
    }
    if (len == 0) {
        seterr(err, errlen, "empty file");
        return -1;
    }
    if (len < 4 || memcmp(buf, ELFMAG, SELFMAG) != 0) {
        seterr(err, errlen, "not an ELF file (no ELF magic)");
        return -1;
    }
    if (len < EI_NIDENT || (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64)) {
        seterr(err, errlen, "truncated or invalid ELF identification");
        return -1;
    }
    size_t ehsize = buf[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if (len < ehsize) {
        seterr(err, errlen, "truncated ELF header (%zu of %zu bytes)", len, ehsize);
        return -1;
    }
    static bool inited;
    if (!inited) {
        if (elf_version(EV_CURRENT) == EV_NONE) {
            seterr(err, errlen, "libelf: %s", elf_errmsg(-1));
            return -1;
        }
        inited = true;
    }
    Elf *elf = elf_memory(buf, len);
    if (elf == NULL) {
        seterr(err, errlen, "libelf cannot read it: %s", elf_errmsg(-1));
        return -1;
    }
    int rc = -1;
    GElf_Phdr *loads = NULL;
    GElf_Ehdr eh;
    if (elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &eh) == NULL) {
        seterr(err, errlen, "invalid ELF header: %s", elf_errmsg(-1));
        goto out;
    }
    out->elfclass = gelf_getclass(elf) == ELFCLASS64 ? 64 : 32;
    out->machine = eh.e_machine;
    out->type = type_name(eh.e_type);
    bool msb = eh.e_ident[EI_DATA] == ELFDATA2MSB;

    size_t phnum = 0;
    if (elf_getphdrnum(elf, &phnum) != 0) {
        seterr(err, errlen, "bad program header table (e_phoff 0x%llx, e_phnum %u): %s",
               (unsigned long long)eh.e_phoff, eh.e_phnum, elf_errmsg(-1));
        goto out;
    }
    if (eh.e_phnum != PN_XNUM && phnum != eh.e_phnum) {
        /* libelf trims a table that runs past the end of the file */
        seterr(err, errlen, "program header table (e_phoff 0x%llx, e_phnum %u) lies beyond the end of the file",
               (unsigned long long)eh.e_phoff, eh.e_phnum);
        goto out;
    }
    if (phnum > MAX_PHNUM) {
        seterr(err, errlen, "implausible number of program headers (%zu)", phnum);
        goto out;
    }
    size_t phentsz = gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT);
    if (phnum > 0) {
        if (eh.e_phentsize != phentsz) {
            seterr(err, errlen, "bad program header entry size %u", eh.e_phentsize);
            goto out;
        }
        if (eh.e_phoff > len || phnum * phentsz > len - eh.e_phoff) {
            seterr(err, errlen, "program header table (offset 0x%llx, %zu entries) lies beyond the end of the file",
                   (unsigned long long)eh.e_phoff, phnum);
            goto out;
        }
    }
    loads = calloc(phnum ? phnum : 1, sizeof *loads);
    if (loads == NULL) {
        seterr(err, errlen, "out of memory");
        goto out;
    }
    GElf_Phdr dynph;
    bool have_dyn = false, have_interp = false;
    size_t nload = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, (int)i, &ph) == NULL) {
            seterr(err, errlen, "cannot read program header %zu of %zu (e_phoff 0x%llx): %s", i, phnum,
                   (unsigned long long)eh.e_phoff, elf_errmsg(-1));
            goto out;
        }
        switch (ph.p_type) {
        case PT_LOAD:
            loads[nload++] = ph;
            break;
        case PT_INTERP: {
            if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset || ph.p_filesz == 0) {
                seterr(err, errlen, "PT_INTERP lies beyond the end of the file");
                goto out;
            }
            const char *s = buf + ph.p_offset;
            const char *z = memchr(s, '\0', ph.p_filesz);
            free(out->interp);
            out->interp = dupn(s, z ? (size_t)(z - s) : ph.p_filesz);
            have_interp = true;
            break;
        }
        case PT_DYNAMIC:
            dynph = ph;
            have_dyn = true;
            break;
        case PT_GNU_RELRO:
            out->relro = RELRO_PARTIAL;
            break;
        case PT_GNU_STACK:
            out->has_gnu_stack = true;
            out->execstack = (ph.p_flags & PF_X) != 0;
            break;
        case PT_NOTE:
        case PT_GNU_PROPERTY:
            parse_notes(elf, out, &ph, len, msb);
            break;
        default:
            break;
        }
    }
    out->nload = nload;
    if (!out->has_gnu_stack && nload > 0) {
        out->execstack = true; /* the loader's default without PT_GNU_STACK */
    }
    if (have_dyn && parse_dynamic(elf, buf, len, out, &dynph, loads, nload, err, errlen) != 0) {
        goto out;
    }
    if (out->relro == RELRO_PARTIAL && out->bind_now) {
        out->relro = RELRO_FULL;
    }
    if (eh.e_type == ET_DYN && have_interp && out->soname == NULL) {
        out->pie = true; /* PIEs linked before DF_1_PIE existed */
    }
    if (eh.e_type == ET_EXEC || eh.e_type == ET_DYN) {
        if (have_interp) {
            out->link = LINK_DYNAMIC;
            /* a library that can also run (libc.so.6) is still a library */
            out->shared_library = eh.e_type == ET_DYN && !out->pie;
        } else if (eh.e_type == ET_EXEC) {
            out->link = have_dyn ? LINK_DYNAMIC : LINK_STATIC;
        } else if (out->pie) {
            out->link = LINK_STATIC_PIE;
        } else {
            out->link = LINK_DYNAMIC; /* a library: loaded by ld.so */
            out->shared_library = true;
        }
    }
    rc = 0;
out:
    free(loads);
    elf_end(elf);
    if (rc != 0) {
        elf_info_free(out);
    }
    return rc;
}

const char *elf_link_name(enum elf_link l)
{
    switch (l) {
    case LINK_DYNAMIC: return "dynamic";
    case LINK_STATIC: return "static";
    case LINK_STATIC_PIE: return "static-pie";
    default: return "none";
    }
}

const char *elf_relro_name(enum elf_relro r)
{
    switch (r) {
    case RELRO_PARTIAL: return "partial";
    case RELRO_FULL: return "full";
    default: return "none";
    }
}

const char *verdict_name(enum verdict_level l)
{
    switch (l) {
    case VERDICT_YES: return "yes";
    case VERDICT_PARTIAL: return "partial";
    default: return "no";
    }
}

static void limit(struct verdict *v, enum verdict_level lvl, const char *why)
{
    if (lvl > v->level) {
        v->level = lvl;
    }
    if (v->nlimits < VERDICT_MAX_NOTES) {
        v->limits[v->nlimits++] = why;
    }
}

void elf_verdict(const struct elf_info *e, const struct file_facts *f, struct verdict *v)
{
    memset(v, 0, sizeof *v);
    v->level = VERDICT_YES;
    if (strcmp(e->type, "executable") != 0 && strcmp(e->type, "shared-object") != 0) {
        v->path = "none";
        v->path_why = "not a program or library";
        limit(v, VERDICT_NO, "not a loadable program or library (relocatable, core or other ELF type)");
        v->summary = "autoseal cannot protect it: nothing of it is ever loaded by ld.so";
        return;
    }
    if (e->nload == 0) {
        limit(v, VERDICT_NO, "no PT_LOAD segments: nothing to map, nothing to seal");
    }
    bool is_static = e->link == LINK_STATIC || e->link == LINK_STATIC_PIE;
#if defined(__x86_64__)
    bool launcher = is_static && e->machine == EM_X86_64 && e->elfclass == 64;
#else
    bool launcher = false;
#endif
    bool privileged = f->setuid || f->setgid || f->caps;
    v->path = "preload";
    v->path_why = e->shared_library ? "a library: sealed when loaded into a program run with autoseal"
                                    : "dynamically linked: LD_PRELOAD loads libautoseal";
    if (is_static && launcher && !privileged) {
        v->path = "launcher";
        v->path_why = "static: 'autoseal run' seals it from outside (ptrace at exec, then detaches)";
        limit(v, VERDICT_PARTIAL,
              e->link == LINK_STATIC
                  ? "statically linked: LD_PRELOAD is ignored; 'autoseal run' seals its text, "
                    "rodata and RELRO from outside, without the runtime rules (wx, execmem=deny, "
                    "exec=seal); execmem=kernel still applies"
                  : "static-pie: LD_PRELOAD is ignored; 'autoseal run' seals its text, rodata and, "
                    "after its self-relocation, RELRO from outside, without the runtime rules "
                    "(wx, execmem=deny, exec=seal); execmem=kernel still applies");
    } else if (e->link == LINK_STATIC) {
        limit(v, VERDICT_NO, "statically linked: no dynamic loader runs, so LD_PRELOAD is ignored");
    } else if (e->link == LINK_STATIC_PIE) {
        limit(v, VERDICT_NO, "static-pie: it relocates itself without ld.so, so LD_PRELOAD is ignored");
    }
    if (is_static && !launcher) {
        v->path = "none";
        v->path_why = "static, and the ptrace launcher needs an x86-64 program and an x86-64 autoseal";
    } else if (is_static && privileged) {
        v->path = "none";
        v->path_why = "static and privileged: autoseal run does not trace setuid/setgid/capability programs";
    } else if (privileged) {
        v->path = "none";
        v->path_why = "privileged: only /etc/ld.so.preload reaches it (the loader ignores LD_PRELOAD paths with a slash)";
    }
    if (e->nload == 0) {
        v->path = "none";
        v->path_why = "nothing is loaded";
    }
    if (f->setuid || f->setgid || f->caps) {
        limit(v, VERDICT_NO,
              f->caps ? "file capabilities: the loader runs in secure mode and ignores LD_PRELOAD "
                        "paths with a slash (only /etc/ld.so.preload would apply)"
                      : "setuid/setgid: the loader runs in secure mode and ignores LD_PRELOAD "
                        "paths with a slash (only /etc/ld.so.preload would apply)");
    }
    if (e->relro == RELRO_NONE && e->link == LINK_DYNAMIC) {
        limit(v, VERDICT_PARTIAL, "no RELRO: the GOT and relocated data stay writable and cannot be sealed read-only");
    } else if (e->relro == RELRO_PARTIAL) {
        limit(v, VERDICT_PARTIAL, "partial RELRO (no BIND_NOW): .got.plt stays writable for lazy binding; only the RELRO part is sealed");
    }
    if (e->textrel) {
        limit(v, VERDICT_PARTIAL, "TEXTREL: the loader writes into its text before autoseal runs; the result is sealed but was writable during relocation");
    }
    if (e->execstack && !e->shared_library) {
        limit(v, VERDICT_PARTIAL, "executable stack: the stack is never sealed and stays executable");
    } else if (e->execstack && e->shared_library) {
        limit(v, VERDICT_PARTIAL, "requests an executable stack: loading it makes every thread stack executable, which sealing does not undo");
    }
    limit(v, VERDICT_YES, "writable .data/.bss are left unsealed under the default profile (profile=strict seals them)");
    if (e->memory_seal) {
        limit(v, VERDICT_YES, "marked GNU_PROPERTY_MEMORY_SEAL: a sealing loader would already seal it; autoseal sealing again is harmless");
    }
    switch (v->level) {
    case VERDICT_YES:
        v->summary = e->shared_library
            ? "autoseal can protect it when it is loaded into a program run with autoseal"
            : "autoseal can protect it";
        break;
    case VERDICT_PARTIAL:
        v->summary = !strcmp(v->path, "launcher")
            ? "autoseal can protect it through 'autoseal run' (launcher), with the limits listed"
            : "autoseal can protect it, with the limits listed";
        break;
    default:
        v->summary = "autoseal cannot protect it through LD_PRELOAD";
        break;
    }
}

int elf_ident_check(const unsigned char *buf, size_t len, bool *is64, char *err, size_t errlen)
{
    if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0) {
        seterr(err, errlen, "not an ELF file");
        return -1;
    }
    *is64 = buf[EI_CLASS] == ELFCLASS64;
    if (!*is64 && buf[EI_CLASS] != ELFCLASS32) {
        seterr(err, errlen, "invalid ELF class %u", buf[EI_CLASS]);
        return -1;
    }
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const unsigned char native = ELFDATA2LSB;
#else
    const unsigned char native = ELFDATA2MSB;
#endif
    if (buf[EI_DATA] != native) {
        seterr(err, errlen, "not in the native byte order");
        return -1;
    }
    return 0;
}

int elf_layout_parse(const unsigned char *buf, size_t len, struct elf_layout *out, size_t *need,
                     char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    bool is64 = false;
    if (elf_ident_check(buf, len, &is64, err, errlen) != 0) {
        return -1;
    }
    size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if (len < ehsize) {
        *need = ehsize;
        return 1;
    }
    uint64_t phoff;
    size_t phnum, phentsize, want = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    if (is64) {
        Elf64_Ehdr eh;
        memcpy(&eh, buf, sizeof eh);
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        out->type = eh.e_type;
    } else {
        Elf32_Ehdr eh;
        memcpy(&eh, buf, sizeof eh);
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        out->type = eh.e_type;
    }
    out->elfclass = is64 ? 64 : 32;
    if (phnum == 0 || phnum >= PN_XNUM) {
        seterr(err, errlen, "no usable program header table (e_phnum %zu)", phnum);
        return -1;
    }
    if (phentsize != want) {
        seterr(err, errlen, "bad program header entry size %zu", phentsize);
        return -1;
    }
    if (phoff > (uint64_t)MAX_PHNUM * 1024 * 1024) {
        seterr(err, errlen, "implausible program header offset 0x%llx", (unsigned long long)phoff);
        return -1;
    }
    uint64_t end = phoff + (uint64_t)phnum * phentsize;
    if (end > len) {
        *need = (size_t)end;
        return 1;
    }
    bool have_load = false;
    for (size_t i = 0; i < phnum; i++) {
        uint64_t type, off, va, filesz, memsz;
        const unsigned char *p = buf + phoff + i * phentsize;
        if (is64) {
            Elf64_Phdr ph;
            memcpy(&ph, p, sizeof ph);
            type = ph.p_type, off = ph.p_offset, va = ph.p_vaddr, filesz = ph.p_filesz;
            memsz = ph.p_memsz;
        } else {
            Elf32_Phdr ph;
            memcpy(&ph, p, sizeof ph);
            type = ph.p_type, off = ph.p_offset, va = ph.p_vaddr, filesz = ph.p_filesz;
            memsz = ph.p_memsz;
        }
        if (type == PT_LOAD) {
            if (va + memsz < va) {
                seterr(err, errlen, "PT_LOAD %zu wraps around the address space", i);
                return -1;
            }
            if (!have_load || va < out->min_vaddr) {
                out->min_vaddr = out->first_vaddr = va;
                out->first_offset = off;
            }
            if (!have_load || va + memsz > out->max_end) {
                out->max_end = va + memsz;
            }
            have_load = true;
            out->nload++;
        } else if (type == PT_GNU_RELRO && !out->have_relro) {
            if (va + memsz < va) {
                seterr(err, errlen, "PT_GNU_RELRO wraps around the address space");
                return -1;
            }
            out->have_relro = true;
            out->relro_vaddr = va;
            out->relro_memsz = memsz;
        } else if (type == PT_INTERP && !out->have_interp) {
            out->have_interp = true;
            out->interp_offset = off;
            out->interp_size = filesz;
        }
    }
    if (!have_load) {
        seterr(err, errlen, "no PT_LOAD segment");
        return -1;
    }
    return 0;
}
