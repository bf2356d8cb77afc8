#!/usr/bin/python3
"""Independent seal checker for the compatibility suite.

Reads /proc/PID/smaps of running (or stopped) processes from outside and
reports how much of their *image memory* carries the `sl` (sealed) VmFlag.
It shares no code with libautoseal: it only trusts the kernel's smaps and
the ELF program headers of the files.

Image memory of a process = every mapping of an ELF file (grouped by path;
a file is an ELF object when its first bytes are \\x7fELF) plus the
anonymous mappings that lie inside the address span of a loaded copy of
such a file (its .bss past the end of the file, computed from the file's
PT_LOAD headers).  Non-ELF file mappings (locale-archive, databases, the
JVM's class-data archive, memfd JIT caches) and [heap]/[stack]/[vdso] are
not image memory and are reported separately.

Objects are split into:
  startup  the objects the dynamic loader maps before main(): the program,
           ld.so, LD_PRELOAD libraries and their DT_NEEDED closure, as
           listed by the loader itself (LD_TRACE_LOADED_OBJECTS=1 run of
           /proc/PID/exe with the process's own LD_PRELOAD and
           LD_LIBRARY_PATH, which maps nothing and runs no constructor);
  later    every other image object (dlopen'ed at run time).

For each class it reports sealed/total bytes of the non-writable mappings
(text, rodata, RELRO after relocation, PROT_NONE gaps) and of all mappings
(adding .data/.bss).  --expect KEY OP PCT checks a share per process and
makes the exit status 1 when it does not hold; keys are
startup_ro, startup_all, later_ro, later_all, image_ro, image_all and
process (every mapping of the process, image or not).  --exclude-path
leaves an object out of every sum (the control leaves out libautoseal.so
itself, whose frozen page is locked and sealed even under mode=off).

Exit status: 0 all expectations hold, 1 an expectation failed, 2 usage or
read error (a process that vanished, no smaps, ...).
"""

import argparse
import json
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from smaps_oracle import read_elf, read_smaps  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
KEYS = ("startup_ro", "startup_all", "later_ro", "later_all", "image_ro",
        "image_all", "process")


def section_range(path, name):
    """(sh_addr, sh_size) of the section called name in an ELF64 file, or None."""
    with open(path, "rb") as f:
        eh = f.read(64)
        if len(eh) < 64 or eh[:4] != b"\x7fELF" or eh[4] != 2:
            return None
        shoff, = struct.unpack_from("<Q", eh, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", eh, 0x3A)
        f.seek(shoff)
        sh = f.read(shentsize * shnum)
        def hdr(i):
            return struct.unpack_from("<IIQQQQ", sh, i * shentsize)
        _n, _t, _fl, _a, stroff, strsize = hdr(shstrndx)
        f.seek(stroff)
        strtab = f.read(strsize)
        for i in range(shnum):
            n, _t, _fl, addr, _off, size = hdr(i)
            if strtab[n:strtab.index(b"\0", n)].decode(errors="replace") == name:
                return addr, size
    return None


def check_sections(pid, report, names, need_seal=True):
    """Every page of each named section of the main executable must be
    mapped read-only, and sealed when need_seal (smaps, from outside).
    Returns the failures."""
    failed = []
    base = report.get("exe_base")
    maps = read_smaps(pid)
    for name in names:
        rng = section_range(report["exe"], name)
        if rng is None or base is None:
            failed.append(f"section {name}: not found in {report['exe']}")
            continue
        s = (base + rng[0]) & ~(PAGE - 1)
        e = (base + rng[0] + rng[1] + PAGE - 1) & ~(PAGE - 1)
        cover = s
        bad = []
        for m in maps:
            if m.end <= s or m.start >= e:
                continue
            if m.start > cover:
                bad.append(f"hole at {cover:x}")
            cover = max(cover, m.end)
            if m.writable or (need_seal and not m.sealed):
                bad.append(f"{m.start:x}-{m.end:x} {m.perms} {'sealed' if m.sealed else 'NOT sealed'}")
        if cover < e:
            bad.append(f"unmapped from {cover:x}")
        sealed = all(m.sealed for m in maps if m.end > s and m.start < e)
        if not need_seal:
            # read-only data the program made so itself: its unsealed bytes
            # are allowed in the startup_/image_ shares (like ld.so's page)
            report["section_ro_unsealed"] = report.get("section_ro_unsealed", 0) + sum(
                min(m.end, e) - max(m.start, s) for m in maps
                if m.end > s and m.start < e and not m.writable and not m.sealed)
        report.setdefault("sections", {})[name] = {"start": s, "end": e, "ok": not bad,
                                                   "sealed": sealed}
        want = "read-only and sealed" if need_seal else "read-only"
        if bad:
            failed.append(f"section {name} [{s:x},{e:x}) not {want}: " + "; ".join(bad))
        else:
            print(f"  section {name} [{s:x},{e:x}): read-only, {'sealed' if sealed else 'not sealed'}")
    return failed


def environ_of(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            data = f.read()
    except OSError:
        return {}
    env = {}
    for item in data.split(b"\0"):
        if b"=" in item:
            k, v = item.split(b"=", 1)
            env[k.decode(errors="replace")] = v.decode(errors="replace")
    return env


TRACE_LINE = re.compile(r"^\s*(?:\S+\s+=>\s+)?(/\S+)\s+\(0x[0-9a-f]+\)\s*$")


def startup_objects(pid, preload=None):
    """Paths (realpath) of the objects the loader maps at startup.
    preload: the LD_PRELOAD value to trace with, for programs that write
    over their environment block (redis, postgres set their process title
    there, so /proc/PID/environ no longer shows it)."""
    exe = os.readlink(f"/proc/{pid}/exe")  # FileNotFoundError once it is gone
    if exe.endswith(" (deleted)"):
        exe = exe[: -len(" (deleted)")]
    exe = os.path.realpath(exe)
    penv = environ_of(pid)
    if preload is not None:
        penv["LD_PRELOAD"] = preload
    env = {"PATH": "/usr/bin:/bin", "LD_TRACE_LOADED_OBJECTS": "1"}
    for k in ("LD_PRELOAD", "LD_LIBRARY_PATH"):
        if k in penv:
            env[k] = penv[k]
    objs = {exe}
    r = subprocess.run([exe], env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"loader trace of {exe} failed: {r.stderr.strip()}")
    for line in r.stdout.splitlines():
        m = TRACE_LINE.match(line)
        if m:
            objs.add(os.path.realpath(m.group(1)))
    return exe, objs


def pct(sealed, total):
    return 100.0 * sealed / total if total else None


def analyse(pid, exclude=(), preload=None):
    exe, startup = startup_objects(pid, preload)
    maps = read_smaps(pid)
    if not maps:
        raise ProcessLookupError(f"no mappings for pid {pid} (exiting)")

    # ELF objects by path, and the address span of each loaded copy
    elf = {}
    exe_base = None
    spans = []  # (start, end, path, base)
    for m in maps:
        if not m.file_backed:
            continue
        if m.path not in elf:
            elf[m.path] = read_elf(
                (m.path, f"/proc/{pid}/map_files/{m.start:x}-{m.end:x}"))
        info = elf[m.path]
        if not info or not info.loads:
            continue
        first = min(info.loads, key=lambda t: t[0])
        if m.offset == first[0] & ~(PAGE - 1):
            base = m.start - (first[1] & ~(PAGE - 1))
            if os.path.realpath(m.path) == exe and exe_base is None:
                exe_base = base
            top = max((v + s + PAGE - 1) & ~(PAGE - 1) for _o, v, s in info.loads)
            spans.append((base + (first[1] & ~(PAGE - 1)), base + top, m.path, base))

    objects = {}  # path -> byte counts

    def account(path, m, kind):
        o = objects.setdefault(path, {
            "path": path,
            "class": "startup" if os.path.realpath(path) in startup else "later",
            "ro": 0, "ro_sealed": 0, "all": 0, "all_sealed": 0, "bss": 0,
            "ro_file": 0, "ro_file_sealed": 0, "unsealed_ro": []})
        o["all"] += m.size
        o["all_sealed"] += m.size if m.sealed else 0
        if not m.writable and kind == "file":
            o["ro_file"] += m.size
            o["ro_file_sealed"] += m.size if m.sealed else 0
        if not m.writable:
            o["ro"] += m.size
            if m.sealed:
                o["ro_sealed"] += m.size
            else:
                o["unsealed_ro"].append([m.start, m.end])
        if kind == "bss":
            o["bss"] += m.size

    other_files = {}
    excluded = {}
    proc_total = proc_sealed = 0
    for m in maps:
        owner = None
        if m.file_backed and elf.get(m.path):
            owner = m.path
        elif m.inode == 0 and not m.path:
            owner = next((p for s, e, p, _b in spans if s <= m.start and m.end <= e), None)
        if owner is not None and os.path.realpath(owner) in exclude:
            ex = excluded.setdefault(owner, {"total": 0, "sealed": 0})
            ex["total"] += m.size
            ex["sealed"] += m.size if m.sealed else 0
            continue
        proc_total += m.size
        proc_sealed += m.size if m.sealed else 0
        if owner is not None:
            account(owner, m, "file" if m.file_backed else "bss")
        elif m.file_backed:
            of = other_files.setdefault(m.path, [0, 0])
            of[0] += m.size
            of[1] += m.size if m.sealed else 0

    # ld.so (the program's PT_INTERP) and its RELRO range(s) in memory
    interp = None
    exe_info = read_elf((exe,))
    if exe_info and exe_info.interp:
        interp = os.path.realpath(exe_info.interp)
    ldso_relro = []
    for _s, _e, path, base in spans:
        info = elf[path]
        if interp and os.path.realpath(path) == interp and info.relro:
            v, sz = info.relro
            ldso_relro.append(((base + v) & ~(PAGE - 1), (base + v + sz) & ~(PAGE - 1)))

    sums = {k: [0, 0] for k in KEYS if k != "process"}
    for o in objects.values():
        for cls in (o["class"], "image"):
            sums[cls + "_ro"][0] += o["ro_sealed"]
            sums[cls + "_ro"][1] += o["ro"]
            sums[cls + "_all"][0] += o["all_sealed"]
            sums[cls + "_all"][1] += o["all"]
    sums["process"] = [proc_sealed, proc_total]
    shares = {k: {"sealed": v[0], "total": v[1], "pct": pct(v[0], v[1])}
              for k, v in sums.items()}

    # unsealed non-writable bytes of ld.so that lie inside its RELRO
    ldso_relro_unsealed = 0
    for o in objects.values():
        if interp and os.path.realpath(o["path"]) == interp:
            for s, e in o["unsealed_ro"]:
                for rs, re_ in ldso_relro:
                    lo, hi = max(s, rs), min(e, re_)
                    if lo < hi:
                        ldso_relro_unsealed += hi - lo
    # non-writable, unsealed bytes in a writable PT_LOAD segment outside
    # RELRO: data the program made read-only itself (ro-after-init schemes,
    # Chromium's protected_memory), which autoseal leaves to the program
    tightened_unsealed = 0
    for _s, _e, path, base in spans:
        info = elf[path]
        o = objects.get(path)
        if not o or o["class"] != "startup" or not info.wsegs:
            continue
        rr = None
        if info.relro:
            v, sz = info.relro
            rr = ((base + v) & ~(PAGE - 1), (base + v + sz) & ~(PAGE - 1))
        for v, sz in info.wsegs:
            ws, we = (base + v) & ~(PAGE - 1), (base + v + sz + PAGE - 1) & ~(PAGE - 1)
            for s, e in o["unsealed_ro"]:
                lo, hi = max(s, ws), min(e, we)
                if lo >= hi:
                    continue
                n = hi - lo
                if rr:
                    n -= max(0, min(hi, rr[1]) - max(lo, rr[0]))
                tightened_unsealed += n
    # a process that exited meanwhile: its smaps may be from its last moments
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError) as e:
        raise ProcessLookupError(f"pid {pid} exited while measured") from e
    if state in ("Z", "X", "x"):
        raise ProcessLookupError(f"pid {pid} exited while measured")
    return {
        "pid": pid,
        "exe": exe,
        "exe_base": exe_base,
        "interp": interp,
        "startup_objects": sorted(startup),
        "shares": shares,
        "ldso_relro_unsealed": ldso_relro_unsealed,
        "tightened_unsealed": tightened_unsealed,
        "objects": sorted(objects.values(), key=lambda o: o["path"]),
        "other_files": {p: {"total": v[0], "sealed": v[1]} for p, v in other_files.items()},
        "excluded": excluded,
    }


EXPECT = re.compile(r"^(\w+)\s*(>=|<=|==)\s*([0-9.]+)$")


def check(report, expects, allow_ldso_pages, allow_tightened=False):
    """Return the list of failed expectations (strings).

    allow_ldso_pages: that many pages of ld.so's own RELRO may stay
    unsealed in the *_ro/_all keys that include ld.so (startup, image)."""
    failed = []
    allowance = min(report["ldso_relro_unsealed"], allow_ldso_pages * PAGE)
    report["ldso_allowance_used"] = allowance
    if allow_tightened:
        allowance += report["tightened_unsealed"]
    else:
        allowance += report.get("section_ro_unsealed", 0)
    for key, op, val in expects:
        sh = report["shares"][key]
        sealed, total = sh["sealed"], sh["total"]
        if key.startswith(("startup_", "image_")):
            sealed += allowance
        if total == 0:
            failed.append(f"{key} {op} {val}: no such memory (0 bytes)")
            continue
        p = 100.0 * sealed / total
        if op == ">=":
            # 100 means every byte, not a rounded percentage
            ok = sealed == total if val >= 100 else p >= val
        elif op == "<=":
            ok = sealed == 0 if val == 0 else p <= val
        else:
            ok = sealed == total if val == 100 else (sealed == 0 if val == 0 else p == val)
        if not ok:
            extra = (f", {allowance} bytes of ld.so RELRO or of --section-readonly sections allowed"
                     if allowance else "")
            failed.append(f"{key} {op} {val:g}: is {p:.2f}% ({sealed}/{total} bytes{extra})")
    return failed


def cross_check(cli, pid, report):
    """Compare with `autoseal status --json PID` (schema in docs/cli.md).
    Returns (ok, message); ok is None when the check was skipped because
    the CLI is not built.

    Both tools define an object's image as the span of its PT_LOAD
    headers (file-backed and anonymous mappings inside it), so they must
    agree exactly, for every ELF object (by path), on the sealed and total
    bytes of its non-writable mappings."""
    if not cli:
        return None, "cross-check SKIPPED: no autoseal CLI path given"
    if not os.access(cli, os.X_OK):
        return None, f"cross-check SKIPPED: {cli} not built yet"
    try:
        r = subprocess.run([cli, "status", "--json", str(pid)], capture_output=True,
                           text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as e:
        return False, f"cross-check FAILED: cannot run {cli}: {e}"
    try:
        doc = json.loads(r.stdout)
        procs = [p for p in doc["processes"] if p.get("pid") == pid]
        if len(procs) != 1 or not procs[0].get("ok"):
            return False, (f"cross-check FAILED: no usable entry for pid {pid} "
                           f"(exit {r.returncode}): {r.stdout.strip()[:200]}")
        theirs = {}
        for o in procs[0]["objects"]:
            t = theirs.setdefault(o["path"], [0, 0])
            t[0] += int(o["nonwritable"]["sealed"])
            t[1] += int(o["nonwritable"]["bytes"])
    except (ValueError, KeyError, TypeError) as e:
        return False, f"cross-check FAILED: unexpected output ({e!r}): {r.stdout.strip()[:200]}"
    diffs = []
    for o in report["objects"]:
        if o["ro"] == 0:
            continue
        t = theirs.get(o["path"])
        mine = [o["ro_sealed"], o["ro"]]
        if t is None:
            diffs.append(f"{o['path']} missing from autoseal status")
        elif t != mine:
            diffs.append(f"{o['path']}: status says {t[0]}/{t[1]} sealed, smaps {mine[0]}/{mine[1]}")
    if diffs:
        return False, "cross-check FAILED: " + "; ".join(diffs[:5])
    n = sum(1 for o in report["objects"] if o["ro"])
    return True, f"cross-check ok: autoseal status agrees on the non-writable seals of {n} objects"


def fmt_pct(sh):
    return "   n/a " if sh["pct"] is None else f"{sh['pct']:6.2f}%"


def print_report(r, out, verbose):
    print(f"pid {r['pid']} {r['exe']}", file=out)
    for k in KEYS:
        sh = r["shares"][k]
        print(f"  {k:12s} {fmt_pct(sh)}  {sh['sealed']:>12d} / {sh['total']:<12d} bytes",
              file=out)
    for p, ex in r["excluded"].items():
        print(f"    excluded {p}: {ex['sealed']} of {ex['total']} bytes sealed", file=out)
    for o in r["objects"]:
        un_ro = o["ro"] - o["ro_sealed"]
        un_all = o["all"] - o["all_sealed"]
        if verbose or un_ro:
            print(f"    {o['class']:7s} {o['path']}: unsealed ro={un_ro} all={un_all} "
                  f"(ro {o['ro']}, all {o['all']}, bss {o['bss']})", file=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pid", type=int, action="append", required=True,
                    help="process to inspect (repeat for several)")
    ap.add_argument("--expect", action="append", default=[],
                    help="KEY>=PCT, KEY<=PCT or KEY==PCT, checked for every pid")
    ap.add_argument("--json", help="write the full report to this file")
    ap.add_argument("--verbose", action="store_true", help="list every object")
    ap.add_argument("--allow-ldso-relro-pages", type=int, default=0, metavar="N",
                    help="pages of ld.so's RELRO that may stay unsealed (ldso-relro=safe)")
    ap.add_argument("--cross-check", metavar="CLI", default="",
                    help="also compare with `CLI status --json PID`; says SKIPPED when "
                         "CLI is empty or not built")
    ap.add_argument("--exclude-path", action="append", default=[], metavar="PATH",
                    help="leave this object (its mappings and .bss) out of every sum")
    ap.add_argument("--preload", metavar="LIST",
                    help="LD_PRELOAD the processes were started with (default: read "
                         "from /proc/PID/environ)")
    ap.add_argument("--section-sealed", action="append", default=[], metavar="NAME",
                    help="this section of the main executable must be read-only and "
                         "sealed in every pid (repeatable)")
    ap.add_argument("--section-readonly", action="append", default=[], metavar="NAME",
                    help="this section of the main executable must be read-only (sealed "
                         "or not) in every pid (repeatable): data the program made "
                         "read-only itself; its unsealed bytes are allowed in the "
                         "startup_/image_ shares")
    ap.add_argument("--allow-tightened-data", action="store_true",
                    help="non-writable unsealed bytes in a writable PT_LOAD segment outside "
                         "RELRO (data the program made read-only itself) are allowed in the "
                         "startup_/image_ shares")
    ap.add_argument("--ignore-vanished", action="store_true",
                    help="skip pids that exit while being measured (short-lived "
                         "server children); at least one pid must be measured")
    a = ap.parse_args()

    expects = []
    for e in a.expect:
        m = EXPECT.match(e)
        if not m or m.group(1) not in KEYS:
            ap.error(f"bad --expect '{e}' (keys: {', '.join(KEYS)})")
        expects.append((m.group(1), m.group(2), float(m.group(3))))

    reports, failed = [], []
    for pid in a.pid:
        try:
            r = analyse(pid, {os.path.realpath(p) for p in a.exclude_path}, a.preload)
        except (FileNotFoundError, ProcessLookupError) as ex:
            if a.ignore_vanished:
                print(f"smaps_check: pid {pid} vanished, not measured ({ex})")
                continue
            print(f"smaps_check: pid {pid}: {ex}", file=sys.stderr)
            return 2
        except (OSError, RuntimeError, subprocess.SubprocessError) as ex:
            print(f"smaps_check: pid {pid}: {ex}", file=sys.stderr)
            return 2
        r["failed"] = []
        if a.section_sealed:
            r["failed"] += check_sections(pid, r, a.section_sealed)
        if a.section_readonly:
            r["failed"] += check_sections(pid, r, a.section_readonly, need_seal=False)
        r["failed"] += check(r, expects, a.allow_ldso_relro_pages, a.allow_tightened_data)
        ok, msg = cross_check(a.cross_check, pid, r)
        r["cross_check"] = {"ok": ok, "message": msg}
        if ok is False:
            r["failed"].append(msg)
        failed += [f"pid {pid}: {f}" for f in r["failed"]]
        reports.append(r)
        print_report(r, sys.stdout, a.verbose)
        print(f"  {msg}")

    if not reports:
        print("smaps_check: no process could be measured", file=sys.stderr)
        return 2
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"expect": a.expect, "reports": reports}, f, indent=1)
    for f in failed:
        print(f"smaps_check: FAILED {f}", file=sys.stdout)
    if not failed and (expects or a.section_sealed or a.section_readonly):
        print(f"smaps_check: ok ({', '.join(a.expect)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
