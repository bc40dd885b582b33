"""The package's records are the CLI's JSON records, key for key and value
for value, on every snapshot capture and every corpus capture."""

import io
import json
import subprocess

import pytest

import tcpphase
from conftest import CAPTURES, CORPUS, captures

CAPTURE_LIST = captures()
IDS = [str(p.relative_to(p.parents[1])) for p in CAPTURE_LIST]


def run_cli(cli, *args):
    """The CLI's JSON Lines (as Python objects), exit status and stderr."""
    done = subprocess.run([cli, *args], capture_output=True, text=True)
    records = [json.loads(line) for line in done.stdout.splitlines()]
    return records, done.returncode, done.stderr


def read_all(function, *args, **kwargs):
    """Every record ``function(*args, **kwargs)`` yields, and the error it
    ended with, or was refused with at the call (or None)."""
    records = []
    try:
        for r in function(*args, **kwargs):
            records.append(r)
    except tcpphase.TcpphaseError as e:
        return records, str(e)
    return records, None


def test_the_corpus_is_there():
    assert len(list(CAPTURES.glob("*.pcap"))) >= 10
    assert CORPUS.is_dir(), f"the public corpus is expected at {CORPUS}"
    assert len(CAPTURE_LIST) >= 40


def same_outcome(records, error, cli_records, status, stderr):
    assert records == cli_records
    # Same keys in the same order too (dict equality ignores order).
    assert [list(r) for r in records] == [list(r) for r in cli_records]
    if status == 0:
        assert error is None
    else:
        assert error is not None
        assert error in stderr, (error, stderr)


@pytest.mark.parametrize("path", CAPTURE_LIST, ids=IDS)
def test_annotate_equals_annotate_json(cli, path):
    expected, status, stderr = run_cli(cli, "annotate", "--json", str(path))
    records, error = read_all(tcpphase.annotate, path)
    assert records, "every capture here has segments"
    same_outcome(records, error, expected, status, stderr)


@pytest.mark.parametrize("path", CAPTURE_LIST, ids=IDS)
def test_conns_equals_conns_json(cli, path):
    expected, status, stderr = run_cli(cli, "conns", "--json", str(path))
    records, error = read_all(tcpphase.conns, str(path))
    same_outcome(records, error, expected, status, stderr)


@pytest.mark.parametrize("path", CAPTURE_LIST, ids=IDS)
def test_states_equals_states_json(cli, path):
    expected, status, stderr = run_cli(cli, "states", "--json", "--all", str(path))
    if status != 0:
        with pytest.raises(tcpphase.TcpphaseError) as e:
            tcpphase.states(path, all=True)
        assert str(e.value).splitlines()[0] in stderr
        return
    assert tcpphase.states(path, all=True) == expected


@pytest.mark.parametrize("path", CAPTURE_LIST, ids=IDS)
def test_a_file_object_reads_as_the_path(path):
    with open(path, "rb") as f:
        from_file = list(tcpphase.annotate(f))
    assert from_file == list(tcpphase.annotate(str(path)))
    data = path.read_bytes()
    assert list(tcpphase.conns(io.BytesIO(data))) == list(tcpphase.conns(path))


@pytest.mark.parametrize(
    "args, kwargs",
    [
        (["--port", "47007"], {"port": 47007}),
        (["--phase", "handshake,close"], {"phase": "handshake,close"}),
        (["--phase", "reset", "--phase", "data"], {"phase": ["reset", "data"]}),
        (["--host", "127.0.0.1", "--stream", "0,1"], {"host": "127.0.0.1", "stream": [0, 1]}),
        (["--stream", "1"], {"stream": 1}),
        (["--host", "127.0.0.0/8,::1"], {"host": ["127.0.0.0/8", "::1"]}),
        (["--host", "10.0.0.0/8"], {"host": "10.0.0.0/8"}),
    ],
)
def test_filters_mean_what_the_options_mean(cli, args, kwargs):
    for path in sorted(CAPTURES.glob("*.pcap")):
        for command, function in (("annotate", tcpphase.annotate), ("conns", tcpphase.conns)):
            expected, status, stderr = run_cli(cli, command, "--json", *args, str(path))
            records, error = read_all(function, path, **kwargs)
            same_outcome(records, error, expected, status, stderr)


def test_states_at_a_frame_and_a_time(cli):
    path = CAPTURES / "close-four-segment.pcap"
    for frame in (1, 3, 5, 8):
        expected, _, _ = run_cli(cli, "states", "--json", "--at", str(frame), str(path))
        assert tcpphase.states(path, at=frame) == expected
    for secs in ("0", "0.0005", "100"):
        expected, _, _ = run_cli(cli, "states", "--json", "--at-time", secs, str(path))
        assert tcpphase.states(path, at_time=float(secs)) == expected
    expected, _, _ = run_cli(cli, "states", "--json", "--style", "ss", str(path))
    assert tcpphase.states(path, style="ss") == expected
    with open(path, "rb") as f:
        assert tcpphase.states(f, at=3) == tcpphase.states(path, at=3)


def test_a_gzipped_capture_reads_as_the_cli_reads_it(cli, tmp_path):
    """Compressed captures are opened by the core's reader: whatever the
    CLI makes of one, the package makes the same (records, or the error)."""
    import gzip

    plain = CAPTURES / "half-close.pcap"
    packed = tmp_path / "half-close.pcap.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    expected, status, stderr = run_cli(cli, "annotate", "--json", str(packed))
    records, error = read_all(tcpphase.annotate, packed)
    same_outcome(records, error, expected, status, stderr)
    with open(packed, "rb") as f:
        from_file, file_error = read_all(tcpphase.annotate, f)
    assert from_file == records
    assert (file_error is None) == (error is None)
