#!/usr/bin/env bash
# Builds the Wireshark plugin plugin/build/tcpphase.so: the C postdissector
# linked with the static libtcpphase (so the plugin needs no other file),
# for the Wireshark that pkg-config finds here. A plugin loads only in the
# Wireshark major.minor it was built for.
# Needs Wireshark's development files (Debian: libwireshark-dev, libglib2.0-dev).
# TCPPHASE_LIB=/path/libtcpphase.a uses that prebuilt library instead of
# running cargo (where there is no Rust toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."
lib="${TCPPHASE_LIB:-}"
if [ -z "$lib" ]; then
    cargo build --release -p tcpphase-ffi
    lib="${CARGO_TARGET_DIR:-target}/release/libtcpphase.a"
fi
[ -f "$lib" ] || { echo "plugin/build.sh: no library at $lib" >&2; exit 1; }
mkdir -p plugin/build
version=$(grep -m1 '^version' Cargo.toml | sed 's/.*"\(.*\)"/\1/')
# shellcheck disable=SC2046
gcc -std=gnu11 -O2 -g -fPIC -shared -Wall -Wextra -Werror \
    -DTCPPHASE_PLUGIN_VERSION="\"$version\"" \
    -Iffi/include $(pkg-config --cflags wireshark) \
    -o plugin/build/tcpphase.so plugin/packet-tcpphase.c \
    "$lib" \
    $(pkg-config --libs wireshark) -lpthread -ldl -lm \
    -Wl,--no-undefined -Wl,--exclude-libs,ALL
echo "plugin/build/tcpphase.so"
