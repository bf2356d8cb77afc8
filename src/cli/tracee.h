/* System call injection into a stopped ptrace tracee (x86-64 only; other
 * architectures get stubs that answer -ENOTSUP, and the launcher refuses).
 *
 * The tracee must be in a ptrace-stop.  tracee_syscall() saves every
 * register, points the instruction pointer at a `syscall` instruction that
 * already exists in the tracee's own text (found once by tracee_find_syscall:
 * nothing of the program's memory is written), loads the number and
 * arguments, single-steps that one instruction, reads the result and puts
 * every register back.  Signals that arrive meanwhile are kept in
 * t->pending for the caller to deliver afterwards, never lost. */
#ifndef AUTOSEAL_CLI_TRACEE_H
#define AUTOSEAL_CLI_TRACEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TRACEE_PENDING_MAX 32

struct tracee {
    pid_t pid;
    uintptr_t sysinsn;      /* address of a 0f 05 byte pair in the tracee */
    int pending[TRACEE_PENDING_MAX]; /* signals postponed during injection */
    size_t npending;
    bool exited;            /* the tracee ended: status in wstatus */
    int wstatus;
};

/* Architecture supported by the injector? */
bool tracee_supported(void);

/* Find a syscall instruction in [lo, hi) of the tracee's memory.  0 or -errno. */
int tracee_find_syscall(struct tracee *t, uintptr_t lo, uintptr_t hi);

/* Run syscall nr(a...) in the tracee.  Returns 0 with the kernel's answer
 * in *ret (negative errno on failure), or -errno when ptrace itself failed
 * (-ESRCH: the tracee ended, t->exited set). */
int tracee_syscall(struct tracee *t, long nr, const long args[6], long *ret);

/* The system call the tracee stopped in (syscall-stop, PTRACE_O_TRACESYSGOOD):
 * entry (nr and args) or exit (rval).  0 or -errno. */
struct tracee_sc {
    bool entry, exit;
    long nr;
    uint64_t args[6];
    long rval;
};
int tracee_syscall_info(pid_t pid, struct tracee_sc *sc);

/* Remember a signal to deliver later. */
void tracee_postpone(struct tracee *t, int sig);

#endif
