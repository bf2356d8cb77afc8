/* dl* trampolines for aarch64.  Each saves the argument registers and the
 * link register, asks as_dl_enter() (C) for the real function - which also
 * runs a safe point and records the caller's stack pointer and return
 * address - restores the registers and branches to the real function.
 * The branch is a genuine tail call: x30 holds the program's return
 * address again, so glibc sees the program as the caller (RPATH/RUNPATH,
 * $ORIGIN, the link map namespace and dlsym(RTLD_NEXT) resolve exactly as
 * without autoseal).
 *
 * Before the branch the trampoline erases its own copy of the return
 * address: dlwrap.c tells a dlopen still running from one that returned by
 * finding that address saved by the real dlopen below the caller's stack
 * pointer, and a stale copy of ours would only make it wait longer. */

#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT
#define BTI_C hint #34;
#define PROP_BTI 1
#else
#define BTI_C
#define PROP_BTI 0
#endif
#if defined(__ARM_FEATURE_PAC_DEFAULT) && __ARM_FEATURE_PAC_DEFAULT
#define PROP_PAC 2
#else
#define PROP_PAC 0
#endif

#define TRAMPOLINE(name, which)                 \
    .globl name;                                \
    .type name, %function;                      \
    .p2align 4;                                 \
name:                                           \
    .cfi_startproc;                             \
    BTI_C                                       \
    stp x29, x30, [sp, #-96]!;                  \
    .cfi_def_cfa_offset 96;                     \
    .cfi_offset x29, -96;                       \
    .cfi_offset x30, -88;                       \
    mov x29, sp;                                \
    stp x0, x1, [sp, #16];                      \
    stp x2, x3, [sp, #32];                      \
    stp x4, x5, [sp, #48];                      \
    stp x6, x7, [sp, #64];                      \
    str x8, [sp, #80];                          \
    mov x0, which;                              \
    add x1, sp, #96;                            \
    mov x2, x30;                                \
    add x3, sp, #16;                            \
    bl as_dl_enter;                             \
    mov x16, x0;                                \
    ldp x0, x1, [sp, #16];                      \
    ldp x2, x3, [sp, #32];                      \
    ldp x4, x5, [sp, #48];                      \
    ldp x6, x7, [sp, #64];                      \
    ldr x8, [sp, #80];                          \
    ldp x29, x30, [sp];                         \
    stp xzr, xzr, [sp];                         \
    add sp, sp, #96;                            \
    .cfi_def_cfa_offset 0;                      \
    .cfi_restore x29;                           \
    .cfi_restore x30;                           \
    br x16;                                     \
    .cfi_endproc;                               \
    .size name, .-name

    .text
    .hidden as_dl_enter
TRAMPOLINE(dlopen, 0)
TRAMPOLINE(dlmopen, 1)
TRAMPOLINE(dlsym, 2)
TRAMPOLINE(dlclose, 3)

/* void as_run_on_stack(void (*fn)(void *), void *arg, void *top):
 * fn(arg) with sp at top (16-byte aligned): safe-point work runs on
 * autoseal's own stack, so the caller's stack pays only these frames. */
    .globl as_run_on_stack
    .hidden as_run_on_stack
    .type as_run_on_stack, %function
    .p2align 4
as_run_on_stack:
    .cfi_startproc
    BTI_C
    stp x29, x30, [sp, #-16]!
    .cfi_def_cfa_offset 16
    .cfi_offset x29, -16
    .cfi_offset x30, -8
    mov x29, sp
    .cfi_def_cfa_register x29
    and x2, x2, #-16
    mov sp, x2
    mov x3, x0
    mov x0, x1
    blr x3
    mov sp, x29
    .cfi_def_cfa_register sp
    ldp x29, x30, [sp], #16
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    ret
    .cfi_endproc
    .size as_run_on_stack, .-as_run_on_stack

    .section .note.GNU-stack,"",%progbits

#if PROP_BTI || PROP_PAC
/* -mbranch-protection: mark this object BTI/PAC compatible, like the C
 * objects (without the note the linker drops the marking for the whole
 * library).  Compatible: every entry starts with bti c, the tail branch
 * is through x16 (allowed to land on the real function's bti c), and the
 * program's signed return address is handed on untouched. */
    .section .note.gnu.property, "a"
    .p2align 3
    .word 4
    .word 16
    .word 5
    .asciz "GNU"
    .word 0xc0000000
    .word 4
    .word (PROP_BTI | PROP_PAC)
    .word 0
#endif
