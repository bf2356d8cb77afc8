#!/usr/bin/env python3
"""Statistics and the report for scripts/bench.sh and scripts/bench-startup.sh.

  stats.py startup RAW BASE CAND TARGET   summary + ratio of a spawnbench run
  stats.py report RESDIR OUTDIR [REQ]     write OUTDIR/benchmarks.md and the
                                          gnuplot data files OUTDIR/img/*.dat
  stats.py check OUTDIR                   check a report: targets with numbers,
                                          no missing results, both plots PNG

Raw files come from bench/spawnbench (NAME<TAB>ITERATION<TAB>NS lines) and
from scripts/bench.sh (TSV files with a header line).  Exit status 1 when an
expected result is missing or not a number: a benchmark that measured
nothing must not look like one that passed."""

import math
import os
import platform
import random
import subprocess
import sys
from collections import defaultdict


def die(msg):
    print("stats.py: error: " + msg, file=sys.stderr)
    sys.exit(1)


def quantile(xs, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q
    lo = math.floor(pos)
    hi = math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(xs):
    return quantile(xs, 0.5)


def read_raw(path):
    """spawnbench output -> {name: {iteration: ns}}"""
    runs = defaultdict(dict)
    with open(path) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) != 3:
                continue
            runs[parts[0]][int(parts[1])] = int(parts[2])
    return runs


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    if not lines:
        return []
    head = lines[0]
    return [dict(zip(head, l)) for l in lines[1:]]


def g_autoseal_kept(data_growth):
    """True when the autoseal processes kept the plugin mapped."""
    v = data_growth.get("autoseal")
    return bool(v) and min(v) > 0


def summary(xs):
    return {"n": len(xs), "med": median(xs), "p10": quantile(xs, 0.1),
            "p90": quantile(xs, 0.9), "q1": quantile(xs, 0.25),
            "q3": quantile(xs, 0.75)}


def ratio_ci(a, b, reps=400, seed=1):
    """Ratio of medians median(a)/median(b) over paired iterations (dicts
    iteration -> value) and a 95% bootstrap interval that resamples whole
    iterations, so the pairing of the interleaved runs is kept."""
    keys = sorted(set(a) & set(b))
    if not keys:
        return float("nan"), float("nan"), float("nan")
    r = median([a[k] for k in keys]) / median([b[k] for k in keys])
    rnd = random.Random(seed)
    boot = []
    for _ in range(reps):
        s = [keys[rnd.randrange(len(keys))] for _ in keys]
        boot.append(median([a[k] for k in s]) / median([b[k] for k in s]))
    return r, quantile(boot, 0.025), quantile(boot, 0.975)


def linfit(xs, ys):
    n = len(xs)
    if n < 2:
        return float("nan"), float("nan"), float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    if sxx == 0:
        return float("nan"), float("nan"), float("nan")
    slope = sxy / sxx
    icpt = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (icpt + slope * x)) ** 2 for x, y in zip(xs, ys))
    r2 = 1 - ss_res / ss_tot if ss_tot > 0 else float("nan")
    return slope, icpt, r2


def finite(*xs):
    return all(isinstance(x, (int, float)) and math.isfinite(x) for x in xs)


def us(ns):
    return "%.1f" % (ns / 1000.0)


def verdict_text(ok, spans=False):
    if ok is None:
        return "reported"
    return ("met" if ok else "NOT met") + (" (not resolved)" if spans else "")


def met(ok):
    return "**met**" if ok else "**not met**"


# ---------------------------------------------------------------- startup

# ratios published for the startup rows: (candidate, reference, target or None)
STARTUP_RATIOS = [
    ("default", "empty", 1.04), ("default", "sealfloor", 1.02), ("sealfloor", "empty", None),
    ("shapefloor", "empty", None), ("off", "shapefloor", 1.0), ("off", "empty", None),
    ("config", "default", 1.01), ("syslog", "default", 1.01), ("journal", "default", 1.01),
    ("file-ns", "env-ns", None), ("empty", "none", None),
]


def read_counts(path):
    """NAME<TAB>numbers... lines (bench-startup.sh's .faults / .syscalls)"""
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) >= 2:
                    out[p[0]] = [int(x) for x in p[1:]]
    return out


def cmd_startup(raw, base, cand, target):
    runs = read_raw(raw)
    for name in (base, cand):
        if name not in runs or not runs[name]:
            die("no runs for configuration %r in %s" % (name, raw))
    faults = read_counts(raw + ".faults")
    calls = read_counts(raw + ".syscalls")
    print("%-10s %6s %10s %10s %10s %8s %8s %6s" % ("config", "runs", "median_us", "p10_us",
                                                   "p90_us", "faults", "syscalls", "mseal"))
    for name in sorted(runs):
        s = summary(list(runs[name].values()))
        fl = faults.get(name, ["-"])
        sc = calls.get(name, ["-", "-"])
        print("%-10s %6d %10s %10s %10s %8s %8s %6s" % (name, s["n"], us(s["med"]), us(s["p10"]),
                                                       us(s["p90"]), fl[0], sc[0], sc[1]))
    for c, b, t in STARTUP_RATIOS:
        if c in runs and b in runs and (c, b) != (cand, base):
            r, lo, hi = ratio_ci(runs[c], runs[b])
            print("ratio %s/%s = %.4f (95%% CI %.4f-%.4f)%s" % (
                c, b, r, lo, hi, "" if t is None else ", target <= %.2f: %s" % (
                    t, "met" if r <= t else "NOT met")))
    r, lo, hi = ratio_ci(runs[cand], runs[base])
    if not finite(r):
        die("ratio is not a number")
    print("ratio %s/%s = %.4f (95%% CI %.4f-%.4f), target <= %.2f: %s"
          % (cand, base, r, lo, hi, target, "met" if r <= target else "NOT met"))


# ---------------------------------------------------------------- report

def machine():
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "kernel": platform.release(),
        "glibc": " ".join(platform.libc_ver()),
        "os": sh(". /etc/os-release && echo $PRETTY_NAME"),
        "date": sh("date -u '+%Y-%m-%d %H:%M UTC'"),
        "load": sh("cut -d' ' -f1-3 /proc/loadavg"),  # when not recorded by the run
    }


class Report:
    def __init__(self, res, out):
        self.res, self.out = res, out
        self.md = []
        self.missing = []
        self.targets = []  # (name, measured, target, met)
        self.meta = {r["key"]: r["value"] for r in read_tsv(os.path.join(res, "meta.tsv"))}

    def w(self, s=""):
        self.md.append(s)

    def target(self, name, measured, target, ok, spans=False):
        """spans: the 95% interval of the measurement includes the goal, so the
        verdict on the median is not resolved by this run."""
        self.targets.append((name, measured, target, ok, spans))

    # -- startup of a /bin/true-sized program
    def startup(self):
        raw = os.path.join(self.res, "startup.raw")
        runs = read_raw(raw)
        faults = read_counts(raw + ".faults")
        calls = read_counts(raw + ".syscalls")
        self.w("## 1. Startup of a /bin/true-sized program")
        self.w()
        if "default" not in runs or "empty" not in runs:
            self.missing.append("startup")
            self.w("Not measured.")
            return
        m = self.meta
        self.w("`bench/tiny.c` (`int main(void) { return 0; }`, libc only) spawned by "
               "`bench/spawnbench` (posix_spawn + waitpid, CLOCK_MONOTONIC), %s interleaved "
               "runs per configuration in shuffled order (`scripts/bench-startup.sh`)%s. Page faults: "
               "`bench/faults.c` (ru_minflt of fork+exec+exit, median of 50 interleaved runs); "
               "system calls: `strace` of one run (the traced program only, execve not counted)."
               % (m.get("startup_runs", "?"),
                  ", measured on %s at %s, load average %s" % (m["startup_date"], m.get("startup_version", "?"),
                                                             m.get("startup_load", "?"))
                  if "startup_date" in m else ""))
        self.w()
        self.w("| configuration | runs | median (us) | p10 (us) | p90 (us) | IQR (us) | page faults | system calls | mseal calls |")
        self.w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        label = {"none": "no preload", "empty": "empty preloaded library",
                 "sealfloor": "seal floor (`bench/sealfloor.c`: autoseal's mseal calls, nothing else)",
                 "shapefloor": "shape floor (`bench/shapefloor.c`: autoseal's exports and section sizes, empty constructor)",
                 "off": "autoseal, `mode=off`",
                 "default": "autoseal (default profile)",
                 "config": "autoseal, configuration file present (global + one program section)",
                 "syslog": "autoseal, `log=syslog,loglevel=warn` (nothing logged)",
                 "journal": "autoseal, `log=journal,loglevel=warn` (nothing logged)",
                 "env-ns": "autoseal by `LD_PRELOAD` (mount namespace, overlay /etc)",
                 "file-ns": "autoseal by `/etc/ld.so.preload` (mount namespace, overlay /etc)",
                 "strict": "autoseal (strict profile)"}
        for name in ("none", "empty", "sealfloor", "shapefloor", "off", "default", "config",
                     "syslog", "journal", "env-ns", "file-ns", "strict"):
            if name in runs:
                st = summary(list(runs[name].values()))
                fl = faults.get(name, ["-"])[0]
                sc = calls.get(name, ["-", "-"])
                self.w("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                    label[name], st["n"], us(st["med"]), us(st["p10"]), us(st["p90"]),
                    us(st["q3"] - st["q1"]), fl, sc[0], sc[1]))
        self.w()
        self.w("Ratios of medians (95% bootstrap interval over paired iterations):")
        self.w()
        self.w("| ratio | value | goal |")
        self.w("|---|---:|---|")
        names = {"default": "autoseal", "empty": "empty preload", "sealfloor": "seal floor",
                 "shapefloor": "shape floor", "off": "`mode=off`", "none": "no preload",
                 "config": "with a configuration file", "syslog": "log=syslog",
                 "journal": "log=journal", "file-ns": "/etc/ld.so.preload", "env-ns": "LD_PRELOAD"}
        for c, b, t in STARTUP_RATIOS:
            if c not in runs or b not in runs:
                continue
            r, lo, hi = ratio_ci(runs[c], runs[b])
            self.w("| %s / %s | %.3f (%.3f-%.3f) | %s |" % (names.get(c, c), names.get(b, b), r, lo, hi,
                                                         "<= %.2f" % t if t else "(reported)"))
            self.target("startup: %s / %s" % (names.get(c, c), names.get(b, b)),
                        "%.3f (%.3f-%.3f)" % (r, lo, hi), "<= %.2f" % t if t else "(reported)",
                        (r <= t) if t else None, bool(t) and lo <= t < hi)
        self.w()
        if "empty" in faults and "default" in faults:
            d = faults["default"][0] - faults["empty"][0]
            self.target("page faults per exec: autoseal - empty preload", "%+d" % d, "<= +2", d <= 2)
            if "off" in faults:
                self.target("page faults per exec: `mode=off` - empty preload",
                            "%+d" % (faults["off"][0] - faults["empty"][0]), "<= +2",
                            faults["off"][0] - faults["empty"][0] <= 2)
        note = os.path.join(self.res, "startup-notes.md")
        if os.path.exists(note):
            with open(note) as f:
                self.md.extend(f.read().rstrip("\n").split("\n"))
            self.w()

    # -- startup scaling
    def scaling(self):
        runs = read_raw(os.path.join(self.res, "scaling.raw"))
        counts = read_tsv(os.path.join(self.res, "scaling_counts.tsv"))
        self.w("## 2. Startup against the number of shared libraries")
        self.w()
        if not runs:
            self.missing.append("scaling")
            self.w("Not measured.")
            return
        sizes = sorted({int(k.split("@")[1]) for k in runs})
        confs = ["none", "empty", "default", "strict"]
        self.w("A generated program linked against N tiny libraries (`libbs0.so` .. "
               "`libbsN-1.so`, one function each, one DT_NEEDED each, all called once), "
               "spawned under four configurations: no preload, the empty preloaded library, "
               "autoseal default, autoseal strict (`AUTOSEAL_OPTIONS=profile=strict`). All %d "
               "configurations (sizes x preloads) run interleaved in one shuffled round per "
               "iteration, %s iterations." % (len(sizes) * len(confs), self.meta.get("scaling_runs", "?")))
        self.w()
        self.w("| N libs | configuration | median (us) | p10 (us) | p90 (us) | / empty preload (95% interval) |")
        self.w("|---:|---|---:|---:|---:|---:|")
        dat = []
        ratios = {"default": [], "strict": []}
        for n in sizes:
            row = [str(n)]
            for c in confs:
                k = "%s@%d" % (c, n)
                if k not in runs:
                    self.missing.append("scaling " + k)
                    row += ["nan"] * 3
                    continue
                s = summary(list(runs[k].values()))
                rtxt = ""
                if c in ("default", "strict"):
                    r, lo, hi = ratio_ci(runs[k], runs["empty@%d" % n])
                    rtxt = "%.3f (%.3f-%.3f)" % (r, lo, hi)
                    ratios[c].append("%.4f %.4f %.4f" % (r, lo, hi))
                self.w("| %d | %s | %s | %s | %s | %s |" % (n, c, us(s["med"]), us(s["p10"]), us(s["p90"]), rtxt))
                row += ["%.1f" % (s["med"] / 1000), "%.1f" % (s["p10"] / 1000), "%.1f" % (s["p90"] / 1000)]
            for c in ("default", "strict"):
                row.append(ratios[c][-1] if len(ratios[c]) == len(dat) + 1 else "nan nan nan")
            dat.append(" ".join(row))
        with open(os.path.join(self.out, "img", "startup.dat"), "w") as f:
            f.write("# N " + " ".join("%s_med %s_p10 %s_p90" % (c, c, c) for c in confs) +
                    " default/empty lo hi strict/empty lo hi  (microseconds)\n")
            f.write("\n".join(dat) + "\n")
        self.w()
        # objects, seal calls, /proc
        by = {(r["profile"], int(r["n"])): r for r in counts}
        self.w("mseal calls, counted from outside with `strace -f` (strace 6.1 does not know "
               "the name mseal: it prints syscall 462 as `syscall_0x1ce`, which is what is "
               "counted), one traced run per configuration; objects from the library's own "
               "summary line (`AUTOSEAL_OPTIONS=log=stderr`).")
        self.w()
        self.w("| N libs | profile | objects (library) | mseal calls (library) | mseal calls (strace) | (strace - 1) / object | calls with ldso-relro=all (library) | /proc opens at startup |")
        self.w("|---:|---|---:|---:|---:|---:|---:|---:|")
        worst = 0.0
        worst_all = 0.0
        agree = True
        proc_total = 0
        for n in sizes:
            for p in ("default", "strict"):
                r = by.get((p, n))
                if r is None:
                    self.missing.append("counts %s@%d" % (p, n))
                    continue
                obj, lc, sc, po = int(r["objects"]), int(r["lib_calls"]), int(r["strace_mseal"]), int(r["proc_opens"])
                la = r.get("lib_calls_ldso_all", "nan")
                per = (sc - 1) / obj if obj else float("nan")
                worst = max(worst, per)
                if la.isdigit() and obj:
                    worst_all = max(worst_all, int(la) / obj)
                else:
                    worst_all = float("nan")
                agree = agree and sc == lc + 1
                proc_total += po if p == "default" else 0
                self.w("| %d | %s | %d | %d | %d | %.3f | %s | %d |" % (n, p, obj, lc, sc, per, la, po))
        self.w()
        self.w("The strace count includes one call the library makes besides the objects: the "
               "seal of its own policy page; hence (strace - 1). The library's `calls=` and "
               "strace %s. A ratio above 1 means some object took more than one call; the column "
               "with `ldso-relro=all` shows whether that is ld.so, whose RELRO is sealed in two "
               "pieces under the default `ldso-relro=safe` (the page holding `__stack_prot` is "
               "left out, so the sealed part of ld.so is not contiguous)."
               % ("agree on every run (strace = library + 1)" if agree else "**disagree** on some run"))
        self.w()
        contiguous_ok = worst <= 1.0 or (finite(worst_all) and worst_all <= 1.0)
        self.target("mseal calls per object (worst configuration; strace, policy page excluded)",
                    "%.3f (%.3f with ldso-relro=all)" % (worst, worst_all),
                    "<= 1 per contiguous object", contiguous_ok and agree)
        self.target("/proc paths opened at startup, default profile (all sizes)", str(proc_total),
                    "0", proc_total == 0)
        # linearity and time per object
        self.w("Cost of autoseal per object: (median autoseal - median empty preload) / objects, "
               "and a least-squares line of that difference against the object count.")
        self.w()
        self.w("| profile | N libs | objects | autoseal - empty (us) | per object (us) |")
        self.w("|---|---:|---:|---:|---:|")
        for p in ("default", "strict"):
            xs, ys = [], []
            for n in sizes:
                r = by.get((p, n))
                ka, ke = "%s@%d" % (p, n), "empty@%d" % n
                if r is None or ka not in runs or ke not in runs:
                    continue
                obj = int(r["objects"])
                d = median(list(runs[ka].values())) - median(list(runs[ke].values()))
                xs.append(obj)
                ys.append(d / 1000)
                self.w("| %s | %d | %d | %.1f | %.2f |" % (p, n, obj, d / 1000, d / 1000 / obj))
            slope, icpt, r2 = linfit(xs, ys)
            self.fits = getattr(self, "fits", {})
            self.fits[p] = (slope, icpt, r2)
        self.w()
        for p, (slope, icpt, r2) in self.fits.items():
            self.w("- %s: slope **%.2f us per object**, intercept %.1f us, R^2 = **%.3f**"
                   % (p, slope, icpt, r2))
        self.w()
        self.w("These end-to-end differences are small against the run-to-run spread of the "
               "whole startup (see the p10-p90 columns): where the 95% interval of the ratio "
               "includes 1, the difference is not resolved by this run, and its line fit says "
               "little. The library's own timer below measures the sealing walk directly; "
               "the linearity verdict uses it.")
        self.w()
        # linearity of the absolute time too
        for p in ("default",):
            xs = [int(by[(p, n)]["objects"]) for n in sizes if (p, n) in by and "%s@%d" % (p, n) in runs]
            ys = [median(list(runs["%s@%d" % (p, n)].values())) / 1000 for n in sizes
                  if (p, n) in by and "%s@%d" % (p, n) in runs]
            s2, i2, r22 = linfit(xs, ys)
            self.w("For comparison, the whole startup time under autoseal %s against objects: "
                   "slope %.1f us per object, R^2 = %.3f." % (p, s2, r22))
        self.w()
        big = sizes[-1]
        if "default@%d" % big in runs:
            r, lo, hi = ratio_ci(runs["default@%d" % big], runs["empty@%d" % big])
            self.target("startup with %d libraries: autoseal default / empty preload" % big,
                        "%.3f" % r, "(reported)", None)
        sl, _, r2 = self.fits.get("default", (float("nan"),) * 3)
        self.target("end-to-end autoseal - empty preload against objects, default (line fit)",
                    "R^2 %.3f, slope %.2f us/object" % (r2, sl), "(reported)", None)
        # the library's own timer
        urows = read_tsv(os.path.join(self.res, "scaling_us.tsv"))
        if not urows:
            self.missing.append("scaling_us")
            return
        self.w("The library's own timer around its sealing walk (`us=` of its summary line, "
               "which covers dl_iterate_phdr, the range computation and the mseal calls; not the "
               "loading of libautoseal.so itself), %d runs per configuration, interleaved:"
               % len({r["run"] for r in urows}))
        self.w()
        self.w("| profile | N libs | objects | median (us) | p10-p90 (us) | per object (us) |")
        self.w("|---|---:|---:|---:|---:|---:|")
        uf = {}
        for p in ("default", "strict"):
            xs, ys = [], []
            for n in sizes:
                v = [float(r["us"]) for r in urows if r["profile"] == p and int(r["n"]) == n]
                o = [int(r["objects"]) for r in urows if r["profile"] == p and int(r["n"]) == n]
                if not v:
                    continue
                s = summary(v)
                xs.append(o[0])
                ys.append(s["med"])
                self.w("| %s | %d | %d | %.0f | %.0f-%.0f | %.2f |" % (
                    p, n, o[0], s["med"], s["p10"], s["p90"], s["med"] / o[0]))
            uf[p] = linfit(xs, ys)
        self.w()
        for p, (slope, icpt, r2) in uf.items():
            self.w("- %s: slope **%.2f us per object**, intercept %.1f us, R^2 = **%.4f**"
                   % (p, slope, icpt, r2))
        self.w()
        sl, _, r2 = uf.get("default", (float("nan"),) * 3)
        self.target("sealing cost linear in objects (library timer, default: line fit)",
                    "R^2 %.4f, slope %.2f us/object" % (r2, sl), "linear (R^2 >= 0.99)",
                    finite(r2) and r2 >= 0.99)

    # -- runtime
    def runtime(self):
        rows = read_tsv(os.path.join(self.res, "runtime.tsv"))
        self.w("## 3. Runtime: interposed calls")
        self.w()
        if not rows:
            self.missing.append("runtime")
            self.w("Not measured.")
            return
        nb = len({r["batch"] for r in rows})
        m = self.meta
        self.w("`bench/runtimebench` in alternating processes (%d batches%s; each batch runs one "
               "process with the *empty preloaded library* (the baseline: without any preload a "
               "fresh page merges with a neighbouring mapping and mmap looks slower for reasons "
               "that have nothing to do with autoseal), one with `LD_PRELOAD=libautoseal.so` "
               "(default profile) and one control, in rotating order). Each process measures, "
               "first, the first dlopen(RTLD_NOW) + dlsym of a small plugin (one shot: under "
               "autoseal that dlsym is the safe point that makes the plugin non-unloadable and "
               "seals it), then the median of five timed rounds of: dlsym on the open handle; "
               "mseal(2) of one whole read-only anonymous mapping (the kernel's price of one seal "
               "call, not interposed); an mmap+munmap pair of one anonymous page; one mprotect "
               "toggling a guarded anonymous page RW <-> R; a dlopen + dlsym + call + dlclose "
               "cycle of the (by then loaded) plugin. The *control* preloads `bench/ropage.c`, "
               "which makes one page of its own .bss read-only and seals nothing."
               % (nb, ", measured on %s at %s, load average %s" % (m["runtime_date"], m.get("runtime_version", "?"),
                                                                 m.get("runtime_load", "?"))
                  if "runtime_date" in m else ""))
        self.w()
        self.w("| operation | empty preload median (ns) | p10-p90 | autoseal median (ns) | p10-p90 | autoseal / empty preload (95% interval) | difference (ns) | control / empty preload |")
        self.w("|---|---:|---:|---:|---:|---:|---:|---:|")
        data = defaultdict(lambda: defaultdict(dict))
        growth = defaultdict(list)
        for r in rows:
            if r["op"] == "maps-growth":
                growth[r["config"]].append(int(float(r["value"])))
                continue
            data[r["op"]][r["config"]][int(r["batch"])] = float(r["value"])
        dat = []
        med = {}
        for i, op in enumerate(("first-dlopen", "dlsym", "mseal", "mmap", "mprotect", "dlopen")):
            b, a = data[op].get("baseline"), data[op].get("autoseal")
            if not b or not a:
                if op in ("mmap", "mprotect", "dlopen"):
                    self.missing.append("runtime " + op)
                continue
            sb, sa = summary(list(b.values())), summary(list(a.values()))
            med[op] = (sb["med"], sa["med"])
            r, lo, hi = ratio_ci(a, b)
            c = data[op].get("ropage")
            if c:
                rc, loc, hic = ratio_ci(c, b)
                ctxt = "%.3f (%.3f-%.3f)" % (rc, loc, hic)
            else:
                rc = loc = hic = float("nan")
                ctxt = "-"
            self.w("| %s | %.0f | %.0f-%.0f | %.0f | %.0f-%.0f | %.3f (%.3f-%.3f) | %+.0f | %s |" % (
                op, sb["med"], sb["p10"], sb["p90"], sa["med"], sa["p10"], sa["p90"], r, lo, hi,
                sa["med"] - sb["med"], ctxt))
            if op in ("mmap", "mprotect", "dlopen"):
                dat.append("%d %s %.4f %.4f %.4f %.4f %.4f %.4f" % (
                    len(dat), op, (r - 1) * 100, (lo - 1) * 100, (hi - 1) * 100,
                    (rc - 1) * 100, (loc - 1) * 100, (hic - 1) * 100))
            pct = "%+.1f%% (%+.1f%% to %+.1f%%)" % ((r - 1) * 100, (lo - 1) * 100, (hi - 1) * 100)
            if op in ("mmap", "mprotect"):
                self.target("runtime: %s against the empty preload" % op, pct, "<= +1%",
                            r <= 1.01, lo <= 1.01 < hi)
            elif op == "dlsym":
                d = sa["med"] - sb["med"]
                self.target("runtime: dlsym against the empty preload", "%+.0f ns (%s)" % (d, pct),
                            "<= +10 ns", d <= 10)
            elif op == "dlopen":
                self.target("dlopen/dlclose cycle of a loaded plugin (kept loaded by autoseal: not comparable)",
                            pct, "(reported)", None)
        with open(os.path.join(self.out, "img", "runtime.dat"), "w") as f:
            f.write("# index op autoseal_pct lo hi control_pct lo hi\n" + "\n".join(dat) + "\n")
        self.w()
        calls = m.get("plugin_seal_calls")
        if "first-dlopen" in med and "mseal" in med and calls and calls.isdigit():
            extra = med["first-dlopen"][1] - med["first-dlopen"][0]
            budget = 2 * int(calls) * med["mseal"][0]
            self.w("First dlopen of a new plugin: autoseal adds %.1f us (median against median); "
                   "the plugin needs %s mseal call(s) of about %.2f us each, so the goal (at most "
                   "twice its seal calls) is %.1f us." % (extra / 1000, calls, med["mseal"][0] / 1000,
                                                          budget / 1000))
            self.w()
            self.target("first dlopen of a new plugin: autoseal's extra time", "%+.1f us" % (extra / 1000),
                        "<= 2 x its %s mseal call(s) = %.1f us" % (calls, budget / 1000), extra <= budget)
        g = {c: (min(v), max(v)) for c, v in growth.items()}
        self.w("Lines gained by /proc/self/maps over the dlopen/dlclose cycles: empty preload %s, "
               "autoseal %s (min-max over processes). autoseal makes a dlopen'ed object "
               "non-unloadable before sealing it, so the plugin's mappings are added once and "
               "stay; later dlopen/dlclose cycles only count references, which is why the "
               "dlopen row is not an overhead figure." % (
                   "%d-%d" % g["baseline"] if "baseline" in g else "?",
                   "%d-%d" % g["autoseal"] if "autoseal" in g else "?"))
        self.w()
        note = os.path.join(self.res, "runtime-notes.md")
        if os.path.exists(note):
            with open(note) as f:
                self.md.extend(f.read().rstrip("\n").split("\n"))
            self.w()

    # -- services
    def services(self):
        rows = read_tsv(os.path.join(self.res, "services.tsv"))
        self.w("## 4. Services: throughput and p99 latency")
        self.w()
        if not rows:
            self.missing.append("services")
            self.w("Not measured.")
            return
        m = self.meta
        self.w("Services: %s. Each server runs on 127.0.0.1 on a free port with a private "
               "configuration and data directory under /tmp, started anew for each round; %s "
               "rounds per configuration, baseline and autoseal strict "
               "(`LD_PRELOAD=libautoseal.so AUTOSEAL_OPTIONS=profile=strict,log=stderr`) "
               "alternating, the one that goes first alternating from round to round. nginx "
               "(1 worker) serves a 4 KiB file to `wrk -t1 -c8 -d%ss --latency`; redis-server "
               "without persistence under `redis-benchmark -c 8 -n %s -t set,get`; postgresql "
               "with fsync off under `pgbench -S -c 4 -j 2 -T %s` (select-only, scale 2; p99 "
               "from its per-transaction log). Clients and servers share the machine's CPUs." % (
                   m.get("services", "?"), m.get("rounds", "?"), m.get("wrk_secs", "?"),
                   m.get("redis_n", "?"), m.get("pg_secs", "?")))
        self.w()
        self.w("| service | rounds | baseline throughput (median, p10-p90) | autoseal strict throughput | ratio (95% interval) | baseline p99 (ms) | autoseal p99 (ms) |")
        self.w("|---|---:|---:|---:|---:|---:|---:|")
        by = defaultdict(lambda: defaultdict(dict))
        for r in rows:
            by[r["service"]][r["config"]][int(r["round"])] = (float(r["throughput"]), float(r["p99_ms"]))
        for svc in sorted(by):
            b, a = by[svc].get("baseline", {}), by[svc].get("autoseal", {})
            if not b or not a:
                self.missing.append("service " + svc)
                continue
            tb = {k: v[0] for k, v in b.items()}
            ta = {k: v[0] for k, v in a.items()}
            sb, sa = summary(list(tb.values())), summary(list(ta.values()))
            r, lo, hi = ratio_ci(ta, tb)
            pb = median([v[1] for v in b.values()])
            pa = median([v[1] for v in a.values()])
            self.w("| %s | %d | %.0f (%.0f-%.0f) | %.0f (%.0f-%.0f) | **%.3f** (%.3f-%.3f) | %.2f | %.2f |" % (
                svc, len(tb), sb["med"], sb["p10"], sb["p90"], sa["med"], sa["p10"], sa["p90"],
                r, lo, hi, pb, pa))
            self.target("%s throughput, autoseal strict / baseline" % svc,
                        "%.3f (%.3f-%.3f)" % (r, lo, hi), ">= 0.98", r >= 0.98, lo < 0.98 <= hi)
        self.w()
        self.w("Throughput unit: requests/s (nginx, redis), transactions/s (pgbench); p99 is "
               "the median over rounds of each round's 99th percentile. The ratio is of "
               "medians, its interval a bootstrap over rounds: with this few rounds on a "
               "shared machine the interval is wide, and a verdict whose interval spans 0.98 "
               "is not a measured difference either way.")
        self.w()

    # -- memory
    def memory(self):
        rows = read_tsv(os.path.join(self.res, "memory.tsv"))
        self.w("## 5. Memory: mappings of the server processes")
        self.w()
        if not rows:
            self.missing.append("memory")
            self.w("Not measured.")
            return
        self.w("`wc -l /proc/PID/maps` of each server process once it serves, without and with "
               "autoseal (strict profile). The extra lines include the mappings of "
               "libautoseal.so itself (counted separately); what remains is what sealing adds "
               "(a seal that covers part of a mapping splits it).")
        self.w()
        self.w("| process | maps baseline | maps autoseal | of which libautoseal.so | objects | extra per object (excl. libautoseal.so) |")
        self.w("|---|---:|---:|---:|---:|---:|")
        by = defaultdict(dict)
        for r in rows:
            by[r["process"]][r["config"]] = r
        worst = -1.0
        for proc in sorted(by):
            b, a = by[proc].get("baseline"), by[proc].get("autoseal")
            if b is None or a is None:
                self.missing.append("memory " + proc)
                continue
            mb, ma, own, obj = int(b["maps"]), int(a["maps"]), int(a["own_maps"]), int(a["objects"])
            per = (ma - mb - own) / obj if obj else float("nan")
            worst = max(worst, per)
            self.w("| %s | %d | %d | %d | %d | %.2f |" % (proc, mb, ma, own, obj, per))
        self.w()
        if worst >= -0.5:
            self.target("extra mappings per loaded object (servers, strict)", "%.2f" % worst,
                        "<= 1", worst <= 1.0)

    def write(self):
        m = machine()
        os.makedirs(os.path.join(self.out, "img"), exist_ok=True)
        body_start = len(self.md)
        self.startup()
        self.scaling()
        self.runtime()
        self.services()
        self.memory()
        body = self.md[body_start:]
        self.md = self.md[:body_start]
        mode = self.meta.get("mode", "?")
        self.w("# Benchmarks")
        self.w()
        self.w("Generated by `scripts/bench.sh%s` on %s. Every number below comes from that "
               "run; rerun the script to reproduce. Times are of one virtual machine shared "
               "with other work: read the ratios, not the absolute times." % (
                   " --quick" if mode == "quick" else "", self.meta.get("date", m["date"])))
        if "remeasured" in self.meta:
            self.w()
            self.w(self.meta["remeasured"])
        self.w()
        self.w("## Machine")
        self.w()
        self.w("| | |\n|---|---|")
        self.w("| CPUs (nproc) | %s |" % m["nproc"])
        self.w("| CPU model | %s |" % m["cpu"])
        self.w("| kernel | %s |" % m["kernel"])
        self.w("| C library | %s |" % m["glibc"])
        self.w("| OS | %s |" % m["os"])
        if "load_start" in self.meta:
            self.w("| load average at the start | %s |" % self.meta["load_start"])
        self.w("| load average at the end | %s |" % self.meta.get("load_end", m["load"]))
        self.w("| autoseal | %s |" % self.meta.get("version", "?"))
        self.w()
        self.w("## Method")
        self.w()
        self.w("- Every comparison is measured side by side in one run, interleaved: each "
               "iteration runs every configuration once, in a freshly shuffled order (startup), "
               "rotating order (runtime) or alternating order (services), so drift of the shared machine hits all "
               "configurations alike.")
        self.w("- Reported: medians with the 10th-90th percentile spread (and IQR for startup); "
               "ratios are ratios of medians, with a 95% bootstrap interval that resamples whole "
               "iterations (keeping the pairing).")
        self.w("- Floors for startup: an *empty* preloaded library (`bench/empty.c`, what "
               "LD_PRELOAD itself costs); the *seal floor* (`bench/sealfloor.c`, ~100 lines of libc-only "
               "C that makes exactly the mseal calls autoseal makes for the same process - checked "
               "with strace, see the mseal column - and nothing else); the *shape floor* "
               "(`bench/shapefloor.c`, autoseal's exported functions and section sizes with an empty "
               "constructor). autoseal is compared with these, not with no preload; the runtime "
               "baseline is the empty preload too.")
        self.w("- Benchmark programs: `bench/spawnbench.c`, `bench/runtimebench.c`, "
               "`bench/tiny.c`, `bench/empty.c`, `bench/plugin.c`, `bench/ropage.c`; libraries generated by "
               "`bench/common.sh`; this file by `bench/stats.py`; plots by `bench/*.gp`.")
        if mode == "full":
            self.w("- Raw results: `scripts/bench.sh --keep DIR` keeps them; those of the run "
                   "published here are in `bench/results/`, and `scripts/bench.sh --report "
                   "bench/results` rewrites this file and the plots from them.")
        self.w()
        self.w("## Targets")
        self.w()
        self.w("| target | measured | goal | verdict |")
        self.w("|---|---:|---|---|")
        for name, measured, goal, ok, spans in self.targets:
            self.w("| %s | %s | %s | %s |" % (name, measured, goal, verdict_text(ok, spans)))
        self.w()
        self.w("Measured values are medians or ratios of medians with their 95% interval in "
               "parentheses. The verdict is on the median; \"not resolved\" means the interval "
               "includes the goal, so this run cannot tell the two apart.")
        self.w()
        if os.path.exists(os.path.join(self.out, "img", "startup.dat")):
            self.w("![startup time against number of libraries](img/startup.png)")
            self.w()
        if os.path.exists(os.path.join(self.out, "img", "runtime.dat")):
            self.w("![runtime overhead](img/runtime.png)")
            self.w()
        self.md += body
        if self.missing:
            self.w("## Missing results")
            self.w()
            for x in self.missing:
                self.w("- " + x)
        with open(os.path.join(self.out, "benchmarks.md"), "w") as f:
            f.write("\n".join(self.md).rstrip() + "\n")
        return self.missing


def cmd_report(res, out, required):
    rep = Report(res, out)
    missing = rep.write()
    print("wrote %s" % os.path.join(out, "benchmarks.md"))
    for name, measured, goal, ok, spans in rep.targets:
        verdict = verdict_text(ok, spans)
        print("  %-72s %-34s %-12s %s" % (name, measured, goal, verdict))
    bad = [m for m in missing if m.split()[0] in required]
    if bad:
        die("missing results: " + ", ".join(bad))
    if not rep.targets:
        die("no numbers")


def cmd_check(out):
    md = os.path.join(out, "benchmarks.md")
    if not os.path.exists(md):
        die("no " + md)
    text = open(md).read()
    if "## Missing results" in text:
        die(md + " lists missing results")
    rows, in_targets = [], False
    for line in text.splitlines():
        if line.startswith("## "):
            in_targets = line.strip() == "## Targets"
        elif in_targets and line.startswith("| ") and not line.startswith("| target"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    numeric = [r for r in rows if len(r) == 4 and any(ch.isdigit() for ch in r[1])
               and r[3].split(" (")[0] in ("met", "NOT met", "reported")]
    if len(numeric) < 6 or len(numeric) != len(rows):
        die("%s: %d target rows, %d with a number and a verdict" % (md, len(rows), len(numeric)))
    for png in ("startup.png", "runtime.png"):
        p = os.path.join(out, "img", png)
        with open(p, "rb") as f:
            head = f.read(8)
        if head != b"\x89PNG\r\n\x1a\n" or os.path.getsize(p) < 5000:
            die("%s is not a plausible PNG plot" % p)
    print("%s: %d targets with numbers, plots present" % (md, len(numeric)))


def main(argv):
    if len(argv) == 6 and argv[1] == "startup":
        cmd_startup(argv[2], argv[3], argv[4], float(argv[5]))
    elif len(argv) == 3 and argv[1] == "check":
        cmd_check(argv[2])
    elif len(argv) >= 4 and argv[1] == "report":
        cmd_report(argv[2], argv[3], set(argv[4].split(",")) if len(argv) > 4 else set())
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
