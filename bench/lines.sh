#!/usr/bin/env bash
# What one output line costs, in instructions (valgrind's callgrind, which
# other work on a shared machine does not disturb): the records of a 20 k-
# connection workload written once as JSON Lines through serde_json (how
# they were written before), as JSON Lines and as CSV through the record
# writer, into a sink. Each count is everything a line takes: the spelling,
# the block, its writes. The wall-clock figures:
# `cargo bench -p tcpphase-cli --bench records`.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d /tmp/tcpphase-lines.XXXXXX)"
trap 'rm -rf "$work"' EXIT
bin=$(cargo bench -p tcpphase-cli --bench records --no-run 2>&1 |
    sed -n 's/.*Executable benches\/records.rs (\(.*\))/\1/p')
for way in serde json csv; do
    counts=$(TCPPHASE_BENCH_ONCE=$way valgrind --tool=callgrind --callgrind-out-file="$work/cg.$way" \
        --collect-atstart=no --toggle-collect='*write_annotations*' --toggle-collect='*write_summaries*' \
        "$bin" --bench 2>/dev/null | tail -1)
    annotate_lines=$(echo "$counts" | sed 's/.*: \([0-9]*\) annotate.*/\1/')
    conns_lines=$(echo "$counts" | sed 's/.* \([0-9]*\) conns lines/\1/')
    costs=$(callgrind_annotate --inclusive=yes "$work/cg.$way" 2>/dev/null)
    ir() { echo "$costs" | grep "records::$1 " | head -1 | awk '{gsub(",", "", $1); print $1}'; }
    echo "$way: $(( $(ir write_annotations) / annotate_lines )) instructions an annotate line," \
        "$(( $(ir write_summaries) / conns_lines )) a conns line"
done
