#!/usr/bin/env python3
"""Compares tshark's tcpphase.* fields with `tcpphase annotate --json`.

usage: compare_fields.py CLI_JSONL TSHARK_FIELDS
TSHARK_FIELDS: lines of frame|tcp.stream|stream|conn|dir|phase|step|client_state|server_state|closer
Every tcpphase.stream must equal Wireshark's tcp.stream; the other fields
must equal the CLI's (its stream numbers follow its own rule, which may be
another Wireshark's). Exits 1 with the differences listed, 0 when all agree.
"""
import json
import sys

KEYS = ["stream", "conn", "dir", "phase", "step", "client_state", "server_state", "closer"]


def main():
    problems = []
    cli = {}
    with open(sys.argv[1]) as f:
        for line in f:
            record = json.loads(line)
            cli[record["frame"]] = record
    shark = {}
    with open(sys.argv[2]) as f:
        for line in f:
            fields = line.rstrip("\n").split("|")
            if len(fields) < 10 or not fields[5]:
                continue
            if fields[1] != fields[2]:
                problems.append(f"frame {fields[0]}: tcpphase.stream {fields[2]}, tcp.stream {fields[1]}")
            shark[int(fields[0])] = dict(zip(KEYS, fields[2:10]))
    for frame, record in sorted(cli.items()):
        got = shark.get(frame)
        if got is None:
            problems.append(f"frame {frame}: tshark shows no tcpphase fields")
            continue
        for key in KEYS:
            if key == "stream" or key not in record:
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
