"""How fast tcpphase.annotate turns a capture into dicts: pass or fail.

    python python/bench/annotate_speed.py CAPTURE [--repeat N] [--min M]

Reads CAPTURE (from the page cache after the first pass) with
``tcpphase.annotate`` N times (``for record in ...``, each dict alive until
the next one) and prints segments per second of CPU time (this process's:
a busy machine inflates it less than wall-clock time): the median and the
best pass. Then, for scale, CPython building as many dicts of the same keys
from values it already has, and ``tcpphase.conns`` (reading and tracking,
no dict per segment). Exits 1 when the median is under M million segments
a second (default 1.0), 0 otherwise. A capture to try:
``cargo run --release -p tcpphase-workload -- --connections 20000 -o w.pcap``.
"""

import argparse
import statistics
import sys
import time

import tcpphase


def passes(count, work):
    """The result of ``work`` and the CPU seconds of each of ``count`` runs."""
    cpus = []
    result = 0
    for _ in range(count):
        cpu = time.process_time()
        result = work()
        cpus.append(time.process_time() - cpu)
    return result, cpus


def count_segments(path):
    n = 0
    for record in tcpphase.annotate(path):
        n += 1
    return n


def count_conns(path):
    n = 0
    for record in tcpphase.conns(path):
        n += 1
    return n


def python_dicts(template, count):
    """CPython building ``count`` dicts of the same keys from values it
    already has (no capture read at all)."""
    keys = list(template)
    values = list(template.values())
    for i in range(count):
        values[0] = i
        dict(zip(keys, values))
    return count


def rates(count, cpus):
    """Median and best rate, in millions a second."""
    return count / statistics.median(cpus) / 1e6, count / min(cpus) / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture")
    parser.add_argument("--repeat", type=int, default=5, help="passes (default 5)")
    parser.add_argument(
        "--min",
        type=float,
        default=1.0,
        help="median M segments/s of CPU time to pass (default 1.0)",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    segments, cpus = passes(args.repeat, lambda: count_segments(args.capture))
    if segments == 0:
        print(f"{args.capture}: no TCP segment to measure", file=sys.stderr)
        return 2
    median, best = rates(segments, cpus)
    print(
        f"annotate: {segments} segments into dicts: {median:.2f} M/s CPU median, "
        f"{best:.2f} best, of {args.repeat} passes"
    )
    template = next(iter(tcpphase.annotate(args.capture)))
    _, cpus = passes(args.repeat, lambda: python_dicts(template, segments))
    print(
        "python:   CPython making as many such dicts from ready values: "
        "{:.2f} M/s CPU median, {:.2f} best".format(*rates(segments, cpus))
    )
    conns, cpus = passes(args.repeat, lambda: count_conns(args.capture))
    print(
        f"conns:    {conns} connections, no dict per segment: "
        "{:.2f} M segments/s CPU median, {:.2f} best".format(*rates(segments, cpus))
    )
    verdict = "pass" if median >= args.min else "FAIL"
    print(f"{verdict}: annotate median {median:.2f} M segments/s, aim {args.min:.2f}")
    return 0 if median >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
