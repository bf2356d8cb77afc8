# gdb script (run with `gdb -nx -batch -x stop_at_exit.py --args PROG...`).
#
# Runs PROG to completion, stops it at its exit_group(2) system call - all
# its work done, every library it ever loaded still mapped - runs the seal
# checker on it from outside, then lets it exit.  The program itself is not
# modified; ptrace only stops it.  Signals are passed through untouched
# (the JVM uses SIGSEGV internally).  gdb starts the program through
# /bin/sh (startup-with-shell), which quotes every argument.
#
# Environment (read by this script, never by the program):
#   COMPAT_CHECK   JSON list: the checker command line, "--pid PID" appended
#   COMPAT_RESULT  file that receives a JSON summary:
#                  {"stopped": bool, "pid": N, "check_rc": N|null,
#                   "exit_code": N|null, "exit_signal": str|null}
import json
import os
import subprocess

import gdb

result = {"stopped": False, "pid": None, "check_rc": None,
          "exit_code": None, "exit_signal": None}


def conv(name):
    v = gdb.convenience_variable(name)
    return None if v is None else v


caught_status = None


def finish():
    code = conv("_exitcode")
    if code is None and result["stopped"] and conv("_exitsignal") is None:
        code = caught_status
    sig = conv("_exitsignal")
    result["exit_code"] = None if code is None else int(code)
    if sig is not None:
        result["exit_signal"] = int(sig)
    write_result()


for cmd in ("set pagination off", "set confirm off",
            "set debuginfod enabled off", "set auto-load safe-path /nonexistent",
            "handle all nostop noprint pass", "catch syscall exit_group"):
    try:
        gdb.execute(cmd, to_string=True)
    except gdb.error:
        pass  # older gdb without debuginfod

stops = []
catchpoint = gdb.breakpoints()[-1] if gdb.breakpoints() else None


def on_stop(ev):
    if isinstance(ev, gdb.BreakpointEvent) and catchpoint in ev.breakpoints:
        stops.append("catch")
    else:
        stops.append("other")


def write_result():
    with open(os.environ["COMPAT_RESULT"], "w", encoding="utf-8") as f:
        json.dump(result, f)


gdb.events.stop.connect(on_stop)
try:
    gdb.execute("run", to_string=True)
except gdb.error as e:
    print(f"stop_at_exit: run failed: {e}")

inf = gdb.selected_inferior()
if inf.pid and stops and stops[-1] != "catch":
    # stopped by something else than exit_group: a signal gdb does not
    # pass silently (SIGTRAP: V8's fatal-error trap).  Without a debugger
    # it would have killed the program: report it as that death.
    try:
        signo = int(gdb.parse_and_eval("$_siginfo.si_signo"))
    except gdb.error:
        signo = 5  # SIGTRAP
    print(f"stop_at_exit: program stopped by signal {signo}")
    result["exit_signal"] = signo
    gdb.execute("kill", to_string=True)
    write_result()
    raise SystemExit(0)
if inf.pid:
    # exit_group's argument is the exit status; gdb can lose the final
    # status of a multi-threaded exit ("Couldn't get registers")
    try:
        caught_status = int(gdb.parse_and_eval("$rdi")) & 0xFF
    except gdb.error:
        caught_status = None
    result["stopped"] = True
    result["pid"] = inf.pid
    check = json.loads(os.environ["COMPAT_CHECK"]) + ["--pid", str(inf.pid)]
    result["check_rc"] = subprocess.run(check).returncode
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error as e:
        print(f"stop_at_exit: continue failed: {e}")
    if inf.pid:
        print("stop_at_exit: still alive after exit_group; killing it")
        gdb.execute("kill", to_string=True)
finish()
