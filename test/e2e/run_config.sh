#!/usr/bin/env bash
# The configuration file end to end: precedence (built-in < global section <
# matching program sections, most specific wins < AUTOSEAL_OPTIONS), mode=off
# for one program, and a broken file (one clear message with file:line, the
# built-in default policy - which still seals - applies, output unchanged).
set -euo pipefail
lib=$1 runtime=$2 check=$3 p2=$4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rt=$(realpath "$runtime"); ck=$(realpath "$check")
run() { # config-file expect-args... ; runs with LD_PRELOAD and AUTOSEAL_CONFIG
    local cfg=$1; shift
    env LD_PRELOAD="$lib:$p2" AUTOSEAL_CONFIG="$cfg" "$@"
}

cat > "$tmp/global.conf" <<CONF
# global section: strict W^X for everybody
wx = deny
execmem = deny
log = none
CONF
run "$tmp/global.conf" "$rt" deny >/dev/null || { echo "FAIL global section not applied"; exit 1; }
echo "ok global section"

cp "$tmp/global.conf" "$tmp/prog.conf"
cat >> "$tmp/prog.conf" <<CONF
[/**/e2e_run*]
wx = deny
[$rt]
wx = allow
execmem = allow
CONF
run "$tmp/prog.conf" "$rt" allow >/dev/null || { echo "FAIL exact program section must win over glob and global"; exit 1; }
echo "ok program section, exact path beats glob"

# a program whose real path is longer than the short buffer autoseal reads
# /proc/self/exe into first (511 bytes): its section must still match
long="$tmp/$(printf 'a%.0s' {1..200})/$(printf 'b%.0s' {1..200})/$(printf 'c%.0s' {1..200})"
mkdir -p "$long" && cp "$rt" "$long/e2e_runtime_long"
# (a section name is at most 255 bytes: a glob; the built-in policy allows
# what the section denies, so an ignored file or a missed match fails)
printf 'log = none\n[/**/e2e_runtime_long]\nwx = deny\nexecmem = deny\n' > "$tmp/long.conf"
run "$tmp/long.conf" "$long/e2e_runtime_long" deny >/dev/null ||
    { echo "FAIL the section of a program with a ${#long}+ byte path did not match"; exit 1; }
echo "ok program section of a long path"

run "$tmp/prog.conf" env AUTOSEAL_OPTIONS=wx=deny,execmem=deny "$rt" deny >/dev/null \
    || { echo "FAIL AUTOSEAL_OPTIONS must win over the file"; exit 1; }
echo "ok AUTOSEAL_OPTIONS beats the file"

cat > "$tmp/off.conf" <<CONF
log = none
[$ck]
mode = off
CONF
run "$tmp/off.conf" "$ck" seals unsealed >/dev/null || { echo "FAIL mode=off for this program"; exit 1; }
run "$tmp/off.conf" "$rt" allow >/dev/null || { echo "FAIL other programs keep the default"; exit 1; }
echo "ok mode=off in one program's section"

printf 'log = none\nwx = deny\nthis line is wrong\n' > "$tmp/bad.conf"
# (the count of mappings varies from run to run in sanitizer builds: not compared)
strip() { sed 's/ mappings=[0-9]*//'; }
ref=$(env LD_PRELOAD="$lib:$p2" AUTOSEAL_OPTIONS=log=none "$ck" seals sealed | strip)
out=$(run "$tmp/bad.conf" env AUTOSEAL_OPTIONS=log=stderr "$ck" seals sealed 2>"$tmp/err" | strip)
[[ $out == "$ref" ]] || { echo "FAIL output changed by a bad config"; exit 1; }
grep -q "$tmp/bad.conf:3:" "$tmp/err" || { echo "FAIL no file:line message"; cat "$tmp/err"; exit 1; }
grep -q "built-in defaults apply" "$tmp/err" || { echo "FAIL fallback not stated"; cat "$tmp/err"; exit 1; }
# the valid wx=deny line of the broken file must not apply either
run "$tmp/bad.conf" "$rt" allow >/dev/null 2>&1 || { echo "FAIL part of a broken file applied"; exit 1; }
echo "ok broken file: message, defaults (which seal)"
echo "PASS config"
