#!/usr/bin/env bash
# The .debs in a clean Debian 12 root: builds them (packaging/build-debs.sh),
# makes a minimal bookworm root with debootstrap (cached in
# target/debroot/base, copied fresh for each run), then inside it: `apt
# install ./*.deb`, a C program built with pkg-config agreeing with the
# packaged `tcpphase` command, and the plugin loaded by that root's tshark as
# an ordinary user. Needs root and Debian's archive. The last line says
# `N passed, M failed`.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cache="$target/debroot"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
finish() {
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]] && exit 0 || exit 1
}
log="$cache/last.log"
mkdir -p "$cache"
# check NAME COMMAND...: one check, passing when the command succeeds.
check() {
    local name="$1"
    shift
    if "$@" >"$log" 2>&1; then pass "$name"; else
        fail "$name"
        sed 's/^/     /' "$log" | tail -n 20
    fi
}
[[ "$(id -u)" == 0 ]] || { fail "needs root (debootstrap, chroot)"; finish; }

debs="$target/debian"
check "build the .debs from one staged install" bash "$root/packaging/build-debs.sh" --out "$debs"
[[ $failed -eq 0 ]] || finish

if [[ ! -f "$cache/base/.tcpphase-complete" ]]; then
    rm -rf "$cache/base"
    check "debootstrap a minimal Debian 12 root" \
        debootstrap --variant=minbase bookworm "$cache/base" "$mirror"
    [[ $failed -eq 0 ]] || finish
    touch "$cache/base/.tcpphase-complete"
fi
run="$cache/run"
# unmount, then remove the root of a run, never through a mount still there.
cleanup() {
    local m
    for m in "$run/var/cache/apt/archives" "$run/proc"; do
        mountpoint -q "$m" 2>/dev/null && umount "$m"
        mountpoint -q "$m" 2>/dev/null && { echo "test-debs.sh: $m still mounted; $run kept" >&2; return; }
    done
    rm -rf "$run"
}
cleanup
cp -a "$cache/base" "$run"
mkdir -p "$cache/archives/partial" "$run/debs"
trap cleanup EXIT
mount --bind "$cache/archives" "$run/var/cache/apt/archives"
mount -t proc proc "$run/proc"
cat >"$run/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
cp /etc/resolv.conf "$run/etc/resolv.conf" 2>/dev/null
cp "$debs"/*.deb "$run/debs/"
cp "$root/ffi/examples/tcpphase_annotate.c" "$run/tmp/"
captures=(close-three-segment.pcap half-close.pcap ipv6.pcap port-reuse.pcap)
for c in "${captures[@]}"; do cp "$root/snapshots/captures/$c" "$run/tmp/"; done
in_root() { chroot "$run" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"; }

check "apt-get update in the root" in_root apt-get update -qq
check "apt install ./*.deb (their dependencies from the archive)" \
    in_root bash -c 'apt-get install -y -qq --no-install-recommends ./debs/*.deb'
check "the library is found by its SONAME after install" \
    in_root sh -c 'ldconfig -p | grep -q "libtcpphase.so.0 "' 
check "install the C compiler, pkg-config, libpcap and tshark" \
    in_root apt-get install -y -qq --no-install-recommends gcc libc6-dev pkg-config libpcap-dev tshark
check "C program builds from pkg-config alone (-std=c11 -Wall -Wextra -Werror)" \
    in_root bash -c 'cc -std=c11 -Wall -Wextra -Werror /tmp/tcpphase_annotate.c -o /tmp/annotate \
        $(pkg-config --cflags --libs tcpphase) -lpcap && ldd /tmp/annotate | grep "libtcpphase.so.0 => /"'
for c in "${captures[@]}"; do
    check "C program agrees with the packaged tcpphase command ($c)" in_root bash -c \
        "cmp <(tcpphase annotate --csv /tmp/$c) <(/tmp/annotate /tmp/$c) &&
         cmp <(tcpphase conns --json /tmp/$c) <(/tmp/annotate --conns /tmp/$c)"
done
in_root useradd -m tester 2>/dev/null
check "tshark run by an ordinary user lists the system plugin" in_root su tester -s /bin/bash -c \
    'tshark -G plugins | grep -E "^tcpphase\.so.*/wireshark/plugins/[0-9]+\.[0-9]+/epan/tcpphase\.so"'
for c in "${captures[@]}"; do
    check "the plugin's phases and steps in tshark equal the command's ($c)" in_root su tester -s /bin/bash -c \
        "cmp <(tshark -r /tmp/$c -Y tcpphase -T fields -e tcpphase.phase -e tcpphase.step) \
             <(tcpphase annotate --csv /tmp/$c | tail -n +2 | cut -d, -f5,6 | tr , '\\t')"
done
finish
