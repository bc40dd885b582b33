#!/usr/bin/env bash
# End to end, in one run: tcpphase (on 1 and 2 threads) against tshark and
# tcptrace on the same capture of about 1 M frames (the deterministic
# workload), and tshark with the tcpphase plugin against tshark without it.
# Prints hyperfine's medians and the ratios. Needs hyperfine, tshark and
# tcptrace (Debian packages), and builds what it runs.
# Usage: bench/e2e.sh [CONNECTIONS] [RUNS]   (defaults 100000, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-100000}"
runs="${2:-3}"
work="$(mktemp -d /tmp/tcpphase-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

for tool in hyperfine tshark editcap tcptrace; do
    if ! command -v "$tool" >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine tshark tcptrace libwireshark-dev libglib2.0-dev >/dev/null
        else
            echo "bench/e2e.sh needs $tool (Debian: apt-get install hyperfine tshark tcptrace)" >&2
            exit 1
        fi
    fi
done
cargo build --release -p tcpphase-cli -p tcpphase-workload >/dev/null
bash plugin/build.sh >/dev/null
capture="$work/workload.pcap"
./target/release/tcpphase-workload --connections "$connections" --concurrency 256 -o "$capture"
chmod a+r "$capture"
frames=$(./target/release/tcpphase annotate --json "$capture" | wc -l)
echo "capture: $capture, $frames TCP frames, $(du -h "$capture" | cut -f1)"

home="$work/home"
version=$(pkg-config --modversion wireshark | cut -d. -f1,2)
mkdir -p "$home/.local/lib/wireshark/plugins/$version/epan" "$work/empty-home"
cp plugin/build/tcpphase.so "$home/.local/lib/wireshark/plugins/$version/epan/"
chmod -R a+rX "$work"
user=""
[ "$(id -u)" = 0 ] && user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
tshark_fields="tshark -n -r $capture -T fields -e frame.number -e tcp.stream -e tcp.flags.str"

# hyperfine runs each command's runs in a row; the tcpphase rows are
# measured again below in alternating order, which load changes less.
hyperfine --runs "$runs" --warmup 1 --style basic --export-json "$work/tools.json" \
    -n "tcpphase annotate --json --threads 1" "./target/release/tcpphase annotate --json --threads 1 $capture > /dev/null" \
    -n "tcpphase annotate --json --threads 2" "./target/release/tcpphase annotate --json --threads 2 $capture > /dev/null" \
    -n "tcpphase conns --threads 1" "./target/release/tcpphase conns --threads 1 $capture > /dev/null" \
    -n "tcpphase conns --threads 2" "./target/release/tcpphase conns --threads 2 $capture > /dev/null" \
    -n "tcptrace -n" "tcptrace -n $capture > /dev/null" \
    -n "tshark -T fields" "$user env HOME=$work/empty-home $tshark_fields > /dev/null"
# Alternating 1 and 2 threads, one run each in turn: medians of the pairs.
for i in $(seq 1 $((runs * 2))); do
    for n in 1 2; do
        for cmd in "annotate --json" "conns"; do
            start=$EPOCHREALTIME
            ./target/release/tcpphase $cmd --threads $n "$capture" > /dev/null
            echo "$cmd|$n|$start|$EPOCHREALTIME" >> "$work/alternating.txt"
        done
    done
done
for n in 1 2 3 4; do
    ./target/release/tcpphase conns --json --threads $n "$capture" | md5sum >> "$work/same.txt"
    ./target/release/tcpphase annotate --json --threads $n "$capture" | md5sum >> "$work/same.txt"
done
echo "outputs of 1 to 4 threads: $(sort -u "$work/same.txt" | wc -l) distinct (2: identical for every N)"
# tshark without and with the plugin, one run each in turn (on a shared
# machine a block of runs of one then a block of the other can land in
# different weather: one such pair of blocks said 1.27 where alternating
# runs said 1.16): the median of the rounds' ratios.
for i in $(seq 1 "$runs"); do
    for way in without with; do
        if [ "$way" = with ]; then
            run=(env HOME="$home" $tshark_fields -e tcp.seq -e tcpphase.phase)
        else
            run=(env HOME="$work/empty-home" $tshark_fields -e tcp.seq)
        fi
        start=$EPOCHREALTIME
        $user "${run[@]}" > /dev/null
        echo "$way|$start|$EPOCHREALTIME" >> "$work/plugin.txt"
    done
done

python3 - "$work/tools.json" "$work/plugin.txt" "$frames" "$work/alternating.txt" <<'PY'
import json, statistics, sys
def medians(path):
    return {r["command"]: r["median"] for r in json.load(open(path))["results"]}
tools, frames = medians(sys.argv[1]), int(sys.argv[3])
plugin = {}
for line in open(sys.argv[2]):
    way, start, end = line.strip().split("|")
    plugin.setdefault(way, []).append(float(end) - float(start))
rounds = [w / wo for w, wo in zip(plugin["with"], plugin["without"])]
shark, tcptrace = tools["tshark -T fields"], tools["tcptrace -n"]
print()
print("| command | median (s) | frames/s | tshark time / this time | tcptrace time / this time |")
print("| --- | --- | --- | --- | --- |")
for name, t in tools.items():
    print(f"| `{name}` | {t:.3f} | {frames / t / 1e6:.2f} M | {shark / t:.1f} | {tcptrace / t:.2f} |")
without, with_ = statistics.median(plugin["without"]), statistics.median(plugin["with"])
print(f"| `tshark` without plugin | {without:.3f} | | |")
print(f"| `tshark` with plugin | {with_:.3f} | | plugin overhead ratio {statistics.median(rounds):.3f}"
      f" (median of {len(rounds)} alternating rounds: {', '.join(f'{r:.2f}' for r in rounds)}) |")
runs = {}
for line in open(sys.argv[4]):
    cmd, n, start, end = line.strip().split("|")
    runs.setdefault((cmd, n), []).append(float(end) - float(start))
print()
print("| alternating runs | 1 thread (s) | 2 threads (s) | speed-up |")
print("| --- | --- | --- | --- |")
for cmd in ["annotate --json", "conns"]:
    one, two = statistics.median(runs[(cmd, "1")]), statistics.median(runs[(cmd, "2")])
    print(f"| `tcpphase {cmd}` | {one:.3f} | {two:.3f} | {one / two:.2f} |")
PY

# What one output line costs (instructions) and the peak memory with
# connections left open; each script says how it measures.
echo
bench/lines.sh
bench/memory.sh 300000
