#!/usr/bin/env bash
# The C ABI from C: builds ffi/examples/tcpphase_annotate.c against the
# installed libtcpphase.so and libtcpphase.a (through ffi/install.sh and
# pkg-config), checks its output equals the CLI's on every capture under
# snapshots/captures/, runs it and ffi/tests/abuse.c under valgrind and
# under ASan + UBSan. Needs `cargo build --release` first (the library and
# target/release/tcpphase). Exits non-zero on any failure; the last line
# says `N passed, M failed`.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ffi="$(dirname "$here")"
root="$(dirname "$ffi")"
release="${CARGO_TARGET_DIR:-$root/target}/release"
cli="$release/tcpphase"
captures=("$root"/snapshots/captures/*.pcap "$root"/snapshots/captures/*.pcapng)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
finish() {
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]] && exit 0 || exit 1
}
# check NAME COMMAND...: one check, passing when the command succeeds.
check() {
    local name="$1"
    shift
    if "$@" >"$work/last.log" 2>&1; then pass "$name"; else
        fail "$name"
        sed 's/^/     /' "$work/last.log" | tail -n 20
    fi
}

for f in "$release/libtcpphase.so" "$release/libtcpphase.a" "$cli"; do
    [[ -f "$f" ]] || { fail "missing $f (run cargo build --release first)"; finish; }
done
existing=()
for c in "${captures[@]}"; do [[ -f "$c" ]] && existing+=("$c"); done
captures=("${existing[@]}")
[[ ${#captures[@]} -gt 0 ]] || { fail "no captures under snapshots/captures"; finish; }

# Install into a scratch prefix, then build as a user of the package would.
prefix="$work/prefix"
check "install.sh into a scratch PREFIX" env PREFIX="$prefix" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" "$ffi/install.sh"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cflags=(-std=c11 -Wall -Wextra -Werror -O1 -g)
read -r -a pc_cflags <<<"$(pkg-config --cflags tcpphase)"
read -r -a pc_libs <<<"$(pkg-config --libs tcpphase)"
read -r -a pc_static <<<"$(pkg-config --static --libs-only-l tcpphase | sed 's/-ltcpphase//')"

example="$ffi/examples/tcpphase_annotate.c"
check "example builds against libtcpphase.so" \
    cc "${cflags[@]}" "${pc_cflags[@]}" "$example" -o "$work/annotate_so" \
    "${pc_libs[@]}" -Wl,-rpath,"$prefix/lib" -lpcap
check "example builds against libtcpphase.a" \
    cc "${cflags[@]}" "${pc_cflags[@]}" "$example" -o "$work/annotate_a" \
    "$prefix/lib/libtcpphase.a" "${pc_static[@]}" -lpcap
check "example builds against the build tree (no install)" \
    cc "${cflags[@]}" -I"$ffi/include" "$example" -o "$work/annotate_tree" \
    -L"$release" -ltcpphase -Wl,-rpath,"$release" -lpcap
check "static build does not load libtcpphase.so" \
    bash -c "! ldd '$work/annotate_a' | grep -q libtcpphase"
check "abuse.c builds" \
    cc "${cflags[@]}" "${pc_cflags[@]}" "$here/abuse.c" -o "$work/abuse" \
    "${pc_libs[@]}" -Wl,-rpath,"$prefix/lib"
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
check "example builds with ASan + UBSan" \
    cc "${cflags[@]}" "${san[@]}" "${pc_cflags[@]}" "$example" -o "$work/annotate_san" \
    "${pc_libs[@]}" -Wl,-rpath,"$prefix/lib" -lpcap
check "abuse.c builds with ASan + UBSan" \
    cc "${cflags[@]}" "${san[@]}" "${pc_cflags[@]}" "$here/abuse.c" -o "$work/abuse_san" \
    "${pc_libs[@]}" -Wl,-rpath,"$prefix/lib"

# same_output NAME EXPECTED_CMD -- ACTUAL_CMD: stdout equal, both succeed.
same_output() {
    local name="$1" expected="$2" actual="$3" input="$4" mode="$5"
    if ! $expected "$input" >"$work/expected" 2>"$work/expected.err"; then
        fail "$name (the CLI failed)"
        return
    fi
    if ! "$actual" $mode "$input" >"$work/actual" 2>"$work/actual.err"; then
        fail "$name (exit status)"
        sed 's/^/     /' "$work/actual.err" | tail -n 20
        return
    fi
    if cmp -s "$work/expected" "$work/actual"; then pass "$name"; else
        fail "$name"
        diff "$work/expected" "$work/actual" | head -n 10 | sed 's/^/     /'
    fi
}

for capture in "${captures[@]}"; do
    name="$(basename "$capture")"
    for build in so a san tree; do
        same_output "annotate --csv equal ($build, $name)" "$cli annotate --csv" \
            "$work/annotate_$build" "$capture" ""
        same_output "conns --json equal ($build, $name)" "$cli conns --json" \
            "$work/annotate_$build" "$capture" "--conns"
    done
done

check "abuse.c passes" "$work/abuse"
check "abuse.c passes under ASan + UBSan" "$work/abuse_san"

if command -v valgrind >/dev/null; then
    vg=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite)
    for capture in "${captures[@]:0:4}"; do
        name="$(basename "$capture")"
        check "valgrind clean, annotate ($name)" "${vg[@]}" "$work/annotate_so" "$capture"
        check "valgrind clean, --conns ($name)" "${vg[@]}" "$work/annotate_so" --conns "$capture"
    done
    check "valgrind clean, abuse.c" "${vg[@]}" "$work/abuse"
else
    fail "valgrind is not installed"
fi

finish
