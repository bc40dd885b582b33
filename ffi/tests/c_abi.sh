#!/usr/bin/env bash
# The C ABI from C: checks ffi/install.sh (--help and unknown arguments
# install nothing; --prefix, --libdir, DESTDIR; the versioned SONAME, its
# links and the .pc paths; the loader with and without an rpath), builds
# ffi/examples/tcpphase_annotate.c against the installed libtcpphase.so and
# libtcpphase.a (through pkg-config), checks its output equals the CLI's on
# every capture under snapshots/captures/, runs it and ffi/tests/abuse.c under valgrind and
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

# install.sh's arguments: --help and unknown ones install nothing.
install_sh() { env CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" "$ffi/install.sh" "$@"; }
help_installs_nothing() {
    local out
    out="$(DESTDIR="$work/none" PREFIX="$work/none" install_sh --help)" &&
        [[ $out == usage:* ]] && [[ ! -e "$work/none" ]]
}
unknown_refused() {
    ! install_sh --prefix "$work/none" --frobnicate && ! install_sh --prefix &&
        ! install_sh --prefix relative/dir && [[ ! -e "$work/none" ]]
}
check "install.sh --help prints usage and installs nothing" help_installs_nothing
check "install.sh refuses an unknown argument and installs nothing" unknown_refused

# Install into a scratch prefix, then build as a user of the package would.
prefix="$work/prefix"
check "install.sh --prefix DIR" install_sh --prefix "$prefix"
soversion="$(sed -n 's/^pub const TCPPHASE_ABI_VERSION: u32 = \([0-9]*\);/\1/p' "$ffi/src/lib.rs")"
libversion="$(sed -n 's/^version = "\(.*\)"/\1/p' "$ffi/Cargo.toml" | head -n1)"
check "versioned SONAME libtcpphase.so.$soversion, file .so.$libversion, dev link" bash -c \
    "readelf -d '$prefix/lib/libtcpphase.so.$libversion' | grep -q 'Library soname: \[libtcpphase.so.$soversion\]' &&
     [[ \$(readlink '$prefix/lib/libtcpphase.so.$soversion') == libtcpphase.so.$libversion ]] &&
     [[ \$(readlink '$prefix/lib/libtcpphase.so') == libtcpphase.so.$soversion ]]"
check "header's TCPPHASE_ABI_VERSION is the SONAME's number" \
    grep -q "^#define TCPPHASE_ABI_VERSION $soversion\$" "$prefix/include/tcpphase.h"
check "tcpphase.pc follows the prefix" bash -c \
    "PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --variable=libdir tcpphase | grep -qx '$prefix/lib' &&
     PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --modversion tcpphase | grep -qx '$libversion'"
stage="$work/stage"
staged_install() {
    local pc="$stage/opt/tcpphase/lib64/pkgconfig/tcpphase.pc"
    DESTDIR="$stage" install_sh --prefix=/opt/tcpphase --libdir=/opt/tcpphase/lib64 &&
        [[ -f "$stage/opt/tcpphase/lib64/libtcpphase.so.$libversion" ]] &&
        [[ -f "$stage/opt/tcpphase/include/tcpphase.h" ]] &&
        grep -qx 'prefix=/opt/tcpphase' "$pc" && grep -qx 'libdir=${prefix}/lib64' "$pc" &&
        [[ ! -e /opt/tcpphase/lib64/pkgconfig/tcpphase.pc ]]
}
check "DESTDIR stages under DESTDIR, the .pc names the real prefix" staged_install
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
# The build tree has libtcpphase.so only: the loader wants its SONAME.
mkdir -p "$work/tree"
ln -s "$release/libtcpphase.so" "$work/tree/libtcpphase.so.$soversion"
check "example builds against the build tree (no install)" \
    cc "${cflags[@]}" -I"$ffi/include" "$example" -o "$work/annotate_tree" \
    -L"$release" -ltcpphase -Wl,-rpath,"$work/tree" -lpcap
check "program needs the SONAME, not the dev link" bash -c \
    "readelf -d '$work/annotate_so' | grep -q 'Shared library: \[libtcpphase.so.$soversion\]'"
check "without an rpath the loader does not find a scratch prefix (README says why)" bash -c \
    "cc ${cflags[*]} ${pc_cflags[*]} '$here/abuse.c' -o '$work/abuse_norpath' ${pc_libs[*]} &&
     ! '$work/abuse_norpath' 2>'$work/norpath.err' && grep -q 'libtcpphase.so.$soversion: cannot open shared object file' '$work/norpath.err' &&
     LD_LIBRARY_PATH='$prefix/lib' '$work/abuse_norpath' >/dev/null"
check "the rpath from pkg-config --variable=libdir makes it load" bash -c \
    "cc ${cflags[*]} ${pc_cflags[*]} '$here/abuse.c' -o '$work/abuse_rpath' ${pc_libs[*]} \
        -Wl,-rpath,\$(pkg-config --variable=libdir tcpphase) && '$work/abuse_rpath' >/dev/null"
staged_builds() {
    local flags
    read -r -a flags <<<"$(PKG_CONFIG_PATH="$stage/opt/tcpphase/lib64/pkgconfig" \
        pkg-config --define-variable=prefix="$stage/opt/tcpphase" --cflags --libs tcpphase)" &&
        cc "${cflags[@]}" "$here/abuse.c" -o "$work/abuse_stage" "${flags[@]}" \
            -Wl,-rpath,"$stage/opt/tcpphase/lib64" && "$work/abuse_stage"
}
check "the staged copy links and runs through its .pc (prefix redefined)" staged_builds
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
