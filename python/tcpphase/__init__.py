"""tcpphase: where each TCP connection of a capture stands in its life.

The same Rust core as the ``tcpphase`` command, and the same records:

* ``annotate(source, **filters)`` yields one dict per segment, exactly the
  objects ``tcpphase annotate --json`` prints;
* ``conns(source, **filters)`` yields one dict per connection, as
  ``tcpphase conns --json``;
* ``states(source, at=None, at_time=None, ...)`` returns the endpoints of
  ``tcpphase states --json``;
* ``Tracker`` annotates frames you feed it yourself;
* ``to_dataframe(records)`` makes a pandas DataFrame (pandas is optional).

``source`` is a path (pcap or pcapng, plain or compressed, as the command
reads it) or a binary file object. A capture that cannot be read raises
``TcpphaseError`` with the command's message; the iterators first yield
every record read before the damage.
"""

import importlib
import os
import shutil
import tempfile
from typing import IO, Any, Dict, Iterable, Iterator, List, Optional, Union

from . import _native
from ._native import TcpphaseError, Tracker
from .records import Annotation, Endpoint, Malformed, Summary

__all__ = [
    "annotate",
    "conns",
    "states",
    "Tracker",
    "TcpphaseError",
    "to_dataframe",
    "Annotation",
    "Malformed",
    "Summary",
    "Endpoint",
]

Source = Union[str, "os.PathLike[str]", IO[bytes]]
"""A capture: a path, or a binary file object (``open(path, 'rb')``, ``io.BytesIO``)."""

Many = Union[None, int, str, Iterable[Union[int, str]]]


def _source(source: Source) -> Any:
    if hasattr(source, "read"):
        return source
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        return path
    raise TypeError(
        f"source must be a path or a binary file object, not {type(source).__name__}"
    )


def _list(name: str, value: Many) -> List[Any]:
    if value is None:
        return []
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a value or a list of values, not a bool")
    return list(value)


def _ints(name: str, value: Many, top: int) -> List[int]:
    out = []
    for v in _list(name, value):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"{name} must be an int or a list of ints, not {v!r}")
        if not 0 <= v <= top:
            raise ValueError(f"invalid value {v} for {name}: not in 0..{top}")
        out.append(v)
    return out


def _filters(
    stream: Many, port: Many, host: Many, phase: Many
) -> Dict[str, List[Any]]:
    hosts = [str(h) for h in _list("host", host)]
    phases: List[str] = []
    for p in _list("phase", phase):
        if not isinstance(p, str):
            raise TypeError(f"phase must be a name or a list of names, not {p!r}")
        phases.append(p)
    return {
        "streams": _ints("stream", stream, 2**64 - 1),
        "ports": _ints("port", port, 65535),
        "hosts": hosts,
        "phases": phases,
    }


def annotate(
    source: Source,
    *,
    stream: Many = None,
    port: Many = None,
    host: Many = None,
    phase: Many = None,
) -> Iterator[Union[Annotation, Malformed]]:
    """Yields one dict per TCP segment of ``source``: the objects that
    ``tcpphase annotate --json`` prints, key for key and value for value.

    The filters mean what the command's options mean: ``stream`` (Wireshark's
    ``tcp.stream``), ``port`` and ``host`` (either side; a host is an
    address or a CIDR prefix such as ``10.0.0.0/8``), ``phase``
    (``handshake``, ``data``, ``active-close``, ``passive-close``,
    ``half-close``, ``reset``, ``other``, and ``close`` for both closes; a
    comma-separated string or a list). Each takes one value or a list: any
    value matches within one filter, every filter must match.

    The capture is read as the iterator is consumed. A damaged capture, a
    link type tcpphase does not read, or a stream the capture lacks raise
    ``TcpphaseError`` after every record before it was yielded.
    """
    return _native.annotate(_source(source), **_filters(stream, port, host, phase))


def conns(
    source: Source,
    *,
    stream: Many = None,
    port: Many = None,
    host: Many = None,
    phase: Many = None,
) -> Iterator[Summary]:
    """Yields one dict per connection of ``source``, as ``tcpphase conns
    --json`` prints them and in the same order: each connection as it leaves
    tcpphase's table (2 x MSL after its end), then the rest at the end of
    the capture. With ``phase``, the connections that went through one of
    the phases. Errors as for ``annotate``.
    """
    return _native.conns(_source(source), **_filters(stream, port, host, phase))


def states(
    source: Source,
    at: Optional[int] = None,
    at_time: Optional[float] = None,
    *,
    style: str = "rfc",
    all: bool = False,
    stream: Many = None,
    port: Many = None,
    host: Many = None,
    phase: Many = None,
) -> List[Endpoint]:
    """Returns every endpoint's state, as ``tcpphase states --json`` lists
    them: right after frame ``at`` (1 is the first), at ``at_time`` seconds
    after the first frame, or at the end of the capture.

    ``style`` spells the states as ``rfc`` (FIN-WAIT-2), ``netstat``
    (FIN_WAIT2) or ``ss`` (ESTAB); ``all`` keeps the CLOSED endpoints that
    netstat and ss leave out. ``phase`` keeps the connections in one of
    the phases at that moment. Raises ``TcpphaseError`` for a capture that
    cannot be read whole, a frame or a stream it lacks.
    """
    filters = _filters(stream, port, host, phase)
    if at is not None and (isinstance(at, bool) or not isinstance(at, int)):
        raise TypeError(f"at must be a frame number (int), not {at!r}")
    if at is not None and at < 0:
        raise ValueError("at is a frame number: 1 is the first frame")
    if at_time is not None:
        at_time = float(at_time)
    src = _source(source)
    if isinstance(src, str):
        return _native.states(src, at, at_time, style, all, **filters)
    # The endpoints' view is computed from a path: spool the file object.
    with tempfile.NamedTemporaryFile(prefix="tcpphase-", suffix=".capture") as tmp:
        shutil.copyfileobj(src, tmp)
        tmp.flush()
        try:
            return _native.states(tmp.name, at, at_time, style, all, **filters)
        except TcpphaseError as e:
            name = getattr(src, "name", "<file object>")
            raise TcpphaseError(str(e).replace(tmp.name, str(name))) from None


def to_dataframe(records: Iterable[Dict[str, Any]]) -> Any:
    """A pandas DataFrame of records (from ``annotate``, ``conns``,
    ``states`` or a ``Tracker``), one row each, the keys as columns.

    pandas is not a dependency of tcpphase: this needs it installed
    (``pip install pandas``) and raises ImportError saying so otherwise.
    """
    try:
        # Imported by name: pandas is optional, and so are its type stubs.
        pandas = importlib.import_module("pandas")
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError(
            "tcpphase.to_dataframe needs pandas: pip install pandas"
        ) from e
    return pandas.DataFrame.from_records(list(records))
