#!/usr/bin/env bash
# coreutils: ls, sort and sha256sum on real files; each output must equal
# the output of the same command without autoseal.  Every command is
# stopped at exit_group and its seals checked.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init coreutils "${1:-}"
need ls sort sha256sum

# real input: a copy of a few system files and a generated text
mkdir "$TMP/data"
cp /usr/bin/ls /etc/services "$TMP/data/" 2>/dev/null || cp /usr/bin/ls "$TMP/data/"
"$PY" -c 'import random; r=random.Random(7); print("\n".join(str(r.randrange(10**9)) for _ in range(50000)))' >"$TMP/data/numbers.txt"

i=0
check_cmd() { # check_cmd STDIN CMD...: output must match the plain run
    local in="$1"
    shift
    i=$((i + 1))
    local want="$TMP/want.$i" got="$TMP/got.$i"
    "$@" <"$in" >"$want" 2>"$TMP/want.$i.err" || fail "reference run failed: $*"
    run_measured "c$i" "$in" "$got" "$TMP/got.$i.err" 60 "$@"
    [[ $RC -eq 0 ]] || fail "exit status $RC under autoseal: $* ($(head -c 300 "$TMP/got.$i.err"))"
    cmp -s "$want" "$got" || fail "output differs under autoseal: $*"
    [[ -s "$got" ]] || fail "empty output: $*"
    log "ok: $* ($(wc -c <"$got") bytes of output identical)"
}

check_cmd /dev/null ls -la --time-style=+%s /usr/bin
check_cmd /dev/null ls -R /usr/share/doc/coreutils
check_cmd "$TMP/data/numbers.txt" sort -n
check_cmd /dev/null sort -r "$TMP/data/numbers.txt"
check_cmd /dev/null sha256sum "$TMP/data/ls" "$TMP/data/numbers.txt"
# sha256sum must also agree with an independent implementation
"$PY" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' \
    "$TMP/data/numbers.txt" >"$TMP/py.sha"
grep -q "^$(cat "$TMP/py.sha")  $TMP/data/numbers.txt\$" "$TMP/got.$i" || fail "sha256sum result differs from Python's hashlib"
works
pass
