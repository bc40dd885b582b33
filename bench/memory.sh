#!/usr/bin/env bash
# Peak memory of `tcpphase conns --json` on a capture whose connections are
# all still open at its end (tcpphase-workload --left-open), per live
# connection: (max RSS - max RSS with 1 000 open) / N. Needs GNU time
# (Debian package `time`). Usage: bench/memory.sh [OPEN]   (default 300000)
set -euo pipefail
cd "$(dirname "$0")/.."
open="${1:-300000}"
work="$(mktemp -d /tmp/tcpphase-memory.XXXXXX)"
trap 'rm -rf "$work"' EXIT
if [ ! -x /usr/bin/time ]; then
    echo "bench/memory.sh needs GNU time (Debian: apt-get install time)" >&2
    exit 1
fi
cargo build --release -p tcpphase-cli -p tcpphase-workload >/dev/null 2>&1
rss() { # max RSS in KiB of `tcpphase conns --json` on $1
    ./target/release/tcpphase-workload --connections "$2" --left-open "$2" --concurrency 256 -o "$1" 2>/dev/null
    /usr/bin/time -f %M -o "$work/rss" ./target/release/tcpphase conns --json ${TCPPHASE_THREADS:+--threads $TCPPHASE_THREADS} "$1" >/dev/null
    cat "$work/rss"
}
base=$(rss "$work/base.pcap" 1000)
peak=$(rss "$work/open.pcap" "$open")
echo "conns --json, $open connections left open: max RSS $((peak / 1024)) MiB;" \
    "$(( (peak - base) * 1024 / open )) bytes per live connection (over ${base} KiB with 1000 open)"
