# Helpers shared by scripts/bench.sh and scripts/bench-startup.sh (sourced).

BENCH_SRC="$AUTOSEAL_ROOT/bench"
BENCH_CFLAGS=(-O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes)

# bench_tools DIR: build the benchmark programs into DIR (idempotent).
bench_tools() {
    local d="$1"
    mkdir -p "$d"
    [[ -x "$d/spawnbench" ]] || cc "${BENCH_CFLAGS[@]}" -o "$d/spawnbench" "$BENCH_SRC/spawnbench.c"
    [[ -x "$d/runtimebench" ]] || cc "${BENCH_CFLAGS[@]}" -o "$d/runtimebench" "$BENCH_SRC/runtimebench.c" -ldl
    [[ -x "$d/faults" ]] || cc "${BENCH_CFLAGS[@]}" -o "$d/faults" "$BENCH_SRC/faults.c"
    [[ -x "$d/tiny" ]] || cc "${BENCH_CFLAGS[@]}" -o "$d/tiny" "$BENCH_SRC/tiny.c"
    [[ -f "$d/libempty.so" ]] || cc "${BENCH_CFLAGS[@]}" -shared -fPIC -o "$d/libempty.so" "$BENCH_SRC/empty.c"
    [[ -f "$d/libropage.so" ]] || cc "${BENCH_CFLAGS[@]}" -shared -fPIC -o "$d/libropage.so" "$BENCH_SRC/ropage.c"
    [[ -f "$d/libplugin.so" ]] || cc "${BENCH_CFLAGS[@]}" -shared -fPIC -o "$d/libplugin.so" "$BENCH_SRC/plugin.c"
}

# bench_libs DIR N: tiny libraries DIR/libbs0.so .. libbs(N-1).so, each
# with one function (reuses those already built).
bench_libs() {
    local d="$1" n="$2"
    mkdir -p "$d"
    export d
    seq 0 $((n - 1)) | xargs -P "$(nproc)" -I{} sh -c '
        [ -f "$d/libbs{}.so" ] && exit 0
        printf "int bs_f{}(int x);\nint bs_f{}(int x) { return x + {}; }\n" > "$d/bs{}.c"
        cc -O2 -shared -fPIC -o "$d/libbs{}.so" "$d/bs{}.c"'
}

# bench_prog DIR N: DIR/prog_N, linked against libbs0 .. libbs(N-1) (one
# DT_NEEDED each, all called once).
bench_prog() {
    local d="$1" n="$2" i libs=()
    {
        for ((i = 0; i < n; i++)); do printf 'int bs_f%d(int x);\n' "$i"; done
        printf 'int main(void)\n{\n    int s = 0;\n'
        for ((i = 0; i < n; i++)); do printf '    s = bs_f%d(s);\n' "$i"; done
        printf '    return s == %d ? 0 : 1;\n}\n' $((n * (n - 1) / 2))
    } > "$d/prog_$n.c"
    for ((i = 0; i < n; i++)); do libs+=("-lbs$i"); done
    cc -O2 -o "$d/prog_$n" "$d/prog_$n.c" -L"$d" -Wl,--no-as-needed "${libs[@]}" -Wl,-rpath,"$d"
}

# bench_floors DIR LIB: DIR/libsealfloor.so (bench/sealfloor.c) and
# DIR/libshapefloor.so (bench/shapefloor.c, sized like LIB's .text,
# .rodata, RELRO and .bss).
bench_floors() {
    local d="$1" lib="$2" sz
    mkdir -p "$d"
    cc "${BENCH_CFLAGS[@]}" -shared -fPIC -Wl,-z,relro,-z,now -o "$d/libsealfloor.so" "$BENCH_SRC/sealfloor.c"
    # section sizes (hex in readelf's Size column; [NN] may be "[ N]", so from the end)
    sz() { local h; h="$(readelf -SW "$lib" | sed 's/^ *\[ *[0-9]*\]//' | awk -v s="$1" '$1 == s { print $5 }')"; [[ -n "$h" ]] && echo $((16#$h)); }
    local text ro relro bss
    text="$(sz .text)" ro="$(sz .rodata)" relro="$(sz .data.rel.ro)" bss="$(sz .bss)"
    [[ -n "$text" && -n "$ro" && -n "$relro" && -n "$bss" ]] || die "cannot read the section sizes of $lib"
    cc "${BENCH_CFLAGS[@]}" -fvisibility=hidden -shared -fPIC -Wl,-z,relro,-z,now -o "$d/libshapefloor.so" \
        -DTEXT_BYTES="$text" -DRO_BYTES="$ro" -DRELRO_BYTES="$relro" -DBSS_BYTES="$bss" \
        "$BENCH_SRC/shapefloor.c" -ldl
}
