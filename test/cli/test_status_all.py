#!/usr/bin/python3
"""autoseal status --all: state and reason per process, totals, unreadable
processes, and the Prometheus format, for processes started here in known
conditions.  Each state is also checked from smaps directly (VmFlags sl).

usage: test_status_all.py AUTOSEAL LIBAUTOSEAL SLEEPER SECCOMP_RUN
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from smaps_oracle import read_smaps  # noqa: E402

tool, lib, sleeper, seccomp_run = sys.argv[1:5]
fails = 0


def check(cond, what):
    global fails
    print(("ok    " if cond else "FAIL  ") + what)
    fails += 0 if cond else 1
    return cond


def start(argv, env):
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    line = p.stdout.readline()
    if not line.startswith(b"ready"):
        raise SystemExit(f"FAIL: {argv} did not start: {line!r}")
    return p


def ro_sealed_from_smaps(pid):
    """(sealed, total) bytes of the non-writable mappings of ELF files."""
    sealed = total = 0
    for m in read_smaps(pid):
        if not m.file_backed or m.writable:
            continue
        try:
            with open(f"/proc/{pid}/map_files/{m.start:x}-{m.end:x}", "rb") as e:
                if e.read(4) != b"\x7fELF":
                    continue
        except OSError:
            continue
        total += m.size
        sealed += m.size if m.sealed else 0
    return sealed, total


base = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "AUTOSEAL_OPTIONS")}
tmp = tempfile.mkdtemp()
procs = {}
try:
    with open(f"{tmp}/static.c", "w") as f:
        f.write('#include <stdio.h>\n#include <unistd.h>\nint main(void){char c;'
                'puts("ready");fflush(stdout);while(read(0,&c,1)>0);return 0;}\n')
    subprocess.run(["gcc", "-static", "-o", f"{tmp}/static", f"{tmp}/static.c"], check=True)
    pre = dict(base, LD_PRELOAD=lib)
    procs["plain"] = start([sleeper], base)
    procs["sealed"] = start([sleeper], pre)
    procs["mode-off"] = start([sleeper], dict(pre, AUTOSEAL_OPTIONS="mode=off"))
    procs["mode-audit"] = start([sleeper], dict(pre, AUTOSEAL_OPTIONS="mode=audit,log=none"))
    procs["seccomp"] = start([seccomp_run, "EPERM", "--", sleeper],
                             dict(pre, AUTOSEAL_OPTIONS="log=none"))
    procs["excluded"] = start([sleeper], dict(pre, AUTOSEAL_OPTIONS="exclude=**/libc.so.6"))
    procs["static"] = start([f"{tmp}/static"], pre)

    out = subprocess.run([tool, "status", "--all", "--json"], capture_output=True, text=True)
    check(out.returncode == 0, f"status --all --json exits 0 ({out.returncode}) {out.stderr}")
    js = json.loads(out.stdout)
    by_pid = {p["pid"]: p for p in js["processes"]}
    want = {"plain": ("unsealed", "no-preload"), "sealed": ("sealed", "none"),
            "mode-off": ("unsealed", "mode-off"), "mode-audit": ("unsealed", "mode-audit"),
            "seccomp": ("unsealed", "seccomp"), "excluded": ("partial", "excluded"),
            "static": ("unsealed", "static")}
    for name, (state, reason) in want.items():
        pid = procs[name].pid
        p = by_pid.get(pid)
        if not check(p is not None, f"{name}: pid {pid} listed"):
            continue
        check(p["state"] == state and p["reason"] == reason,
              f'{name}: {p["state"]}/{p["reason"]} == {state}/{reason}')
        s, t = ro_sealed_from_smaps(pid)
        truth = "unsealed" if s == 0 else "sealed" if t - s <= 4096 else "partial"
        check(t > 0 and truth == state, f"{name}: smaps agrees ({s}/{t} non-writable bytes sealed: {truth})")
        check(p["uid"] == os.geteuid() and p["unit"] and p["exe"].startswith("/"),
              f'{name}: uid {p["uid"]}, unit {p["unit"]}, exe {p["exe"]}')
        check(p["seccomp"] == (2 if name == "seccomp" else 0), f'{name}: seccomp {p["seccomp"]}')
    t = js["totals"]
    check(t["processes"] == len(js["processes"]) ==
          t["sealed"] + t["partial"] + t["unsealed"], f"totals add up: {t}")
    check(sum(t["not_sealed_by_reason"].values()) == t["partial"] + t["unsealed"],
          "not_sealed_by_reason sums to partial + unsealed")
    for r in ("no-preload", "mode-off", "seccomp", "excluded", "static"):
        check(t["not_sealed_by_reason"].get(r, 0) >= 1, f"totals count reason {r}")
    check(js["kernel"]["mseal"] is True, "kernel: mseal available here")

    human = subprocess.run([tool, "status", "--all"], capture_output=True, text=True).stdout
    line = [l for l in human.splitlines() if re.match(rf"^\s*{procs['seccomp'].pid}\s", l)]
    check(len(line) == 1 and " unsealed " in line[0] and " seccomp " in line[0],
          f"human: the seccomp process line says unsealed/seccomp: {line}")
    check(re.search(r"^totals: \d+ processes: \d+ sealed", human, re.M) is not None,
          "human: totals line")
    check(all(" sealed " not in l or re.search(r"\s0\.0\s", l) is None
              for l in human.splitlines()[1:-1]), "human: no 0%-sealed process says sealed")

    # Prometheus textfile format
    prom = subprocess.run([tool, "status", "--all", "--format=prometheus"],
                          capture_output=True, text=True)
    check(prom.returncode == 0, "prometheus: exit 0")
    promtool = shutil.which("promtool")
    if check(promtool is not None, "promtool installed (scripts/packages/systemd.txt)"):
        pc = subprocess.run([promtool, "check", "metrics"], input=prom.stdout,
                            capture_output=True, text=True)
        check(pc.returncode == 0, f"promtool check metrics: {pc.stdout}{pc.stderr}")
    for r in ("mode-off", "seccomp", "static"):
        check(re.search(rf'^autoseal_processes{{state="unsealed",reason="{r}"}} [1-9]', prom.stdout,
                        re.M) is not None, f"prometheus: autoseal_processes reason {r}")
    check(re.search(rf'^autoseal_unsealed_executable_processes{{executable="{re.escape(sleeper)}",'
                    r'reason="mode-off"} [1-9]', prom.stdout, re.M) is not None,
          "prometheus: per-executable series for the mode=off sleeper")
    names = {l.split("{")[0].split(" ")[0] for l in prom.stdout.splitlines() if not l.startswith("#")}
    check(all(n.startswith("autoseal_") for n in names), f"prometheus: only autoseal_* ({names})")
    for n in names:
        check(f"# HELP {n} " in prom.stdout and f"# TYPE {n} gauge" in prom.stdout,
              f"prometheus: HELP and TYPE for {n}")
    bad = subprocess.run([tool, "status", "--format=prometheus", "1"], capture_output=True)
    check(bad.returncode == 2, "prometheus without --all: usage error")
    bad = subprocess.run([tool, "status", "--all", "--format=xml"], capture_output=True)
    check(bad.returncode == 2, "unknown format: usage error")

    # an unprivileged reader: our processes are unreadable, and counted
    if os.geteuid() == 0 and shutil.which("setpriv"):
        os.chmod(tmp, 0o755)
        nob = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              tool, "status", "--all", "--json"], capture_output=True, text=True)
        if check(nob.returncode == 0, f"as nobody: exit 0 ({nob.stderr.strip()})"):
            nj = json.loads(nob.stdout)
            check(nj["totals"]["unreadable"] >= len(procs) and
                  nj["totals"]["unreadable_by_reason"].get("permission", 0) >= len(procs),
                  f'as nobody: our {len(procs)} processes counted unreadable (permission): '
                  f'{nj["totals"]}')
            check(all(p["pid"] not in [q.pid for q in procs.values()] for p in nj["processes"]),
                  "as nobody: none of them listed")
finally:
    for p in procs.values():
        p.stdin.close()
        p.wait(timeout=30)
    shutil.rmtree(tmp, ignore_errors=True)

print(f"{fails} failure(s)")
sys.exit(1 if fails else 0)
