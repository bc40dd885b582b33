#!/usr/bin/env bash
# `tcpphase conns --zeek` / `--zeek-json` read by the Zeek log readers Zeek's
# users install from PyPI (zat, parsezeeklogs), in a throwaway virtual
# environment: every row of every log taken, every value read as written
# (cli/tests/zeek_readers.py). The repository's captures, and the Zeek test
# traces of ../shared/corpus/zeek when they are beside the repository.
# Prints `N passed, 0 failed` for the test command's closing line.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
# --no-compile: the few modules imported compile on import; the rest need not.
pip=("$venv/bin/pip" install -q --no-compile --disable-pip-version-check)
"${pip[@]}" parsezeeklogs==3.0.1 pandas==3.1.1
# zat's other requirements (scikit-learn, ...) serve its machine-learning
# helpers, not its log readers.
"${pip[@]}" --no-deps zat==0.4.9
if [ -z "${TCPPHASE_BIN:-}" ]; then
    cargo build -q --release -p tcpphase-cli
    TCPPHASE_BIN="$repo/target/release/tcpphase"
fi
captures=(snapshots/captures/*.pcap)
zeek=../shared/corpus/zeek
if [ -d "$zeek" ]; then
    captures+=("$zeek"/*.pcap "$zeek"/*/*.pcap "$zeek"/*/*.pcapng)
fi
# zat's reader announces each file it opens; only the results are kept.
"$venv/bin/python" cli/tests/zeek_readers.py "$TCPPHASE_BIN" "${captures[@]}" |
    grep -v '^Successfully monitoring'
