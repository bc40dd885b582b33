"""Where the tests find the tcpphase command and the captures."""

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CAPTURES = REPO / "snapshots" / "captures"
# The public corpus lies beside the repository, where the test command has it.
CORPUS = REPO.parent / "shared" / "corpus"


def cli_binary() -> str:
    """The tcpphase command: $TCPPHASE_BIN, else the workspace's release or
    debug build, else one on PATH."""
    named = os.environ.get("TCPPHASE_BIN")
    if named:
        return named
    for profile in ("release", "debug"):
        built = REPO / "target" / profile / "tcpphase"
        if built.is_file():
            return str(built)
    found = shutil.which("tcpphase")
    if found:
        return found
    raise RuntimeError(
        "no tcpphase command: build it (cargo build -p tcpphase-cli) or set TCPPHASE_BIN"
    )


@pytest.fixture(scope="session")
def cli() -> str:
    return cli_binary()


def captures():
    """Every snapshot capture and every capture of the corpus."""
    found = sorted(CAPTURES.glob("*.pcap*"))
    if CORPUS.is_dir():
        found += sorted(
            p for p in CORPUS.rglob("*") if p.suffix in (".pcap", ".pcapng")
        )
    return found
