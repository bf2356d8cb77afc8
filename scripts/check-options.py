#!/usr/bin/env python3
"""The option tables of the docs agree with the code's.

The code's table is the one the library parses with: src/lib/policy.c,
its `keys[]` table (key name -> value array) and the `enum_name` arrays
(value names), plus the `log=file:PATH` form the parser accepts.  The
docs' tables are compared with it key by key and value by value:

  README.md             the `| key | values ... |` table
  docs/options.md       the `| key | values ... |` table
  docs/autoseal.conf.5  the KEYS section (`.BR key " = " v1 | v2`)

A key or value missing from a doc, or one a doc lists that the code does
not accept, fails with one line per difference.  Exit 0: all agree.

  scripts/check-options.py [--self-test] [SOURCE_DIR]

--self-test also proves the comparison can fail: for each doc, a copy of
its table with one value dropped, one value added and one key dropped
must give exactly those three differences.
"""
import os
import re
import sys

FILE_PREFIX = "file:"  # log=file:/ABSOLUTE/PATH: any path after the prefix


def code_table(src):
    """{key: set(values)} from policy.c (empty set: free-form, e.g. a glob):
    the key table (keys[AS_KEY_...] = {"name", ...}) and the one value
    table (names[] = {"value", AS_KEY_..., ...})."""
    text = open(os.path.join(src, "src/lib/policy.c"), encoding="utf-8").read()
    km = re.search(r"static const struct key_desc keys\[\w+\] = \{(.*?)\n\};", text, re.S)
    vm = re.search(r"static const struct enum_name names\[\] = \{(.*?)\n\};", text, re.S)
    if not km or not vm:
        sys.exit("check-options: cannot find the key table and the value table in src/lib/policy.c")
    keyname = dict((k, n) for k, n in re.findall(r'\[(AS_KEY_\w+)\]\s*=\s*\{"([^"]+)"', km.group(1)))
    table = {n: set() for n in keyname.values()}
    for value, key in re.findall(r'\{"([^"]+)",\s*(AS_KEY_\w+),', vm.group(1)):
        if key not in keyname:
            sys.exit(f"check-options: policy.c: value {value} for unknown key {key}")
        table[keyname[key]].add(value)
    if "log" in table and f'"{FILE_PREFIX}"' in text:
        table["log"].add(FILE_PREFIX)
    if not table:
        sys.exit("check-options: no keys found in src/lib/policy.c")
    return table


def norm_value(v):
    return FILE_PREFIX if v.startswith(FILE_PREFIX) else v


def markdown_table(path):
    """{key: set(values)} from the first table whose header starts `| key | values`."""
    table, inside = {}, False
    for line in open(path, encoding="utf-8"):
        if re.match(r"\|\s*key\s*\|\s*values", line):
            inside = True
            continue
        if not inside:
            continue
        if not line.startswith("|"):
            if table:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or set(cells[0]) <= set("- "):
            continue
        key = cells[0].strip("`")
        # values: the backquoted words of the column, remarks in parentheses aside
        col = re.sub(r"\([^)]*\)", "", cells[1])
        table[key] = {norm_value(v) for v in re.findall(r"`([^`]+)`", col)}
    return table


def man_table(path):
    """{key: set(values)} from the KEYS section of a man page."""
    table, inside = {}, False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith(".SH"):
            inside = line.split(None, 1)[1:] == ["KEYS"]
            continue
        if not inside:
            continue
        m = re.match(r'\.B[IR]\s+(.*)$', line)
        if not m or "=" not in m.group(1):
            continue
        text = m.group(1).replace("\\-", "-")
        text = re.sub(r"\\f[IRBP]", "", text).replace('"', "")
        key, _, vals = text.partition("=")
        key = key.strip()
        if not re.fullmatch(r"[a-z][a-z-]*", key):
            continue
        vals = vals.strip()
        if vals == "glob" or vals == "":
            table[key] = set()
        else:
            table[key] = {norm_value(v.strip()) for v in vals.split("|")}
    return table


def compare(where, code, doc):
    problems = []
    for k in sorted(set(code) - set(doc)):
        problems.append(f"{where}: key '{k}' missing (src/lib/policy.c accepts it)")
    for k in sorted(set(doc) - set(code)):
        problems.append(f"{where}: key '{k}' is not a key of src/lib/policy.c")
    for k in sorted(set(code) & set(doc)):
        for v in sorted(code[k] - doc[k]):
            problems.append(f"{where}: {k}: value '{v}' missing (src/lib/policy.c accepts it)")
        for v in sorted(doc[k] - code[k]):
            problems.append(f"{where}: {k}: value '{v}' is not accepted by src/lib/policy.c")
    return problems


def self_test(where, code, doc):
    """The comparison reports a dropped value, an extra value and a dropped key."""
    keys = sorted(k for k in doc if doc[k])
    if len(keys) < 2:
        return [f"{where}: self-test: fewer than two keys with values"]
    mutated = {k: set(v) for k, v in doc.items()}
    dropped = sorted(mutated[keys[0]])[0]
    mutated[keys[0]].discard(dropped)
    mutated[keys[1]].add("no-such-value")
    del mutated[keys[-1]]
    got = compare(where, code, mutated)
    want = {f"{where}: {keys[0]}: value '{dropped}' missing (src/lib/policy.c accepts it)",
            f"{where}: {keys[1]}: value 'no-such-value' is not accepted by src/lib/policy.c",
            f"{where}: key '{keys[-1]}' missing (src/lib/policy.c accepts it)"}
    if set(got) != want:
        return [f"{where}: self-test: expected {sorted(want)}, got {got}"]
    return []


def main():
    args = sys.argv[1:]
    selftest = "--self-test" in args
    args = [a for a in args if a != "--self-test"]
    src = args[0] if args else os.path.join(os.path.dirname(__file__), "..")
    code = code_table(src)
    problems = []
    for rel, parse in (("README.md", markdown_table), ("docs/options.md", markdown_table),
                       ("docs/autoseal.conf.5", man_table)):
        doc = parse(os.path.join(src, rel))
        if not doc:
            problems.append(f"{rel}: no option table found")
            continue
        diff = compare(rel, code, doc)
        problems += diff
        if selftest and not diff:
            problems += self_test(rel, code, doc)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"check-options: {len(problems)} difference(s) between the docs and src/lib/policy.c",
              file=sys.stderr)
        return 1
    print(f"check-options: {len(code)} keys, "
          f"{sum(len(v) for v in code.values())} values agree in README.md, "
          "docs/options.md and docs/autoseal.conf.5")
    return 0


if __name__ == "__main__":
    sys.exit(main())
