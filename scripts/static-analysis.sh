#!/usr/bin/env bash
# Static analysis of src/: clang-tidy (checks in .clang-tidy) and cppcheck
# (warning, performance, portability), both from the compile commands of a
# build directory.  Exit status 0 only when both find nothing.
#
#   scripts/static-analysis.sh [BUILD_DIR]     (default: build)
#
# BUILD_DIR/compile_commands.json is created (cmake configure with
# CMAKE_EXPORT_COMPILE_COMMANDS=ON) when it is missing.  Only the files under
# src/ are analysed (lib, and cli and api when they exist), C files only
# (not assembler).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$AUTOSEAL_ROOT"

bdir=${1:-$AUTOSEAL_ROOT/build}
case $bdir in /*) ;; *) bdir=$AUTOSEAL_ROOT/$bdir ;; esac
command -v clang-tidy >/dev/null || die "clang-tidy missing (scripts/packages/attack.txt)"
command -v cppcheck >/dev/null || die "cppcheck missing (scripts/packages/attack.txt)"

if [[ ! -f $bdir/compile_commands.json ]]; then
    log "configure $bdir with compile commands"
    cmake -S "$AUTOSEAL_ROOT" -B "$bdir" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The compile commands of src/ only, for both tools.
python3 - "$bdir/compile_commands.json" "$AUTOSEAL_ROOT/src/" "$work" <<'PY'
import json, os, sys
src, prefix, out = sys.argv[1], sys.argv[2], sys.argv[3]
cmds = [e for e in json.load(open(src))
        if os.path.realpath(os.path.join(e["directory"], e["file"])).startswith(prefix)
        and e["file"].endswith(".c")]
json.dump(cmds, open(os.path.join(out, "compile_commands.json"), "w"), indent=1)
with open(os.path.join(out, "files"), "w") as f:
    for p in sorted({os.path.realpath(os.path.join(e["directory"], e["file"])) for e in cmds}):
        f.write(p + "\n")
PY
nfiles=$(wc -l <"$work/files")
((nfiles > 0)) || die "no file of src/ in $bdir/compile_commands.json"

status=0
log "clang-tidy: $nfiles files"
# gcc-only warning flags in the compile commands are unknown to clang: not findings.
if ! xargs -P "$(nproc)" -n 4 clang-tidy -p "$work" --quiet \
    --extra-arg=-Wno-unknown-warning-option <"$work/files" >"$work/tidy.out" 2>"$work/tidy.err"; then
    status=1
fi
if grep -qE '(warning|error):' "$work/tidy.out"; then
    cat "$work/tidy.out"
    status=1
elif ((status)); then
    cat "$work/tidy.err" >&2
fi
((status)) && log "clang-tidy: findings above" || log "clang-tidy: clean"

log "cppcheck"
# cppcheck does not predefine the compiler's macros: say it is GCC, as the
# build is (include/autoseal.h refuses other compilers with #error).
if ! cppcheck --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
    --quiet --std=c11 -D__GNUC__=12 -j "$(nproc)" --project="$work/compile_commands.json"; then
    log "cppcheck: findings above"
    status=1
else
    log "cppcheck: clean"
fi
exit $status
