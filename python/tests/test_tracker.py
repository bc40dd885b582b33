"""A Tracker fed frame by frame says what annotate and conns say."""

import pytest

import tcpphase
from conftest import CAPTURES


def pcap_frames(path):
    """(linktype, data, ts) of each frame of a little-endian microsecond pcap."""
    import struct

    data = path.read_bytes()
    magic, _, _, _, _, _, linktype = struct.unpack_from("<IHHiIII", data, 0)
    assert magic == 0xA1B2C3D4, "the snapshot captures are little-endian pcap"
    offset = 24
    while offset < len(data):
        sec, usec, incl, _ = struct.unpack_from("<IIII", data, offset)
        offset += 16
        yield linktype, data[offset : offset + incl], sec + usec / 1e6, sec, usec
        offset += incl


@pytest.mark.parametrize("path", sorted(CAPTURES.glob("*.pcap")), ids=lambda p: p.name)
def test_fed_frames_get_the_records_of_annotate_and_conns(path):
    t = tcpphase.Tracker()
    fed = []
    for linktype, data, _, sec, usec in pcap_frames(path):
        # An int of seconds plus the microseconds, as ns: exact, like the reader.
        record = t.feed(linktype, data, sec + usec / 1_000_000)
        if record is not None:
            fed.append(record)
    expected = list(tcpphase.annotate(path))
    assert [r["frame"] for r in fed] == [r["frame"] for r in expected]
    for got, want in zip(fed, expected):
        assert {k: v for k, v in got.items() if k != "ts"} == {
            k: v for k, v in want.items() if k != "ts"
        }
        assert got["ts"] == pytest.approx(want["ts"], abs=1e-6)
    summaries = t.summaries() + t.finish()
    want = list(tcpphase.conns(path))
    assert [s["conn"] for s in summaries] == [s["conn"] for s in want]
    assert [s["history"] for s in summaries] == [s["history"] for s in want]
    assert t.finish() == []


def test_not_tcp_is_none_and_a_bad_header_is_a_malformed_record():
    t = tcpphase.Tracker()
    # An ARP frame on Ethernet: not TCP.
    arp = bytes(12) + b"\x08\x06" + bytes(28)
    assert t.feed(1, arp, 1.5) is None
    # Raw IPv4 claiming TCP with a 5-byte TCP header.
    bad = bytes([0x45, 0, 0, 25, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 1, 2, 3, 4, 5])
    record = t.feed(228, bad, 2)
    assert record["phase"] == "other" and record["step"] == "malformed"
    assert record["frame"] == 2 and record["error"].startswith("frame 2: ")
    assert t.frames == 2


def test_to_dataframe():
    pandas = pytest.importorskip("pandas")
    frame = tcpphase.to_dataframe(tcpphase.conns(CAPTURES / "port-reuse.pcap"))
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns)[:3] == ["conn", "stream", "client"]
    assert len(frame) == len(list(tcpphase.conns(CAPTURES / "port-reuse.pcap")))
