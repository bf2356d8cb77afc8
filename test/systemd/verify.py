#!/usr/bin/python3
"""Compare `autoseal status --all --json` with the independent view of
inspect.py, and check what must be true of the booted container.

  verify.py boot    INSPECT.json STATUS.json   SYSTEMD_SECCOMP=0 boot
  verify.py journal INSPECT.json JOURNAL.jsonl journalctl AUTOSEAL_EVENT=unavailable -o json
  verify.py audit   INSPECT.json AUDIT.json [outer]  autoseal systemd --audit --json
  verify.py strict  INSPECT.json UNIT          UNIT restarted under strict
  verify.py filter  INSPECT.json STATUS.json   nspawn's own filter on

Prints one `ok`/`FAIL` line per check; exit status 1 when any failed.
"""

import json
import sys

fails = 0


def check(cond, what):
    global fails
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        fails += 1
    return cond


def load(path):
    with open(path) as f:
        return json.load(f)


def by_unit(procs, unit):
    return [p for p in procs if p["unit"] == unit]


def consistent(ins, st):
    """status agrees with smaps, and every reason it gives is true."""
    sp = {p["pid"]: p for p in st["processes"]}
    for p in ins["processes"]:
        s = sp.get(p["hpid"])
        name = f'{p["unit"]} {p["comm"]} (host pid {p["hpid"]})'
        if s is None:
            check(False, f"{name}: reported by status --all")
            continue
        check(s["state"] == p["verdict"],
              f'{name}: status says {s["state"]}, smaps says {p["verdict"]} '
              f'({p["ro_sealed"]}/{p["ro_total"]} non-writable bytes sealed)')
        check(s["unit"] == p["unit"], f'{name}: unit {s["unit"]} == {p["unit"]}')
        check(s["seccomp"] == p["seccomp"], f'{name}: seccomp {s["seccomp"]} == {p["seccomp"]}')
        check(s["autoseal_loaded"] == p["autoseal_mapped"],
              f'{name}: libautoseal loaded {s["autoseal_loaded"]} == mapped {p["autoseal_mapped"]}')
        r = s["reason"]
        if p["verdict"] == "sealed":
            check(r == "none", f"{name}: sealed, reason none ({r})")
            continue
        check(r not in ("none", "unknown"), f"{name}: not sealed and a reason is given ({r})")
        if r == "seccomp":
            check(p["seccomp"] == 2 and p["autoseal_mapped"],
                  f"{name}: reason seccomp is true (Seccomp: 2, library mapped)")
        if r in ("no-preload", "static"):
            check(not p["autoseal_mapped"], f"{name}: reason {r} is true (library not mapped)")


def expect_units(ins, st, sealed_units, seccomp_units):
    sp = {p["pid"]: p for p in st["processes"]}
    for u in sealed_units:
        ps = by_unit(ins["processes"], u)
        check(ps != [], f"{u}: has processes")
        for p in ps:
            check(p["verdict"] == "sealed",
                  f'{u} {p["comm"]}: sealed ({p["ro_sealed"]}/{p["ro_total"]} non-writable bytes, '
                  f'{p["ro_unsealed"]} unsealed)')
    for u in seccomp_units:
        ps = by_unit(ins["processes"], u)
        check(ps != [], f"{u}: has processes")
        for p in ps:
            s = sp.get(p["hpid"], {})
            check(p["verdict"] == "unsealed" and s.get("reason") == "seccomp",
                  f'{u} {p["comm"]}: unsealed by its SystemCallFilter (EPERM), reported as '
                  f'{s.get("state")}/{s.get("reason")}')


def main():
    mode, ins = sys.argv[1], load(sys.argv[2])
    check(len(ins["processes"]) >= 8, f'{len(ins["processes"])} container processes inspected')
    if mode == "boot":
        st = load(sys.argv[3])
        consistent(ins, st)
        pid1 = [p for p in ins["processes"] if p["cpid"] == 1]
        check(len(pid1) == 1 and pid1[0]["verdict"] == "sealed", "PID 1 (systemd) sealed")
        sessions = [p for p in ins["processes"] if p["unit"].startswith("session-")]
        check(any(p["comm"] == "sleep" for p in sessions), "the login session's sleep is there")
        expect_units(ins, st,
                     ["init.scope", "nginx.service", "ssh.service", "cron.service",
                      "dbus.service", "user@1000.service"] +
                     sorted({p["unit"] for p in sessions}),
                     # systemd 252: SystemCallFilter=@system-service without mseal,
                     # SystemCallErrorNumber=EPERM: mseal refused, nothing sealed
                     ["systemd-journald.service", "systemd-logind.service"])
        t = st["totals"]
        check(t["processes"] == t["sealed"] + t["partial"] + t["unsealed"], "totals add up")
        check(st["kernel"]["mseal"] is True, "status: the kernel has mseal")
    elif mode == "journal":
        # journalctl AUTOSEAL_EVENT=unavailable -o json: every process that
        # has the library and sealed nothing logged it, with its fields
        entries = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
        check(entries != [], f"journal: {len(entries)} entries with AUTOSEAL_EVENT=unavailable")
        for e in entries:
            check(e.get("SYSLOG_IDENTIFIER") == "autoseal" and e.get("AUTOSEAL_REASON") and
                  e.get("AUTOSEAL_PROFILE") and e.get("MESSAGE", "").find("event=unavailable") >= 0,
                  f'journal: {e.get("AUTOSEAL_PROG")}: SYSLOG_IDENTIFIER, AUTOSEAL_REASON='
                  f'{e.get("AUTOSEAL_REASON")}, AUTOSEAL_PROFILE, MESSAGE')
        pids = {int(e["_PID"]) for e in entries if "_PID" in e}
        for p in ins["processes"]:
            if p["autoseal_mapped"] and p["verdict"] == "unsealed":
                check(p["cpid"] in pids, f'journal: {p["unit"]} {p["comm"]} (pid {p["cpid"]}) '
                      f'found by journalctl AUTOSEAL_EVENT=unavailable')
    elif mode == "audit":
        # autoseal systemd --audit --json: each verdict against the running units
        au = load(sys.argv[3])
        outer = len(sys.argv) > 4 and sys.argv[4] == "outer"
        units = {u["unit"]: u for u in au["units"]}
        check(len(units) >= 20, f"audit: {len(units)} loaded services listed")
        order = ["killed", "not-loaded", "refused", "not-preloaded", "sealed"]
        ranks = [order.index(u["verdict"]) for u in au["units"]]
        check(ranks == sorted(ranks), "audit: worst first")
        check(au["platform"]["systemd"] == 252 and au["platform"]["mseal_parsable"] is False,
              f'audit: platform systemd 252, mseal not parsable ({au["platform"]})')
        check(au["platform"]["mseal_here"] == ("ENOSYS" if outer else "works"),
              f'audit: mseal for the tool: {au["platform"]["mseal_here"]}')
        for name, u in units.items():
            ps = by_unit(ins["processes"], name)
            v = u["verdict"]
            if v == "killed":
                killed = u["active_state"] == "failed" and u["result"] == "signal"
                spared = ps != [] and all(p["verdict"] == "unsealed" and p["seccomp"] == 2 for p in ps)
                inactive = u["active_state"] == "inactive" and ps == []
                check(killed or spared or inactive,
                      f'audit: {name} killed: {u["active_state"]}/{u["result"]}, '
                      f'{len(ps)} processes (killed by SIGSYS, or left unsealed by the library)')
            elif ps == []:
                continue
            elif v == "refused":
                check(all(p["verdict"] == "unsealed" and p["seccomp"] == 2 for p in ps),
                      f'audit: {name} refused ({u["errno"]}): its {len(ps)} processes unsealed, '
                      f'Seccomp 2')
            elif v == "sealed":
                check(all(p["verdict"] == "sealed" for p in ps),
                      f"audit: {name} sealed: its {len(ps)} processes sealed")
            elif v in ("not-loaded", "not-preloaded"):
                check(all(not p["autoseal_mapped"] for p in ps),
                      f"audit: {name} {v}: no process has the library")
        # boot 2 runs after the remedy drop-in (SystemCallErrorNumber=EPERM)
        expect = {"redis-server.service": ("refused", "EPERM") if outer else ("killed", None)}
        if outer:
            expect.update({"nginx.service": ("refused", "ENOSYS"),
                           "cron.service": ("refused", "ENOSYS"),
                           # the unit's own filter is the newest: its EPERM wins
                           "systemd-journald.service": ("refused", "EPERM")})
        else:
            expect.update({"nginx.service": ("sealed", None), "cron.service": ("sealed", None),
                           "systemd-journald.service": ("refused", "EPERM"),
                           "systemd-logind.service": ("refused", "EPERM")})
        for name, (v, e) in expect.items():
            u = units.get(name, {})
            check(u.get("verdict") == v and u.get("errno") == e,
                  f'audit: {name}: {u.get("verdict")}/{u.get("errno")} == {v}/{e}')
        r = units.get("redis-server.service", {})
        check(outer or r.get("dropin") == "SystemCallErrorNumber=EPERM",
              f'audit: redis remedy on 252 is SystemCallErrorNumber=EPERM ({r.get("dropin")})')
    elif mode == "remedy":
        # SystemCallErrorNumber=EPERM: the unit runs, unsealed, and says why
        st, unit = load(sys.argv[3]), sys.argv[4]
        consistent(ins, st)
        sp = {p["pid"]: p for p in st["processes"]}
        ps = by_unit(ins["processes"], unit)
        check(ps != [], f"{unit}: running with the remedy")
        for p in ps:
            check(p["verdict"] == "unsealed" and sp.get(p["hpid"], {}).get("reason") == "seccomp",
                  f'{unit} {p["comm"]}: runs unsealed, status reason seccomp')
    elif mode == "strict":
        unit = sys.argv[3]
        ps = by_unit(ins["processes"], unit)
        check(ps != [], f"{unit}: running after the restart")
        for p in ps:
            check(p["verdict"] == "sealed", f'{unit} {p["comm"]} (pid {p["hpid"]}): sealed')
            # strict never seals writable data at startup (data=keep: a
            # program may still make its own data read-only later)
            check(p["writable_exe_total"] > 0 and p["writable_exe_sealed"] == 0,
                  f'{unit} {p["comm"]}: writable data of its executable left writable and '
                  f'unsealed under strict: {p["writable_exe_sealed"]}/{p["writable_exe_total"]} '
                  f'bytes sealed')
    elif mode == "filter":
        st = load(sys.argv[3])
        consistent(ins, st)
        sp = {p["pid"]: p for p in st["processes"]}
        loaded = [p for p in ins["processes"] if p["autoseal_mapped"]]
        check(len(loaded) >= 5, f"{len(loaded)} container processes have libautoseal")
        for p in loaded:
            s = sp.get(p["hpid"], {})
            check(p["verdict"] == "unsealed" and p["seccomp"] == 2 and
                  s.get("reason") == "seccomp" and "not the kernel" in s.get("detail", ""),
                  f'{p["unit"]} {p["comm"]}: nspawn\'s filter refuses mseal: unsealed, '
                  f'Seccomp {p["seccomp"]}, status reason {s.get("reason")}: {s.get("detail")}')
        check(st["kernel"]["mseal"] is True,
              "status: the kernel has mseal (the cause is the filter, not the kernel)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
