#!/usr/bin/env python3
"""Check with readelf that an ELF file's autoseal_ro_after_init section is
page-aligned at both ends, lies in a writable PT_LOAD, outside PT_GNU_RELRO,
and shares no page with any other allocated section.

usage: check_layout.py PAGESIZE FILE...   (exit 0 ok, 1 layout wrong)"""
import re
import subprocess
import sys

SECTION = "autoseal_ro_after_init"


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], check=True, capture_output=True,
                          text=True).stdout


def sections(path):
    out = []
    for line in readelf("-S", path).splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)"
                     r"\s+[0-9a-f]+\s+(\S*)\s+\d+\s+\d+\s+\d+\s*$", line)
        if m:
            name, typ, addr, _off, size, flags = m.groups()
            out.append((name, typ, int(addr, 16), int(size, 16), flags))
    return out


def segments(path):
    out = []
    for line in readelf("-l", path).splitlines():
        f = line.split()
        if f and f[0] in ("LOAD", "GNU_RELRO"):
            vaddr, memsz = int(f[2], 16), int(f[5], 16)
            flags = " ".join(f[6:-1])
            out.append((f[0], vaddr, memsz, flags))
    return out


def check(path, ps):
    errors = []
    secs = sections(path)
    mine = [s for s in secs if s[0] == SECTION]
    if len(mine) != 1:
        return [f"{path}: {len(mine)} sections named {SECTION}"]
    _, typ, addr, size, flags = mine[0]
    end = addr + size
    if size == 0:
        errors.append("section is empty")
    if "W" not in flags or "A" not in flags:
        errors.append(f"section flags {flags!r} are not WA")
    if addr % ps:
        errors.append(f"start {addr:#x} not aligned to {ps:#x}")
    if end % ps:
        errors.append(f"end {end:#x} not aligned to {ps:#x}")
    first, last = addr - addr % ps, end + (-end % ps)
    for name, _t, a, sz, fl in secs:
        if name == SECTION or "A" not in fl or sz == 0:
            continue
        if a < last and a + sz > first:
            errors.append(f"section {name} [{a:#x},{a + sz:#x}) shares a page with it")
    segs = segments(path)
    for kind, va, msz, fl in segs:
        if kind == "GNU_RELRO" and va < end and va + msz > addr:
            errors.append(f"overlaps PT_GNU_RELRO [{va:#x},{va + msz:#x})")
    if not any(k == "LOAD" and va <= addr and end <= va + msz and "W" in fl
               for k, va, msz, fl in segs):
        errors.append("not inside a writable PT_LOAD")
    if not any(k == "GNU_RELRO" for k, *_ in segs):
        errors.append("no PT_GNU_RELRO to compare against (link with -z relro)")
    print(f"{path}: {SECTION} [{addr:#x},{end:#x}) {'OK' if not errors else 'BAD'}")
    return [f"{path}: {e}" for e in errors]


def main():
    ps = int(sys.argv[1])
    errors = []
    for path in sys.argv[2:]:
        errors += check(path, ps)
    for e in errors:
        print("error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
