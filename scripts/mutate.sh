#!/usr/bin/env bash
# Wireshark's own robustness method on tcpphase's faces: mutate real
# captures and check that nothing crashes, panics or hangs, and that the
# frames the mutation left intact are still annotated.
#
#   scripts/mutate.sh          bounded default set (about 2 minutes)
#   scripts/mutate.sh --full   16 seeds, every capture of snapshots/captures/
#                              up to 4 KiB cut at every byte, more runs under
#                              the sanitizers and valgrind (tens of minutes)
#
# What it does, for every capture under snapshots/captures/ and
# ../shared/corpus/, and http-server-closes.pcap wrapped in every tunnel and
# encapsulation (built by dissector/tests/wire_field_captures.rs):
#   - `editcap -E 0.02` and `editcap -E 0.1` (bytes changed at random inside
#     frames) over several seeds; on each mutated file runs
#     `tcpphase annotate --json`, `tcpphase conns` and the C tool
#     (ffi/examples/tcpphase_annotate.c, with and without --conns);
#   - refused.pcap cut after every byte (--full: every capture of
#     snapshots/captures/ up to 4 KiB), the same four runs on each cut.
# Each run must exit 0 or 1 (never a signal, never the timeout), print no
# panic text, and every TCP frame whose bytes the mutation left intact must
# still have its line in `annotate --json` (same frame number).
# Then the C tool under ASan + UBSan and under valgrind on a handful of
# mutated captures, and tshark with the plugin under valgrind on two small
# captures (no valgrind error with a frame in tcpphase.so,
# packet-tcpphase.c or libtcpphase; tshark's own noise is ignored).
#
# Needs `cargo build --release` first (target/release/tcpphase and
# libtcpphase), editcap, cc, libpcap-dev, python3; valgrind, tshark and
# libwireshark-dev for the last part. The last line says `N passed, M failed`.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
release="${CARGO_TARGET_DIR:-$root/target}/release"
cli="$release/tcpphase"
full=0
[[ "${1:-}" == "--full" ]] && full=1
work="$(mktemp -d /tmp/tcpphase-mutate.XXXXXX)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
start=$SECONDS

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    [[ -n "${2:-}" && -f "$2" ]] && sed 's/^/     /' "$2" | tail -n 8
}
finish() {
    echo "$passed passed, $failed failed ($((SECONDS - start)) s)"
    [[ $failed -eq 0 ]] && exit 0 || exit 1
}

for f in "$cli" "$release/libtcpphase.so" "$release/libtcpphase.a"; do
    [[ -f "$f" ]] || { fail "missing $f (run cargo build --release first)"; finish; }
done
for tool in editcap cc python3 timeout; do
    command -v "$tool" >/dev/null || { fail "missing $tool"; finish; }
done

if [[ $full -eq 1 ]]; then
    seeds=(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
    san_runs=40
    vg_runs=12
else
    seeds=(1 2)
    san_runs=8
    vg_runs=4
fi

# --- the C tool, built as ffi/tests/c_abi.sh builds it -----------------------
prefix="$work/prefix"
if ! env PREFIX="$prefix" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" \
    "$root/ffi/install.sh" >"$work/log" 2>&1; then
    fail "ffi/install.sh" "$work/log"
    finish
fi
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
read -r -a pc_cflags <<<"$(pkg-config --cflags tcpphase)"
read -r -a pc_libs <<<"$(pkg-config --libs tcpphase)"
example="$root/ffi/examples/tcpphase_annotate.c"
cflags=(-std=c11 -Wall -Wextra -O1 -g)
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
ctool="$work/annotate_c"
if ! cc "${cflags[@]}" "${pc_cflags[@]}" "$example" -o "$ctool" "${pc_libs[@]}" \
    -Wl,-rpath,"$prefix/lib" -lpcap >"$work/log" 2>&1; then
    fail "the C tool builds" "$work/log"
    finish
fi
if ! cc "${cflags[@]}" "${san[@]}" "${pc_cflags[@]}" "$example" -o "$work/annotate_san" \
    "${pc_libs[@]}" -Wl,-rpath,"$prefix/lib" -lpcap >"$work/log" 2>&1; then
    fail "the C tool builds with ASan + UBSan" "$work/log"
    finish
fi

# --- the captures ----------------------------------------------------------
captures=()
while IFS= read -r -d '' f; do captures+=("$f"); done < <(
    find "$root/snapshots/captures" "$root/../shared/corpus" -type f \
        \( -name '*.pcap' -o -name '*.pcapng' \) -print0 2>/dev/null | sort -z
)
[[ ${#captures[@]} -gt 0 ]] || { fail "no captures found"; finish; }
# The same connection wrapped in every encapsulation and tunnel tcpphase
# reads (PPP, PPPoE, Cisco HDLC, NFLOG, radiotap, GRE, ERSPAN, VXLAN,
# Geneve, IP in IP), built by the wire tests.
if TCPPHASE_FIELD_CAPTURES="$work/field" cargo test -q --manifest-path "$root/Cargo.toml" \
    -p tcpphase --test wire_field_captures every_tunnel >"$work/log" 2>&1; then
    while IFS= read -r -d '' f; do captures+=("$f"); done < <(
        find "$work/field" -name '*.pcap' -print0 | sort -z
    )
    pass
else
    fail "building the tunnel captures (cargo test --test wire_field_captures)" "$work/log"
fi

# survivors.py ORIGINAL MUTATED ORIGINAL_JSON MUTATED_JSON: the frame
# numbers that have a line in ORIGINAL_JSON, whose bytes are the same in
# both captures (a cut file: complete before the cut), and that have no
# line in MUTATED_JSON.
cat >"$work/survivors.py" <<'PY'
import json, struct, sys

def frames(path):
    data = open(path, "rb").read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        at, e = 0, "<"
        while at + 12 <= len(data):
            btype = struct.unpack(e + "I", data[at:at + 4])[0]
            if btype == 0x0A0D0D0A:
                e = "<" if data[at + 8:at + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            blen = struct.unpack(e + "I", data[at + 4:at + 8])[0]
            if blen < 12 or at + blen > len(data):
                return
            body = data[at + 8:at + blen - 4]
            if btype == 6:
                cap = struct.unpack(e + "I", body[12:16])[0]
                yield body[20:20 + cap]
            elif btype == 3:
                yield body[4:]
            at += blen
        return
    e = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    at = 24
    while at + 16 <= len(data):
        cap = struct.unpack(e + "I", data[at + 8:at + 12])[0]
        if at + 16 + cap > len(data):
            return
        yield data[at + 16:at + 16 + cap]
        at += 16 + cap

def lines(path):
    out = set()
    for line in open(path, errors="replace"):
        line = line.strip()
        if line.startswith("{"):
            out.add(json.loads(line)["frame"])
    return out

original, mutated = list(frames(sys.argv[1])), list(frames(sys.argv[2]))
want, got = lines(sys.argv[3]), lines(sys.argv[4])
same = {i + 1 for i, (x, y) in enumerate(zip(original, mutated)) if x == y}
print(" ".join(str(n) for n in sorted((want & same) - got)))
PY

# run_ok NAME LOG COMMAND...: exit 0 or 1, no signal, no timeout, no panic.
run_ok() {
    local name="$1" log="$2"
    shift 2
    timeout 20 "$@" >"$log.out" 2>"$log.err"
    local status=$?
    if [[ $status -eq 124 ]]; then
        fail "$name: hung (killed after 20 s)" "$log.err"
        return 1
    elif [[ $status -gt 1 ]]; then
        fail "$name: exit status $status" "$log.err"
        return 1
    elif grep -qE "panicked at|RUST_BACKTRACE|AddressSanitizer|runtime error:" "$log.err"; then
        fail "$name: panic or sanitizer report" "$log.err"
        return 1
    fi
    pass
    return 0
}

# check_capture ORIGINAL MUTATED LABEL: the four runs and the survivors.
check_capture() {
    local original="$1" mutated="$2" label="$3"
    if run_ok "annotate --json $label" "$work/a" "$cli" annotate --json "$mutated"; then
        # Frames the mutation left intact that were TCP segments keep their line.
        local missing
        missing="$(python3 "$work/survivors.py" "$original" "$mutated" "$work/orig.out" "$work/a.out" 2>&1)"
        if [[ -z "$missing" ]]; then pass; else
            echo "intact frames without a line: $missing" >>"$work/a.err"
            fail "annotate --json $label: intact frames not annotated" "$work/a.err"
            cp "$mutated" "/tmp/tcpphase-mutate-failed-$(basename "$mutated")"
        fi
    fi
    run_ok "conns $label" "$work/c" "$cli" conns "$mutated"
    run_ok "C tool $label" "$work/t" "$ctool" "$mutated"
    run_ok "C tool --conns $label" "$work/tc" "$ctool" --conns "$mutated"
}

# --- editcap -E over seeds --------------------------------------------------
mutated_kept=()
for capture in "${captures[@]}"; do
    name="$(basename "$capture")"
    "$cli" annotate --json "$capture" >"$work/orig.out" 2>/dev/null
    ext="${name##*.}"
    for rate in 0.02 0.1; do
        for seed in "${seeds[@]}"; do
            m="$work/m-$rate-$seed-$name"
            if ! editcap -E "$rate" --seed "$seed" "$capture" "$m" >/dev/null 2>&1; then
                fail "editcap -E $rate --seed $seed $name"
                continue
            fi
            check_capture "$capture" "$m" "($name, -E $rate, seed $seed)"
            # Keep a few small ones for the sanitizers and valgrind.
            if [[ ${#mutated_kept[@]} -lt $san_runs && $(stat -c %s "$m") -lt 200000 && "$ext" == pcap ]]; then
                mutated_kept+=("$m")
            else
                rm -f "$m"
            fi
        done
    done
done
echo "mutated captures: $passed passed, $failed failed ($((SECONDS - start)) s)"

# --- cut at every byte ------------------------------------------------------
if [[ $full -eq 1 ]]; then
    cut_sources=("$root"/snapshots/captures/*.pcap)
else
    cut_sources=("$root/snapshots/captures/refused.pcap")
fi
for capture in "${cut_sources[@]}"; do
    [[ -f "$capture" ]] || continue
    # Every byte of the big ones would take hours: small captures only.
    [[ $(stat -c %s "$capture") -le 4096 ]] || continue
    name="$(basename "$capture")"
    "$cli" annotate --json "$capture" >"$work/orig.out" 2>/dev/null
    size=$(stat -c %s "$capture")
    for ((n = 0; n < size; n++)); do
        head -c "$n" "$capture" >"$work/cut.pcap"
        check_capture "$capture" "$work/cut.pcap" "($name cut at byte $n)"
    done
done
echo "cut captures: $passed passed, $failed failed ($((SECONDS - start)) s)"

# --- ASan + UBSan and valgrind on the C tool --------------------------------
for m in "${mutated_kept[@]}"; do
    label="($(basename "$m"))"
    run_ok "C tool under ASan + UBSan $label" "$work/s" "$work/annotate_san" "$m"
    run_ok "C tool --conns under ASan + UBSan $label" "$work/s" "$work/annotate_san" --conns "$m"
done
if command -v valgrind >/dev/null; then
    vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite)
    for m in "${mutated_kept[@]:0:$vg_runs}"; do
        label="($(basename "$m"))"
        if timeout 120 "${vg[@]}" "$ctool" --conns "$m" >/dev/null 2>"$work/vg.log" ||
            [[ $? -eq 1 ]]; then
            pass
        else
            fail "C tool under valgrind $label" "$work/vg.log"
        fi
    done
else
    fail "valgrind is not installed"
fi
echo "sanitizers: $passed passed, $failed failed ($((SECONDS - start)) s)"

# --- tshark with the plugin under valgrind ----------------------------------
if command -v valgrind >/dev/null && command -v tshark >/dev/null && pkg-config --exists wireshark; then
    version=$(pkg-config --modversion wireshark | cut -d. -f1,2)
    home="$work/home"
    plugins="$home/.local/lib/wireshark/plugins/$version/epan"
    if "$root/plugin/install.sh" --dest "$plugins" >"$work/log" 2>&1; then
        chmod -R a+rX "$work"
        as_user() {
            if [[ "$(id -u)" = 0 ]]; then
                setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$home" "$@"
            else
                env HOME="$home" "$@"
            fi
        }
        shark_inputs=("$root/snapshots/captures/refused.pcap")
        [[ ${#mutated_kept[@]} -gt 0 ]] && shark_inputs+=("${mutated_kept[0]}")
        for capture in "${shark_inputs[@]}"; do
            name="$(basename "$capture")"
            cp "$capture" "$work/shark-$name"
            chmod a+r "$work/shark-$name"
            rm -f "$work/vg-shark.log"
            touch "$work/vg-shark.log"
            chmod a+rw "$work/vg-shark.log"
            as_user timeout 300 valgrind --error-exitcode=0 --leak-check=no \
                --log-file="$work/vg-shark.log" tshark -n -2 -r "$work/shark-$name" \
                -T fields -e tcpphase.phase >"$work/shark.out" 2>"$work/shark.err"
            status=$?
            if [[ $status -ne 0 ]]; then
                fail "tshark under valgrind ($name): exit status $status" "$work/shark.err"
            elif ! grep -q . "$work/shark.out"; then
                fail "tshark under valgrind ($name): no tcpphase fields" "$work/shark.err"
            elif grep -qE "tcpphase\.so|packet-tcpphase\.c|libtcpphase" "$work/vg-shark.log"; then
                fail "tshark under valgrind ($name): errors in the plugin" "$work/vg-shark.log"
                grep -nE -B4 "tcpphase\.so|packet-tcpphase\.c|libtcpphase" "$work/vg-shark.log" | head -n 30
            else
                pass
            fi
            echo "tshark under valgrind ($name): $(grep -c . "$work/shark.out") frames labelled, $(grep -m1 -o 'ERROR SUMMARY: [0-9]* errors' "$work/vg-shark.log" || echo 'no valgrind summary') in tshark, none in tcpphase"
        done
    else
        fail "plugin/install.sh" "$work/log"
    fi
else
    echo "skipped: tshark with the plugin under valgrind (needs valgrind, tshark, libwireshark-dev)"
fi

finish
