#!/usr/bin/env bash
# `autoseal probe` names the configuration file the library really reads:
# the path probe reports must be the one the preloaded library looks up
# (seen from outside with strace, not from autoseal's report), and it must
# be AUTOSEAL_SYSCONFDIR/autoseal.conf whatever the install prefix.
# usage: test_probe_config.sh TOOL LIBRARY SYSCONFDIR
set -u
tool=$1 lib=$2 sysconfdir=$3
command -v strace >/dev/null || { echo "FAIL: strace missing (scripts/packages/cli.txt)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"

"$tool" probe --json >"$tmp/probe.json" || true
said=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"]; print(c["path"], c["from"], c["exists"])' "$tmp/probe.json")
read -r path from exists <<<"$said"
expect "probe reads the path from the library ($from)" test "$from" = library
expect "probe's path is $sysconfdir/autoseal.conf ($path)" test "$path" = "$sysconfdir/autoseal.conf"
want_exists=False; [[ -e $path ]] && want_exists=True
expect "probe says exists=$exists, the file system says $want_exists" test "$exists" = "$want_exists"

env -u AUTOSEAL_CONFIG LD_PRELOAD="$lib" strace -f -qq -e trace=access,faccessat,faccessat2,openat \
    -o "$tmp/trace" /bin/true
looked=$(grep -oE '"[^"]*autoseal[^"]*\.conf"' "$tmp/trace" | tr -d '"' | sort -u | paste -sd' ')
expect "the library looks up exactly what probe says ($looked)" test "$looked" = "$path"
finish
