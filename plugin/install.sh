#!/usr/bin/env bash
# Builds the tcpphase Wireshark plugin and installs it for the current user:
#   $HOME/.local/lib/wireshark/plugins/<major.minor>/epan/tcpphase.so
# or into --dest DIR. With --profile, also installs the configuration
# profile "tcpphase" (phase columns, colouring rules by phase) into
# $HOME/.config/wireshark/profiles/tcpphase (or --config-dir DIR/profiles).
# Prints where things went. Restart Wireshark afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest=""
profile=false
config="${XDG_CONFIG_HOME:-$HOME/.config}/wireshark"
while [ $# -gt 0 ]; do
    case "$1" in
        --dest) dest="$2"; shift 2 ;;
        --dest=*) dest="${1#--dest=}"; shift ;;
        --profile) profile=true; shift ;;
        --config-dir) config="$2"; shift 2 ;;
        --config-dir=*) config="${1#--config-dir=}"; shift ;;
        -h|--help) echo "usage: plugin/install.sh [--dest DIR] [--profile] [--config-dir DIR]"; exit 0 ;;
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
if $profile; then
    mkdir -p "$config/profiles/tcpphase"
    install -m 0644 "$here/profile/preferences" "$here/profile/colorfilters" "$here/profile/recent" \
        "$config/profiles/tcpphase/"
    echo "installed profile $config/profiles/tcpphase"
fi
