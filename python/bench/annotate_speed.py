"""How fast tcpphase.annotate turns a capture into dicts.

    python bench/annotate_speed.py CAPTURE [--repeat N]

Reads CAPTURE (from the page cache after the first pass) with
``tcpphase.annotate`` N times, keeping every dict alive until the next one
(``for record in ...``), and prints segments per second for the best pass;
then the same for ``tcpphase.conns``. A capture to try:
``cargo run --release -p tcpphase-workload -- --connections 100000 -o big.pcap``.
"""

import argparse
import time

import tcpphase


def best(passes, work):
    """The count and the best wall-clock and CPU seconds of ``passes`` runs
    (CPU time: this process's, which a busy machine inflates less)."""
    walls, cpus = [], []
    count = 0
    for _ in range(passes):
        wall, cpu = time.perf_counter(), time.process_time()
        count = work()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return count, min(walls), min(cpus)


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
    """The floor on this machine: CPython building ``count`` dicts of the
    same keys from values it already has (no capture read at all)."""
    keys = list(template)
    values = list(template.values())
    for i in range(count):
        values[0] = i
        dict(zip(keys, values))
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    segments, wall, cpu = best(args.repeat, lambda: count_segments(args.capture))
    print(
        f"annotate: {segments} segments into dicts: {segments / wall / 1e6:.2f} M/s "
        f"wall ({wall:.3f} s), {segments / cpu / 1e6:.2f} M/s CPU ({cpu:.3f} s), best of {args.repeat}"
    )
    template = next(iter(tcpphase.annotate(args.capture)))
    _, wall, cpu = best(args.repeat, lambda: python_dicts(template, segments))
    print(
        f"floor:    CPython making {segments} such dicts from ready values: "
        f"{segments / wall / 1e6:.2f} M/s wall, {segments / cpu / 1e6:.2f} M/s CPU"
    )
    conns, wall, cpu = best(args.repeat, lambda: count_conns(args.capture))
    print(
        f"conns:    {conns} connections from {segments} segments: {segments / wall / 1e6:.2f} M "
        f"segments/s wall ({wall:.3f} s), {segments / cpu / 1e6:.2f} M/s CPU ({cpu:.3f} s)"
    )


if __name__ == "__main__":
    main()
