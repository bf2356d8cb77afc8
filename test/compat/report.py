#!/usr/bin/python3
"""Render docs/compatibility.md from the compat tests' result files.

usage: report.py RESULTS_DIR CTEST_LOG OUT.md
The table rows come from RESULTS_DIR/*.json (written by each test through
compat_result.py); the pass/fail column from the CTest log, so a test that
crashed before writing its result still shows up."""
import glob
import math
import json
import os
import platform
import re
import subprocess
import sys

ORDER = ["control", "coreutils", "bash", "python3", "perl", "git", "sqlite3", "curl",
         "openssl", "nginx", "redis", "postgres", "mariadb", "seal_config", "chromium",
         "php", "node", "java"]
PROFILE_ORDER = {"off": 0, "default": 1, "strict": 2}


def share(res, key):
    sh = res.get("shares", {}).get(key)
    if not sh:
        return "n/a"
    p = sh["pct"]
    # truncate, never round up: 100% only when every byte is sealed
    s = "100%" if sh["sealed"] == sh["total"] else f"{math.floor(p * 100) / 100:.2f}%"
    mib = sh["total"] / (1 << 20)
    return f"{s} of {mib:.1f} MiB"


def ctest_status(log):
    st = {}
    for line in log.splitlines():
        m = re.search(r"Test\s+#\d+: (compat\.\S+) [ .*]*(Passed|Failed|Skipped|Timeout|Not Run)", line)
        if m:
            st[m.group(1)] = {"Passed": "pass", "Skipped": "skip", "Not Run": "skip",
                              "Timeout": "TIMEOUT"}.get(m.group(2), "FAIL")
    return st


def esc(s):
    return s.replace("|", "\\|").replace("\n", " ")


def main():
    results_dir, log_path, out = sys.argv[1:4]
    with open(log_path, encoding="utf-8", errors="replace") as f:
        status = ctest_status(f.read())
    rows = {}
    for p in glob.glob(os.path.join(results_dir, "*.json")):
        with open(p, encoding="utf-8") as f:
            r = json.load(f)
        rows[r["name"]] = r
    names = set(rows) | {n[len("compat."):] for n in status}

    def key(n):
        prog, _, prof = n.partition(".")
        return (ORDER.index(prog) if prog in ORDER else 99, prog, PROFILE_ORDER.get(prof, 9))

    kernel = platform.release()
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, cwd=os.path.dirname(os.path.abspath(out))).stdout.strip()
    except OSError:
        commit = "?"
    passed = sum(1 for v in status.values() if v == "pass")
    lines = []
    w = lines.append
    w("| program | profile | test | works | startup image sealed: non-writable | startup image sealed: all | dlopen'ed later, non-writable | processes | notes |")
    w("|---|---|---|---|---|---|---|---|---|")
    for n in sorted(names, key=key):
        prog, _, prof = n.partition(".")
        r = rows.get(n, {})
        notes = list(r.get("notes", []))
        if r.get("later_unsealed"):
            lu = r["later_unsealed"]
            notes.append("unsealed dlopen'ed objects: " + ", ".join(lu[:6]) +
                         (f" and {len(lu) - 6} more" if len(lu) > 6 else ""))
        notes += r.get("failed", [])
        cc = [c for c in r.get("cross_check", []) if "SKIPPED" not in c]
        if cc:
            notes.append("; ".join(cc))
        ro = share(r, "startup_ro")
        if r.get("ldso_relro_allowed") and not r.get("startup_ro_unsealed_other"):
            ro += f" (all but {r['ldso_relro_allowed'] // 1024} KiB of ld.so RELRO)"
        w(f"| {prog} | {prof} | {status.get('compat.' + n, 'not run')} | {r.get('works', '?')} | "
          f"{ro} | {share(r, 'startup_all')} | {share(r, 'later_ro')} | "
          f"{r.get('processes', 0)} | {esc('; '.join(notes))[:600]} |")
    skipped_cc = any("cross-check SKIPPED" in c for r in rows.values() for c in r.get("cross_check", []))
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "report-head.md"),
              encoding="utf-8") as f:
        head = f.read()
    text = head.replace("@TABLE@", "\n".join(lines))
    text = text.replace("@RUN@", f"Last run: kernel {kernel}, commit {commit or '?'}, "
                        f"{passed} of {len(status)} compat tests passed.")
    text = text.replace("@CROSS@", "was skipped: `build/bin/autoseal` was not built"
                        if skipped_cc else "ran for every measured process")
    sealed_later, unsealed_later = [], []
    for n in sorted(rows, key=key):
        r = rows[n]
        if r["profile"] == "off":
            continue
        sh = r.get("shares", {}).get("later_ro")
        if not sh or sh["total"] == 0:
            continue
        (sealed_later if sh["sealed"] == sh["total"] else unsealed_later).append(n)
    if not sealed_later and not unsealed_later:
        later = "no test mapped an object after startup."
    elif not sealed_later:
        later = ("this build seals only what is loaded at startup; every object "
                 "dlopen'ed later stayed unsealed (" + ", ".join(unsealed_later) + ").")
    else:
        later = ("all non-writable bytes of objects dlopen'ed later were sealed in " +
                 ", ".join(sealed_later) + "." +
                 (" Some stayed unsealed in " + ", ".join(unsealed_later) +
                  " (see the notes column)." if unsealed_later else ""))
    text = text.replace("@LATER@", later)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
