/* dl* trampolines for x86-64.  Each saves the argument registers, asks
 * as_dl_enter() (C) for the real function - which also runs a safe point
 * and records the caller's stack pointer (the slot of dlopen's return
 * address) and the return address - restores the registers
 * and jumps to the real function.  The jump is a genuine tail call: glibc
 * sees the program's return address, so RPATH/RUNPATH, $ORIGIN, the link
 * map namespace and dlsym(RTLD_NEXT) resolve exactly as without autoseal. */

#define TRAMPOLINE(name, which)                 \
    .globl name;                                \
    .type name, @function;                      \
    .p2align 4;                                 \
name:                                           \
    .cfi_startproc;                             \
    ENDBR                                       \
    pushq %rdi; .cfi_adjust_cfa_offset 8;       \
    pushq %rsi; .cfi_adjust_cfa_offset 8;       \
    pushq %rdx; .cfi_adjust_cfa_offset 8;       \
    pushq %rcx; .cfi_adjust_cfa_offset 8;       \
    pushq %r8;  .cfi_adjust_cfa_offset 8;       \
    pushq %r9;  .cfi_adjust_cfa_offset 8;       \
    subq $8, %rsp; .cfi_adjust_cfa_offset 8;    \
    movl $which, %edi;                          \
    leaq 56(%rsp), %rsi;                        \
    movq 56(%rsp), %rdx;                        \
    leaq 8(%rsp), %rcx;                         \
    call as_dl_enter;                           \
    addq $8, %rsp; .cfi_adjust_cfa_offset -8;   \
    popq %r9;  .cfi_adjust_cfa_offset -8;       \
    popq %r8;  .cfi_adjust_cfa_offset -8;       \
    popq %rcx; .cfi_adjust_cfa_offset -8;       \
    popq %rdx; .cfi_adjust_cfa_offset -8;       \
    popq %rsi; .cfi_adjust_cfa_offset -8;       \
    popq %rdi; .cfi_adjust_cfa_offset -8;       \
    jmp *%rax;                                  \
    .cfi_endproc;                               \
    .size name, .-name

#ifdef __CET__
#define ENDBR endbr64;
/* -fcf-protection: cet.h emits the .note.gnu.property that marks this
 * object IBT/SHSTK compatible (without it the linker drops the marking
 * for the whole library, and a preloaded library without it turns CET
 * off for the process).  Compatible: every entry starts with endbr64,
 * the call to as_dl_enter returns normally, and the tail jump leaves
 * the program's return address (and shadow stack) untouched. */
#include <cet.h>
#else
#define ENDBR
#endif

    .text
    .hidden as_dl_enter
TRAMPOLINE(dlopen, 0)
TRAMPOLINE(dlmopen, 1)
TRAMPOLINE(dlsym, 2)
TRAMPOLINE(dlclose, 3)

/* void as_run_on_stack(void (*fn)(void *), void *arg, void *top):
 * fn(arg) with %rsp at top (16-byte aligned): safe-point work runs on
 * autoseal's own stack, so the caller's stack pays only these frames. */
    .globl as_run_on_stack
    .hidden as_run_on_stack
    .type as_run_on_stack, @function
    .p2align 4
as_run_on_stack:
    .cfi_startproc
    ENDBR
    pushq %rbp
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset %rbp, 0
    movq %rsp, %rbp
    .cfi_def_cfa_register %rbp
    andq $-16, %rdx
    movq %rdx, %rsp
    movq %rdi, %rax
    movq %rsi, %rdi
    call *%rax
    movq %rbp, %rsp
    .cfi_def_cfa_register %rsp
    popq %rbp
    .cfi_adjust_cfa_offset -8
    .cfi_restore %rbp
    ret
    .cfi_endproc
    .size as_run_on_stack, .-as_run_on_stack

    .section .note.GNU-stack,"",@progbits
