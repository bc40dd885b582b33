#!/usr/bin/env bash
# The plugin in the real tshark: installs it into a fresh HOME for an
# unprivileged user (tshark run as root never loads personal plugins) and
# checks that tshark lists it and its fields, that its fields equal
# `tcpphase annotate --json` on every recording in one pass and with -2
# (tcpphase.stream equal to tcp.stream), that every TCP frame is labelled
# on other link types and inside tunnels and fragments,
# that filters pick exactly the expected frames, that two files in one
# sharkd process do not leak state, and that bad frames get an expert item
# and never crash tshark. Needs `cargo build --release` first (the CLI).
# The last line says `N passed, M failed`.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cli="${TCPPHASE_CLI:-${CARGO_TARGET_DIR:-$root/target}/release/tcpphase}"
lib="${TCPPHASE_LIB:-${CARGO_TARGET_DIR:-$root/target}/release/libtcpphase.a}"
work="$(mktemp -d /tmp/tcpphase-plugin.XXXXXX)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -f "$work/log" ] && sed 's/^/     /' "$work/log" | tail -n 15; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

[ -x "$cli" ] || { fail "missing $cli (run cargo build --release first)"; finish; }
version=$(pkg-config --modversion wireshark | cut -d. -f1,2)
home="$work/home"
plugins="$home/.local/lib/wireshark/plugins/$version/epan"
if ! "$root/plugin/install.sh" --dest "$plugins" >"$work/log" 2>&1; then
    fail "plugin/install.sh"
    finish
fi
pass "plugin builds with -Wall -Wextra -Werror and installs ($(tail -n1 "$work/log"))"
mkdir -p "$work/captures"
cp "$root"/snapshots/captures/*.pcap "$work/captures/"
corpus="$root/../shared/corpus"
[ -d "$corpus" ] && cp "$corpus/tcpdump/tcp_header_heapoverflow.pcap" "$work/captures/heapoverflow.pcap.bad"
chmod -R a+rX "$work"

# Runs a command as the unprivileged user with the test HOME.
as_user() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$home" "$@"
    else
        env HOME="$home" "$@"
    fi
}

as_user tshark -G plugins >"$work/plugins" 2>"$work/log"
if grep -q "tcpphase.so" "$work/plugins"; then pass "tshark -G plugins lists tcpphase.so"; else fail "tshark -G plugins"; fi

as_user tshark -G fields >"$work/fields" 2>"$work/log"
missing=""
for f in stream conn dir phase step client_state server_state closer origin_guessed \
    flags.retransmission flags.simultaneous_open flags.simultaneous_close flags.midstream \
    flags.out_of_window flags.port_reuse flags.ack_unseen \
    conn.handshake conn.close conn.active_closer conn.conn_state conn.history conn.completeness; do
    grep -q "	tcpphase\.$f	" "$work/fields" || missing="$missing $f"
done
if [ -z "$missing" ]; then pass "tshark -G fields lists every tcpphase field"; else echo "missing:$missing" >"$work/log"; fail "tshark -G fields"; fi

fields=(-e frame.number -e tcp.stream -e tcpphase.stream -e tcpphase.conn -e tcpphase.dir -e tcpphase.phase
    -e tcpphase.step -e tcpphase.client_state -e tcpphase.server_state -e tcpphase.closer)
for capture in "$work"/captures/*.pcap; do
    name=$(basename "$capture")
    "$cli" annotate --json "$capture" >"$work/cli.jsonl"
    for pass_mode in one-pass two-pass; do
        extra=()
        [ "$pass_mode" = two-pass ] && extra=(-2)
        if as_user tshark -n "${extra[@]}" -r "$capture" -T fields -E separator='|' "${fields[@]}" \
            >"$work/shark" 2>"$work/log" &&
            python3 "$here/compare_fields.py" "$work/cli.jsonl" "$work/shark" >"$work/log" 2>&1; then
            pass "$name: tshark ($pass_mode) equals tcpphase annotate --json"
        else
            fail "$name: tshark ($pass_mode) vs tcpphase annotate --json"
        fi
    done
done

# Other link types, tunnels and fragments (the Rust wire layer reads none of
# them; Wireshark does): every frame Wireshark decodes as TCP is labelled,
# tcpphase.stream equals tcp.stream, and the labels are those of the same
# conversation on plain Ethernet.
mkdir -p "$work/encap"
python3 "$here/encapsulations.py" "$work/encap" >"$work/encap.list"
chmod -R a+rX "$work/encap"
encap_fields=(-e frame.number -e tcp.stream -e tcpphase.stream -e tcpphase.phase -e tcpphase.step
    -e tcpphase.client_state -e tcpphase.server_state -e tcpphase.conn)
as_user tshark -n -r "$work/encap/ethernet.pcap" -T fields "${encap_fields[@]}" 2>/dev/null |
    awk -F'\t' '$2 != "" {print $4, $5, $6, $7, $8}' >"$work/encap.reference"
while read -r name; do
    as_user tshark -n -r "$work/encap/$name.pcap" -T fields "${encap_fields[@]}" >"$work/out" 2>"$work/log"
    tcp_frames=$(awk -F'\t' '$2 != ""' "$work/out" | wc -l)
    same_stream=$(awk -F'\t' '$2 != "" && $2 == $3 && $4 != ""' "$work/out" | wc -l)
    awk -F'\t' '$2 != "" {print $4, $5, $6, $7, $8}' "$work/out" >"$work/encap.labels"
    if [ "$tcp_frames" -ge 12 ] && [ "$same_stream" = "$tcp_frames" ] && cmp -s "$work/encap.labels" "$work/encap.reference"; then
        pass "$name: all $tcp_frames TCP frames labelled as on Ethernet, tcpphase.stream == tcp.stream"
    else
        { echo "$tcp_frames TCP frames, $same_stream labelled with tcp.stream"; diff "$work/encap.reference" "$work/encap.labels"; } >>"$work/log"
        fail "$name: labels on every TCP frame"
    fi
done <"$work/encap.list"

# -z tcpphase,conns prints what `tcpphase conns` prints (stream numbers
# aside: the CLI's rule may be another Wireshark's), every connection.
for capture in "$work"/captures/*.pcap; do
    name=$(basename "$capture")
    "$cli" conns "$capture" | awk '{$2 = ""; print}' >"$work/conns.cli"
    as_user tshark -n -q -r "$capture" -z tcpphase,conns 2>"$work/log" |
        sed -n '/^=== tcpphase: connections ===$/,/^===$/p' | sed '1d;$d' | awk '{$2 = ""; print}' >"$work/conns.shark"
    if [ -s "$work/conns.cli" ] && cmp -s "$work/conns.cli" "$work/conns.shark"; then
        pass "$name: tshark -z tcpphase,conns lists the $(($(wc -l <"$work/conns.cli") - 1)) connections of tcpphase conns"
    else
        diff "$work/conns.cli" "$work/conns.shark" >>"$work/log"
        fail "$name: -z tcpphase,conns vs tcpphase conns"
    fi
done

# The statistics table the GUI shows (Statistics > TCP Connection Phase),
# through its tshark face: after the first pass, a row per connection.
rows=$(as_user tshark -n -q -2 -r "$work/captures/port-reuse.pcap" -z tcpphase,table 2>"$work/log" |
    grep -c '^[01] |[01] |127.0.0.1:47510 |127.0.0.1:47010 |complete |fin-4 |server |CLOSED |TIME-WAIT |SF |')
if [ "$rows" = 2 ]; then pass "statistics table (tcpphase,table): one row per connection, summaries filled"; else fail "statistics table: $rows rows"; fi

# The profile: tshark -C tcpphase prints the phase columns.
if "$root/plugin/install.sh" --dest "$plugins" --profile --config-dir "$home/.config/wireshark" >"$work/log" 2>&1 &&
    chmod -R a+rX "$home" &&
    as_user tshark -n -C tcpphase -r "$work/captures/http-server-closes.pcap" >"$work/out" 2>>"$work/log" &&
    head -n1 "$work/out" | grep -q "handshake syn SYN-SENT LISTEN" &&
    sed -n 11p "$work/out" | grep -q "active-close last-ack CLOSED TIME-WAIT"; then
    pass "install.sh --profile: tshark -C tcpphase prints Phase, Step, Client state, Server state"
else
    cat "$work/out" >>"$work/log"
    fail "profile tcpphase"
fi

# The plugin spells no label: no phase, step, state or direction name (as
# the header documents them in those enums) is a string literal in its
# source. "handshake" is also the summary field the conns table heads a
# column with, and that column title may stay.
names=$(python3 - "$root/ffi/include/tcpphase.h" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
names = set()
for enum in ("tcpphase_phase", "tcpphase_step", "tcpphase_state", "tcpphase_dir"):
    body = re.search(r"enum " + enum + r"\b[^{]*\{(.*?)\};", text, re.S)
    if body:
        names.update(re.findall(r"\* `([A-Za-z0-9-]+)`", body.group(1)))
print("\n".join(sorted(names - {"handshake"})))
PY
)
found=""
for name in $names; do
    grep -q "\"$name\"" "$root/plugin/packet-tcpphase.c" && found="$found $name"
done
if [ "$(echo "$names" | wc -l)" -gt 20 ] && [ -z "$found" ]; then
    pass "packet-tcpphase.c spells none of the $(echo "$names" | wc -l) phase, step, state and direction names"
else
    echo "spelled in the plugin:$found; names: $names" >"$work/log"
    fail "the plugin spells labels"
fi

# filter CAPTURE FILTER EXPECTED-FRAMES
filter() {
    local got
    got=$(as_user tshark -n -r "$work/captures/$1" -Y "$2" -T fields -e frame.number 2>"$work/log" | tr '\n' ' ' | sed 's/ $//')
    if [ "$got" = "$3" ]; then pass "filter $2 on $1: $3"; else echo "got '$got', want '$3'" >"$work/log"; fail "filter $2 on $1"; fi
}
filter http-server-closes.pcap 'tcpphase.phase == "handshake"' "1 2 3"
filter http-server-closes.pcap 'tcpphase.phase == "active-close"' "8 11"
filter http-server-closes.pcap 'tcpphase.phase == "passive-close"' "9 10"
filter http-server-closes.pcap 'tcpphase.server_state == "TIME-WAIT"' "11"
filter close-three-segment.pcap 'tcpphase.step == "fin-ack"' "9"
filter half-close.pcap 'tcpphase.phase == "half-close" && tcpphase.step == "data"' "8 10 12"
filter refused.pcap 'tcpphase.phase == "reset"' "2"
filter rst-abort-client.pcap 'tcpphase.step == "abort" && tcpphase.dir == "c2s"' "8"
filter port-reuse.pcap 'tcpphase.flags.port_reuse' "12"
filter port-reuse.pcap 'tcpphase.stream == 1 && tcpphase.phase == "handshake"' "12 13 14"
filter simultaneous-open.pcap 'tcpphase.flags.simultaneous_open && tcpphase.step == "syn"' "2"
filter http-client-closes.pcap 'tcpphase.client_state == "TIME-WAIT"' "11"
filter http-server-closes.pcap 'tcpphase.conn.close == "fin-4"' ""
# The summary is known once the first pass is over: with -2 on every frame.
got=$(as_user tshark -n -2 -r "$work/captures/http-server-closes.pcap" -Y 'tcpphase.conn.close == "fin-4" && tcpphase.conn.conn_state == "SF"' -T fields -e frame.number 2>/dev/null | wc -l)
if [ "$got" = 11 ]; then pass "with -2 every frame carries its connection's summary"; else echo "$got frames" >"$work/log"; fail "summary fields with -2"; fi
got=$(as_user tshark -n -r "$work/captures/refused.pcap" 2>/dev/null | grep -c '\[reset refused\]')
if [ "$got" = 1 ]; then pass "Info column tag [reset refused]"; else fail "Info column tag"; fi
got=$(as_user tshark -n -r "$work/captures/rst-abort-client.pcap" -q -z expert 2>/dev/null | grep -c "Connection aborted by RST")
if [ "$got" = 1 ]; then pass "expert item for an abort"; else fail "expert item for an abort"; fi
# The expert item names its protocol, and a field's layer is tcpphase's first.
got=$(as_user tshark -n -r "$work/captures/rst-abort-client.pcap" -q -z expert 2>/dev/null | grep -c " tcpphase  Connection aborted by RST")
if [ "$got" = 1 ]; then pass "the abort's expert item names the protocol tcpphase"; else fail "expert item's protocol"; fi
filter refused.pcap 'tcpphase.phase#1 == "reset"' "2"
# Disabled (Enabled Protocols, --disable-protocol), the plugin says nothing.
out=$(as_user tshark -n -r "$work/captures/refused.pcap" --disable-protocol tcpphase -T fields -e frame.number -e tcpphase.phase -e _ws.col.Info 2>"$work/log")
if [ "$(printf '%s\n' "$out" | grep -c '^[0-9]')" -ge 2 ] && ! printf '%s\n' "$out" | grep -q 'reset'; then
    pass "--disable-protocol tcpphase: frames read, no field, no Info tag"
else
    printf '%s\n' "$out" >>"$work/log"; fail "--disable-protocol tcpphase"
fi

# Two files in one process (sharkd): the second starts from a fresh tracker.
# sharkd caches a filter's result by its text across loads, so each load
# asks with a text of its own (the `frame.number >= N` clauses are no-ops).
request() { printf '{"jsonrpc":"2.0","id":%s,"method":"%s","params":%s}\n' "$1" "$2" "$3"; }
{
    request 1 load "{\"file\":\"$work/captures/http-server-closes.pcap\"}"
    request 2 frames '{"filter":"tcpphase.stream == 0 && tcpphase.phase == \"handshake\""}'
    request 3 load "{\"file\":\"$work/captures/port-reuse.pcap\"}"
    request 4 frames '{"filter":"tcpphase.stream == 0 && tcpphase.phase == \"handshake\" && frame.number >= 0"}'
    request 5 load "{\"file\":\"$work/captures/http-server-closes.pcap\"}"
    request 6 frames '{"filter":"tcpphase.stream == 0 && tcpphase.phase == \"handshake\" && frame.number >= 1"}'
} | as_user timeout 60 sharkd - >"$work/sharkd" 2>"$work/log"
if python3 - "$work/sharkd" <<'PY'
import json, sys
answers = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        msg = json.loads(line)
        answers[msg.get("id")] = msg.get("result")
frames = {i: [f["num"] for f in answers.get(i) or []] for i in (2, 4, 6)}
assert frames[2] == [1, 2, 3], frames
assert frames[4] == [1, 2, 3], frames
assert frames[6] == [1, 2, 3], frames
PY
then pass "sharkd: three files in one process give the same labels as alone"; else fail "sharkd: files in a row"; fi

# Bad frames: an expert item, the next frames still labelled, no crash.
if [ -f "$work/captures/heapoverflow.pcap.bad" ]; then
    if as_user tshark -n -r "$work/captures/heapoverflow.pcap.bad" -q -z expert >"$work/out" 2>"$work/log" &&
        grep -q "tcpphase" "$work/out"; then
        pass "a truncated TCP header gets the tcpphase.malformed expert item"
    else
        fail "malformed frame expert item"
    fi
fi
# A frame cut inside its TCP header in the middle of a connection.
python3 - "$work/captures/http-server-closes.pcap" "$work/cut.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
out, at, n = bytearray(data[:24]), 24, 0
while at < len(data):
    ts, us, cap, orig = struct.unpack("<IIII", data[at:at + 16])
    frame = data[at + 16:at + 16 + cap]
    n += 1
    if n == 5:
        frame = frame[:44]  # Ethernet + IPv4 + 10 bytes of TCP
    out += struct.pack("<IIII", ts, us, len(frame), orig) + frame
    at += 16 + cap
open(sys.argv[2], "wb").write(out)
PY
chmod a+r "$work/cut.pcap"
if as_user tshark -n -r "$work/cut.pcap" -T fields -e frame.number -e tcpphase.phase -e tcpphase.step >"$work/out" 2>"$work/log" &&
    grep -q "^5	other	malformed" "$work/out" && grep -q "^6	data	data" "$work/out" && grep -q "^11	active-close	last-ack" "$work/out"; then
    pass "a frame cut in its TCP header is other/malformed, the frames after it are labelled"
else
    cat "$work/out" >>"$work/log"
    fail "cut frame"
fi
# Mutated captures (Wireshark's own method): tshark never crashes.
crashes=0
# TCPPHASE_MUTATION_SEEDS / TCPPHASE_ASAN_SEEDS: fewer runs (other Wireshark versions).
for seed in ${TCPPHASE_MUTATION_SEEDS:-1 2 3 4 5 6 7 8}; do
    for capture in "$work"/captures/*.pcap; do
        editcap -E 0.05 --seed "$seed" "$capture" "$work/mutated.pcap" >/dev/null 2>&1 || continue
        chmod a+r "$work/mutated.pcap"
        as_user tshark -n -r "$work/mutated.pcap" -T fields -e tcpphase.phase >/dev/null 2>"$work/err"
        status=$?
        if [ "$status" -gt 2 ] || grep -q "Dissector bug, protocol tcpphase" "$work/err"; then
            crashes=$((crashes + 1))
            cp "$work/err" "$work/log"
        fi
    done
done
if [ "$crashes" = 0 ]; then pass "tshark on mutated captures (seeds ${TCPPHASE_MUTATION_SEEDS:-1 2 3 4 5 6 7 8}): no crash, no dissector bug"; else fail "$crashes mutated captures crashed tshark"; fi
# tshark with the plugin under valgrind (memcheck), on a recording and a
# mutated capture: no valgrind error with a frame in the plugin or libtcpphase.
if command -v valgrind >/dev/null; then
    editcap -E 0.05 --seed 1 "$work/captures/http-server-closes.pcap" "$work/vg-mutated.pcap" >/dev/null 2>&1
    chmod a+r "$work/vg-mutated.pcap"
    for input in "$work/captures/refused.pcap" "$work/vg-mutated.pcap"; do
        : >"$work/vg.log"
        chmod a+rw "$work/vg.log"
        as_user timeout 300 valgrind --leak-check=no --log-file="$work/vg.log" tshark -n -2 -r "$input" \
            -T fields -e tcpphase.phase >"$work/out" 2>"$work/log"
        status=$?
        if [ "$status" = 0 ] && grep -q . "$work/out" && grep -q "ERROR SUMMARY" "$work/vg.log" &&
            ! grep -qE "tcpphase\.so|packet-tcpphase\.c|libtcpphase" "$work/vg.log"; then
            pass "tshark under valgrind on $(basename "$input"): $(grep -c . "$work/out") frames labelled, no error in the plugin"
        else
            grep -nE -B4 "tcpphase\.so|packet-tcpphase\.c|libtcpphase" "$work/vg.log" | head -n 20 >>"$work/log"
            fail "tshark under valgrind on $(basename "$input") (status $status)"
        fi
    done
fi
# The plugin built with ASan + UBSan, loaded into the real tshark (the
# sanitizer runtimes preloaded), on the recordings and on mutated captures:
# no sanitizer report. Leak checking is off: tshark frees little at exit.
asan="$work/asan"
mkdir -p "$asan/home/.local/lib/wireshark/plugins/$version/epan"
# shellcheck disable=SC2046
if gcc -std=gnu11 -O1 -g -fPIC -shared -fsanitize=address,undefined -fno-omit-frame-pointer \
    -Wall -Wextra -Werror -I"$root/ffi/include" $(pkg-config --cflags wireshark) \
    -o "$asan/home/.local/lib/wireshark/plugins/$version/epan/tcpphase.so" \
    "$root/plugin/packet-tcpphase.c" "$lib" \
    $(pkg-config --libs wireshark) -lpthread -ldl -lm -Wl,--exclude-libs,ALL >"$work/log" 2>&1; then
    chmod -R a+rX "$asan"
    preload="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)"
    reports=0
    runs=0
    labelled=0
    for capture in "$work"/captures/*.pcap; do
        for seed in ${TCPPHASE_ASAN_SEEDS:-0 1 2}; do
            input="$capture"
            if [ "$seed" != 0 ]; then
                editcap -E 0.05 --seed "$seed" "$capture" "$work/asan-mutated.pcap" >/dev/null 2>&1 || continue
                chmod a+r "$work/asan-mutated.pcap"
                input="$work/asan-mutated.pcap"
            fi
            runs=$((runs + 1))
            if [ "$(id -u)" = 0 ]; then
                setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$asan/home" \
                    LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
                    tshark -n -2 -r "$input" -T fields -e tcpphase.phase >"$work/out" 2>"$work/err"
            else
                env HOME="$asan/home" LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0 \
                    UBSAN_OPTIONS=print_stacktrace=1 \
                    tshark -n -2 -r "$input" -T fields -e tcpphase.phase >"$work/out" 2>"$work/err"
            fi
            labelled=$((labelled + $(grep -c . "$work/out")))
            if grep -q "ERROR: AddressSanitizer\|runtime error:" "$work/err"; then
                reports=$((reports + 1))
                cp "$work/err" "$work/log"
            fi
        done
    done
    if [ "$reports" = 0 ] && [ "$labelled" -gt 150 ]; then pass "plugin under ASan + UBSan in tshark, $runs captures (recorded and mutated, $labelled frames labelled): no report"; else fail "$reports sanitizer reports from the plugin in tshark"; fi
else
    fail "plugin builds with ASan + UBSan"
fi
finish
