#!/usr/bin/env bash
# Installs libtcpphase (.so and .a), tcpphase.h and tcpphase.pc.
#
#   cargo build --release -p tcpphase-ffi
#   PREFIX=/usr/local ffi/install.sh            # default PREFIX: /usr/local
#   DESTDIR=/tmp/stage PREFIX=/usr ffi/install.sh  # staged, for packaging
#
# Then: cc tool.c $(pkg-config --cflags --libs tcpphase)
# (with PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig when that is not searched).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
PREFIX="${PREFIX:-/usr/local}"
LIBDIR="${LIBDIR:-$PREFIX/lib}"
INCLUDEDIR="${INCLUDEDIR:-$PREFIX/include}"
DESTDIR="${DESTDIR:-}"
target="${CARGO_TARGET_DIR:-$root/target}/release"

for f in "$target/libtcpphase.so" "$target/libtcpphase.a" "$here/include/tcpphase.h"; do
    [[ -f "$f" ]] || { echo "install.sh: missing $f (run: cargo build --release -p tcpphase-ffi)" >&2; exit 1; }
done
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"

install -d "$DESTDIR$LIBDIR/pkgconfig" "$DESTDIR$INCLUDEDIR"
install -m 0755 "$target/libtcpphase.so" "$DESTDIR$LIBDIR/libtcpphase.so"
install -m 0644 "$target/libtcpphase.a" "$DESTDIR$LIBDIR/libtcpphase.a"
install -m 0644 "$here/include/tcpphase.h" "$DESTDIR$INCLUDEDIR/tcpphase.h"
sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@LIBDIR@|$LIBDIR|g" \
    -e "s|@INCLUDEDIR@|$INCLUDEDIR|g" -e "s|@VERSION@|$version|g" \
    "$here/tcpphase.pc.in" > "$DESTDIR$LIBDIR/pkgconfig/tcpphase.pc"
chmod 0644 "$DESTDIR$LIBDIR/pkgconfig/tcpphase.pc"
echo "installed libtcpphase $version into $DESTDIR$PREFIX"
