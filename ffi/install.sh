#!/usr/bin/env bash
# Installs libtcpphase (versioned .so, its links, .a), tcpphase.h and
# tcpphase.pc from a release build. `ffi/install.sh --help` says how.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: ffi/install.sh [--prefix DIR] [--libdir DIR] [--includedir DIR] [--help]

Installs libtcpphase from target/release (build it first with
`cargo build --release -p tcpphase-ffi`):

  LIBDIR/libtcpphase.so.X.Y.Z   the library (SONAME libtcpphase.so.N)
  LIBDIR/libtcpphase.so.N       link used by the loader
  LIBDIR/libtcpphase.so         link used by the linker (-ltcpphase)
  LIBDIR/libtcpphase.a          static library
  INCLUDEDIR/tcpphase.h         header
  LIBDIR/pkgconfig/tcpphase.pc  pkg-config file; its paths follow --prefix

  --prefix DIR      where to install (default /usr/local)
  --libdir DIR      libraries (default PREFIX/lib)
  --includedir DIR  header (default PREFIX/include)
  --help            print this and install nothing

Environment: DESTDIR=/tmp/stage puts every file under /tmp/stage while the
.pc file still names PREFIX (a staged install, for packaging);
CARGO_TARGET_DIR where the build is (default: the repository's target/).
PREFIX, LIBDIR and INCLUDEDIR are also read from the environment.

Then: cc tool.c $(pkg-config --cflags --libs tcpphase), with
PKG_CONFIG_PATH=LIBDIR/pkgconfig when pkg-config does not look there. A
prefix the loader does not search (not /usr, /usr/local after ldconfig)
needs an rpath: -Wl,-rpath,$(pkg-config --variable=libdir tcpphase).
EOF
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
PREFIX="${PREFIX:-/usr/local}"
LIBDIR="${LIBDIR:-}"
INCLUDEDIR="${INCLUDEDIR:-}"
DESTDIR="${DESTDIR:-}"

# value OPTION REST...: the value of `--opt DIR` or `--opt=DIR`.
need_value() {
    [[ $# -ge 2 && -n "$2" ]] || { echo "install.sh: $1 needs a directory (see --help)" >&2; exit 2; }
}
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
        --prefix=*) PREFIX="${1#*=}"; shift ;;
        --libdir) need_value "$@"; LIBDIR="$2"; shift 2 ;;
        --libdir=*) LIBDIR="${1#*=}"; shift ;;
        --includedir) need_value "$@"; INCLUDEDIR="$2"; shift 2 ;;
        --includedir=*) INCLUDEDIR="${1#*=}"; shift ;;
        *) echo "install.sh: unknown argument '$1' (see --help); nothing installed" >&2; exit 2 ;;
    esac
done
for dir in "$PREFIX" "${LIBDIR:-/}" "${INCLUDEDIR:-/}"; do
    [[ "$dir" == /* ]] || { echo "install.sh: '$dir' is not an absolute path; nothing installed" >&2; exit 2; }
done
LIBDIR="${LIBDIR:-$PREFIX/lib}"
INCLUDEDIR="${INCLUDEDIR:-$PREFIX/include}"
target="${CARGO_TARGET_DIR:-$root/target}/release"

for f in "$target/libtcpphase.so" "$target/libtcpphase.a" "$here/include/tcpphase.h"; do
    [[ -f "$f" ]] || { echo "install.sh: missing $f (run: cargo build --release -p tcpphase-ffi)" >&2; exit 1; }
done
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/Cargo.toml" | head -n1)"
soname="$(readelf -d "$target/libtcpphase.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
[[ "$soname" == libtcpphase.so.* ]] || { echo "install.sh: $target/libtcpphase.so has no SONAME libtcpphase.so.N" >&2; exit 1; }
full="libtcpphase.so.$version"

# In the .pc file, paths under the prefix are written from ${prefix}.
pc_path() { case "$1" in "$PREFIX"/*) echo "\${prefix}${1#"$PREFIX"}" ;; *) echo "$1" ;; esac; }

install -d "$DESTDIR$LIBDIR/pkgconfig" "$DESTDIR$INCLUDEDIR"
install -m 0755 "$target/libtcpphase.so" "$DESTDIR$LIBDIR/$full"
ln -sfn "$full" "$DESTDIR$LIBDIR/$soname"
ln -sfn "$soname" "$DESTDIR$LIBDIR/libtcpphase.so"
install -m 0644 "$target/libtcpphase.a" "$DESTDIR$LIBDIR/libtcpphase.a"
install -m 0644 "$here/include/tcpphase.h" "$DESTDIR$INCLUDEDIR/tcpphase.h"
sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@LIBDIR@|$(pc_path "$LIBDIR")|g" \
    -e "s|@INCLUDEDIR@|$(pc_path "$INCLUDEDIR")|g" -e "s|@VERSION@|$version|g" \
    "$here/tcpphase.pc.in" >"$DESTDIR$LIBDIR/pkgconfig/tcpphase.pc"
chmod 0644 "$DESTDIR$LIBDIR/pkgconfig/tcpphase.pc"
echo "installed libtcpphase $version ($soname) into $DESTDIR$PREFIX"
