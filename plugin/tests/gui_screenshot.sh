#!/usr/bin/env bash
# The real Wireshark GUI (Debian's wireshark-qt) under Xvfb, with the
# plugin and the tcpphase profile, on recorded connections: checks that the
# window comes up and stays up, that Conversation Filter > TCP Connection
# Phase filters to the selected frame's connection, and that the
# statistics table (Statistics > TCP Connection Phase) lists every
# connection and sorts; keeps screenshots as artifacts in
# target/plugin-artifacts/ (wireshark-gui.png, -filter.png, -table.png;
# ImageMagick's import; clicks and keys with xdotool, the table's text
# through the clipboard with xclip).
# Needs root or an X-less machine with wireshark-qt, xvfb, imagemagick,
# x11-utils, xdotool and xclip, and `cargo build --release` first. The last line says
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

for tool in wireshark Xvfb import xwininfo mergecap xdotool xclip; do
    command -v "$tool" >/dev/null || { fail "missing $tool (Debian: wireshark-qt xvfb imagemagick x11-utils xdotool xclip)"; finish; }
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
start_gui() { # extra wireshark arguments
    "${user[@]}" env -i PATH="$PATH" HOME="$home" DISPLAY="$display" XDG_RUNTIME_DIR="$work/runtime" \
        QT_QPA_PLATFORM=xcb LANG=C.UTF-8 \
        wireshark -C tcpphase -o gui.update.enabled:FALSE -r "$work/demo.pcap" "$@" >"$work/log" 2>&1 &
    gui_pid=$!
}
start_gui
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

# Filter to a connection: frame 12 (connection 1, 15 frames) selected, its
# menu's Conversation Filter > TCP Connection Phase. The clicks are at
# places fixed by the window's geometry above (the packet list's rows, the
# menus Qt opens beside them); Wireshark keeps the applied filter in
# recent_common when it quits.
x() { DISPLAY="$display" xdotool "$@"; }
x mousemove 300 307 click 1
sleep 0.5
x click 3
sleep 1
x mousemove 390 523 click 1 # Conversation Filter
sleep 1
x mousemove 743 886 click 1 # > TCP Connection Phase
sleep 2
DISPLAY="$display" import -window root "$artifacts/wireshark-filter.png" 2>>"$work/log"
x key ctrl+q
for _ in $(seq 20); do kill -0 "$gui_pid" 2>/dev/null || break; sleep 0.5; done
applied=$(sed -n 's/^recent.display_filter: //p' "$home/.config/wireshark/recent_common" | tail -n 1)
if [ "$applied" = "tcpphase.conn == 1" ]; then
    pass "Conversation Filter > TCP Connection Phase on frame 12 applies $applied (screenshot $artifacts/wireshark-filter.png)"
else
    fail "conversation filter: applied '${applied}', expected 'tcpphase.conn == 1'"
fi

# Statistics > TCP Connection Phase (opened with -z, as the menu does): one
# row per connection, sortable. Its rows are read as the dialog's Copy
# button puts them on the clipboard, before and after a click on the
# "bytes" header (places fixed by the dialog's size and place, set here).
start_gui -z tcpphase,table
dialog=""
for _ in $(seq 60); do
    dialog=$(x search --name "TCP Connection Phase" 2>/dev/null | head -n 1)
    [ -n "$dialog" ] && break
    sleep 0.5
done
sleep 2
table_rows() { # conn and bytes of each row, as the dialog shows them
    DISPLAY="$display" timeout 5 xclip -o -selection clipboard 2>/dev/null |
        awk 'NF >= 13 && $1 ~ /^[0-9]+$/ { print $1 ":" $NF }' | tr '\n' ' ' | sed 's/ $//'
}
if [ -n "$dialog" ]; then
    x windowsize "$dialog" 1500 420 windowmove "$dialog" 50 300
    sleep 1
    x mousemove 1314 696 click 1 # Copy
    sleep 0.5
    before=$(table_rows)
    want=$("${user[@]}" env HOME="$home" tshark -n -q -r "$work/demo.pcap" -z tcpphase,conns 2>/dev/null |
        awk '$1 ~ /^[0-9]+$/ { print $1 ":" $NF }' | tr '\n' ' ' | sed 's/ $//')
    if [ -n "$before" ] && [ "$before" = "$want" ]; then
        pass "the statistics table lists every connection of tshark -z tcpphase,conns (conn:bytes $before)"
    else
        fail "statistics table rows '$before', tshark -z tcpphase,conns '$want'"
    fi
    x mousemove 1470 322 click 1 # the "bytes" header
    sleep 0.5
    x mousemove 1314 696 click 1 # Copy
    sleep 0.5
    after=$(table_rows)
    sorted=$(echo "$before" | tr ' ' '\n' | sort -t: -k2,2n -k1,1n | tr '\n' ' ' | sed 's/ $//')
    if [ -n "$after" ] && [ "$after" = "$sorted" ] && [ "$after" != "$before" ]; then
        pass "a click on the bytes header sorts the table ($after)"
    else
        fail "sorting by bytes: '$after', expected '$sorted'"
    fi
    DISPLAY="$display" import -window root "$artifacts/wireshark-table.png" 2>>"$work/log"
else
    fail "no Statistics window for -z tcpphase,table"
fi
finish
