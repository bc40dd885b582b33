#!/usr/bin/env bash
# Runs every check and test of tcpphase: formatting, clippy, the Rust tests
# (which compare with the real tshark), and the C ABI tests when present.
# On a fresh Debian machine, run as root, it first installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(tshark libwireshark-dev libglib2.0-dev libpcap-dev valgrind pkg-config gcc python3 python3-venv util-linux coreutils dpkg-dev debootstrap
    wireshark-qt xvfb imagemagick x11-utils xdotool xclip)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== installing: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "missing packages: ${missing[*]} (run this script as root on Debian, or install them)" >&2
        exit 1
    fi
fi

# The Debian roots of the plugin's other Wireshark versions and of the
# package test are made in the background while Rust builds (mostly waiting
# on Debian's archive; cached under target/ afterwards); their steps wait.
mkdir -p target/debroot
(
    bash plugin/tests/wireshark_versions.sh --roots-only &
    if [ ! -f target/debroot/base/.tcpphase-complete ]; then
        rm -rf target/debroot/base
        debootstrap --variant=minbase bookworm target/debroot/base http://deb.debian.org/debian &&
            touch target/debroot/base/.tcpphase-complete
    fi
    wait
) >target/roots-prepare.log 2>&1 &
roots_pid=$!

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo build --release"
cargo build --workspace --release
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "== cargo test"
cargo test --workspace 2>&1 | tee -a "$log"
echo "== C ABI tests"
bash ffi/tests/c_abi.sh 2>&1 | tee -a "$log"
echo "== Wireshark plugin in the real tshark"
bash plugin/tests/tshark_plugin.sh 2>&1 | tee -a "$log"
wait "$roots_pid" || true
echo "== Debian packages installed and used in a fresh Debian 12 root (debootstrap)"
bash packaging/test-debs.sh 2>&1 | tee -a "$log"
echo "== the plugin in Wireshark 4.4 and 4.6 (Debian roots, made once under target/)"
bash plugin/tests/wireshark_versions.sh 2>&1 | tee -a "$log"
echo "== the Wireshark GUI under Xvfb (screenshot in target/plugin-artifacts/)"
bash plugin/tests/gui_screenshot.sh 2>&1 | tee -a "$log"
echo "== mutated and cut captures through the CLI and the C tool"
bash scripts/mutate.sh 2>&1 | tee -a "$log"
echo "== Python package: pip install ./python in a fresh venv, pytest against the CLI's JSON"
bash python/tests/run.sh 2>&1 | tee -a "$log"
echo "== conn.log read by Zeek log readers from PyPI (zat, parsezeeklogs) in a fresh venv"
bash cli/tests/zeek_readers.sh 2>&1 | tee -a "$log"
echo "== fuzzing, 30 s per target"
bash fuzz/smoke.sh 2>&1 | tee -a "$log"
# One closing line for the whole run: cargo's test counts and the scripts'.
passed=$(sed -n -e 's/^test result: ok\. \([0-9]*\) passed.*/\1/p' \
    -e 's/^\([0-9]*\) passed, 0 failed.*/\1/p' "$log" | awk '{n += $1} END {print n}')
echo "== all checks passed"
echo "all: $passed passed, 0 failed"
