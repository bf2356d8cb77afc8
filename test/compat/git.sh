#!/usr/bin/env bash
# git in a private repository: init, add, three commits, log, gc (which
# runs pack-objects and friends as child processes, all under autoseal),
# then fsck.  Each git command is stopped at exit_group and checked.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init git "${1:-}"
need git

export HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" \
    GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
mkdir -p "$HOME" "$TMP/repo"
i=0
g() { # g CMD...: git under autoseal, measured; output in $TMP/out.N
    i=$((i + 1))
    run_measured "git$i" /dev/null "$TMP/out.$i" "$TMP/err.$i" 120 /usr/bin/git -C "$TMP/repo" "$@"
    [[ $RC -eq 0 ]] || fail "git $* exited $RC: $(head -c 300 "$TMP/err.$i")"
}
g init -q -b main
git -C "$TMP/repo" config user.name compat
git -C "$TMP/repo" config user.email compat@example.invalid
for n in 1 2 3; do
    seq 1 $((n * 1000)) >"$TMP/repo/file$n.txt"
    cp /usr/share/common-licenses/GPL-3 "$TMP/repo/license$n" 2>/dev/null || echo "text $n" >"$TMP/repo/license$n"
    g add "file$n.txt" "license$n"
    g commit -q -m "commit number $n"
done
g log --format=%s
printf 'commit number 3\ncommit number 2\ncommit number 1\n' | cmp -s - "$TMP/out.$i" ||
    fail "git log shows the wrong history: $(cat "$TMP/out.$i")"
g gc -q --aggressive
g count-objects -v
grep -q '^packs: [1-9]' "$TMP/out.$i" || fail "git gc made no pack: $(cat "$TMP/out.$i")"
g fsck --full --strict
g show HEAD:file2.txt
seq 1 2000 | cmp -s - "$TMP/out.$i" || fail "file content from the pack differs"
works
pass
