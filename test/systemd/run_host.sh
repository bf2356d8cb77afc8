#!/usr/bin/env bash
# A whole systemd host under autoseal: a Debian 12 root (scripts/debian-root.sh,
# cached) with libautoseal in its /etc/ld.so.preload, booted with
# systemd-nspawn; checked from the host through /proc/PID/smaps.
#
#   run_host.sh AUTOSEAL LIBAUTOSEAL SOURCE_DIR RESULT_DIR
#
# 1. boot with SYSTEMD_SECCOMP=0 (nspawn's own filter off), wait until the
#    boot is done, open a login session (PAM, logind, a user manager);
#    `autoseal status --all --json` (run on the host) must agree with an
#    independent smaps reading (inspect.py) for every container process and
#    give a true reason for every one not sealed; `journalctl
#    AUTOSEAL_EVENT=unavailable` finds every unsealed process with the library; PID 1, the services and the
#    session are sealed, journald and logind are refused by their own filter;
#    `autoseal systemd --audit` gives each loaded unit the verdict its
#    processes show; `autoseal systemd --profile strict nginx` + restart: nginx sealed under
#    strict; clean poweroff.
# 2. boot again with nspawn's own seccomp filter: every process with the
#    library is unsealed and status says a seccomp filter did it, on a kernel
#    that has mseal.
# What the library's seccomp handling (issue 11) must make true is written
# to RESULT_DIR/host.json and checked by expectations.py (its own test).
# Every container process is gone when this script exits, pass or fail.
set -u
tool=$1 lib=$2 src=$3 results=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (debootstrap, systemd-nspawn)"; exit 77; }
for c in systemd-nspawn nsenter debootstrap promtool; do
    command -v $c >/dev/null || { echo "FAIL: $c missing (scripts/packages/systemd.txt)"; exit 1; }
done

work=$(mktemp -d /var/tmp/autoseal-host.XXXXXX)
root=$work/root
mkdir -p "$results"
rm -f "$results/host.json"
nspawn_pid= leader=

# Stop the container and make sure nothing of it is left.
stop_container() {
    [[ -n $nspawn_pid ]] || return 0
    if kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null  # nspawn asks PID 1 to halt
        timeout 30 tail --pid="$nspawn_pid" -f /dev/null
    fi
    if [[ -n $leader ]] && [[ -e /proc/$leader ]]; then
        local ns; ns=$(readlink "/proc/$leader/ns/pid" 2>/dev/null)
        for p in /proc/[0-9]*; do
            [[ $(readlink "$p/ns/pid" 2>/dev/null) == "$ns" ]] && kill -KILL "${p#/proc/}" 2>/dev/null
        done
    fi
    kill -KILL "$nspawn_pid" 2>/dev/null
    wait "$nspawn_pid" 2>/dev/null
    nspawn_pid= leader=
}
cleanup() {
    stop_container
    [[ -n ${KEEP_ROOT:-} ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_ct() { timeout 120 nsenter -t "$leader" -a "$@"; }
# snapshot INSPECT STATUS: `autoseal status --all --json` (from the host)
# between two independent readings; only processes present in both count
snapshot() {
    python3 "$here/inspect.py" "$leader" -- bash -c '"$1" status --all --json >"$2"' _ "$tool" "$2" >"$1"
}
prom_ok() { [[ -s $1 ]] && promtool check metrics <"$1"; } # FILE

# boot LOG [nspawn env...]: start the container, find its PID 1 (host PID).
boot() {
    local log=$1; shift
    env "$@" timeout --kill-after=10 900 systemd-nspawn -D "$root" -b --register=no --keep-unit \
        --private-network --console=pipe -M autoseal-test </dev/null >"$log" 2>&1 &
    nspawn_pid=$!
    local deadline=$((SECONDS + 60)) c
    while ((SECONDS < deadline)); do
        for c in $(pgrep -P "$(pgrep -P "$nspawn_pid" -x systemd-nspawn || echo 0)" 2>/dev/null); do
            if grep -qE '^NSpid:\s+[0-9]+\s+1$' "/proc/$c/status" 2>/dev/null; then
                leader=$c
                return 0
            fi
        done
        kill -0 "$nspawn_pid" 2>/dev/null || break
        sleep 0.2
    done
    echo "container did not start:"; tail -n 20 "$log"
    return 1
}

# Wait until the boot is done and no job is left (a unit that keeps failing
# and restarting settles once its restart limit is hit).
settle() {
    local deadline=$((SECONDS + 60)) state
    # PID 1 has exec'ed systemd and listens on its private socket
    until in_ct test -S /run/systemd/private; do
        ((SECONDS < deadline)) || { echo "systemd did not come up"; return 1; }
        sleep 0.2
    done
    state=$(in_ct systemctl is-system-running --wait 2>/dev/null)
    deadline=$((SECONDS + 180))
    # no job queued and no unit starting, stopping or waiting to restart
    while ((SECONDS < deadline)); do
        [[ -z $(in_ct systemctl list-jobs --no-legend 2>/dev/null) &&
           -z $(in_ct systemctl list-units --no-legend --state=activating,deactivating,reloading 2>/dev/null) ]] && break
        sleep 0.5
    done
    state=$(in_ct systemctl is-system-running 2>/dev/null)
    echo "system state: $state; failed units: $(in_ct systemctl --failed --no-legend --plain | awk '{print $1}' | paste -sd' ')"
    [[ $state == running || $state == degraded ]]
}

wait_active() { # UNIT
    local deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
        [[ $(in_ct systemctl is-active "$1" 2>/dev/null) == active ]] && return 0
        sleep 0.2
    done
    return 1
}

poweroff() {
    in_ct systemctl --no-block poweroff
    if timeout 120 tail --pid="$nspawn_pid" -f /dev/null; then
        wait "$nspawn_pid"; local rc=$?
        nspawn_pid= leader=
        return $rc
    fi
    return 1
}

# --- the root -------------------------------------------------------------
pkgs=(systemd systemd-sysv dbus libpam-systemd cron openssh-server nginx-light redis-server procps libelf1)
timeout 1800 "$src/scripts/debian-root.sh" systemd-host "$root" "${pkgs[@]}" ||
    { echo "FAIL: cannot make the Debian root"; exit 1; }
# the library where the units' ExecPaths= allow it (redis: NoExecPaths=/,
# ExecPaths=/usr/lib ...), the tool beside it (it finds ../lib/autoseal/)
install -D -m 0644 "$lib" "$root/usr/lib/autoseal/libautoseal.so"
install -D -m 0755 "$tool" "$root/usr/bin/autoseal"
echo /usr/lib/autoseal/libautoseal.so >"$root/etc/ld.so.preload"
chroot "$root" useradd -m -s /bin/bash tester
echo autoseal-test >"$root/etc/hostname"

# --- boot 1: nspawn's filter off --------------------------------------------
echo "== boot 1: SYSTEMD_SECCOMP=0"
boot "$work/boot1.log" SYSTEMD_SECCOMP=0 || exit 1
expect "boot 1: multi-user system up" settle
in_ct systemd-run --quiet --unit=autoseal-login -p PAMName=login -p User=tester /bin/sleep 1000
expect "login session: user@1000.service active" wait_active user@1000.service
sessions=$(in_ct loginctl list-sessions --no-legend | wc -l)
expect "login session: logind has a session ($sessions)" test "$sessions" -ge 1

# journald's, logind's... events: they went to the journal
in_ct journalctl --no-pager -b -o cat -t autoseal >"$work/autoseal-journal.txt" 2>&1

snapshot "$work/inspect1.json" "$work/status1.json"
python3 "$here/verify.py" boot "$work/inspect1.json" "$work/status1.json" || fails=$((fails + 1))

# systemd's own tools keep working with autoseal in every process
expect "systemctl show works" bash -c "timeout 60 nsenter -t $leader -a systemctl show -p Id --value nginx.service | grep -qx nginx.service"
expect "systemd-analyze security works" bash -c "timeout 60 nsenter -t $leader -a systemd-analyze security --no-pager nginx.service >/dev/null"

# the journal: the library's default target under systemd, structured fields
in_ct journalctl --no-pager -b AUTOSEAL_EVENT=unavailable -o json >"$work/unavailable.jsonl"
python3 "$here/verify.py" journal "$work/inspect1.json" "$work/unavailable.jsonl" || fails=$((fails + 1))

# status inside the container, in the Prometheus textfile format
in_ct autoseal status --all --format=prometheus >"$work/metrics.prom"
expect "prometheus: promtool check metrics" prom_ok "$work/metrics.prom"
expect "prometheus: journald counted as unsealed by seccomp" \
    grep -q '^autoseal_unit_processes{unit="systemd-journald.service",state="unsealed",reason="seccomp"} 1$' "$work/metrics.prom"

# autoseal systemd --audit inside the container: one verdict per loaded unit
# (run as a transient service: under whatever filter PID 1's children get)
in_svc() { in_ct systemd-run --quiet --pipe --wait --collect "$@"; }
in_svc autoseal systemd --audit --json >"$work/audit1.json"
python3 "$here/verify.py" audit "$work/inspect1.json" "$work/audit1.json" || fails=$((fails + 1))
in_ct autoseal systemd --audit >"$work/audit1.txt"
expect "audit: human output, one line per unit" grep -q '^killed  *redis-server.service' "$work/audit1.txt"

# the documented timer + service (examples/systemd) write the textfile
install -m 0644 "$src/examples/systemd/autoseal-metrics.service" "$src/examples/systemd/autoseal-metrics.timer" \
    "$root/etc/systemd/system/"
in_ct systemctl daemon-reload
expect "metrics: the timer is enabled and started" in_ct systemctl enable --now --quiet autoseal-metrics.timer
in_ct systemctl start autoseal-metrics.service
prom=$root/var/lib/prometheus/node-exporter/autoseal.prom
expect "metrics: autoseal-metrics.service wrote $prom" test -s "$prom"
expect "metrics: no temporary file left" test ! -e "$prom.tmp"
expect "metrics: promtool check metrics on the written file" prom_ok "$prom"

# redis: what happened (expectations.py judges it)
redis_state=$(in_ct systemctl show -p ActiveState --value redis-server.service)
redis_result=$(in_ct systemctl show -p Result --value redis-server.service)
redis_main=$(in_ct systemctl show -p MainPID --value redis-server.service)
redis_hpid=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(str(p["hpid"]) for p in d["processes"] if p["unit"]=="redis-server.service"))' "$work/inspect1.json")

# strict through a drop-in made by the tool inside the container
in_ct autoseal systemd --profile strict nginx >"$work/dropin.out" 2>&1
expect "strict: drop-in written" test -f "$root/etc/systemd/system/nginx.service.d/autoseal.conf"
in_ct systemctl daemon-reload
in_ct systemctl restart nginx.service
expect "strict: nginx active after the restart" wait_active nginx.service
main=$(in_ct systemctl show -p MainPID --value nginx.service)
python3 "$here/inspect.py" "$leader" >"$work/inspect-strict.json"
# (nginx overwrites its own environ block for its process title: ask systemd)
expect "strict: nginx.service's environment has profile=strict" \
    bash -c "timeout 60 nsenter -t $leader -a systemctl show -p Environment nginx.service | grep -q 'AUTOSEAL_OPTIONS=profile=strict'"
python3 "$here/verify.py" strict "$work/inspect-strict.json" nginx.service || fails=$((fails + 1))

# the remedy the tool offers on 252 for a unit its filter kills: redis
in_ct autoseal systemd redis-server >"$work/dropin-redis.out" 2>&1
expect "remedy: redis drop-in has SystemCallErrorNumber=EPERM" \
    grep -qx 'SystemCallErrorNumber=EPERM' "$root/etc/systemd/system/redis-server.service.d/autoseal.conf"
in_ct systemctl daemon-reload
in_ct systemctl reset-failed redis-server.service
in_ct systemctl restart redis-server.service
expect "remedy: redis-server.service active with the drop-in" wait_active redis-server.service
snapshot "$work/inspect-redis.json" "$work/status-redis.json"
python3 "$here/verify.py" remedy "$work/inspect-redis.json" "$work/status-redis.json" redis-server.service ||
    fails=$((fails + 1))

expect "boot 1: clean poweroff (nspawn exit 0)" poweroff

# --- boot 2: nspawn's own seccomp filter on ---------------------------------
echo "== boot 2: nspawn's seccomp filter on"
boot "$work/boot2.log" || exit 1
expect "boot 2: multi-user system up" settle
snapshot "$work/inspect2.json" "$work/status2.json"
python3 "$here/verify.py" filter "$work/inspect2.json" "$work/status2.json" || fails=$((fails + 1))
in_svc autoseal systemd --audit --json >"$work/audit2.json"
python3 "$here/verify.py" audit "$work/inspect2.json" "$work/audit2.json" outer || fails=$((fails + 1))
in_ct journalctl --no-pager -b -o cat -t autoseal >"$work/autoseal-journal2.txt" 2>&1
expect "boot 2: clean poweroff (nspawn exit 0)" poweroff

python3 - "$results/host.json" <<EOF
import json, sys
json.dump({"redis": {"active_state": "$redis_state", "result": "$redis_result",
                     "main_pid": "$redis_main", "host_pids": "$redis_hpid"},
           "inspect1": json.load(open("$work/inspect1.json")),
           "status1": json.load(open("$work/status1.json")),
           "journal1": open("$work/autoseal-journal.txt").read().splitlines(),
           "journal2": open("$work/autoseal-journal2.txt").read().splitlines()},
          open(sys.argv[1], "w"))
EOF

# nothing of the container may be left
left=$(pgrep -f "systemd-nspawn -D $root" | wc -l)
expect "no container process left" test "$left" -eq 0
echo "$fails failure(s)"
((fails == 0))
