#!/usr/bin/env bash
# Real JIT runtimes under autoseal: node (V8) and java (HotSpot) keep working
# under profile=default and profile=jit, with their startup images sealed;
# under profile=strict (wx=deny, execmem=deny) they must fail cleanly: an
# error exit within the timeout, not a hang.
set -uo pipefail
lib=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
node_bin=$(command -v node || command -v nodejs || true)
[[ -n $node_bin ]] || { echo "FAIL: node not installed (scripts/packages/compat.txt)"; exit 1; }
command -v java >/dev/null && command -v javac >/dev/null || { echo "FAIL: java/javac not installed"; exit 1; }

cat > "$tmp/Work.java" <<'JAVA'
public class Work {
    public static void main(String[] a) {
        long s = 0;
        for (int i = 0; i < 50_000_000; i++) { s += (i * 31L) % 7; }
        java.util.Map<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < 200_000; i++) { m.merge("k" + (i % 1000), 1, Integer::sum); }
        System.out.println(s + " " + m.size());
    }
}
JAVA
javac -d "$tmp" "$tmp/Work.java" || { echo "FAIL: javac"; exit 1; }
node_js='let s=0; for (let i=0;i<3e7;i++) s+=(i*31)%7; const m=new Map(); for (let i=0;i<2e5;i++) m.set("k"+(i%1000),(m.get("k"+(i%1000))||0)+1); console.log(s+" "+m.size)'

ref_node=$(timeout 120 "$node_bin" -e "$node_js") || { echo "FAIL: node without autoseal"; exit 1; }
ref_java=$(timeout 120 java -cp "$tmp" Work) || { echo "FAIL: java without autoseal"; exit 1; }

for prof in default jit; do
    out=$(timeout 120 env LD_PRELOAD="$lib" AUTOSEAL_OPTIONS="profile=$prof,log=stderr" "$node_bin" -e "$node_js" 2>"$tmp/err")
    if [[ $out == "$ref_node" ]] && grep -q "prog=node.*event=startup .*partial=0" "$tmp/err"; then
        echo "ok node $prof"
    else
        echo "FAIL node $prof: '$out' vs '$ref_node'"; cat "$tmp/err"; fail=1
    fi
    out=$(timeout 120 env LD_PRELOAD="$lib" AUTOSEAL_OPTIONS="profile=$prof,log=stderr" java -cp "$tmp" Work 2>"$tmp/err")
    if [[ $out == "$ref_java" ]] && grep -q "event=startup .*partial=0" "$tmp/err"; then
        echo "ok java $prof"
    else
        echo "FAIL java $prof: '$out' vs '$ref_java'"; cat "$tmp/err"; fail=1
    fi
done

# strict: refused W+X memory; a clean failure, never a hang
for cmd in node java; do
    if [[ $cmd == node ]]; then args=("$node_bin" -e "$node_js"); else args=(java -cp "$tmp" Work); fi
    timeout 120 env LD_PRELOAD="$lib" AUTOSEAL_OPTIONS="profile=strict,log=stderr" "${args[@]}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if (( rc == 124 )); then
        echo "FAIL $cmd strict: hang"; fail=1
    elif (( rc == 0 )); then
        echo "FAIL $cmd strict: expected a refusal, it ran"; fail=1
    elif grep -q "event=deny call=" "$tmp/err"; then
        echo "ok $cmd strict fails cleanly (exit $rc, autoseal logged the refusal)"
    else
        echo "FAIL $cmd strict: exit $rc without a logged refusal"; tail -5 "$tmp/err"; fail=1
    fi
done
((fail == 0)) && echo "PASS jit"
exit $fail
