#!/usr/bin/env bash
# The plugin in the Wireshark releases its users run besides this machine's:
# 4.4 (Debian 13 "trixie") and 4.6 (Debian "sid"). For each, a Debian root
# made with debootstrap (cached under target/wireshark-roots, made once),
# with tshark and Wireshark's development files; the plugin is built inside
# it against the host's libtcpphase.a (TCPPHASE_LIB: no Rust toolchain
# there) and plugin/tests/tshark_plugin.sh runs in that tshark as an
# unprivileged user. Needs root (debootstrap, chroot) and
# `cargo build --release` first. Usage: wireshark_versions.sh [--roots-only]
# The last line says `N passed, M failed`.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
roots="${TCPPHASE_WIRESHARK_ROOTS:-$target/wireshark-roots}"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# make_root SUITE DIR [APT-UPDATE-OPTIONS...]: a minimal Debian SUITE root
# with tshark, libwireshark-dev and a C compiler, unless DIR/.ready exists.
make_root() {
    local suite="$1" dir="$2"
    shift 2
    [ -f "$dir/.ready" ] && return 0
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    : >"$dir.log"
    debootstrap --variant=minbase "$suite" "$dir" http://deb.debian.org/debian >"$dir.log" 2>&1 || return 1
    chroot "$dir" apt-get "$@" update >>"$dir.log" 2>&1 || return 1
    DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get install -y --no-install-recommends \
        tshark libwireshark-dev libglib2.0-dev gcc libc6-dev pkg-config python3 util-linux valgrind \
        >>"$dir.log" 2>&1 || return 1
    chroot "$dir" apt-get clean >/dev/null 2>&1
    touch "$dir/.ready"
}

if [ "$(id -u)" != 0 ]; then
    fail "needs root (debootstrap and chroot)"
    finish
fi
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
versions=("trixie" "sid")
declare -A apt_options=([trixie]="" [sid]="-o Acquire::Check-Valid-Until=false")
# Both roots at once: mostly waiting on the network.
start=$(date +%s)
for suite in "${versions[@]}"; do
    # shellcheck disable=SC2086
    (make_root "$suite" "$roots/$suite" ${apt_options[$suite]}; echo $? >"$roots/$suite.status") &
done
wait
for suite in "${versions[@]}"; do
    if [ "$(cat "$roots/$suite.status" 2>/dev/null)" = 0 ]; then
        pass "Debian $suite root with tshark $(chroot "$roots/$suite" pkg-config --modversion wireshark) (roots ready in $(( $(date +%s) - start )) s)"
    else
        fail "Debian $suite root (see $roots/$suite.log)"
    fi
done
[ "${1:-}" = --roots-only ] && finish

lib="$target/release/libtcpphase.a"
cli="$target/release/tcpphase"
if [ ! -f "$lib" ] || [ ! -x "$cli" ]; then
    fail "missing $lib or $cli (run cargo build --release first)"
    finish
fi
for suite in "${versions[@]}"; do
    dir="$roots/$suite"
    [ -f "$dir/.ready" ] || continue
    start=$(date +%s)
    version=$(chroot "$dir" pkg-config --modversion wireshark)
    # What the tests need, copied in: no Rust toolchain in the root.
    work="$dir/tmp/tcpphase"
    rm -rf "$work" "$dir/tmp/shared"
    mkdir -p "$work/target/release" "$work/snapshots" "$work/ffi" "$dir/tmp/shared/corpus/tcpdump"
    cp -r "$root/plugin" "$work/"
    rm -rf "$work/plugin/build"
    cp -r "$root/ffi/include" "$work/ffi/"
    cp -r "$root/snapshots/captures" "$work/snapshots/"
    cp "$root/Cargo.toml" "$work/"
    cp "$lib" "$cli" "$work/target/release/"
    heap="$root/../shared/corpus/tcpdump/tcp_header_heapoverflow.pcap"
    [ -f "$heap" ] && cp "$heap" "$dir/tmp/shared/corpus/tcpdump/"
    mountpoint -q "$dir/proc" || mount -t proc proc "$dir/proc"
    chroot "$dir" env TCPPHASE_LIB=/tmp/tcpphase/target/release/libtcpphase.a \
        TCPPHASE_CLI=/tmp/tcpphase/target/release/tcpphase \
        TCPPHASE_MUTATION_SEEDS="1 2 3" TCPPHASE_ASAN_SEEDS="0 1" \
        bash /tmp/tcpphase/plugin/tests/tshark_plugin.sh >"$dir.tests.log" 2>&1
    status=$?
    umount "$dir/proc" 2>/dev/null
    summary=$(tail -n1 "$dir.tests.log")
    sed 's/^/     /' "$dir.tests.log" | grep -v '^     ok' | tail -n 30
    if [ "$status" = 0 ]; then
        pass "Wireshark $version (Debian $suite): plugin built against the host's libtcpphase.a, tests $summary ($(( $(date +%s) - start )) s)"
    else
        fail "Wireshark $version (Debian $suite): $summary, log $dir.tests.log"
    fi
done
finish
