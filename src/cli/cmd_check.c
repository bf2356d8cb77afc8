/* autoseal check: static analysis of ELF files; never executes them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "config.h"
#include "elfinfo.h"
#include "preflight.h"
#include "util.h"

#define CHECK_MAX_SIZE ((size_t)1 << 30)

static const char check_help[] =
    "Usage: autoseal check [--json] FILE...\n"
    "\n"
    "Read each ELF FILE (never executing it) and report how it is linked, its\n"
    "interpreter, PIE, RELRO, BIND_NOW, TEXTREL, executable stack, GNU property\n"
    "notes (IBT, SHSTK, MEMORY_SEAL), setuid/setgid/capabilities, DT_NEEDED,\n"
    "RUNPATH/RPATH, whether autoseal can protect it and which path it gets:\n"
    "preload (LD_PRELOAD: dynamic programs), launcher ('autoseal run' seals\n"
    "static and static-pie programs from outside) or none (and why).\n"
    "\n"
    "  --json     machine-readable output (schema in docs/cli.md)\n"
    "\n"
    "Exit status: 0 all files can be protected (fully or partly), 1 a file\n"
    "could not be read or parsed, or autoseal cannot protect it, 2 usage error.\n";

static const char *yesno(bool b)
{
    return b ? "yes" : "no";
}

static const char *jb(bool b)
{
    return b ? "true" : "false";
}

static void json_opt_str(const char *s)
{
    if (s) {
        json_str(stdout, s);
    } else {
        fputs("null", stdout);
    }
}

static void print_human(const char *file, const struct elf_info *e, const struct file_facts *f,
                        const struct verdict *v)
{
    printf("%s:\n", file);
    printf("  type          %s, ELF%d, machine %d\n", e->type, e->elfclass, e->machine);
    printf("  linking       %s\n", elf_link_name(e->link));
    printf("  interpreter   %s\n", e->interp ? e->interp : "-");
    printf("  pie           %s\n", yesno(e->pie));
    printf("  relro         %s\n", elf_relro_name(e->relro));
    printf("  bind-now      %s\n", yesno(e->bind_now));
    printf("  textrel       %s\n", yesno(e->textrel));
    printf("  execstack     %s%s\n", yesno(e->execstack),
           e->has_gnu_stack ? "" : " (no PT_GNU_STACK)");
    printf("  properties    %s: ibt %s, shstk %s, memory-seal %s\n",
           e->has_properties ? "present" : "none", yesno(e->ibt), yesno(e->shstk), yesno(e->memory_seal));
    printf("  setuid        %s\n  setgid        %s\n  capabilities  %s\n", yesno(f->setuid),
           yesno(f->setgid), yesno(f->caps));
    printf("  needed        ");
    if (e->nneeded == 0) {
        printf("-");
    }
    for (size_t i = 0; i < e->nneeded; i++) {
        printf("%s%s", i ? " " : "", e->needed[i]);
    }
    printf("\n  runpath       %s\n  rpath         %s\n", e->runpath ? e->runpath : "-",
           e->rpath ? e->rpath : "-");
    if (e->soname) {
        printf("  soname        %s\n", e->soname);
    }
    printf("  path          %s: %s\n", v->path, v->path_why);
    printf("  verdict       %s: %s\n", verdict_name(v->level), v->summary);
    for (size_t i = 0; i < v->nlimits; i++) {
        printf("    - %s\n", v->limits[i]);
    }
}

static void print_json(const char *file, const struct elf_info *e, const struct file_facts *f,
                       const struct verdict *v)
{
    fputs("{\"file\":", stdout);
    json_str(stdout, file);
    printf(",\"ok\":true,\"type\":\"%s\",\"class\":%d,\"machine\":%d,\"link\":\"%s\","
           "\"interpreter\":",
           e->type, e->elfclass, e->machine, elf_link_name(e->link));
    json_opt_str(e->interp);
    printf(",\"pie\":%s,\"relro\":\"%s\",\"bind_now\":%s,\"textrel\":%s,\"execstack\":%s,"
           "\"gnu_stack\":%s,\"gnu_property\":{\"present\":%s,\"ibt\":%s,\"shstk\":%s,"
           "\"memory_seal\":%s},\"setuid\":%s,\"setgid\":%s,\"capabilities\":%s,\"needed\":[",
           jb(e->pie), elf_relro_name(e->relro), jb(e->bind_now), jb(e->textrel),
           jb(e->execstack), jb(e->has_gnu_stack), jb(e->has_properties), jb(e->ibt),
           jb(e->shstk), jb(e->memory_seal), jb(f->setuid), jb(f->setgid), jb(f->caps));
    for (size_t i = 0; i < e->nneeded; i++) {
        if (i) {
            putchar(',');
        }
        json_str(stdout, e->needed[i]);
    }
    fputs("],\"runpath\":", stdout);
    json_opt_str(e->runpath);
    fputs(",\"rpath\":", stdout);
    json_opt_str(e->rpath);
    fputs(",\"soname\":", stdout);
    json_opt_str(e->soname);
    printf(",\"path\":\"%s\",\"path_why\":", v->path);
    json_str(stdout, v->path_why);
    printf(",\"verdict\":{\"protectable\":\"%s\",\"summary\":", verdict_name(v->level));
    json_str(stdout, v->summary);
    fputs(",\"limits\":[", stdout);
    for (size_t i = 0; i < v->nlimits; i++) {
        if (i) {
            putchar(',');
        }
        json_str(stdout, v->limits[i]);
    }
    fputs("]}}", stdout);
}

int cmd_check(int argc, char **argv)
{
    bool json = false;
    int first = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            first = i + 1;
            break;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(check_help, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            die_usage("check", "unknown option '%s'", a);
        } else {
            first = i;
            break;
        }
    }
    if (first >= argc) {
        die_usage("check", "no FILE given");
    }
    int status = EXIT_OK;
    if (json) {
        printf("{\"autoseal_version\":\"%s\",\"files\":[", AUTOSEAL_VERSION);
    }
    for (int i = first; i < argc; i++) {
        const char *file = argv[i];
        char err[256] = "";
        char *buf = NULL;
        size_t len = 0;
        struct elf_info e;
        memset(&e, 0, sizeof e);
        int r = read_file(file, CHECK_MAX_SIZE, true, &buf, &len);
        if (r == -EINVAL) {
            snprintf(err, sizeof err, "not a regular file");
        } else if (r == -EFBIG) {
            snprintf(err, sizeof err, "larger than %zu bytes", CHECK_MAX_SIZE);
        } else if (r < 0) {
            snprintf(err, sizeof err, "%s", strerror(-r));
        } else if (elf_analyze(buf, len, &e, err, sizeof err) == 0) {
            err[0] = '\0';
        } else if (err[0] == '\0') {
            snprintf(err, sizeof err, "malformed ELF");
        }
        if (json && i > first) {
            putchar(',');
        }
        if (err[0]) {
            status = EXIT_CHECK;
            if (json) {
                fputs("{\"file\":", stdout);
                json_str(stdout, file);
                fputs(",\"ok\":false,\"error\":", stdout);
                json_str(stdout, err);
                putchar('}');
            } else {
                warnx_("%s: %s", file, err);
            }
            free(buf);
            continue;
        }
        struct file_facts f;
        struct verdict v;
        file_facts_of(file, &f);
        elf_verdict(&e, &f, &v);
        if (v.level == VERDICT_NO) {
            status = EXIT_CHECK;
        }
        if (json) {
            print_json(file, &e, &f, &v);
        } else {
            print_human(file, &e, &f, &v);
        }
        elf_info_free(&e);
        free(buf);
    }
    if (json) {
        puts("]}");
    }
    return status;
}
