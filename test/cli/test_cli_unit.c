/* Unit tests of the CLI's pure parts: smaps parsing and grouping, ELF
 * analysis on synthetic buffers, unit-file parsing. */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfinfo.h"
#include "fleet.h"
#include "sdaudit.h"
#include "policy.h"
#include "smaps.h"
#include "unitfile.h"
#include "util.h"

#ifndef FIXTURES
#error FIXTURES must be defined
#endif

START_TEST(fleet_cgroup_unit)
{
    char u[64];
    const char *v2 = "0::/system.slice/nginx.service\n";
    fleet_unit_from_cgroup(v2, strlen(v2), u, sizeof u);
    ck_assert_str_eq(u, "nginx.service");
    const char *hy = "9:name=systemd:/payload/user.slice/user-1000.slice/user@1000.service/init.scope\n"
                     "4:memory:/x\n0::/payload/user.slice/user-1000.slice/user@1000.service/init.scope\n";
    fleet_unit_from_cgroup(hy, strlen(hy), u, sizeof u);
    ck_assert_str_eq(u, "user@1000.service");
    const char *v1 = "9:name=systemd:/system.slice/cron.service\n0::/\n";
    fleet_unit_from_cgroup(v1, strlen(v1), u, sizeof u);
    ck_assert_str_eq(u, "cron.service");
    const char *none = "0::/\n1:cpu:/a.service\n";
    fleet_unit_from_cgroup(none, strlen(none), u, sizeof u);
    ck_assert_str_eq(u, "-");
    const char *scope = "0::/user.slice/user-1000.slice/session-3.scope";
    fleet_unit_from_cgroup(scope, strlen(scope), u, sizeof u);
    ck_assert_str_eq(u, "session-3.scope");
}
END_TEST

START_TEST(fleet_verdicts)
{
    const char *r;
    struct fleet_facts f = {.autoseal_loaded = true, .seccomp = 0, .mode = AS_MODE_ENFORCE,
                            .kernel_mseal = 1, .ro_total = 100, .ro_sealed = 100};
    ck_assert_int_eq(fleet_classify(&f, &r), FLEET_SEALED);
    ck_assert_str_eq(r, "none");
    f.ro_sealed = 0;
    f.ro_failing = 3;
    ck_assert_int_eq(fleet_classify(&f, &r), FLEET_UNSEALED); /* never "sealed" at 0% */
    ck_assert_str_eq(r, "unknown");
    f.seccomp = 2;
    fleet_classify(&f, &r);
    ck_assert_str_eq(r, "seccomp");
    f.seccomp = 0;
    f.kernel_mseal = 0;
    fleet_classify(&f, &r);
    ck_assert_str_eq(r, "kernel");
    f.mode = AS_MODE_OFF;
    fleet_classify(&f, &r);
    ck_assert_str_eq(r, "mode-off");
    f.mode = AS_MODE_ENFORCE;
    f.kernel_mseal = 1;
    f.ro_sealed = 50;
    f.unsealed_excluded = true;
    ck_assert_int_eq(fleet_classify(&f, &r), FLEET_PARTIAL);
    ck_assert_str_eq(r, "excluded");
    f.autoseal_loaded = false;
    f.static_exe = true;
    fleet_classify(&f, &r);
    ck_assert_str_eq(r, "static");
    f.static_exe = false;
    fleet_classify(&f, &r);
    ck_assert_str_eq(r, "no-preload");
    f.ro_total = 0;
    ck_assert_int_eq(fleet_classify(&f, &r), FLEET_UNSEALED);
    ck_assert_str_eq(r, "no-image");
    /* every reason returned is documented in the list */
    size_t n = 0;
    while (fleet_reasons[n]) {
        n++;
    }
    ck_assert_uint_eq(n, 10);
}
END_TEST

START_TEST(fleet_prometheus_labels)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    prom_label_value(f, "a\"b\\c\nd");
    fclose(f);
    ck_assert_str_eq(buf, "\"a\\\"b\\\\c\\nd\"");
    free(buf);
    struct fleet_counts c = {0};
    fleet_count_add(&c, "a.service", "sealed", "none", 1);
    fleet_count_add(&c, "b.service", "sealed", "none", 5);
    fleet_count_add(&c, "c.service", "unsealed", "seccomp", 2);
    fleet_count_add(&c, "d.service", "unsealed", "seccomp", 1);
    fleet_count_add(&c, "a.service", "sealed", "none", 1);
    fleet_count_cap(&c, 2, "other");
    /* b (5) and c (2) kept; a (2, ties broken by name: a < c ... a kept before c) */
    ck_assert_uint_eq(c.n, 3);
    ck_assert_str_eq(c.v[0].k[0], "b.service");
    ck_assert_uint_eq(c.v[0].n, 5);
    ck_assert_str_eq(c.v[1].k[0], "a.service");
    ck_assert_uint_eq(c.v[1].n, 2);
    ck_assert_str_eq(c.v[2].k[0], "other");
    ck_assert_str_eq(c.v[2].k[2], "seccomp");
    ck_assert_uint_eq(c.v[2].n, 3); /* c and d folded */
    fleet_count_free(&c);
}
END_TEST

static void verdict_of(const char *show, const struct sd_platform *pf, struct sd_verdict *v)
{
    struct unit_info u;
    unit_parse(show, strlen(show), true, &u);
    sd_unit_verdict(&u, pf, "/usr/lib/autoseal/libautoseal.so", v);
    unit_free(&u);
}

START_TEST(sd_verdicts)
{
    ck_assert_int_eq(sd_parse_errno("1"), EPERM);
    ck_assert_int_eq(sd_parse_errno("EPERM"), EPERM);
    ck_assert_int_eq(sd_parse_errno("38"), ENOSYS);
    ck_assert_int_eq(sd_parse_errno("2147483646"), 0);
    ck_assert_int_eq(sd_parse_errno("kill"), 0);
    ck_assert_int_eq(sd_parse_errno(NULL), 0);
    ck_assert_int_eq(sd_parse_errno("bogus"), -1);
    struct sd_platform p252 = {.systemd = 252, .libseccomp = "2.5.4", .mseal_parsable = 0,
                               .global_preload = true};
    struct sd_verdict v;
    /* redis on 252: allow-list, kill */
    verdict_of("Id=redis-server.service\nSystemCallFilter=read write mmap\n"
               "SystemCallErrorNumber=2147483646\nNoExecPaths=/\n"
               "ExecPaths=/usr/bin/redis-server /usr/lib /lib\n", &p252, &v);
    ck_assert_int_eq(v.kind, SD_KILLED);
    ck_assert_str_eq(v.dropin, "SystemCallErrorNumber=EPERM");
    /* journald: allow-list, EPERM; no remedy on 252 */
    verdict_of("Id=j.service\nSystemCallFilter=read write\nSystemCallErrorNumber=1\n", &p252, &v);
    ck_assert_int_eq(v.kind, SD_REFUSED);
    ck_assert_int_eq(v.err, EPERM);
    ck_assert_str_eq(v.dropin, "");
    ck_assert_ptr_nonnull(strstr(v.remedy, "none on systemd 252"));
    /* a platform that parses mseal: allow it */
    struct sd_platform pnew = p252;
    pnew.mseal_parsable = 1;
    verdict_of("Id=j.service\nSystemCallFilter=read write\nSystemCallErrorNumber=1\n", &pnew, &v);
    ck_assert_str_eq(v.dropin, "SystemCallFilter=mseal");
    /* no filter ("~"): sealed; outer filter: refused with its errno */
    verdict_of("Id=n.service\nSystemCallFilter=~\nSystemCallErrorNumber=2147483646\n", &p252, &v);
    ck_assert_int_eq(v.kind, SD_SEALED);
    struct sd_platform pct = p252;
    pct.outer_errno = ENOSYS;
    verdict_of("Id=n.service\nSystemCallFilter=~\n", &pct, &v);
    ck_assert_int_eq(v.kind, SD_REFUSED);
    ck_assert_int_eq(v.err, ENOSYS);
    /* ... but a unit's kill beats the outer errno, its own errno too */
    verdict_of("Id=r.service\nSystemCallFilter=read\n", &pct, &v);
    ck_assert_int_eq(v.kind, SD_KILLED);
    verdict_of("Id=j.service\nSystemCallFilter=read\nSystemCallErrorNumber=EPERM\n", &pct, &v);
    ck_assert_int_eq(v.err, EPERM);
    /* deny-list naming mseal */
    verdict_of("Id=d.service\nSystemCallFilter=~mseal ptrace\nSystemCallErrorNumber=EPERM\n",
               &p252, &v);
    ck_assert_int_eq(v.kind, SD_REFUSED);
    /* NoExecPaths: not loaded today, the drop-in fixes that and the filter */
    verdict_of("Id=x.service\nNoExecPaths=/\nExecPaths=/usr/bin\nSystemCallFilter=read\n", &p252, &v);
    ck_assert_int_eq(v.kind, SD_NOT_LOADED);
    ck_assert_str_eq(v.dropin, "ExecPaths=/usr/lib/autoseal\nSystemCallErrorNumber=EPERM");
    /* not preloaded */
    struct sd_platform pnp = p252;
    pnp.global_preload = false;
    verdict_of("Id=r.service\nSystemCallFilter=read\n", &pnp, &v);
    ck_assert_int_eq(v.kind, SD_NOT_PRELOADED);
    ck_assert_int_eq(v.if_preloaded, SD_KILLED);
    verdict_of("Id=r.service\nSystemCallFilter=read\nEnvironment=LD_PRELOAD=/usr/lib/autoseal/libautoseal.so\n",
               &pnp, &v);
    ck_assert_int_eq(v.kind, SD_KILLED);
    /* several units from one systemctl show */
    const char *many = "Id=a.service\nActiveState=active\n\nId=b.service\nResult=signal\n\n";
    struct unit_info *us;
    ck_assert_uint_eq(unit_parse_many(many, strlen(many), &us), 2);
    ck_assert_str_eq(us[0].id, "a.service");
    ck_assert_str_eq(us[0].active_state, "active");
    ck_assert_str_eq(us[1].result, "signal");
    unit_free(&us[0]);
    unit_free(&us[1]);
    free(us);
}
END_TEST

START_TEST(vmflags_tokens)
{
    const char *l = " rd ex mr mw me slx sl2 ";
    ck_assert(!vmflags_has(l, strlen(l), "sl"));
    ck_assert(vmflags_has(l, strlen(l), "ex"));
    const char *l2 = "rd sl";
    ck_assert(vmflags_has(l2, strlen(l2), "sl"));
    const char *l3 = "sl\tmr";
    ck_assert(vmflags_has(l3, strlen(l3), "sl"));
    ck_assert(!vmflags_has("", 0, "sl"));
}
END_TEST

START_TEST(smaps_grouping)
{
    char *buf;
    size_t len;
    ck_assert_int_eq(read_file(FIXTURES "/smaps-sample.txt", 1 << 20, true, &buf, &len), 0);
    struct mapping *m;
    size_t n;
    char err[128];
    ck_assert_int_eq(smaps_parse(buf, len, &m, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 15);
    ck_assert(m[0].sealed && m[0].has_vmflags);
    ck_assert(!m[10].sealed); /* "slx" is not "sl" */
    ck_assert_str_eq(m[0].path, "/usr/bin/prog");
    ck_assert_str_eq(m[2].path, "");
    struct object_stats *o;
    size_t no;
    struct process_stats ps;
    smaps_group(m, n, 4096, NULL, NULL, &o, &no, &ps);
    /* prog (5 maps + bss), libx (3), libautoseal (1); locale-archive is data */
    ck_assert_uint_eq(no, 3);
    ck_assert_str_eq(o[0].path, "/usr/bin/prog");
    ck_assert_uint_eq(o[0].nmaps, 6);
    ck_assert_int_eq(m[2].object, 0); /* PROT_NONE gap */
    ck_assert_int_eq(m[5].object, 0); /* bss tail */
    ck_assert_int_eq(m[6].object, -1); /* [heap] */
    ck_assert_int_eq(m[7].object, -1); /* locale-archive */
    ck_assert_int_eq(m[8].object, -1); /* anonymous rwx */
    ck_assert_uint_eq(o[0].image.total, 0xa000);
    ck_assert_uint_eq(o[0].image.sealed, 0x7000);
    ck_assert_uint_eq(o[0].nonwritable.total, 0x7000);
    ck_assert_uint_eq(o[0].nonwritable.sealed, 0x7000);
    ck_assert_str_eq(o[1].path, "/usr/lib/libx.so");
    ck_assert_uint_eq(o[1].exec_unsealed, 1);
    ck_assert_uint_eq(o[1].nonwritable_unsealed, 2);
    ck_assert(ps.autoseal_loaded);
    ck_assert_uint_eq(ps.wx_maps, 1);
    ck_assert_uint_eq(ps.wx_bytes, 0x3000);
    ck_assert_uint_eq(ps.nonwritable_unsealed, 2);
    /* exec: prog 0x3000 sealed, rwx 0x3000, libx 0x1000, autoseal 0x1000 sealed,
     * vdso 0x2000; [vsyscall] left out */
    ck_assert_uint_eq(ps.exec_all.total, 0xa000);
    ck_assert_uint_eq(ps.exec_all.sealed, 0x4000);
    free(o);
    smaps_free(m, n);
    free(buf);
}
END_TEST

START_TEST(smaps_bad_input)
{
    struct mapping *m;
    size_t n;
    char err[128];
    const char *t1 = "Size: 4 kB\n";
    ck_assert_int_eq(smaps_parse(t1, strlen(t1), &m, &n, err, sizeof err), -1);
    const char *t2 = "1000-zz r--p 0 0:0 0\n";
    ck_assert_int_eq(smaps_parse(t2, strlen(t2), &m, &n, err, sizeof err), -1);
    const char *t3 = "2000-1000 r--p 00000000 00:00 0\n"; /* end < start */
    ck_assert_int_eq(smaps_parse(t3, strlen(t3), &m, &n, err, sizeof err), -1);
    ck_assert_int_eq(smaps_parse("", 0, &m, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 0);
    smaps_free(m, n);
}
END_TEST

/* A synthetic ELF64 image. */
struct img {
    unsigned char b[0x400];
    int nph;
};

static void img_init(struct img *im, int type)
{
    memset(im, 0, sizeof *im);
    Elf64_Ehdr *e = (Elf64_Ehdr *)im->b;
    memcpy(e->e_ident, ELFMAG, SELFMAG);
    e->e_ident[EI_CLASS] = ELFCLASS64;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_ident[EI_VERSION] = EV_CURRENT;
    e->e_type = (Elf64_Half)type;
    e->e_machine = EM_X86_64;
    e->e_version = EV_CURRENT;
    e->e_phoff = sizeof *e;
    e->e_ehsize = sizeof *e;
    e->e_phentsize = sizeof(Elf64_Phdr);
}

static void img_ph(struct img *im, uint32_t type, uint32_t flags, uint64_t off, uint64_t sz,
                   uint64_t align)
{
    Elf64_Ehdr *e = (Elf64_Ehdr *)im->b;
    Elf64_Phdr *p = (Elf64_Phdr *)(im->b + e->e_phoff) + im->nph++;
    e->e_phnum = (Elf64_Half)im->nph;
    p->p_type = type;
    p->p_flags = flags;
    p->p_offset = off;
    p->p_vaddr = p->p_paddr = 0x400000 + off;
    p->p_filesz = p->p_memsz = sz;
    p->p_align = align;
    if (type == PT_LOAD) {
        p->p_vaddr = p->p_paddr = 0x400000;
    }
}

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

START_TEST(elf_static_with_properties)
{
    struct img im;
    img_init(&im, ET_EXEC);
    img_ph(&im, PT_LOAD, PF_R | PF_X, 0, 0x400, 0x1000);
    img_ph(&im, PT_GNU_STACK, PF_R | PF_W, 0, 0, 16);
    /* NT_GNU_PROPERTY_TYPE_0 at 0x200: x86 feature_1_and = IBT|SHSTK, MEMORY_SEAL */
    unsigned char *n = im.b + 0x200;
    put32(n, 4);
    put32(n + 4, 24);
    put32(n + 8, 5);
    memcpy(n + 12, "GNU", 4);
    put32(n + 16, 0xc0000002u);
    put32(n + 20, 4);
    put32(n + 24, 3);
    put32(n + 32, 3); /* GNU_PROPERTY_MEMORY_SEAL */
    put32(n + 36, 0);
    img_ph(&im, 0x6474e553 /* PT_GNU_PROPERTY */, PF_R, 0x200, 40, 8);
    struct elf_info e;
    char err[256];
    ck_assert_msg(elf_analyze((char *)im.b, sizeof im.b, &e, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(e.link, LINK_STATIC);
    ck_assert(!e.pie && !e.execstack && e.has_gnu_stack);
    ck_assert(e.has_properties && e.ibt && e.shstk && e.memory_seal);
    ck_assert_int_eq(e.relro, RELRO_NONE);
    ck_assert_ptr_null(e.interp);
    struct file_facts f = {0};
    struct verdict v;
    elf_verdict(&e, &f, &v);
#if defined(__x86_64__)
    /* a static x86-64 program: the ptrace launcher of 'autoseal run' */
    ck_assert_int_eq(v.level, VERDICT_PARTIAL);
    ck_assert_str_eq(v.path, "launcher");
    f.setuid = true;
    elf_verdict(&e, &f, &v);
#endif
    ck_assert_int_eq(v.level, VERDICT_NO);
    ck_assert_str_eq(v.path, "none");
    elf_info_free(&e);
}
END_TEST

static void img_dynamic(struct img *im, uint64_t needed_off)
{
    img_init(im, ET_DYN);
    img_ph(im, PT_LOAD, PF_R | PF_X, 0, 0x400, 0x1000);
    img_ph(im, PT_INTERP, PF_R, 0x2e0, 11, 1);
    memcpy(im->b + 0x2e0, "/lib/ld.so", 11);
    img_ph(im, PT_DYNAMIC, PF_R | PF_W, 0x200, 6 * sizeof(Elf64_Dyn), 8);
    img_ph(im, PT_GNU_RELRO, PF_R, 0x200, 0x60, 1);
    Elf64_Dyn *d = (Elf64_Dyn *)(im->b + 0x200);
    d[0].d_tag = DT_NEEDED;
    d[0].d_un.d_val = needed_off;
    d[1].d_tag = DT_STRTAB;
    d[1].d_un.d_ptr = 0x400000 + 0x2c0;
    d[2].d_tag = DT_STRSZ;
    d[2].d_un.d_val = 16;
    d[3].d_tag = DT_FLAGS_1;
    d[3].d_un.d_val = 0x08000000 | DF_1_NOW;
    d[4].d_tag = DT_RUNPATH;
    d[4].d_un.d_val = 11;
    d[5].d_tag = DT_NULL;
    memcpy(im->b + 0x2c0, "\0libfoo.so\0/opt", 16);
}

START_TEST(elf_dynamic_pie)
{
    struct img im;
    img_dynamic(&im, 1);
    struct elf_info e;
    char err[256];
    ck_assert_msg(elf_analyze((char *)im.b, sizeof im.b, &e, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(e.link, LINK_DYNAMIC);
    ck_assert(e.pie && e.bind_now && !e.shared_library);
    ck_assert_int_eq(e.relro, RELRO_FULL);
    ck_assert(e.execstack && !e.has_gnu_stack); /* no PT_GNU_STACK */
    ck_assert_str_eq(e.interp, "/lib/ld.so");
    ck_assert_uint_eq(e.nneeded, 1);
    ck_assert_str_eq(e.needed[0], "libfoo.so");
    ck_assert_ptr_nonnull(e.runpath);
    ck_assert_str_eq(e.runpath, "/opt"); /* NUL found at the table's end */
    struct file_facts f = {0};
    struct verdict v;
    elf_verdict(&e, &f, &v);
    ck_assert_int_eq(v.level, VERDICT_PARTIAL); /* executable stack */
    f.setuid = true;
    elf_verdict(&e, &f, &v);
    ck_assert_int_eq(v.level, VERDICT_NO);
    elf_info_free(&e);
}
END_TEST

START_TEST(elf_bad_strings)
{
    struct img im;
    char err[256];
    struct elf_info e;
    img_dynamic(&im, 16); /* == DT_STRSZ: outside */
    ck_assert_int_eq(elf_analyze((char *)im.b, sizeof im.b, &e, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "outside the string table"));
    img_dynamic(&im, 1);
    memcpy(im.b + 0x2c0, "\0libfoo.so\0/optX", 16); /* last string unterminated */
    ck_assert_int_eq(elf_analyze((char *)im.b, sizeof im.b, &e, err, sizeof err), -1);
    img_dynamic(&im, 1);
    ((Elf64_Dyn *)(im.b + 0x200))[2].d_un.d_val = 0x1000; /* DT_STRSZ past the end */
    ck_assert_int_eq(elf_analyze((char *)im.b, sizeof im.b, &e, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "beyond the end"));
    img_dynamic(&im, 1);
    Elf64_Phdr *p = (Elf64_Phdr *)(im.b + 64) + 1; /* PT_INTERP */
    p->p_offset = 0x10000;
    ck_assert_int_eq(elf_analyze((char *)im.b, sizeof im.b, &e, err, sizeof err), -1);
    /* every prefix of a valid image fails cleanly or succeeds, never crashes */
    img_dynamic(&im, 1);
    for (size_t l = 0; l < sizeof im.b; l++) {
        unsigned char *copy = malloc(l + 1);
        memcpy(copy, im.b, l);
        if (elf_analyze((char *)copy, l, &e, err, sizeof err) == 0) {
            elf_info_free(&e);
        } else {
            ck_assert(err[0] != '\0');
        }
        free(copy);
    }
}
END_TEST

START_TEST(unit_files)
{
    const char *t = "[Unit]\nDescription=x\nEnvironment=LD_PRELOAD=/not/service\n"
                    "[Service]\nEnvironment=\"LD_PRELOAD=/a.so /b.so\" X=1\n"
                    "Environment='Y=2' LD_PRELOAD=/c.so\\\n  Z=3\n"
                    "SystemCallFilter=@system-service\nSystemCallFilter=mseal:EPERM\n"
                    "MemoryDenyWriteExecute=on\nNoExecPaths=/usr -/opt\nExecPaths=/usr/lib/autoseal\n"
                    "ExecStart=-/usr/bin/node app.js\n# Environment=LD_PRELOAD=/comment\n";
    struct unit_info u;
    unit_parse(t, strlen(t), false, &u);
    ck_assert_str_eq(u.ld_preload, "/c.so");
    ck_assert(u.syscall_allow && u.allow_has_mseal && !u.deny_has_mseal);
    ck_assert(u.mdwe);
    ck_assert_uint_eq(u.nnoexec, 2);
    ck_assert_str_eq(u.noexec[1], "/opt");
    ck_assert_str_eq(u.exec_start, "/usr/bin/node");
    ck_assert(!unit_noexec_covers(&u, "/usr/lib/autoseal/libautoseal.so"));
    ck_assert(unit_noexec_covers(&u, "/usr/lib/x/libautoseal.so"));
    ck_assert(unit_noexec_covers(&u, "/opt/libautoseal.so"));
    ck_assert(!unit_noexec_covers(&u, "/optx/libautoseal.so"));
    unit_free(&u);
    const char *s = "Environment=A=1 LD_PRELOAD=/x.so\nSystemCallFilter=~read mseal\n"
                    "ExecStart={ path=/usr/bin/java ; argv[]=/usr/bin/java -jar x ; }\n";
    unit_parse(s, strlen(s), true, &u);
    ck_assert_str_eq(u.ld_preload, "/x.so");
    ck_assert(u.deny_has_mseal && !u.syscall_allow);
    ck_assert_str_eq(u.exec_start, "/usr/bin/java");
    unit_free(&u);
    char *e = unit_escape("a%b\"c\\d");
    ck_assert_str_eq(e, "a%%b\\\"c\\\\d");
    free(e);
}
END_TEST


/* Program headers like a small plugin: R, R E, R, RW with a 5-page bss,
 * RELRO at the start of the RW segment. */
static void layout_image(struct img *im)
{
    img_init(im, ET_DYN);
    Elf64_Ehdr *e = (Elf64_Ehdr *)im->b;
    Elf64_Phdr *p = (Elf64_Phdr *)(im->b + e->e_phoff);
    p[0] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R, .p_offset = 0, .p_vaddr = 0,
                        .p_filesz = 0x468, .p_memsz = 0x468, .p_align = 0x1000};
    p[1] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0x1000,
                        .p_vaddr = 0x1000, .p_filesz = 0x125, .p_memsz = 0x125, .p_align = 0x1000};
    p[2] = (Elf64_Phdr){.p_type = PT_GNU_RELRO, .p_flags = PF_R, .p_offset = 0x2e60,
                        .p_vaddr = 0x3e60, .p_filesz = 0x1a0, .p_memsz = 0x1a0, .p_align = 1};
    p[3] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x2e60,
                        .p_vaddr = 0x3e60, .p_filesz = 0x1a8, .p_memsz = 0x51e0, .p_align = 0x1000};
    p[4] = (Elf64_Phdr){.p_type = PT_INTERP, .p_flags = PF_R, .p_offset = 0x300,
                        .p_filesz = 0x1c, .p_memsz = 0x1c, .p_align = 1};
    e->e_phnum = 5;
    im->nph = 5;
}

START_TEST(elf_layout)
{
    struct img im;
    layout_image(&im);
    struct elf_layout l;
    size_t need = 0;
    char err[128];
    ck_assert_int_eq(elf_layout_parse(im.b, sizeof im.b, &l, &need, err, sizeof err), 0);
    ck_assert_int_eq(l.elfclass, 64);
    ck_assert_uint_eq(l.nload, 3);
    ck_assert_uint_eq(l.first_vaddr, 0);
    ck_assert_uint_eq(l.first_offset, 0);
    ck_assert_uint_eq(l.min_vaddr, 0);
    ck_assert_uint_eq(l.max_end, 0x3e60 + 0x51e0);
    ck_assert(l.have_relro && l.relro_vaddr == 0x3e60 && l.relro_memsz == 0x1a0);
    ck_assert(l.have_interp && l.interp_offset == 0x300 && l.interp_size == 0x1c);
    /* a prefix too short for the program headers asks for more */
    size_t hdr = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
    ck_assert_int_eq(elf_layout_parse(im.b, hdr, &l, &need, err, sizeof err), 1);
    ck_assert_uint_eq(need, sizeof(Elf64_Ehdr) + 5 * sizeof(Elf64_Phdr));
    ck_assert_int_eq(elf_layout_parse(im.b, 20, &l, &need, err, sizeof err), 1);
    ck_assert_uint_eq(need, sizeof(Elf64_Ehdr));
    /* bad input */
    ck_assert_int_eq(elf_layout_parse((const unsigned char *)"#!/bin/sh\n echo hello", 22, &l,
                                      &need, err, sizeof err), -1);
    Elf64_Phdr *p = (Elf64_Phdr *)(im.b + sizeof(Elf64_Ehdr));
    p[3].p_memsz = UINT64_MAX;
    ck_assert_int_eq(elf_layout_parse(im.b, sizeof im.b, &l, &need, err, sizeof err), -1);
    layout_image(&im);
    p[0].p_type = p[1].p_type = p[3].p_type = PT_NOTE;
    ck_assert_int_eq(elf_layout_parse(im.b, sizeof im.b, &l, &need, err, sizeof err), -1);
    ck_assert_str_eq(err, "no PT_LOAD segment");
    layout_image(&im);
    ((Elf64_Ehdr *)im.b)->e_phentsize = 40;
    ck_assert_int_eq(elf_layout_parse(im.b, sizeof im.b, &l, &need, err, sizeof err), -1);
}
END_TEST

static const char layout_smaps[] =
    "7f0000000000-7f0000001000 r--p 00000000 fe:00 10 /lib/libp.so\n"
    "VmFlags: rd mr mw me sl\n"
    "7f0000001000-7f0000002000 r-xp 00001000 fe:00 10 /lib/libp.so\n"
    "VmFlags: rd ex mr mw me sl\n"
    "7f0000002000-7f0000003000 r--p 00002000 fe:00 10 /lib/libp.so\n"
    "VmFlags: rd mr mw me sl\n"
    "7f0000003000-7f0000004000 r--p 00002000 fe:00 10 /lib/libp.so\n"
    "VmFlags: rd mr mw me\n"
    "7f0000004000-7f0000005000 rw-p 00003000 fe:00 10 /lib/libp.so\n"
    "VmFlags: rd wr mr mw me ac\n"
    /* the bss tail (5 pages) merged with 2 more anonymous pages */
    "7f0000005000-7f000000c000 rw-p 00000000 00:00 0 \n"
    "VmFlags: rd wr mr mw me ac\n"
    "7f000000c000-7f000000d000 r-xp 00000000 fe:00 11 /lib/libq.so\n"
    "VmFlags: rd ex mr mw me\n"
    "7f000000d000-7f000000e000 rw-p 00000000 00:00 0 \n"
    "VmFlags: rd wr mr mw me ac\n";

static int fake_layout(void *ctx, const struct mapping *m, struct elf_layout *out, char *why,
                       size_t whylen)
{
    (void)ctx;
    if (m->inode != 10) {
        snprintf(why, whylen, "cannot open %s: Permission denied", m->path);
        return -1;
    }
    struct img im;
    layout_image(&im);
    size_t need;
    return elf_layout_parse(im.b, sizeof im.b, out, &need, why, whylen);
}

struct fake_mem {
    uint64_t at;   /* address of the value */
    uint32_t val;
    int err;       /* negative errno to fail with */
};

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    const struct fake_mem *f = ctx;
    if (f->err) {
        return f->err;
    }
    memset(buf, 0, len);
    if (f->at >= addr && f->at + 4 <= addr + len) {
        memcpy((char *)buf + (f->at - addr), &f->val, 4);
    }
    return 0;
}

START_TEST(smaps_extent_grouping)
{
    struct mapping *m;
    size_t n;
    char err[128];
    ck_assert_int_eq(smaps_parse(layout_smaps, strlen(layout_smaps), &m, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 8);
    struct object_stats *o;
    size_t no;
    struct process_stats ps;
    smaps_group(m, n, 4096, fake_layout, NULL, &o, &no, &ps);
    ck_assert_uint_eq(no, 2);
    ck_assert(o[0].layout_known);
    ck_assert_str_eq(o[0].note, "");
    ck_assert_uint_eq(o[0].layout.lo, 0x7f0000000000);
    ck_assert_uint_eq(o[0].layout.hi, 0x7f000000a000);
    ck_assert_int_eq(m[5].object, 0);
    ck_assert_uint_eq(m[5].istart, 0x7f0000005000);
    ck_assert_uint_eq(m[5].iend, 0x7f000000a000); /* clipped: 2 pages are not image */
    ck_assert_uint_eq(o[0].image.total, 0xa000);
    ck_assert_uint_eq(o[0].image.sealed, 0x3000);
    ck_assert_uint_eq(o[0].nonwritable.total, 0x4000);
    ck_assert_uint_eq(o[0].nonwritable_unsealed, 1);
    /* libq cannot be read: the heuristic, said so */
    ck_assert(!o[1].layout_known);
    ck_assert_str_eq(o[1].note, "heuristic grouping: cannot open /lib/libq.so: Permission denied");
    ck_assert_int_eq(m[7].object, -1); /* no writable file mapping before it: not a bss tail */
    ck_assert_uint_eq(ps.heuristic_objects, 1);
    ck_assert_uint_eq(ps.image.total, 0xb000);

    /* the same without program headers: the old heuristic takes all 7 pages */
    struct object_stats *o2;
    smaps_group(m, n, 4096, NULL, NULL, &o2, &no, &ps);
    ck_assert(!o2[0].layout_known);
    ck_assert_uint_eq(o2[0].image.total, 0xc000);
    ck_assert_uint_eq(ps.heuristic_objects, 2);
    free(o2);

    /* ld.so exemption: the one unsealed non-writable page is inside the
     * RELRO (0x3e60..0x4000, rounded 0x3000..0x4000) */
    smaps_group(m, n, 4096, fake_layout, NULL, &o2, &no, &ps);
    struct fake_mem fm = {.at = 0x7f0000003e70, .val = 0x01000000};
    ck_assert_int_eq(smaps_ldso_exempt(m, n, o2, 0, 4096, fake_read, &fm, &ps), 1);
    ck_assert(m[3].exempt && !m[2].exempt);
    ck_assert_uint_eq(ps.exempt, 1);
    ck_assert_uint_eq(o2[0].exempt, 1);
    free(o2);
    fm.val = 0x01000003;
    smaps_group(m, n, 4096, fake_layout, NULL, &o2, &no, &ps);
    ck_assert_int_eq(smaps_ldso_exempt(m, n, o2, 0, 4096, fake_read, &fm, &ps), 1);
    free(o2);
    /* a value outside PT_GNU_RELRO (same page, before 0x3e60) does not count */
    fm.at = 0x7f0000003e50;
    smaps_group(m, n, 4096, fake_layout, NULL, &o2, &no, &ps);
    ck_assert_int_eq(smaps_ldso_exempt(m, n, o2, 0, 4096, fake_read, &fm, &ps), 0);
    ck_assert(!m[3].exempt && ps.exempt == 0);
    free(o2);
    /* misaligned, other value, unreadable memory */
    fm.at = 0x7f0000003e72;
    smaps_group(m, n, 4096, fake_layout, NULL, &o2, &no, &ps);
    ck_assert_int_eq(smaps_ldso_exempt(m, n, o2, 0, 4096, fake_read, &fm, &ps), 0);
    free(o2);
    fm.at = 0x7f0000003e70;
    fm.val = 0x01000007;
    smaps_group(m, n, 4096, fake_layout, NULL, &o2, &no, &ps);
    ck_assert_int_eq(smaps_ldso_exempt(m, n, o2, 0, 4096, fake_read, &fm, &ps), 0);
    free(o2);
    fm.val = 0x01000000;
    fm.err = -EPERM;
    smaps_group(m, n, 4096, fake_layout, NULL, &o2, &no, &ps);
    ck_assert_int_eq(smaps_ldso_exempt(m, n, o2, 0, 4096, fake_read, &fm, &ps), -EPERM);
    ck_assert(!m[3].exempt);
    free(o2);
    /* another unsealed non-writable mapping (the text): no exemption at all */
    fm.err = 0;
    m[1].sealed = false;
    smaps_group(m, n, 4096, fake_layout, NULL, &o2, &no, &ps);
    ck_assert_int_eq(smaps_ldso_exempt(m, n, o2, 0, 4096, fake_read, &fm, &ps), 0);
    ck_assert(!m[3].exempt);
    free(o2);
    m[1].sealed = true;
    /* without program headers there is no RELRO to check against */
    smaps_group(m, n, 4096, NULL, NULL, &o2, &no, &ps);
    ck_assert_int_eq(smaps_ldso_exempt(m, n, o2, 0, 4096, fake_read, &fm, &ps), 0);
    free(o2);

    ck_assert(smaps_ldso_name("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
    ck_assert(smaps_ldso_name("/lib/ld-linux-aarch64.so.1"));
    ck_assert(!smaps_ldso_name("/usr/lib/libc.so.6"));
    ck_assert(!smaps_ldso_name("/opt/ld-linux/libfoo.so"));
    free(o);
    smaps_free(m, n);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, vmflags_tokens);
    tcase_add_test(tc, smaps_grouping);
    tcase_add_test(tc, smaps_bad_input);
    tcase_add_test(tc, elf_static_with_properties);
    tcase_add_test(tc, elf_dynamic_pie);
    tcase_add_test(tc, elf_bad_strings);
    tcase_add_test(tc, unit_files);
    tcase_add_test(tc, elf_layout);
    tcase_add_test(tc, smaps_extent_grouping);
    tcase_add_test(tc, fleet_cgroup_unit);
    tcase_add_test(tc, fleet_verdicts);
    tcase_add_test(tc, fleet_prometheus_labels);
    tcase_add_test(tc, sd_verdicts);
    suite_add_tcase(s, tc);
    return s;
}

#include "../lib/check_main.h"
