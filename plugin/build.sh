#!/usr/bin/env bash
# Builds the Wireshark plugin plugin/build/tcpphase.so: the C postdissector
# linked with the static libtcpphase (so the plugin needs no other file).
# Needs Wireshark's development files (Debian: libwireshark-dev, libglib2.0-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p tcpphase-ffi
mkdir -p plugin/build
version=$(grep -m1 '^version' Cargo.toml | sed 's/.*"\(.*\)"/\1/')
# shellcheck disable=SC2046
gcc -std=gnu11 -O2 -g -fPIC -shared -Wall -Wextra -Werror \
    -DTCPPHASE_PLUGIN_VERSION="\"$version\"" \
    -Iffi/include $(pkg-config --cflags wireshark) \
    -o plugin/build/tcpphase.so plugin/packet-tcpphase.c \
    target/release/libtcpphase.a \
    $(pkg-config --libs wireshark) -lwiretap -lpthread -ldl -lm \
    -Wl,--no-undefined -Wl,--exclude-libs,ALL
echo "plugin/build/tcpphase.so"
