#!/usr/bin/env bash
# java (HotSpot, JIT) running a small program compiled in the test with
# javac (javac itself runs without autoseal): primes, a HashMap, four
# threads, StringBuilder and SHA-256 through MessageDigest, long enough for
# the JIT compilers to kick in.  Stopped at exit_group and checked.  Under
# profile=strict only a clean refusal is accepted (see jit_verdict).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_init java "${1:-}"
need java javac

mkdir "$TMP/src" "$TMP/classes"
cat >"$TMP/src/Main.java" <<'JAVA'
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicLong;

public class Main {
    static int sieve(int n) {
        boolean[] c = new boolean[n + 1]; int k = 0;
        for (int i = 2; i <= n; i++) if (!c[i]) { k++; for (long j = (long) i * i; j <= n; j += i) c[(int) j] = true; }
        return k;
    }
    public static void main(String[] args) throws Exception {
        int primes = 0;
        for (int r = 0; r < 5; r++) primes = sieve(2000000);
        HashMap<String, Integer> m = new HashMap<>();
        for (int i = 0; i < 200000; i++) m.merge("k" + (i % 1000), 1, Integer::sum);
        AtomicLong total = new AtomicLong();
        Thread[] ts = new Thread[4];
        for (int t = 0; t < 4; t++) {
            final int base = t;
            ts[t] = new Thread(() -> { long s = 0; for (int i = base; i < 10000000; i += 4) s += i; total.addAndGet(s); });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest("autoseal compat".getBytes("UTF-8")))
            hex.append(String.format("%02x", b));
        System.out.println("primes=" + primes + " keys=" + m.size() + " k7=" + m.get("k7")
            + " total=" + total.get() + " sha=" + hex);
    }
}
JAVA
javac -d "$TMP/classes" "$TMP/src/Main.java" 2>"$TMP/javac.err" || fail "javac failed: $(cat "$TMP/javac.err")"
sha="$("$PY" -c 'import hashlib; print(hashlib.sha256(b"autoseal compat").hexdigest())')"
want="primes=148933 keys=1000 k7=200 total=49999995000000 sha=$sha"

ALLOW_SIGNAL_DEATH=1 run_measured java /dev/null "$TMP/out" "$TMP/err" 120 /usr/bin/java -Xmx128m -cp "$TMP/classes" Main
jit_verdict java "$TMP/out" "$TMP/err" "$want" '^primes='
pass
