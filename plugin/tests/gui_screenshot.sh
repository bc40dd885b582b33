#!/usr/bin/env bash
# The real Wireshark GUI (Debian's wireshark-qt) under Xvfb, with the
# plugin and the tcpphase profile, on recorded connections: checks that the
# window comes up and stays up, and keeps a screenshot as an artifact,
# target/plugin-artifacts/wireshark-gui.png (ImageMagick's import).
# Needs root or an X-less machine with wireshark-qt, xvfb, imagemagick and
# x11-utils, and `cargo build --release` first. The last line says
# `N passed, M failed`.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
artifacts="$target/plugin-artifacts"
work="$(mktemp -d /tmp/tcpphase-gui.XXXXXX)"
chmod 755 "$work"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -f "$work/log" ] && sed 's/^/     /' "$work/log" | tail -n 15; }
xvfb_pid=""
gui_pid=""
cleanup() {
    [ -n "$gui_pid" ] && kill "$gui_pid" 2>/dev/null
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

for tool in wireshark Xvfb import xwininfo mergecap; do
    command -v "$tool" >/dev/null || { fail "missing $tool (Debian: wireshark-qt xvfb imagemagick x11-utils)"; finish; }
done
home="$work/home"
version=$(pkg-config --modversion wireshark | cut -d. -f1,2)
if ! TCPPHASE_LIB="${TCPPHASE_LIB:-$target/release/libtcpphase.a}" "$root/plugin/install.sh" \
    --dest "$home/.local/lib/wireshark/plugins/$version/epan" --profile \
    --config-dir "$home/.config/wireshark" >"$work/log" 2>&1; then
    fail "plugin/install.sh --profile"
    finish
fi
captures="$root/snapshots/captures"
mergecap -w "$work/demo.pcap" "$captures/http-server-closes.pcap" "$captures/refused.pcap" \
    "$captures/half-close.pcap" "$captures/rst-abort-client.pcap"
mkdir -p "$home/.config/wireshark" "$work/runtime"
# The main window as large as the screen, the packet list given room.
cat >"$home/.config/wireshark/recent_common" <<'RECENT'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1600
gui.geometry_main_height: 900
gui.geometry_main_maximized: FALSE
gui.geometry_main_upper_pane: 520
RECENT
chmod 700 "$work/runtime"
chmod -R a+rX "$work"
user=()
if [ "$(id -u)" = 0 ]; then
    user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    chown -R nobody:nogroup "$home" "$work/runtime"
fi

display=":47"
Xvfb "$display" -screen 0 1600x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do xwininfo -display "$display" -root >/dev/null 2>&1 && break; sleep 0.1; done
"${user[@]}" env -i PATH="$PATH" HOME="$home" DISPLAY="$display" XDG_RUNTIME_DIR="$work/runtime" \
    QT_QPA_PLATFORM=xcb LANG=C.UTF-8 \
    wireshark -C tcpphase -o gui.update.enabled:FALSE -r "$work/demo.pcap" >"$work/log" 2>&1 &
gui_pid=$!
# Up when a top-level window titled after the file is mapped.
up=false
for _ in $(seq 60); do
    if xwininfo -display "$display" -root -tree 2>/dev/null | grep -q '"demo.pcap'; then up=true; break; fi
    sleep 0.5
done
if $up; then pass "the Wireshark window comes up with demo.pcap"; else fail "the Wireshark window"; fi
sleep 4 # the packet list fills and the colouring applies
mkdir -p "$artifacts"
DISPLAY="$display" import -window root "$artifacts/wireshark-gui.png" 2>>"$work/log"
colours=$(convert "$artifacts/wireshark-gui.png" -format '%k' info: 2>/dev/null || echo 0)
if kill -0 "$gui_pid" 2>/dev/null && [ "$colours" -gt 50 ]; then
    pass "Wireshark still runs; screenshot $artifacts/wireshark-gui.png ($colours colours)"
else
    fail "Wireshark died or the screenshot is blank ($colours colours)"
fi
if "${user[@]}" env HOME="$home" tshark -G plugins 2>/dev/null | grep -q tcpphase.so; then
    pass "the plugin Wireshark loads is listed (tshark -G plugins, same home)"
else
    fail "plugin listed"
fi
finish
