#!/usr/bin/env bash
# Builds the Debian packages of tcpphase from ONE staged install (DESTDIR
# tree), with dpkg-deb:
#   libtcpphase<ABI>       the shared library (libtcpphase.so.<ABI> and its file)
#   libtcpphase-dev        libtcpphase.so link, libtcpphase.a, tcpphase.h, tcpphase.pc
#   tcpphase               the command (/usr/bin/tcpphase)
#   tcpphase-wireshark     the Wireshark plugin, built against the Wireshark of
#                          this machine, in its system plugin folder
#                          /usr/lib/<multiarch>/wireshark/plugins/<major.minor>/epan
# usage: packaging/build-debs.sh [--out DIR]   (default DIR: target/debian)
# Needs: cargo, gcc, dpkg-dev, libwireshark-dev (Debian), as the test command installs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/debian"
case "${1:-}" in
    "") ;;
    --out) out="${2:?--out needs a directory}" ;;
    --out=*) out="${1#*=}" ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-debs.sh: unknown argument '$1'" >&2; exit 2 ;;
esac

cargo build --release -p tcpphase-ffi -p tcpphase-cli
bash plugin/build.sh >/dev/null

arch="$(dpkg --print-architecture)"
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
ws="$(pkg-config --modversion wireshark | cut -d. -f1,2)"
ws_next="${ws%%.*}.$((${ws#*.} + 1))"
ws_pkg="$(dpkg -S "$(readlink -f "/usr/lib/$multiarch/libwireshark.so")" | cut -d: -f1)"
lib_version="$(sed -n 's/^version = "\(.*\)"/\1/p' ffi/Cargo.toml | head -n1)"
cli_version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
abi="$(sed -n 's/^pub const TCPPHASE_ABI_VERSION: u32 = \([0-9]*\);/\1/p' ffi/src/lib.rs)"
libdir="usr/lib/$multiarch"
plugin_dir="$libdir/wireshark/plugins/$ws/epan"

# The one staged install every package is cut from.
work="$target/debian-work"
rm -rf "$work"
stage="$work/stage"
DESTDIR="$stage" ffi/install.sh --prefix /usr --libdir "/$libdir" >/dev/null
install -D -m 0755 "$target/release/tcpphase" "$stage/usr/bin/tcpphase"
install -D -m 0644 plugin/build/tcpphase.so "$stage/$plugin_dir/tcpphase.so"
strip --strip-unneeded "$stage/usr/bin/tcpphase" "$stage/$plugin_dir/tcpphase.so" \
    "$stage/$libdir/libtcpphase.so.$lib_version"
strip --strip-debug "$stage/$libdir/libtcpphase.a"

# The shared-library dependencies of FILE..., as dpkg-shlibdeps finds them.
shlibdeps() {
    local tmp
    tmp="$(mktemp -d)"
    mkdir "$tmp/debian"
    printf 'Source: tcpphase\n\nPackage: tcpphase\nArchitecture: any\n' >"$tmp/debian/control"
    (cd "$tmp" && dpkg-shlibdeps -O -e "$@" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
    rm -rf "$tmp"
}

# package NAME VERSION SECTION DEPENDS SUMMARY DESCRIPTION PATH...: a .deb of
# the staged PATHs (relative to the stage).
package() {
    local name="$1" version="$2" section="$3" depends="$4" summary="$5" description="$6"
    shift 6
    local dir="$work/$name"
    mkdir -p "$dir/DEBIAN" "$dir/usr/share/doc/$name"
    for path in "$@"; do
        (cd "$stage" && cp -a --parents "$path" "$dir/")
    done
    printf 'tcpphase, %s\nLicense: MIT OR Apache-2.0\n' "https://example.invalid/tcpphase" \
        >"$dir/usr/share/doc/$name/copyright"
    {
        echo "Package: $name"
        echo "Version: $version"
        echo "Architecture: $arch"
        echo "Section: $section"
        echo "Priority: optional"
        echo "Maintainer: tcpphase developers <tcpphase@example.invalid>"
        echo "Installed-Size: $(du -sk --exclude=DEBIAN "$dir" | cut -f1)"
        [[ -n "$depends" ]] && echo "Depends: $depends"
        [[ "$name" == tcpphase-wireshark ]] && echo "Enhances: wireshark, tshark"
        echo "Homepage: https://example.invalid/tcpphase"
        echo "Description: $summary"
        echo "$description" | sed 's/^/ /'
    } >"$dir/DEBIAN/control"
    [[ "$name" == "libtcpphase$abi" ]] && echo "activate-noawait ldconfig" >"$dir/DEBIAN/triggers"
    dpkg-deb --root-owner-group -Zxz --build "$dir" "$out/${name}_${version}_$arch.deb" >/dev/null
    echo "$out/${name}_${version}_$arch.deb"
}

rm -rf "$out"
mkdir -p "$out"
package "libtcpphase$abi" "$lib_version" libs \
    "$(shlibdeps "$stage/$libdir/libtcpphase.so.$lib_version")" \
    "TCP connection phases: the C library" \
    "Annotates every TCP segment with its connection phase (handshake, data,
active/passive close, half-close, reset), step and endpoint states." \
    "$libdir/libtcpphase.so.$abi" "$libdir/libtcpphase.so.$lib_version"
package libtcpphase-dev "$lib_version" libdevel "libtcpphase$abi (= $lib_version)" \
    "TCP connection phases: C header, static library, pkg-config file" \
    "Build C programs against libtcpphase: tcpphase.h, libtcpphase.a and
tcpphase.pc (pkg-config --cflags --libs tcpphase)." \
    "$libdir/libtcpphase.so" "$libdir/libtcpphase.a" "$libdir/pkgconfig/tcpphase.pc" \
    usr/include/tcpphase.h
package tcpphase "$cli_version" net "$(shlibdeps "$stage/usr/bin/tcpphase")" \
    "TCP connection phases: the tcpphase command" \
    "Reads pcap and pcapng captures and prints each segment's phase, step and
states, per-connection summaries, states and diagrams." \
    usr/bin/tcpphase
package tcpphase-wireshark "$cli_version" net \
    "$(shlibdeps "$stage/$plugin_dir/tcpphase.so"), $ws_pkg (>= $ws), $ws_pkg (<< $ws_next~)" \
    "TCP connection phases: Wireshark and tshark plugin for Wireshark $ws" \
    "Adds tcpphase.* fields (phase, step, client and server state, flags) to
every TCP segment in Wireshark and tshark $ws." \
    "$plugin_dir/tcpphase.so"
