#!/usr/bin/python3
"""Independent view of a booted container's processes, from the host.

Shares no code with autoseal: reads /proc/PID/smaps (VmFlags `sl`),
/proc/PID/status (Seccomp:), /proc/PID/cgroup and /proc/PID/maps of every
process in the container's PID namespace (the one of LEADER, its PID 1 as
seen from the host) and prints one JSON object:

  {"leader": N, "processes": [{"hpid": host pid, "cpid": container pid,
    "comm", "exe", "unit", "seccomp", "autoseal_mapped",
    "ro_total", "ro_sealed", "ro_unsealed", "exempt", "verdict",
    "writable_exe_total", "writable_exe_sealed"}, ...]}

verdict: "sealed" when every non-writable mapping of an ELF file is sealed
(at most one unsealed page of ld.so's RELRO tolerated: the __stack_prot
page ldso-relro=safe leaves), "unsealed" when none is, else "partial".
writable_exe_*: bytes of the writable mappings of the process's own
executable file (never sealed at startup, in any profile).
"""

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from smaps_oracle import DELETED, parse_smaps  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
_elf_cache = {}


def is_elf(hpid, start, end, dev, inode):
    key = (dev, inode)
    if key not in _elf_cache:
        try:
            with open(f"/proc/{hpid}/map_files/{start:x}-{end:x}", "rb") as f:
                _elf_cache[key] = f.read(4) == b"\x7fELF"
        except OSError:
            return None  # unknown: not cached
    return _elf_cache[key]


def ns_of(pid):
    return os.readlink(f"/proc/{pid}/ns/pid")


def unit_of(text):
    unified = named = "-"
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        comps = [c for c in parts[2].split("/") if c.endswith((".service", ".scope"))]
        if parts[0] == "0" and parts[1] == "" and comps and unified == "-":
            unified = comps[0]
        if parts[1] == "name=systemd" and comps and named == "-":
            named = comps[0]
    return unified if unified != "-" else named


def inspect(hpid):
    with open(f"/proc/{hpid}/status") as f:
        status = f.read()
    seccomp = int(re.search(r"^Seccomp:\s*(\d+)", status, re.M).group(1))
    cpid = int(re.search(r"^NSpid:\s*(.*)$", status, re.M).group(1).split()[-1])
    with open(f"/proc/{hpid}/smaps") as f:
        smaps = f.read()
    with open(f"/proc/{hpid}/cgroup") as f:
        unit = unit_of(f.read())
    with open(f"/proc/{hpid}/comm") as f:
        comm = f.read().strip()
    try:
        exe = os.readlink(f"/proc/{hpid}/exe")
        st = os.stat(f"/proc/{hpid}/exe")
        exe_key = (st.st_dev, st.st_ino)
    except OSError:
        exe, exe_key = "-", None
    maps = parse_smaps(smaps)
    exe_path = exe[: -len(DELETED)] if exe.endswith(DELETED) else exe  # as parse_smaps gives it
    r = {"hpid": hpid, "cpid": cpid, "comm": comm, "exe": exe, "unit": unit,
         "seccomp": seccomp, "nmaps": len(maps),
         "autoseal_mapped": any(os.path.basename(m.path).startswith("libautoseal.so")
                                for m in maps),
         "ro_total": 0, "ro_sealed": 0, "ro_unsealed": 0, "exempt": 0,
         "writable_exe_total": 0, "writable_exe_sealed": 0}
    for m in maps:
        if m.inode == 0 or not m.path.startswith("/"):
            continue
        if not is_elf(hpid, m.start, m.end, m.dev, m.inode):
            continue
        size = m.end - m.start
        if "w" in m.perms:
            if exe_key and m.inode == exe_key[1] and m.path == exe_path:
                r["writable_exe_total"] += size
                r["writable_exe_sealed"] += size if m.sealed else 0
            continue
        r["ro_total"] += size
        if m.sealed:
            r["ro_sealed"] += size
        elif (os.path.basename(m.path).startswith("ld-linux") and size <= PAGE
              and m.perms.startswith("r--") and r["exempt"] == 0):
            r["exempt"] += 1
        else:
            r["ro_unsealed"] += size
    if r["ro_total"] == 0 or r["ro_sealed"] == 0:
        r["verdict"] = "unsealed"
    elif r["ro_unsealed"] == 0:
        r["verdict"] = "sealed"
    else:
        r["verdict"] = "partial"
    return r


def snapshot(leader):
    ns = ns_of(leader)
    out, gone = [], 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if ns_of(int(d)) != ns:
                continue
            r = inspect(int(d))
        except (OSError, AttributeError):
            gone += 1  # exited while we looked
            continue
        if r["nmaps"] == 0:
            continue  # a zombie
        out.append(r)
    return out, gone


def main():
    """inspect.py LEADER [-- CMD ARGS]: with a command (autoseal status, run
    between two readings), only the processes present in both readings,
    with the second reading, so that what CMD saw existed all along."""
    leader = int(sys.argv[1])
    first, gone = snapshot(leader)
    if len(sys.argv) > 3 and sys.argv[2] == "--":
        subprocess.run(sys.argv[3:], check=True, stdout=sys.stderr)
        second, gone2 = snapshot(leader)
        before = {(p["hpid"], p["exe"]) for p in first}
        out = [p for p in second if (p["hpid"], p["exe"]) in before]
        gone += gone2 + len(second) - len(out)
    else:
        out = first
    json.dump({"leader": leader, "gone": gone, "processes": out}, sys.stdout)


if __name__ == "__main__":
    main()
