# Shared helpers for the scripts in this directory (sourced, not run).

AUTOSEAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# install_deps LIST...: install the Debian packages named in
# scripts/packages/LIST.txt that are missing.  apt-get update runs first,
# and only when something is missing, so a second run does nothing.
install_deps() {
    local lists=("$@") pkgs=() missing=() p
    for l in "${lists[@]}"; do
        while read -r p; do
            [[ -z "$p" || "$p" == \#* ]] && continue
            pkgs+=("$p")
        done < "$AUTOSEAL_ROOT/scripts/packages/$l.txt"
    done
    for p in "${pkgs[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    [[ $(id -u) -eq 0 ]] || die "missing packages (${missing[*]}); run as root or install them"
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # other apt users (a parallel build, unattended upgrades): wait for the lock
    apt-get -o DPkg::Lock::Timeout=900 update -qq
    apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build [BUILD_DIR [CMAKE_ARGS...]]
build() {
    local dir="${1:-$AUTOSEAL_ROOT/build}"
    shift || true
    cmake -S "$AUTOSEAL_ROOT" -B "$dir" -DAUTOSEAL_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)"
}
