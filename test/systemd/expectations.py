#!/usr/bin/python3
"""What the library's seccomp handling (issue 11, items 4 and 5) must make
true on the booted Debian 12 host, judged from what systemd_host recorded
(RESULT_DIR/host.json).  Fails until the library does it:

1. redis-server.service (SystemCallFilter=@system-service, which on
   systemd 252 kills on mseal) is not killed by autoseal: it is active, and
   each of its processes is sealed, or unsealed with status reason seccomp
   (the library found that mseal would kill it and left it unsealed).
2. Under nspawn's own filter (mseal answered with ENOSYS on a kernel that
   has mseal), the library's event=unavailable lines do not blame the
   kernel ("kernel before 6.10") but name the seccomp filter.
"""
import json
import sys

fails = 0


def check(cond, what):
    global fails
    print(("ok    " if cond else "FAIL  ") + what)
    fails += 0 if cond else 1


d = json.load(open(sys.argv[1]))
r = d["redis"]
check(r["active_state"] == "active",
      f'redis-server.service active under autoseal (state {r["active_state"]}, result '
      f'{r["result"]}: "signal" means killed by SIGSYS)')
st = {p["pid"]: p for p in d["status1"]["processes"]}
procs = [p for p in d["inspect1"]["processes"] if p["unit"] == "redis-server.service"]
check(procs != [], "redis-server.service has processes")
for p in procs:
    s = st.get(p["hpid"], {})
    check(p["verdict"] == "sealed" or (p["verdict"] == "unsealed" and s.get("reason") == "seccomp"),
          f'redis {p["comm"]}: sealed, or unsealed with reason seccomp (smaps: {p["verdict"]}, '
          f'status: {s.get("state")}/{s.get("reason")})')
enosys = [l for l in d["journal2"] if "event=unavailable" in l and "reason=ENOSYS" in l]
check(enosys != [], f"boot 2: {len(enosys)} event=unavailable reason=ENOSYS lines in the journal")
blame = [l for l in enosys if "kernel before" in l]
check(blame == [], f"boot 2: no line blames the kernel ({len(blame)} do, e.g. {blame[:1]})")
check(all("seccomp" in l for l in enosys), "boot 2: every ENOSYS line names the seccomp filter")
sys.exit(1 if fails else 0)
