#!/usr/bin/env bash
# The Python package as a user gets it: a fresh virtual environment,
# `pip install ./python` (maturin builds the abi3 wheel), pytest, pandas and
# mypy (for the stubs),
# then the tests that hold its records equal to the CLI's JSON. Prints
# `N passed, 0 failed` for the test command's closing line.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
# Its own cargo workspace: the workspace's `cargo fmt --all` does not see it.
cargo fmt --manifest-path python/Cargo.toml -- --check
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
# The Rust build is kept between runs beside the workspace's.
CARGO_TARGET_DIR="$repo/target/python" \
    "$venv/bin/pip" install -q --disable-pip-version-check ./python pytest pandas "mypy>=1.10,<2"
# The CLI the records are compared with: the release build of this tree
# (already made by the test command, so this is quick there).
if [ -z "${TCPPHASE_BIN:-}" ]; then
    cargo build -q --release -p tcpphase-cli
    export TCPPHASE_BIN="$repo/target/release/tcpphase"
fi
out="$(mktemp)"
"$venv/bin/pytest" -q -p no:cacheprovider python/tests | tee "$out"
passed=$(sed -n 's/^\([0-9]*\) passed.*/\1/p' "$out" | tail -1)
rm -f "$out"
echo "${passed:-0} passed, 0 failed (Python package)"
