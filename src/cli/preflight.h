/* Checks made before preloading: can LD_PRELOAD apply to this program? */
#ifndef AUTOSEAL_CLI_PREFLIGHT_H
#define AUTOSEAL_CLI_PREFLIGHT_H

#include <stdbool.h>

#include "elfinfo.h"

/* setuid/setgid bits and the security.capability xattr of path. */
void file_facts_of(const char *path, struct file_facts *f);

/* Resolve CMD like execvp() does (PATH search when it has no slash).
 * Returns a malloc'd path, or NULL when not found. */
char *resolve_command(const char *cmd);

/* True when path lies on a file system mounted noexec. */
bool on_noexec_mount(const char *path);

/* The ELF file the kernel really loads for path: path itself, or the
 * interpreter of a "#!" script.  malloc'd. */
char *preflight_image(const char *path);

/* Is the ELF program at path static or static-pie (no PT_INTERP)?  Reads
 * only its headers. */
bool preflight_is_static(const char *path);

/* How the ELF program at path is linked, as elf_analyze() says (dynamic,
 * static, static-pie), from its headers and dynamic segment only (never
 * the whole file).  LINK_NONE: not a readable native ELF. */
enum elf_link preflight_link(const char *path);

/* Print on stderr a warning, with what to do instead, for each reason
 * LD_PRELOAD of lib cannot apply to the program at path.  Returns the
 * number of warnings. */
int preflight_warn(const char *path, const char *lib);

#endif
