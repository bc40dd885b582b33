"""Type stubs of the compiled part of tcpphase (``tcpphase._native``)."""

from typing import Any, Iterator, List, Optional, Union, final

from .records import Annotation, Endpoint, Malformed, Summary

__all__ = ["Annotations", "Summaries", "TcpphaseError", "Tracker", "annotate", "conns", "states"]

class TcpphaseError(Exception):
    """A capture that cannot be read (whole), or a request it cannot
    answer; the message is the one the tcpphase command prints."""

@final
class Annotations(Iterator[Union[Annotation, Malformed]]):
    """The segments of a capture, read as they are asked for."""

    def __iter__(self) -> "Annotations": ...
    def __next__(self) -> Union[Annotation, Malformed]: ...

@final
class Summaries(Iterator[Summary]):
    """The connections of a capture, read as they are asked for."""

    def __iter__(self) -> "Summaries": ...
    def __next__(self) -> Summary: ...

@final
class Tracker:
    """Follows every connection of the frames fed to it, in the order fed."""

    def __init__(self) -> None: ...
    def feed(
        self, linktype: int, data: Union[bytes, bytearray], ts: float
    ) -> Optional[Union[Annotation, Malformed]]:
        """Annotates one frame: its ``annotate --json`` record, a
        ``malformed`` record when it does not parse, None when it is not
        TCP. ``ts`` is the capture time in seconds since the epoch."""
    def summaries(self) -> List[Summary]:
        """The summaries of the connections that have left the table so far."""
    def finish(self) -> List[Summary]:
        """Ends the input: every summary not yet returned."""
    @property
    def frames(self) -> int:
        """Frames fed so far."""
    @property
    def live_connections(self) -> int:
        """Connections in the table now."""

def annotate(
    source: Any,
    streams: List[int],
    ports: List[int],
    hosts: List[str],
    phases: List[str],
) -> Annotations: ...
def conns(
    source: Any,
    streams: List[int],
    ports: List[int],
    hosts: List[str],
    phases: List[str],
) -> Summaries: ...
def states(
    path: str,
    at: Optional[int],
    at_time: Optional[float],
    style: str,
    all: bool,
    streams: List[int],
    ports: List[int],
    hosts: List[str],
    phases: List[str],
) -> List[Endpoint]: ...
