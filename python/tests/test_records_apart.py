"""Each record is a dict of its own: what a caller does to one (a key
changed, added or removed, its ``flags`` list appended to) reaches no other
record, read before or after. The package makes a segment's dict from the
last one of its connection and direction, so this is what could break."""

import copy

import pytest

import tcpphase
from conftest import CAPTURES
from test_tracker import pcap_frames

SNAPSHOTS = sorted(CAPTURES.glob("*.pcap"))


def mangle(record):
    """Changes ``record`` every way a caller could."""
    record["flags"].append("mangled")
    record["flags"].append(record["frame"])
    record["phase"] = "mangled"
    record["extra"] = [record.get("frame")]
    record.pop("seq", None)
    record.pop("src", None)


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.name)
def test_a_changed_record_changes_no_other(path):
    untouched = list(tcpphase.annotate(path))
    assert untouched
    seen = []
    for record in tcpphase.annotate(path):
        seen.append(copy.deepcopy(record))
        mangle(record)
    assert seen == untouched
    # And the records kept whole meanwhile stayed as they were.
    assert untouched == list(tcpphase.annotate(path))


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.name)
def test_a_changed_tracker_record_changes_no_other(path):
    untouched = list(tcpphase.annotate(path))
    tracker = tcpphase.Tracker()
    seen = []
    for linktype, data, _, sec, usec in pcap_frames(path):
        record = tracker.feed(linktype, data, sec + usec / 1_000_000)
        if record is not None:
            seen.append(copy.deepcopy(record))
            mangle(record)
    # A float of seconds is not exactly the reader's nanoseconds: ts aside.
    assert [without_ts(r) for r in seen] == [without_ts(r) for r in untouched]


def without_ts(record):
    return {k: v for k, v in record.items() if k != "ts"}


def test_records_of_one_connection_share_no_list():
    records = list(tcpphase.annotate(CAPTURES / "data-bulk.pcap"))
    assert len(records) > 10
    lists = {id(r["flags"]) for r in records}
    assert len(lists) == len(records)
    dicts = {id(r) for r in records}
    assert len(dicts) == len(records)
