#!/usr/bin/env bash
# Builds the tcpphase Wireshark plugin and installs it for the current user:
#   $HOME/.local/lib/wireshark/plugins/<major.minor>/epan/tcpphase.so
# or into --dest DIR. Prints where it went.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest=""
while [ $# -gt 0 ]; do
    case "$1" in
        --dest) dest="$2"; shift 2 ;;
        --dest=*) dest="${1#--dest=}"; shift ;;
        -h|--help) echo "usage: plugin/install.sh [--dest DIR]"; exit 0 ;;
        *) echo "plugin/install.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
"$here/build.sh" >/dev/null
if [ -z "$dest" ]; then
    version=$(pkg-config --modversion wireshark | cut -d. -f1,2)
    dest="$HOME/.local/lib/wireshark/plugins/$version/epan"
fi
mkdir -p "$dest"
install -m 0644 "$here/build/tcpphase.so" "$dest/tcpphase.so"
echo "installed $dest/tcpphase.so"
