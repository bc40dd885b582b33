"""The type stubs say what the compiled module has (mypy's stubtest), and
typical code type-checks against them under --strict."""

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("mypy")


def test_stubs_match_the_compiled_module(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "tcpphase"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_typical_code_checks_strictly(tmp_path):
    usage = tmp_path / "usage.py"
    usage.write_text(
        textwrap.dedent(
            """
            import tcpphase

            for a in tcpphase.annotate("x.pcap", port=443, phase="reset"):
                print(a["phase"], a["frame"] + 1)
            for c in tcpphase.conns("x.pcap", host=["10.0.0.0/8"]):
                rtt = c["rtt_syn_synack"]
                print(c["close"], rtt if rtt is None else rtt * 1000)
            endpoints = tcpphase.states("x.pcap", at=3, style="ss")
            tracker = tcpphase.Tracker()
            record = tracker.feed(1, b"", 1.0)
            summaries = tracker.finish()
            print(endpoints[0]["state"], record, summaries[0]["history"], tracker.frames)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(usage)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
