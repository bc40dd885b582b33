#!/bin/sh
# Re-record the TCP loopback captures in snapshots/captures/.
# Usage: sudo snapshots/record/record.sh [scenario ...]   (--list for names)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}

if ! command -v "$py" >/dev/null 2>&1; then
    echo "record.sh: $py not found (set PYTHON=...)" >&2
    exit 1
fi
case "${1:-}" in
    --list|-h|--help) exec "$py" "$here/record.py" "$@" ;;
esac
if [ "$(id -u)" -ne 0 ]; then
    echo "record.sh: must run as root (tcpdump needs CAP_NET_RAW): sudo $0 $*" >&2
    exit 1
fi
if ! command -v tcpdump >/dev/null 2>&1; then
    echo "record.sh: tcpdump not found (apt-get install tcpdump)" >&2
    exit 1
fi
exec "$py" "$here/record.py" "$@"
