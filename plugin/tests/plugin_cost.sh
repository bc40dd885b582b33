#!/usr/bin/env bash
# What the plugin costs inside tshark, in instructions (valgrind's callgrind,
# so that other work on the machine does not change the figure): tshark
# -T fields on the workload's capture with the plugin vs without, as an
# unprivileged user, in this machine's Wireshark and in the Debian roots
# plugin/tests/wireshark_versions.sh made (4.4, 4.6; skipped when absent).
# Limit: 1.10, over the whole run. Each line also says the ratio per frame,
# tshark's start (loading and registering, ~0.5 G instructions, measured on
# a capture of 30 connections) left out: what a far longer capture tends to.
# For scale, each version also prints what one string field of Wireshark's
# own costs by the same measure: tshark without the plugin, -e ip.src_host
# added instead of tcpphase.phase (no limit: it shows how much of the
# plugin's figure any string column costs).
# Run by hand, not by the test command: the three versions run
# at once, three runs of each capture apiece: 3 min 40 s on 2 idle cores,
# 15-20 minutes when they are busy (--connections 30: about 4).
#   plugin/tests/plugin_cost.sh [--connections N] [--keep] [--only host|trixie|sid]
# --keep leaves the callgrind files (target/plugin-artifacts/cost/) for
# callgrind_annotate --inclusive=yes. Needs root (chroot, setpriv),
# `cargo build --release` first, and valgrind (the roots have it).
# The last line says `N passed, M failed`.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
roots="${TCPPHASE_WIRESHARK_ROOTS:-$target/wireshark-roots}"
connections=2000
keep=false
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --connections) connections="$2"; shift 2 ;;
        --keep) keep=true; shift ;;
        --only) only="$2"; shift 2 ;;
        *) echo "usage: plugin_cost.sh [--connections N] [--keep] [--only host|trixie|sid]" >&2; exit 2 ;;
    esac
done
limit=1.10
out="$target/plugin-artifacts/cost"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

[ "$(id -u)" = 0 ] || { fail "needs root (chroot, setpriv)"; finish; }
lib="$target/release/libtcpphase.a"
workload="$target/release/tcpphase-workload"
[ -f "$lib" ] && [ -x "$workload" ] || { fail "missing $lib or $workload (cargo build --release)"; finish; }
mkdir -p "$out"
"$workload" --connections "$connections" -o "$out/workload.pcap" >/dev/null 2>&1
frames=$(capinfos -c -M "$out/workload.pcap" 2>/dev/null | awk '/Number of packets/ {print $NF}')
"$workload" --connections 30 -o "$out/start.pcap" >/dev/null 2>&1
start_frames=$(capinfos -c -M "$out/start.pcap" 2>/dev/null | awk '/Number of packets/ {print $NF}')

# measure NAME DIR: DIR is a Debian root ("" for this machine); prints
# "with without" instruction counts into $out/NAME.counts.
measure() {
    local name="$1" dir="$2" run=()
    [ -n "$dir" ] && run=(chroot "$dir")
    local work="$dir/tmp/tcpphase-cost"
    rm -rf "$work"
    mkdir -p "$work/ffi" "$work/lib" "$work/without"
    cp -r "$root/plugin" "$work/"
    rm -rf "$work/plugin/build"
    cp -r "$root/ffi/include" "$work/ffi/"
    cp "$root/Cargo.toml" "$work/"
    cp "$lib" "$work/lib/"
    cp "$out/workload.pcap" "$out/start.pcap" "$work/"
    "${run[@]}" env TCPPHASE_LIB=/tmp/tcpphase-cost/lib/libtcpphase.a \
        bash /tmp/tcpphase-cost/plugin/build.sh >"$out/$name.build.log" 2>&1 ||
        { echo "build failed" >"$out/$name.counts"; return; }
    local version
    version=$("${run[@]}" pkg-config --modversion wireshark | cut -d. -f1,2)
    mkdir -p "$work/with/.local/lib/wireshark/plugins/$version/epan"
    cp "$work/plugin/build/tcpphase.so" "$work/with/.local/lib/wireshark/plugins/$version/epan/"
    chown -R nobody:nogroup "$work/with" "$work/without"
    chmod -R a+rX "$work"
    chmod 777 "$work"
    local mounted=false
    if [ -n "$dir" ] && ! mountpoint -q "$dir/proc"; then
        mount -t proc proc "$dir/proc" && mounted=true
    fi
    local counts="" starts="" refs_own=""
    for capture in workload start; do
        for way in with without own; do
            local extra=() tag="$way" home="$way"
            [ "$way" = with ] && extra=(-e tcpphase.phase)
            [ "$way" = own ] && extra=(-e ip.src_host) && home=without
            [ "$capture" = start ] && tag="start.$way"
            "${run[@]}" setpriv --reuid=nobody --regid=nogroup --clear-groups \
                env -i PATH=/usr/bin:/bin HOME="/tmp/tcpphase-cost/$home" \
                valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="/tmp/tcpphase-cost/cg.$tag" \
                tshark -n -r "/tmp/tcpphase-cost/$capture.pcap" -T fields -e frame.number -e tcp.stream \
                -e tcp.flags.str -e tcp.seq "${extra[@]}" >"$work/out.$tag" 2>"$work/err.$tag"
            [ -s "$work/cg.$tag" ] || sed "s/^/     /" "$work/err.$tag" | tail -n 5 >&2
            local refs
            refs="$(grep -o 'refs: *[0-9,]*' "$work/err.$tag" | tr -d ', refs:')"
            if [ "$way" = own ]; then
                refs_own="$refs_own ${refs:-0}"
            elif [ "$capture" = workload ]; then
                counts="$counts ${refs:-0}"
                $keep && cp "$work/cg.$tag" "$out/$name.cg.$tag"
            else
                starts="$starts ${refs:-0}"
            fi
        done
    done
    # The plugin must have labelled every TCP frame.
    local labelled
    labelled=$(awk -F'\t' '$5 != ""' "$work/out.with" | wc -l)
    echo "$counts $labelled $version $starts $refs_own" >"$out/$name.counts"
    $mounted && umount "$dir/proc" 2>/dev/null
    $keep || rm -rf "$work"
}

names=(host)
dirs=("")
for suite in trixie sid; do
    if [ -f "$roots/$suite/.ready" ]; then
        names+=("$suite")
        dirs+=("$roots/$suite")
    else
        echo "skip Debian $suite: no root at $roots/$suite (plugin/tests/wireshark_versions.sh --roots-only)"
    fi
done
if [ -n "$only" ]; then
    for i in "${!names[@]}"; do
        [ "${names[$i]}" = "$only" ] && { names=("$only"); dirs=("${dirs[$i]}"); break; }
    done
    [ "${names[*]}" = "$only" ] || { fail "--only $only: no such version here"; finish; }
fi
for i in "${!names[@]}"; do
    measure "${names[$i]}" "${dirs[$i]}" &
done
wait
for name in "${names[@]}"; do
    read -r with without labelled version start_with start_without own own_start <"$out/$name.counts"
    # A run that printed no count stands as 0, so that the fields stay in place.
    if [ "${with:-0}" = 0 ] || [ "${without:-0}" = 0 ] || [ -z "${version:-}" ]; then
        fail "$name: $(cat "$out/$name.counts") (see $out/$name.build.log)"
        continue
    fi
    ratio=$(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.3f", a / b }')
    per=$(awk -v a="$with" -v b="$without" -v f="$frames" 'BEGIN { printf "%.0f", (a - b) / f }')
    # Per frame, the start left out (both runs' counts less those of the
    # 30-connection capture).
    per_frame=$(awk -v a="$with" -v b="$without" -v c="${start_with:-0}" -v d="${start_without:-0}" \
        'BEGIN { if (c > 0 && d > 0 && b > d) printf "%.3f", (a - c) / (b - d); else printf "?" }')
    line="Wireshark $version ($name): $ratio ($with vs $without instructions, $per a frame, $labelled of $frames frames labelled; per frame without tshark's start: $per_frame)"
    own_line=$(awk -v a="${own:-0}" -v b="$without" -v c="${own_start:-0}" -v d="${start_without:-0}" \
        'BEGIN { if (a > 0 && b > 0) { printf "%.3f", a / b; if (c > 0 && b > d) printf " (per frame %.3f)", (a - c) / (b - d) } else printf "?" }')
    echo "     for scale, Wireshark $version's own string field ip.src_host (no plugin), the same measure: $own_line"
    if [ "$labelled" = "$frames" ] && awk -v r="$ratio" -v l="$limit" 'BEGIN { exit !(r <= l) }'; then
        pass "$line"
    else
        fail "$line; limit $limit"
    fi
done
finish
