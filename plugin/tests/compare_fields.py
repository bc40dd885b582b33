#!/usr/bin/env python3
"""Compares tshark's tcpphase.* fields with `tcpphase annotate --json`.

usage: compare_fields.py CLI_JSONL TSHARK_FIELDS
TSHARK_FIELDS: lines of frame|stream|conn|dir|phase|step|client_state|server_state|closer
Exits 1 with the differences listed, 0 when every TCP frame agrees.
"""
import json
import sys

KEYS = ["stream", "conn", "dir", "phase", "step", "client_state", "server_state", "closer"]


def main():
    cli = {}
    with open(sys.argv[1]) as f:
        for line in f:
            record = json.loads(line)
            cli[record["frame"]] = record
    shark = {}
    with open(sys.argv[2]) as f:
        for line in f:
            fields = line.rstrip("\n").split("|")
            if len(fields) < 9 or not fields[4]:
                continue
            shark[int(fields[0])] = dict(zip(KEYS, fields[1:9]))
    problems = []
    for frame, record in sorted(cli.items()):
        got = shark.get(frame)
        if got is None:
            problems.append(f"frame {frame}: tshark shows no tcpphase fields")
            continue
        for key in KEYS:
            if key not in record:
                continue  # a malformed frame has only phase and step
            want = str(record[key])
            if want != got[key]:
                problems.append(f"frame {frame}: {key} {got[key]!r} in tshark, {want!r} in the CLI")
    for frame in sorted(set(shark) - set(cli)):
        problems.append(f"frame {frame}: tshark has tcpphase fields, the CLI no line")
    if problems:
        print("\n".join(problems[:40]))
        sys.exit(1)
    print(f"{len(cli)} frames agree")


main()
