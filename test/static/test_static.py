#!/usr/bin/env python3
"""autoseal run on static programs (the ptrace launcher), checked from outside.

Every check reads /proc/PID/smaps of the running program (VmFlags 'sl') or
makes the program try the operation (mprotect of its own text or RELRO:
EPERM), and runs the same probe without autoseal as the control that shows
the check can fail.  Usage: test_static.py --tool AUTOSEAL ... CASE
"""
import argparse
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from smaps_oracle import read_smaps  # noqa: E402

DEADLINE = 60.0
FAILS = []


def ok(msg):
    print("ok    " + msg)


def bad(msg):
    print("FAIL  " + msg)
    FAILS.append(msg)


def expect(cond, msg):
    (ok if cond else bad)(msg)
    return cond


class Proc:
    """A program started (through autoseal run or not) with pipes."""

    def __init__(self, argv, env=None, stdout=subprocess.PIPE, preexec_fn=None):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=stdout,
                                  stderr=subprocess.PIPE, env=env, preexec_fn=preexec_fn)
        self.buf = b""

    def line(self, timeout=DEADLINE):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no line from %r" % self.p.args)
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 4096)
                if not chunk:
                    raise EOFError("EOF from %r (stderr: %s)" % (self.p.args, self.stderr()))
                self.buf += chunk
        ln, self.buf = self.buf.split(b"\n", 1)
        return ln.decode()

    def cmd(self, c):
        self.p.stdin.write((c + "\n").encode())
        self.p.stdin.flush()
        return self.line()

    def finish(self, stdin_close=True, timeout=DEADLINE):
        if stdin_close and self.p.stdin:
            try:
                self.p.stdin.close()
            except BrokenPipeError:
                pass
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise

    def stderr(self):
        if self.p.poll() is None:
            return ""
        return self.p.stderr.read().decode(errors="replace")


def maps(pid):
    """[(start, end, perms, path, sealed)] from /proc/PID/smaps (test/lib/smaps_oracle.py)."""
    return [[m.start, m.end, m.perms, m.path, m.sealed] for m in read_smaps(pid)]


def image_maps(pid, path):
    real = os.path.realpath(path)
    return [m for m in maps(pid) if m[3] == real]


def status_field(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            if ln.startswith(key + ":"):
                return ln.split(":", 1)[1].strip()
    return None


def check_sealed_image(pid, path, what, want=True):
    ims = image_maps(pid, path)
    ro = [m for m in ims if "w" not in m[2]]
    if not expect(ro, "%s: non-writable mappings of %s found (%d)" % (what, path, len(ro))):
        return
    unsealed = ["%x-%x %s" % (m[0], m[1], m[2]) for m in ro if not m[4]]
    if want:
        expect(not unsealed, "%s: every non-writable mapping sealed (unsealed: %s)" % (what, unsealed))
    else:
        expect(len(unsealed) == len(ro), "%s: nothing sealed (sealed: %d of %d)" %
               (what, len(ro) - len(unsealed), len(ro)))


def sealed_at(pid, addr):
    for m in maps(pid):
        if m[0] <= addr < m[1]:
            return m[4], m[2]
    return None, None


def run_probe(a, prog, opts=(), env=None, wrap=()):
    argv = list(wrap) + [a.tool, "run"] + list(opts) + ["--", prog]
    return Proc(argv, env=env)


def ready(p):
    ln = p.line()
    parts = ln.split()
    if len(parts) != 4 or parts[0] != "ready":
        raise RuntimeError("unexpected first line %r" % ln)
    return int(parts[1]), int(parts[2], 16), parts[3]


def plain_control(a, prog, what, relro_expected_ok=True):
    """The probe without autoseal: its mprotect succeeds (the check can fail)."""
    p = Proc([prog])
    pid, relro, word = ready(p)
    expect(p.cmd("mprotect") == "mprotect OK", "%s control: mprotect of text succeeds without autoseal" % what)
    if relro_expected_ok:
        expect(p.cmd("relro") == "relro OK", "%s control: mprotect of RELRO succeeds without autoseal" % what)
    check_sealed_image(pid, prog, what + " control", want=False)
    p.cmd("echo bye")
    p.finish()
    return word


def case_image(a, prog, what, relro_sealed):
    word = plain_control(a, prog, what)
    p = run_probe(a, prog)
    pid, relro, word2 = ready(p)
    # the program keeps the process autoseal was started as (a supervisor's
    # main PID, signals sent to it, its exit status), with no child of ours
    expect(pid == p.p.pid, "%s: the program is the process started (pid %d, started %d)" % (what, pid, p.p.pid))
    expect(children(pid) == [], "%s: no child process left by autoseal (%s)" % (what, children(pid)))
    end = time.monotonic() + DEADLINE
    left = autoseal_processes(pid, a.tool)
    while left and time.monotonic() < end:
        time.sleep(0.01)
        left = autoseal_processes(pid, a.tool)
    expect(left == [], "%s: the tracing helper has exited (left: %s)" % (what, left))
    expect(word2 == word, "%s: program output unchanged under autoseal (%s == %s)" % (what, word2, word))
    check_sealed_image(pid, prog, what)
    s, perms = sealed_at(pid, relro)
    if relro_sealed:
        expect(s is True and perms.startswith("r-"), "%s: RELRO page %x sealed read-only (%s %s)" % (what, relro, s, perms))
        expect(p.cmd("relro") == "relro EPERM", "%s: mprotect of RELRO refused (EPERM)" % what)
    else:
        expect(s is False, "%s: RELRO page %x unsealed (its libc never protects it)" % (what, relro))
    expect(p.cmd("mprotect") == "mprotect EPERM", "%s: mprotect of its own text refused (EPERM)" % what)
    expect(status_field(pid, "TracerPid") == "0", "%s: not traced any more (TracerPid 0)" % what)
    expect(status_field(pid, "Threads") == "1", "%s: no extra thread" % what)
    fds = sorted(os.listdir("/proc/%d/fd" % pid), key=int)
    expect(fds == ["0", "1", "2"], "%s: no descriptor of autoseal's (fds %s)" % (what, fds))
    with open("/proc/%d/environ" % pid, "rb") as f:
        env = f.read().split(b"\0")
    mine = [("%s=%s" % kv).encode() for kv in os.environ.items()]
    expect(sorted(x for x in env if x) == sorted(mine), "%s: environment unchanged" % what)
    p.p.stdin.write(b"exit 7\n")
    p.p.stdin.flush()
    rc = p.finish()
    expect(rc == 7, "%s: exit status passed through (7, got %s)" % (what, rc))
    err = p.stderr()
    expect(err == "", "%s: nothing on stderr (%r)" % (what, err[:200]))


def build_musl(a):
    out = os.path.join(a.work, "probe-musl")
    if not shutil.which("musl-gcc"):
        bad("musl-gcc not installed (package musl-tools, scripts/packages/static.txt)")
        return None
    subprocess.run(["musl-gcc", "-static", "-O1", "-o", out, a.probe_src], check=True)
    return out


def case_signals(a):
    prog = a.probe
    # stdin passes through, line by line
    p = run_probe(a, prog)
    pid, _, _ = ready(p)
    expect(p.cmd("echo one") == "echo one" and p.cmd("echo two") == "echo two",
           "signals: stdin and stdout pass through")
    # SIGUSR1 to the process started reaches the program (it is the program)
    os.kill(p.p.pid, signal.SIGUSR1)
    got = False
    for _ in range(100):
        ln = p.cmd("echo ping")
        if ln == "usr1":
            got = True
            break
        time.sleep(0.02)
    expect(got, "signals: SIGUSR1 sent to the process started reaches the program")
    # SIGTERM: the program dies of it
    os.kill(p.p.pid, signal.SIGTERM)
    rc = p.finish(stdin_close=False)
    expect(rc == -signal.SIGTERM, "signals: SIGTERM kills the program (rc %s)" % rc)
    # a program that dies of a signal: its status is what the caller sees
    p = run_probe(a, prog)
    ready(p)
    p.p.stdin.write(b"raise 11\n")
    p.p.stdin.flush()
    rc = p.finish(stdin_close=False)
    expect(rc == -signal.SIGSEGV, "signals: program killed by SIGSEGV, the caller sees SIGSEGV (rc %s)" % rc)
    # exit statuses
    for code in (0, 3, 255):
        p = run_probe(a, prog)
        ready(p)
        p.p.stdin.write(b"exit %d\n" % code)
        p.p.stdin.flush()
        rc = p.finish(stdin_close=False)
        expect(rc == code, "signals: exit %d passed through (got %s)" % (code, rc))
    # EOF on stdin: the probe exits 0
    p = run_probe(a, prog)
    ready(p)
    expect(p.finish() == 0, "signals: stdin EOF reaches the program")
    # dispositions inherited as ignored stay ignored in the program (nohup),
    # and an ignored SIGCHLD does not break the launcher's start of its helper
    def ignore():
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    p = Proc([a.tool, "run", "--", prog], preexec_fn=ignore)
    pid, _, _ = ready(p)
    ign = int(status_field(pid, "SigIgn"), 16)
    expect(ign & (1 << (signal.SIGHUP - 1)) and ign & (1 << (signal.SIGCHLD - 1)),
           "signals: SIGHUP and SIGCHLD ignored by the caller stay ignored in the program (SigIgn %x)" % ign)
    check_sealed_image(pid, prog, "signals: with SIGCHLD ignored")
    p.p.stdin.write(b"exit 6\n")
    p.p.stdin.flush()
    rc = p.finish(stdin_close=False)
    expect(rc == 6, "signals: with SIGCHLD ignored the exit status still passes (6, got %s)" % rc)
    # A signal sent to the process while the program is still traced must
    # not be lost: 30 rounds send SIGTERM as soon as the child exists (some
    # land in the traced window, others before or after it); in every round
    # the program must die of it, never run on or hang.
    lost, hits = 0, 0
    for _ in range(30):
        p = run_probe(a, prog)
        end = time.monotonic() + DEADLINE
        traced = None
        while traced is None and time.monotonic() < end and p.p.poll() is None:
            traced = status_field(p.p.pid, "TracerPid")
        hits += traced not in (None, "0")
        os.kill(p.p.pid, signal.SIGTERM)
        rc = p.finish(stdin_close=False)
        lost += rc != -signal.SIGTERM
    expect(lost == 0, "signals: SIGTERM at start never lost in 30 rounds (%d sent while traced)" % hits)


def one_line(err, word, what):
    lines = [ln for ln in err.splitlines() if ln.strip()]
    expect(len(lines) == 1 and word in lines[0],
           "%s: one clear line on stderr containing %r (%r)" % (what, word, lines))


def unsealed_run(a, p, prog, what, code=9):
    pid, _, _ = ready(p)
    check_sealed_image(pid, prog, what, want=False)
    expect(p.cmd("mprotect") == "mprotect OK", "%s: runs unsealed (mprotect of text succeeds)" % what)
    p.p.stdin.write(b"exit %d\n" % code)
    p.p.stdin.flush()
    rc = p.finish(stdin_close=False)
    expect(rc == code, "%s: exit status passed through (%d, got %s)" % (what, code, rc))
    return p.stderr()


def case_refusals(a):
    tmp = tempfile.mkdtemp(prefix="autoseal-static-")
    try:
        suid = os.path.join(tmp, "probe-suid")
        shutil.copy(a.probe, suid)
        os.chmod(suid, 0o4755)
        err = unsealed_run(a, run_probe(a, suid), suid, "setuid")
        one_line(err, "setuid", "setuid")
        sgid = os.path.join(tmp, "probe-sgid")
        shutil.copy(a.probe, sgid)
        os.chmod(sgid, 0o2755)
        err = unsealed_run(a, run_probe(a, sgid), sgid, "setgid")
        one_line(err, "setgid", "setgid")
        cap = os.path.join(tmp, "probe-cap")
        shutil.copy(a.probe, cap)
        if subprocess.run(["setcap", "cap_net_bind_service=+ep", cap]).returncode == 0:
            err = unsealed_run(a, run_probe(a, cap), cap, "file capabilities")
            one_line(err, "file-capability", "file capabilities")
        else:
            bad("setcap failed")
    finally:
        shutil.rmtree(tmp)
    err = unsealed_run(a, run_probe(a, a.probe, wrap=[a.noptrace, "--"]), a.probe, "ptrace refused (seccomp)")
    one_line(err, "cannot trace", "ptrace refused")
    for action in ("EPERM", "ENOSYS"):
        what = "mseal %s in the tracee" % action
        err = unsealed_run(a, run_probe(a, a.probe, wrap=[a.seccomp_run, action, "--"]), a.probe, what)
        one_line(err, "mseal is not available", what)
    # a filter that kills on mseal: found out by a probe child, the program
    # runs unsealed instead of dying at the first injected mseal
    err = unsealed_run(a, run_probe(a, a.probe, wrap=[a.seccomp_run, "KILL", "--"]), a.probe,
                       "mseal killed by seccomp")
    one_line(err, "mseal is killed by the seccomp filter", "mseal killed by seccomp")
    # exec failures keep their statuses
    p = Proc([a.tool, "run", "--", "/nonexistent/static"])
    expect(p.finish() == 127, "missing program: 127")


def case_policy(a):
    prog = a.probe
    err = unsealed_run(a, run_probe(a, prog, ["-o", "mode=off"]), prog, "mode=off")
    expect(err == "", "mode=off: silent (%r)" % err)
    glob = os.path.dirname(os.path.realpath(prog)) + "/static_probe*"
    err = unsealed_run(a, run_probe(a, prog, ["-o", "exclude=" + glob]), prog, "exclude=main program")
    expect(err == "", "exclude: silent (%r)" % err)
    err = unsealed_run(a, run_probe(a, prog, ["-o", "mode=audit", "-o", "log=stderr"]), prog, "mode=audit")
    would = [ln for ln in err.splitlines() if "event=audit would=seal" in ln]
    expect(any("kind=text" in ln for ln in would) and any("kind=relro" in ln for ln in would),
           "audit: logs the text and RELRO ranges it would seal (%d lines)" % len(would))
    # a program section of the configuration file applies
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("mode = enforce\n[%s]\nmode = off\n" % os.path.realpath(prog))
        conf = f.name
    try:
        env = dict(os.environ, AUTOSEAL_CONFIG=conf)
        unsealed_run(a, run_probe(a, prog, env=env), prog, "config [program] mode=off")
        env = dict(os.environ, AUTOSEAL_CONFIG=conf, AUTOSEAL_OPTIONS="mode=enforce")
        p = run_probe(a, prog, env=env)
        pid, _, _ = ready(p)
        check_sealed_image(pid, prog, "AUTOSEAL_OPTIONS overrides the config section")
        p.finish()
    finally:
        os.unlink(conf)
    # execmem=kernel: PR_SET_MDWE set before exec, inherited: RWX refused
    p = Proc([prog])
    ready(p)
    expect(p.cmd("rwx") == "rwx OK", "execmem control: RWX mmap succeeds without autoseal")
    p.finish()
    p = run_probe(a, prog, ["-o", "execmem=kernel"])
    pid, _, _ = ready(p)
    expect(p.cmd("rwx") == "rwx EACCES", "execmem=kernel: RWX mmap in the static program fails (EACCES)")
    check_sealed_image(pid, prog, "execmem=kernel")
    p.finish()
    # vdso=seal
    p = run_probe(a, prog)
    pid, _, _ = ready(p)
    vd = [m for m in maps(pid) if m[3] in ("[vdso]", "[vvar]", "[vvar_vclock]")]
    expect(vd and not any(m[4] for m in vd), "vdso control: system mappings unsealed by default")
    p.finish()
    p = run_probe(a, prog, ["-o", "vdso=seal"])
    pid, _, _ = ready(p)
    vd = [m for m in maps(pid) if m[3] in ("[vdso]", "[vvar]", "[vvar_vclock]")]
    expect(vd and all(m[4] for m in vd), "vdso=seal: %s sealed" % [m[3] for m in vd])
    expect(p.cmd("echo t") == "echo t", "vdso=seal: program works (time via vDSO)")
    p.finish()
    # data=seal: the writable segment too, after RELRO
    p = run_probe(a, prog, ["-o", "data=seal"])
    pid, _, _ = ready(p)
    rw = [m for m in image_maps(pid, prog) if "w" in m[2]]
    expect(rw and all(m[4] for m in rw), "data=seal: writable segments sealed")
    expect(p.cmd("echo d") == "echo d", "data=seal: program works")
    p.finish()


def go_build(a):
    src = a.goserver_src
    out = os.path.join(a.work, "goserver")
    if not shutil.which("go"):
        bad("go not installed (package golang-go, scripts/packages/static.txt)")
        return None
    env = dict(os.environ, CGO_ENABLED="0", GOCACHE=os.path.join(a.work, "gocache"),
               GOPATH=os.path.join(a.work, "gopath"), GOPROXY="off", GOFLAGS="-mod=mod",
               GOTOOLCHAIN="local")
    r = subprocess.run(["go", "build", "-o", out, "."], cwd=src, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=280)
    if not expect(r.returncode == 0, "go build of the server (%s)" % r.stdout.decode()[-300:]):
        return None
    info = subprocess.run(["file", out], stdout=subprocess.PIPE).stdout.decode()
    expect("statically linked" in info, "the Go server is statically linked (%s)" % info.strip()[-80:])
    return out


def http_get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=30) as r:
        return r.read().decode().strip()


def go_ready(p):
    parts = p.line().split()
    return int(parts[1]), int(parts[2])


def case_go_server(a):
    srv = go_build(a)
    if not srv:
        return
    p = Proc([srv])
    pid, port = go_ready(p)
    expect(http_get(port, "/mprotect") == "OK", "go control: mprotect of its text succeeds without autoseal")
    p.p.terminate()
    p.finish()
    p = Proc([a.tool, "run", "--", srv])
    pid, port = go_ready(p)
    check_sealed_image(pid, srv, "go server")
    expect(http_get(port, "/mprotect") == "EPERM", "go server: mprotect of its text refused (EPERM)")
    gc0 = int(http_get(port, "/stats").split()[0].split("=")[1])
    errors = []
    results = []

    def client(k):
        try:
            for i in range(25):
                results.append(http_get(port, "/work?n=%d" % (20 + (i * k) % 80)))
        except Exception as e:  # noqa: BLE001 - recorded, reported below
            errors.append(repr(e))

    ts = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    expect(not errors and len(results) == 200 and all(r.startswith("sum=") for r in results),
           "go server: 200 requests from 8 concurrent clients served while sealed (errors %s)" % errors[:2])
    st = http_get(port, "/stats").split()
    gc1 = int(st[0].split("=")[1])
    expect(gc1 > gc0, "go server: the garbage collector ran under load (%d -> %d cycles)" % (gc0, gc1))
    expect(status_field(pid, "TracerPid") == "0", "go server: untraced while serving")
    check_sealed_image(pid, srv, "go server after load")
    os.kill(p.p.pid, signal.SIGTERM)
    rc = p.finish(stdin_close=False)
    expect(rc == -signal.SIGTERM, "go server: SIGTERM to the process started stops it (rc %s)" % rc)


def autoseal_processes(pid, tool):
    """Processes of the tool in pid's process group, pid excluded."""
    try:
        pgrp = os.getpgid(pid)
    except OSError:
        return []
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == pid:
            continue
        try:
            if os.getpgid(int(d)) == pgrp and \
                    os.path.realpath("/proc/%s/exe" % d) == os.path.realpath(tool):
                found.append(int(d))
        except OSError:
            pass
    return found


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def case_go_debian(a):
    prog = shutil.which("golang-petname")
    if not prog:
        bad("golang-petname not installed (scripts/packages/static.txt)")
        return
    info = subprocess.run(["file", "-L", prog], stdout=subprocess.PIPE).stdout.decode()
    if not expect("statically linked" in info, "%s is a static Go binary (%s)" % (prog, info.strip()[-60:])):
        return
    # Its stdout is a pipe filled to the brim: its first write blocks, so it
    # stays alive (sealed) until the test drains the pipe.
    r, w = os.pipe()
    os.set_blocking(w, False)
    filled = 0
    try:
        while True:
            filled += os.write(w, b"x" * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(w, True)
    launcher = subprocess.Popen([a.tool, "run", "--", prog, "--words", "3"], stdout=w,
                                stderr=subprocess.PIPE)
    os.close(w)
    end = time.monotonic() + DEADLINE
    pid = None
    while time.monotonic() < end:
        kids = [launcher.pid]  # the program runs in the process started
        if kids:
            try:
                st = status_field(kids[0], "State") or ""
                if os.path.realpath("/proc/%d/exe" % kids[0]) == os.path.realpath(prog) and \
                        status_field(kids[0], "TracerPid") == "0" and "S" in st:
                    pid = kids[0]
                    break
            except OSError:
                pass
        time.sleep(0.01)
    if expect(pid is not None, "golang-petname started and blocked on its full stdout"):
        check_sealed_image(pid, prog, "golang-petname")
    out = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        out += chunk
    os.close(r)
    rc = launcher.wait(DEADLINE)
    name = out[filled:].decode().strip()
    expect(rc == 0 and name.count("-") == 2, "golang-petname: its output (%r) and status 0 (got %s)" % (name, rc))


def case_status(a):
    for prog, what in ((a.probe, "static"), (a.probe_pie, "static-pie")):
        p = run_probe(a, prog)
        pid, _, _ = ready(p)
        r = subprocess.run([a.tool, "status", "--require-sealed", str(pid)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        out = r.stdout.decode()
        expect(r.returncode == 0, "status %s: --require-sealed passes (%s)" % (what, out[-200:]))
        expect("sealed from outside" in out, "status %s: says how it was sealed (%s)" % (what, out.strip().splitlines()[-1][:200]))
        p.finish()
    p = Proc([a.probe])
    pid, _, _ = ready(p)
    r = subprocess.run([a.tool, "status", "--require-sealed", str(pid)], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    expect(r.returncode == 1, "status control: unsealed static program fails --require-sealed (%d)" % r.returncode)
    expect("sealed from outside" not in r.stdout.decode(), "status control: no 'sealed from outside' claim")
    p.finish()


def case_check(a):
    for prog, want in ((a.probe, "launcher"), (a.probe_pie, "launcher"), ("/bin/true", "preload")):
        r = subprocess.run([a.tool, "check", prog], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = r.stdout.decode()
        path = [ln for ln in out.splitlines() if ln.strip().startswith("path ")]
        expect(path and want in path[0], "check %s: path %s (%s)" % (prog, want, path))
        expect(r.returncode == 0, "check %s: exit 0 (%d)" % (prog, r.returncode))
    tmp = tempfile.mkdtemp(prefix="autoseal-check-")
    try:
        suid = os.path.join(tmp, "p")
        shutil.copy(a.probe, suid)
        os.chmod(suid, 0o4755)
        r = subprocess.run([a.tool, "check", suid], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        path = [ln for ln in r.stdout.decode().splitlines() if ln.strip().startswith("path ")]
        expect(path and "none" in path[0], "check setuid static: path none (%s)" % path)
    finally:
        shutil.rmtree(tmp)


def write_unit(d, name, body):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write("[Unit]\nDescription=autoseal launcher test\n\n[Service]\n" + body)
    return path


def case_systemd(a):
    d = tempfile.mkdtemp(prefix="autoseal-units-")
    try:
        write_unit(d, "st.service", "Type=notify\nExecStart=-%s\nSystemCallFilter=@system-service mseal\n" % a.probe)
        r = subprocess.run([a.tool, "systemd", "--dir", d, "--profile", "strict", "-o", "vdso=seal", "st"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = r.stderr.decode()
        conf = os.path.join(d, "st.service.d", "autoseal.conf")
        expect(r.returncode == 0 and os.path.exists(conf), "systemd: drop-in written (rc %d)" % r.returncode)
        text = open(conf).read() if os.path.exists(conf) else ""
        lines = text.splitlines()
        want = "ExecStart=-%s run -o profile=strict -o vdso=seal -- %s" % (os.path.realpath(a.tool), a.probe)
        expect("ExecStart=" in lines and want in lines,
               "systemd: ExecStart= reset and wrapped in 'autoseal run --', prefix kept (%r)" % lines[-3:])
        # the program is the main process: its notifications need nothing
        expect("NotifyAccess" not in text, "systemd: Type=notify needs no NotifyAccess= (%r)" % lines)
        expect("KillMode" not in err and "SIGTERM" not in err, "systemd: no note about a second SIGTERM (%r)" % err)
        expect("LD_PRELOAD=" not in text, "systemd: no LD_PRELOAD for a static program")
        expect("allow-list without ptrace" in err, "systemd: warns about @system-service lacking ptrace")
        expect("allow-list without mseal" not in err, "systemd: no mseal warning (listed)")
        if shutil.which("systemd-analyze"):
            v = subprocess.run(["systemd-analyze", "verify", os.path.join(d, "st.service")],
                               env=dict(os.environ, SYSTEMD_UNIT_PATH=d + ":"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            out = v.stdout.decode()
            expect(v.returncode == 0 and "autoseal.conf" not in out, "systemd: systemd-analyze verify passes (%s)" % out[-300:])
        else:
            bad("systemd-analyze missing (package systemd)")
        # the generated command line runs the program sealed
        cmd = want.split("=", 1)[1].lstrip("-").split()
        p = Proc(cmd)
        pid, _, _ = ready(p)
        check_sealed_image(pid, a.probe, "systemd: the drop-in's command")
        p.finish()
        write_unit(d, "ok.service", "ExecStart=%s\nSystemCallFilter=@system-service mseal ptrace\n" % a.probe)
        r = subprocess.run([a.tool, "systemd", "--dir", d, "--print", "ok"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        expect(r.returncode == 0 and "ptrace" not in r.stderr.decode() and "NotifyAccess" not in r.stdout.decode(),
               "systemd: ptrace listed: no ptrace warning; NotifyAccess untouched")
        write_unit(d, "at.service", "ExecStart=@%s name\n" % a.probe)
        r = subprocess.run([a.tool, "systemd", "--dir", d, "at"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        expect(r.returncode == 1 and not os.path.exists(os.path.join(d, "at.service.d")),
               "systemd: '@' prefix refused, nothing written (%s)" % r.stderr.decode().strip()[-120:])
        write_unit(d, "two.service", "Type=oneshot\nExecStart=%s\nExecStart=%s\n" % (a.probe, a.probe))
        r = subprocess.run([a.tool, "systemd", "--dir", d, "two"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        expect(r.returncode == 1, "systemd: two ExecStart= lines refused")
        write_unit(d, "dyn.service", "ExecStart=/bin/sleep 1\n")
        r = subprocess.run([a.tool, "systemd", "--dir", d, "--print", "dyn"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        expect(r.returncode == 0 and "LD_PRELOAD=" in r.stdout.decode() and "run --" not in r.stdout.decode(),
               "systemd: a dynamic program keeps the LD_PRELOAD drop-in")
    finally:
        shutil.rmtree(d)


def case_relro_wait(a):
    """The wait for a program's own mprotect of RELRO ends by itself."""
    # 20000 system calls without that mprotect: detached after 10000
    p = Proc([a.tool, "run", "--", a.norelro_loop])
    end = time.monotonic() + DEADLINE
    pid = None
    while time.monotonic() < end and pid is None and p.p.poll() is None:
        for k in [p.p.pid]:  # the program runs in the process started
            try:
                if os.path.realpath("/proc/%d/exe" % k) == os.path.realpath(a.norelro_loop) and \
                        status_field(k, "TracerPid") == "0":
                    pid = k
            except OSError:
                pass
        time.sleep(0.005)
    if expect(pid is not None, "relro wait: the program is detached while it still runs"):
        check_sealed_image(pid, a.norelro_loop, "relro wait (bound reached)")
        relro = [m for m in image_maps(pid, a.norelro_loop) if "w" in m[2]]
        expect(relro and not any(m[4] for m in relro), "relro wait: RELRO left unsealed (never protected)")
    rc = p.finish()
    err = p.stderr()
    expect(rc == 5, "relro wait: exit status passed through (5, got %s)" % rc)
    one_line(err, "no mprotect of RELRO within the first 10000 system calls", "relro wait (bound)")
    # exits first
    p = Proc([a.tool, "run", "--", a.norelro])
    rc = p.finish()
    expect(rc == 5, "relro wait: exit before protecting: status 5 (got %s)" % rc)
    one_line(p.stderr(), "exits before protecting RELRO", "relro wait (exit)")


def main():
    ap = argparse.ArgumentParser()
    for o in ("tool", "work", "probe", "probe-pie", "probe-src", "goserver-src", "noptrace", "seccomp-run",
              "norelro", "norelro-loop"):
        ap.add_argument("--" + o, required=True)
    ap.add_argument("case")
    a = ap.parse_args()
    for k in ("AUTOSEAL_OPTIONS", "AUTOSEAL_CONFIG", "LD_PRELOAD"):
        os.environ.pop(k, None)
    os.makedirs(a.work, exist_ok=True)
    try:
        if a.case == "glibc":
            case_image(a, a.probe, "static glibc", relro_sealed=True)
        elif a.case == "pie":
            case_image(a, a.probe_pie, "static-pie", relro_sealed=True)
        elif a.case == "musl":
            prog = build_musl(a)
            if prog:
                case_image(a, prog, "musl static", relro_sealed=False)
        elif a.case == "signals":
            case_signals(a)
        elif a.case == "refusals":
            case_refusals(a)
        elif a.case == "policy":
            case_policy(a)
        elif a.case == "go_server":
            case_go_server(a)
        elif a.case == "go_debian":
            case_go_debian(a)
        elif a.case == "status":
            case_status(a)
        elif a.case == "check":
            case_check(a)
        elif a.case == "systemd":
            case_systemd(a)
        elif a.case == "relro_wait":
            case_relro_wait(a)
        else:
            bad("unknown case " + a.case)
    except (TimeoutError, EOFError, RuntimeError, OSError, subprocess.SubprocessError) as e:
        bad("%s: %s" % (type(e).__name__, e))
    print("%d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
