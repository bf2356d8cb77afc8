#!/usr/bin/env bash
# config.sh: AUTOSEAL_CONFIG naming a missing, unreadable or malformed
# file.  The program must run unchanged and sealed by the built-in
# defaults; every problem is reported in one line naming the file (and the
# line, for a malformed file).  A valid file is the control: it must be
# read (mode = off leaves the program unsealed).
. "$(dirname "$0")/common.sh"
T=$FAULTS_TARGET

run ref "$T" -n 2000 -e unsealed
expect_rc ref 0

# under_config NAME PATH EXPECT: run the target with AUTOSEAL_CONFIG=PATH
under_config() {
    run "$1" env LD_PRELOAD="$FAULTS_PRELOAD" AUTOSEAL_CONFIG="$2" AUTOSEAL_OPTIONS=log=stderr "$T" -n 2000 -e "$3"
    expect_rc "$1" 0
    same_output ref "$1"
    # every line autoseal printed is a single, complete log line
    if grep -v '^autoseal\[[0-9]*\]: ' "$tmp/$1.err" | grep -q .; then
        show "$1.err"
        fail "$1: stray output on stderr"
    fi
}

# the control: a valid file is read
printf '# control\nmode = off\n' >"$tmp/valid.conf"
under_config valid "$tmp/valid.conf" unsealed

# missing: the defaults apply (a message naming the file is allowed)
under_config missing "$tmp/missing.conf" sealed
expect_sealed_startup missing faults-target

# malformed: error on line 3, the whole file ignored, defaults apply
printf '# bad\nmode = off\nthis is not a setting\nprofile = nonsense\n' >"$tmp/bad.conf"
under_config malformed "$tmp/bad.conf" sealed
expect_sealed_startup malformed faults-target
grep -q "$tmp/bad.conf:3:" "$tmp/malformed.err" ||
    { show malformed.err; fail "malformed: no message naming $tmp/bad.conf:3"; }
grep -q "$tmp/bad.conf:4:" "$tmp/malformed.err" ||
    { show malformed.err; fail "malformed: no message naming $tmp/bad.conf:4 (bad value)"; }

# unreadable: a directory, a FIFO, and (when not root) a mode 000 file
mkdir "$tmp/dir.conf"
mkfifo "$tmp/fifo.conf"
cases=(dir fifo)
if [[ $(id -u) != 0 ]]; then
    printf 'mode = off\n' >"$tmp/noperm.conf"
    chmod 000 "$tmp/noperm.conf"
    cases+=(noperm)
fi
for c in "${cases[@]}"; do
    under_config "$c" "$tmp/$c.conf" sealed
    expect_sealed_startup "$c" faults-target
    grep -q "$tmp/$c.conf" "$tmp/$c.err" || { show "$c.err"; fail "$c: no message naming $tmp/$c.conf"; }
done
pass "config: valid file read; missing, ${cases[*]} and malformed files reported in one line each, defaults applied"
