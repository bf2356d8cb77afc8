#!/usr/bin/python3
"""Write one compatibility test's result file (JSON) from the checker's
JSON reports: the worst (lowest) share of each key over every process the
test measured, so one unsealed process cannot hide behind others."""
import argparse
import json
import sys

KEYS = ("startup_ro", "startup_all", "later_ro", "later_all", "image_ro", "image_all",
        "process")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--works", required=True)
    ap.add_argument("--notes", default="")
    ap.add_argument("checks", nargs="*", help="checker --json files")
    a = ap.parse_args()

    worst = {}
    procs = 0
    cross = set()
    failed = []
    later_unsealed = set()
    ldso_allowed = 0        # most bytes of ld.so RELRO left unsealed (allowance)
    startup_ro_other = 0    # most other unsealed non-writable startup bytes
    for path in a.checks:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        for r in doc["reports"]:
            procs += 1
            failed += r.get("failed", [])
            cc = r.get("cross_check", {}).get("message", "")
            cross.add(cc.split(":")[0])
            for k in KEYS:
                sh = r["shares"][k]
                if sh["total"] == 0:
                    continue
                cur = worst.get(k)
                if cur is None or sh["sealed"] * cur["total"] < cur["sealed"] * sh["total"]:
                    worst[k] = {"sealed": sh["sealed"], "total": sh["total"],
                                "pct": 100.0 * sh["sealed"] / sh["total"]}
            sh = r["shares"]["startup_ro"]
            used = r.get("ldso_allowance_used", 0)
            ldso_allowed = max(ldso_allowed, used)
            startup_ro_other = max(startup_ro_other, sh["total"] - sh["sealed"] - used)
            for o in r["objects"]:
                if o["class"] == "later" and o["ro_sealed"] < o["ro"]:
                    later_unsealed.add(o["path"].rsplit("/", 1)[-1])
    res = {
        "name": a.name,
        "profile": a.profile,
        "works": a.works,
        "processes": procs,
        "shares": worst,
        "later_unsealed": sorted(later_unsealed),
        "ldso_relro_allowed": ldso_allowed,
        "startup_ro_unsealed_other": startup_ro_other,
        "cross_check": sorted(c for c in cross if c),
        "failed": failed,
        "notes": [n for n in a.notes.splitlines() if n.strip()],
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
