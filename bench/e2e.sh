#!/usr/bin/env bash
# End to end, in one run: tcpphase against tshark on the same capture of
# about 1 M frames (the deterministic workload), and tshark with the
# tcpphase plugin against tshark without it. Prints hyperfine's medians and
# the ratios. Needs hyperfine and tshark (Debian packages), and builds what
# it runs. Usage: bench/e2e.sh [CONNECTIONS] [RUNS]   (defaults 100000, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-100000}"
runs="${2:-3}"
work="$(mktemp -d /tmp/tcpphase-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

for tool in hyperfine tshark editcap; do
    if ! command -v "$tool" >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine tshark libwireshark-dev libglib2.0-dev >/dev/null
        else
            echo "bench/e2e.sh needs $tool (Debian: apt-get install hyperfine tshark)" >&2
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

hyperfine --runs "$runs" --warmup 1 --style basic --export-json "$work/tools.json" \
    -n "tcpphase annotate --json" "./target/release/tcpphase annotate --json $capture > /dev/null" \
    -n "tcpphase conns" "./target/release/tcpphase conns $capture > /dev/null" \
    -n "tshark -T fields" "$user env HOME=$work/empty-home $tshark_fields > /dev/null"
hyperfine --runs "$runs" --warmup 1 --style basic --export-json "$work/plugin.json" \
    -n "tshark without plugin" "$user env HOME=$work/empty-home $tshark_fields -e tcp.seq > /dev/null" \
    -n "tshark with plugin" "$user env HOME=$home $tshark_fields -e tcp.seq -e tcpphase.phase > /dev/null"

python3 - "$work/tools.json" "$work/plugin.json" "$frames" <<'PY'
import json, sys
def medians(path):
    return {r["command"]: r["median"] for r in json.load(open(path))["results"]}
tools, plugin, frames = medians(sys.argv[1]), medians(sys.argv[2]), int(sys.argv[3])
shark = tools["tshark -T fields"]
print()
print("| command | median (s) | frames/s | tshark time / this time |")
print("| --- | --- | --- | --- |")
for name, t in tools.items():
    print(f"| `{name}` | {t:.3f} | {frames / t / 1e6:.2f} M | {shark / t:.1f} |")
without, with_ = plugin["tshark without plugin"], plugin["tshark with plugin"]
print(f"| `tshark` without plugin | {without:.3f} | | |")
print(f"| `tshark` with plugin | {with_:.3f} | | plugin overhead ratio {with_ / without:.3f} |")
PY

# What one output line costs (instructions) and the peak memory with
# connections left open; each script says how it measures.
echo
bench/lines.sh
bench/memory.sh 300000
