"""Bad input raises Python exceptions with the CLI's message; nothing
crashes the interpreter."""

import io
import os
import random
import subprocess

import pytest

import tcpphase
from conftest import CAPTURES


def cli_message(cli, *args):
    done = subprocess.run([cli, *args], capture_output=True, text=True)
    assert done.returncode != 0
    return done.stderr.strip().removeprefix("tcpphase: ")


def test_a_missing_file_says_so_as_the_cli_does(cli, tmp_path):
    missing = str(tmp_path / "nope.pcap")
    with pytest.raises(tcpphase.TcpphaseError) as e:
        list(tcpphase.annotate(missing))
    assert str(e.value) == cli_message(cli, "annotate", "--json", missing)


def test_not_a_capture(cli, tmp_path):
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"this is not a capture at all\n")
    for function, command in ((tcpphase.annotate, "annotate"), (tcpphase.conns, "conns")):
        with pytest.raises(tcpphase.TcpphaseError) as e:
            list(function(str(junk)))
        assert str(e.value) == cli_message(cli, command, "--json", str(junk))
    with pytest.raises(tcpphase.TcpphaseError) as e:
        tcpphase.states(str(junk))
    assert str(e.value) == cli_message(cli, "states", "--json", str(junk))


def test_a_cut_capture_yields_what_precedes_the_damage_then_raises(cli, tmp_path):
    data = (CAPTURES / "data-bulk.pcap").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[: len(data) // 2])
    got = []
    with pytest.raises(tcpphase.TcpphaseError) as e:
        for record in tcpphase.annotate(str(cut)):
            got.append(record)
    assert got, "the frames before the cut are annotated"
    assert str(e.value) == cli_message(cli, "annotate", "--json", str(cut))


def test_an_unknown_stream_and_bad_filters():
    path = CAPTURES / "refused.pcap"
    with pytest.raises(tcpphase.TcpphaseError, match="no stream 9: the capture has only stream 0"):
        list(tcpphase.annotate(path, stream=9))
    with pytest.raises(ValueError, match="unknown phase 'finish'"):
        tcpphase.annotate(path, phase="finish")
    with pytest.raises(ValueError, match="is not an IPv4 or IPv6 address"):
        tcpphase.conns(path, host="10.0.0.300")
    with pytest.raises(ValueError):
        tcpphase.annotate(path, port=70000)
    with pytest.raises(TypeError):
        tcpphase.annotate(12)
    with pytest.raises(tcpphase.TcpphaseError, match="no frame 99"):
        tcpphase.states(path, at=99)
    with pytest.raises(ValueError):
        tcpphase.states(path, at_time=-1.0)
    with pytest.raises(ValueError, match="unknown style"):
        tcpphase.states(path, style="bsd")


def test_a_text_file_object_is_refused_with_a_reason():
    with pytest.raises(tcpphase.TcpphaseError, match="binary mode"):
        list(tcpphase.annotate(io.StringIO("not bytes")))


def test_a_file_object_whose_read_fails():
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, n=-1):
            raise OSError("disk on fire")

    with pytest.raises(tcpphase.TcpphaseError, match="disk on fire"):
        list(tcpphase.annotate(Broken()))


def test_mutated_captures_never_crash_the_interpreter():
    rng = random.Random(18)
    originals = [p.read_bytes() for p in sorted(CAPTURES.glob("*.pcap"))]
    for _ in range(300):
        data = bytearray(rng.choice(originals))
        for _ in range(rng.randint(1, 12)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data[: rng.randint(0, len(data))])
        try:
            list(tcpphase.annotate(io.BytesIO(data)))
            list(tcpphase.conns(io.BytesIO(data)))
        except tcpphase.TcpphaseError:
            pass


def test_random_frames_into_a_tracker_never_crash():
    rng = random.Random(9293)
    t = tcpphase.Tracker()
    for i in range(5000):
        frame = os.urandom(rng.randint(0, 120))
        linktype = rng.choice([0, 1, 101, 113, 228, 229, 276])
        try:
            t.feed(linktype, frame, 1.0 + i / 1000)
        except tcpphase.TcpphaseError:
            pass
    t.finish()
    with pytest.raises(tcpphase.TcpphaseError, match="unsupported link type 147"):
        t.feed(147, b"\x00" * 40, 1.0)
    with pytest.raises(ValueError):
        t.feed(1, b"", -1.0)
    with pytest.raises(TypeError):
        t.feed(1, "text", 1.0)
