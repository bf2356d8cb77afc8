/* Static analysis of one ELF image held in memory (libelf).  Pure: takes a
 * buffer, never touches the file system, never executes anything, so it is
 * unit-tested and fuzzed directly (test/cli/fuzz_check.c). */
#ifndef AUTOSEAL_CLI_ELFINFO_H
#define AUTOSEAL_CLI_ELFINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum elf_link { LINK_NONE = 0, LINK_DYNAMIC, LINK_STATIC, LINK_STATIC_PIE };
enum elf_relro { RELRO_NONE = 0, RELRO_PARTIAL, RELRO_FULL };

struct elf_info {
    int elfclass;         /* 32 or 64 */
    int machine;          /* e_machine */
    const char *type;     /* executable, shared-object, relocatable, core, other */
    enum elf_link link;
    char *interp;         /* PT_INTERP or NULL */
    bool pie;             /* position-independent executable */
    bool shared_library;  /* ET_DYN that is not a PIE (a library) */
    enum elf_relro relro;
    bool bind_now;
    bool textrel;
    bool has_gnu_stack;   /* PT_GNU_STACK present */
    bool execstack;       /* PF_X on PT_GNU_STACK, or no PT_GNU_STACK */
    bool has_properties;  /* a NT_GNU_PROPERTY_TYPE_0 note was found */
    bool ibt, shstk;      /* x86 feature_1_and bits */
    bool memory_seal;     /* GNU_PROPERTY_MEMORY_SEAL */
    char **needed;
    size_t nneeded;
    char *runpath, *rpath, *soname;
    size_t nload;         /* PT_LOAD count */
};

/* Analyse len bytes at buf.  buf must be writable (libelf may convert data
 * in place) and stay valid during the call.  Returns 0, or -1 with a
 * one-line reason in err (the file is malformed or not a usable ELF). */
int elf_analyze(char *buf, size_t len, struct elf_info *out, char *err, size_t errlen);
void elf_info_free(struct elf_info *e);

/* Facts about the file rather than its contents. */
struct file_facts {
    bool setuid, setgid, caps; /* caps: security.capability xattr present */
};

enum verdict_level { VERDICT_YES = 0, VERDICT_PARTIAL, VERDICT_NO };

#define VERDICT_MAX_NOTES 16
struct verdict {
    enum verdict_level level;
    const char *summary;                   /* one line */
    const char *path;                      /* preload, launcher or none */
    const char *path_why;                  /* one line: why that path */
    const char *limits[VERDICT_MAX_NOTES]; /* what autoseal cannot do, and why */
    size_t nlimits;
};

/* Decide whether autoseal can protect this file, and how: LD_PRELOAD
 * (dynamic programs and libraries) or `autoseal run`'s ptrace launcher
 * (static and static-pie x86-64 programs). */
void elf_verdict(const struct elf_info *e, const struct file_facts *f, struct verdict *v);

/* The load layout of an ELF file, from its ELF header and program headers
 * only (a prefix of the file is enough).  Used by 'status' to find the
 * exact extent of a mapped object. */
struct elf_layout {
    int elfclass;           /* 32 or 64 */
    int type;               /* e_type */
    size_t nload;           /* PT_LOAD count (at least 1 on success) */
    uint64_t first_vaddr;   /* p_vaddr of the PT_LOAD with the lowest p_vaddr */
    uint64_t first_offset;  /* its p_offset */
    uint64_t min_vaddr;     /* lowest p_vaddr of any PT_LOAD */
    uint64_t max_end;       /* highest p_vaddr + p_memsz of any PT_LOAD */
    bool have_relro;        /* PT_GNU_RELRO present (first one) */
    uint64_t relro_vaddr, relro_memsz;
    bool have_interp;       /* PT_INTERP present */
    uint64_t interp_offset, interp_size;
};

/* The e_ident checks every header parser here starts with: ELF magic, a
 * valid class (*is64: ELFCLASS64), the host's byte order.  0, or -1 with a
 * reason in err.  Shared by elf_layout_parse and static_image_parse. */
int elf_ident_check(const unsigned char *buf, size_t len, bool *is64, char *err, size_t errlen);

/* Parse the ELF header and program headers in buf[0..len), which holds the
 * start of a file.  Returns 0; -1 with a reason in err when the file is not
 * a usable native-byte-order ELF; or 1 with *need set when the program
 * header table lies beyond len (call again with at least *need bytes). */
int elf_layout_parse(const unsigned char *buf, size_t len, struct elf_layout *out, size_t *need,
                     char *err, size_t errlen);

const char *elf_link_name(enum elf_link l);
const char *elf_relro_name(enum elf_relro r);
const char *verdict_name(enum verdict_level l);

#endif
