#define _GNU_SOURCE
#include "maps.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>

int t_failures;

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int tprot_of(const char *perms)
{
    return (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
           (perms[2] == 'x' ? PROT_EXEC : 0);
}

int tmaps_read(int pid, struct tmap *out, int max)
{
    char fn[64];
    if (pid == 0) {
        snprintf(fn, sizeof fn, "/proc/self/smaps");
    } else {
        snprintf(fn, sizeof fn, "/proc/%d/smaps", pid);
    }
    FILE *f = fopen(fn, "re");
    if (f == NULL) {
        return -1;
    }
    char line[1024];
    int n = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e;
        char perms[8];
        int off = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s%n", &s, &e, perms, &off) == 3) {
            if (n + 1 >= max) {
                break;
            }
            n++;
            memset(&out[n], 0, sizeof out[n]);
            out[n].start = s;
            out[n].end = e;
            memcpy(out[n].perms, perms, 4);
            const char *p = line + off;
            while (*p == ' ') {
                p++;
            }
            size_t l = strcspn(p, "\n");
            if (l >= sizeof out[n].path) {
                l = sizeof out[n].path - 1;
            }
            memcpy(out[n].path, p, l);
            continue;
        }
        if (n >= 0 && strncmp(line, "VmFlags:", 8) == 0) {
            char *save = NULL;
            for (char *tok = strtok_r(line + 8, " \n", &save); tok;
                 tok = strtok_r(NULL, " \n", &save)) {
                if (strcmp(tok, "sl") == 0) {
                    out[n].sealed = true;
                }
            }
        }
    }
    fclose(f);
    return n + 1;
}

int tprobe_mprotect(const struct tmap *m)
{
    int saved = errno;
    int r = mprotect((void *)m->start, m->end - m->start, tprot_of(m->perms));
    int e = errno;
    errno = saved;
    if (r == 0) {
        return 0;
    }
    return e == EPERM ? 1 : -1;
}

const char *tpath_next_to_exe(const char *name)
{
    static char buf[4][4096];
    static int k;
    char *b = buf[k++ & 3];
    ssize_t l = readlink("/proc/self/exe", b, 4000);
    if (l <= 0) {
        return name;
    }
    b[l] = '\0';
    char *slash = strrchr(b, '/');
    snprintf(slash + 1, 4096 - (size_t)(slash + 1 - b), "%s", name);
    return b;
}

/* ---- symbols of an ELF file (.symtab: hidden ones too) ---- */

uint64_t telf_symbol(const char *path, const char *name, uint64_t *symsize, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "open: %s", strerror(errno));
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(Elf64_Ehdr)) {
        close(fd);
        snprintf(err, errlen, "too small");
        return 0;
    }
    size_t size = (size_t)st.st_size;
    const unsigned char *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        snprintf(err, errlen, "mmap: %s", strerror(errno));
        return 0;
    }
    uint64_t value = 0;
    const Elf64_Ehdr *eh = (const void *)m; /* mmap: page aligned */
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > size ||
        eh->e_shoff % _Alignof(Elf64_Shdr) != 0 ||
        (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum) {
        snprintf(err, errlen, "not a 64-bit ELF file with section headers");
        goto out;
    }
    const Elf64_Shdr *sh = (const void *)(m + eh->e_shoff);
    snprintf(err, errlen, "no .symtab (stripped?) or no symbol %s", name);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if ((sh[i].sh_type != SHT_SYMTAB && sh[i].sh_type != SHT_DYNSYM) ||
            sh[i].sh_link >= eh->e_shnum) {
            continue;
        }
        const Elf64_Shdr *strs = &sh[sh[i].sh_link];
        if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset ||
            strs->sh_offset > size || strs->sh_size > size - strs->sh_offset ||
            sh[i].sh_offset % _Alignof(Elf64_Sym) != 0) {
            snprintf(err, errlen, "bad .symtab bounds");
            goto out;
        }
        const Elf64_Sym *sym = (const void *)(m + sh[i].sh_offset);
        size_t nsym = sh[i].sh_size / sizeof(Elf64_Sym);
        const char *str = (const char *)(m + strs->sh_offset);
        for (size_t j = 0; j < nsym; j++) {
            if (sym[j].st_name < strs->sh_size &&
                strnlen(str + sym[j].st_name, strs->sh_size - sym[j].st_name) ==
                    strlen(name) &&
                strcmp(str + sym[j].st_name, name) == 0 && sym[j].st_value != 0) {
                value = sym[j].st_value;
                if (symsize != NULL) {
                    *symsize = sym[j].st_size;
                }
                err[0] = '\0';
                goto out;
            }
        }
    }
out:
    munmap((void *)m, size);
    return value;
}

