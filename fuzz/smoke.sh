#!/usr/bin/env bash
# A bounded fuzzing run for the test command: builds the seed corpora from
# the captures, then runs every target for 30 s (FUZZ_SECONDS to change).
# Installs cargo-fuzz when missing. Any crash, panic or sanitizer report
# fails the run; the last line says `N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-30}"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz >/dev/null 2>&1 || {
    echo "cannot install cargo-fuzz"
    echo "0 passed, 1 failed"
    exit 1
}
captures=$(find ../snapshots/captures ../../shared/corpus -type f -name '*.pcap*' 2>/dev/null | sort)
# shellcheck disable=SC2086
python3 seeds/make_seeds.py corpus $captures >/dev/null
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz build -O >/dev/null 2>&1; then
    echo "FAIL cargo fuzz build"
    echo "0 passed, 1 failed"
    exit 1
fi
passed=0
failed=0
for target in frame capture_reader tracker c_abi decompress wire_parsers reassembly; do
    mkdir -p "corpus/$target"
    max_len=65536
    [ "$target" = frame ] && max_len=4096
    [ "$target" = capture_reader ] && max_len=262144
    [ "$target" = decompress ] && max_len=262144
    if cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" \
        -max_len="$max_len" -print_final_stats=1 >"logs-smoke-$target.txt" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "logs-smoke-$target.txt")
        echo "ok   fuzz $target: $runs executions in ${seconds} s, no finding"
        passed=$((passed + 1))
    else
        echo "FAIL fuzz $target (see fuzz/logs-smoke-$target.txt and fuzz/artifacts/$target/)"
        tail -n 30 "logs-smoke-$target.txt" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
done
[ "$failed" -eq 0 ] && rm -f logs-smoke-*.txt
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
