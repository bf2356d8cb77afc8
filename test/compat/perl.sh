#!/usr/bin/env bash
# perl: regexes, hashes, sort, sprintf and the XS modules Digest::SHA,
# List::Util and POSIX (shared objects perl dlopens at run time).  Results
# are compared with the run without autoseal and with values computed
# independently.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init perl "${1:-}"
need perl

cat >"$TMP/work.pl" <<'PL'
use strict; use warnings;
use Digest::SHA qw(sha256_hex);
use List::Util qw(sum max);
use POSIX qw(floor);
my %count;
my $text = join(" ", map { "word" . ($_ * 7919 % 97) } 1 .. 20000);
$count{$_}++ for ($text =~ /(word\d+)/g);
my @top = (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count)[0 .. 2];
printf "%s=%d\n", $_, $count{$_} for @top;
print "keys=", scalar(keys %count), "\n";
print "sum=", sum(1 .. 10000), "\n";
print "max=", max(map { floor($_ / 3) } 1 .. 1000), "\n";
print "sha=", sha256_hex("autoseal compat"), "\n";
PL

/usr/bin/perl "$TMP/work.pl" >"$TMP/want" 2>&1 || fail "reference run failed: $(cat "$TMP/want")"
run_measured perl /dev/null "$TMP/got" "$TMP/got.err" 60 /usr/bin/perl "$TMP/work.pl"
[[ $RC -eq 0 ]] || fail "perl exited $RC under autoseal: $(head -c 300 "$TMP/got.err")"
cmp -s "$TMP/want" "$TMP/got" || fail "output differs under autoseal"
sha="$("$PY" -c 'import hashlib; print(hashlib.sha256(b"autoseal compat").hexdigest())')"
grep -qx "sha=$sha" "$TMP/got" || fail "Digest::SHA result differs from Python's hashlib"
grep -qx 'sum=50005000' "$TMP/got" || fail "wrong List::Util::sum"
grep -qx 'keys=97' "$TMP/got" || fail "wrong hash count"
works
pass
