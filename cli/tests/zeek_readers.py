"""`tcpphase conns --zeek` / `--zeek-json` read by third-party Zeek log readers.

zeek-cut is not packaged for Debian 12, so the log is checked with readers
from PyPI that Zeek's users run: zat (ZeekLogReader and LogToDataFrame for
the TSV log, JSONLogToDataFrame for the JSON log) and parsezeeklogs
(ZeekLog, both formats). Each must take every row of every log without a complaint, and
every value it reads must be the one we wrote: the reader's typed value is
turned back into Zeek's text and compared with our TSV cell, field by field.
A doctored log must be caught (the comparison is not vacuous).

Usage: zeek_readers.py TCPPHASE CAPTURE...   (prints `N passed, 0 failed`)
"""

import datetime
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from parsezeeklogs import ZeekLog
from zat.json_log_to_dataframe import JSONLogToDataFrame
from zat.log_to_dataframe import LogToDataFrame
from zat.zeek_log_reader import ZeekLogReader


# zat reads `time` as a naive local datetime: make local time UTC.
os.environ["TZ"] = "UTC"
time.tzset()


class Mismatch(Exception):
    """A reader rejected a log or read a value other than ours."""


def ours(tsv_text):
    """Our TSV as written: (#fields, #types, rows of raw cells)."""
    fields, types, rows = [], [], []
    for line in tsv_text.splitlines():
        if line.startswith("#fields\t"):
            fields = line.split("\t")[1:]
        elif line.startswith("#types\t"):
            types = line.split("\t")[1:]
        elif not line.startswith("#"):
            rows.append(line.split("\t"))
    if not fields or len(fields) != len(types):
        raise Mismatch("no #fields / #types header")
    for row in rows:
        if len(row) != len(fields):
            raise Mismatch(f"row of {len(row)} cells for {len(fields)} fields")
    return fields, types, rows


def seconds(value):
    """Zeek's time / interval text: seconds with 6 decimals."""
    return f"{value:.6f}"


def text_of(value, ztype):
    """Zeek's TSV text for a reader's typed value (None: unset)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "T" if value else "F"
    if ztype in ("time", "interval", "double"):
        return seconds(float(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return ",".join(text_of(v, "string") for v in value) if value else "(empty)"
    return str(value)


def expect(name, where, got, want):
    if got != want:
        raise Mismatch(f"{where}: {name} read as {got!r}, we wrote {want!r}")


def check_parsezeeklogs_tsv(path, fields, types, rows):
    log = ZeekLog(path)
    records = list(log)
    log.close()
    if log.skipped:
        raise Mismatch(f"parsezeeklogs skipped {log.skipped} line(s)")
    expect("rows", "parsezeeklogs TSV", len(records), len(rows))
    expect("#fields", "parsezeeklogs TSV", log.fields, fields)
    for i, (record, row) in enumerate(zip(records, rows)):
        for name, ztype, cell in zip(fields, types, row):
            expect(name, f"parsezeeklogs TSV row {i}", text_of(record[name], ztype), cell)


def check_parsezeeklogs_json(path, fields, types, rows):
    log = ZeekLog(path)
    records = list(log)
    log.close()
    if log.skipped:
        raise Mismatch(f"parsezeeklogs skipped {log.skipped} JSON line(s)")
    expect("rows", "parsezeeklogs JSON", len(records), len(rows))
    for i, (record, row) in enumerate(zip(records, rows)):
        extra = set(record) - set(fields)
        if extra:
            raise Mismatch(f"parsezeeklogs JSON row {i}: fields {extra} not in #fields")
        for name, ztype, cell in zip(fields, types, row):
            got = text_of(record.get(name), ztype)
            expect(name, f"parsezeeklogs JSON row {i}", got, cell)


def zat_text(reader, value, ztype, cell):
    """Zeek's text for zat's typed value; unset reads as zat's own default."""
    if cell == "-":
        default = reader.dash_mapper.get(ztype, "-")
        return "-" if value == default else f"{value!r} (not zat's unset {default!r})"
    if isinstance(value, datetime.datetime):
        return seconds(value.replace(tzinfo=datetime.timezone.utc).timestamp())
    if isinstance(value, datetime.timedelta):
        return seconds(value.total_seconds())
    if isinstance(value, bool):
        return "T" if value else "F"
    return str(value)


def check_zat_tsv(path, fields, types, rows):
    reader = ZeekLogReader(path, strict=True)
    records = list(reader.readrows())
    expect("rows", "zat ZeekLogReader", len(records), len(rows))
    for i, (record, row) in enumerate(zip(records, rows)):
        expect("fields", f"zat ZeekLogReader row {i}", list(record), fields)
        for name, ztype, cell in zip(fields, types, row):
            got = zat_text(reader, record[name], ztype, cell)
            expect(name, f"zat ZeekLogReader row {i}", got, cell)


def frame_text(value, ztype):
    """Zeek's text for a value of a pandas DataFrame cell."""
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return "-"
    if isinstance(value, pd.Timestamp):
        return seconds(value.value / 1e9)
    if isinstance(value, pd.Timedelta):
        return seconds(value.total_seconds())
    if isinstance(value, (bool, np.bool_)):
        return "T" if value else "F"
    if ztype in ("time", "interval", "double"):
        return seconds(float(value))
    if ztype in ("count", "port", "int"):
        return str(int(value))
    return str(value)


def check_frame(frame, reader, fields, types, rows):
    expect("rows", reader, len(frame), len(rows))
    if not set(frame.columns) <= set(fields):
        raise Mismatch(f"{reader}: columns {set(frame.columns) - set(fields)} not in #fields")
    for i, row in enumerate(rows):
        for name, ztype, cell in zip(fields, types, row):
            value = frame[name].iloc[i] if name in frame.columns else None
            expect(name, f"{reader} row {i}", frame_text(value, ztype), cell)


def check_zat_dataframe(path, fields, types, rows):
    frame = LogToDataFrame().create_dataframe(path, ts_index=False)
    expect("columns", "zat LogToDataFrame", list(frame.columns), fields)
    check_frame(frame, "zat LogToDataFrame", fields, types, rows)


def check_zat_json(path, fields, types, rows):
    frame = JSONLogToDataFrame().create_dataframe(path, ts_index=False)
    check_frame(frame, "zat JSONLogToDataFrame", fields, types, rows)


CHECKS = [check_parsezeeklogs_tsv, check_zat_tsv, check_zat_dataframe]
JSON_CHECKS = [check_parsezeeklogs_json, check_zat_json]


def run(tcpphase, capture, flag):
    done = subprocess.run(
        [tcpphase, "conns", flag, capture], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise Mismatch(f"tcpphase {flag} {capture}: exit {done.returncode}: {done.stderr}")
    return done.stdout


def main():
    tcpphase, captures = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    work = tempfile.mkdtemp()
    for capture in captures:
        tsv_text = run(tcpphase, capture, "--zeek")
        json_text = run(tcpphase, capture, "--zeek-json")
        tsv = os.path.join(work, "conn.log")
        js = os.path.join(work, "conn.json")
        with open(tsv, "w") as f:
            f.write(tsv_text)
        with open(js, "w") as f:
            f.write(json_text)
        fields, types, rows = ours(tsv_text)
        for check, path in [(c, tsv) for c in CHECKS] + [(c, js) for c in JSON_CHECKS]:
            try:
                check(path, fields, types, rows)
                passed += 1
            except Exception as e:  # a reader's own exception is a rejection too
                failed += 1
                print(f"FAIL {os.path.basename(capture)}: {check.__name__}: {e}")
    # The comparison catches a value changed in the file (duration of the
    # last row of the last log with a duration).
    doctored = [r for r in rows if r[fields.index("duration")] != "-"]
    if doctored:
        changed = tsv_text.replace("\t" + doctored[-1][fields.index("duration")] + "\t", "\t9.999999\t")
        with open(tsv, "w") as f:
            f.write(changed)
        for check in CHECKS:
            try:
                check(tsv, fields, types, rows)
                failed += 1
                print(f"FAIL {check.__name__} did not notice a changed duration")
            except Mismatch:
                passed += 1
    print(f"{passed} passed, {failed} failed (Zeek log readers: zat, parsezeeklogs)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
