"""The records tcpphase yields: the objects ``tcpphase annotate --json``,
``conns --json`` and ``states --json`` print, as dicts with the same keys."""

from typing import List, Optional, TypedDict


class Annotation(TypedDict):
    """One TCP segment: where it stands in the life of its connection."""

    frame: int
    """1-based frame number in the capture."""
    stream: int
    """Wireshark's ``tcp.stream``."""
    conn: int
    """The connection (RFC 9293 sense), 0-based."""
    dir: str
    """``c2s`` or ``s2c``."""
    phase: str
    """``handshake``, ``data``, ``active-close``, ``passive-close``, ``half-close``, ``reset``, ``other``."""
    step: str
    """What the segment does in its phase (``syn``, ``fin-ack``, ``abort``, ...)."""
    client_state: str
    """The client's RFC 9293 state right after the segment."""
    server_state: str
    """The server's RFC 9293 state right after the segment."""
    closer: str
    """``active``, ``passive``, or empty before any FIN."""
    flags: List[str]
    """Anomaly markers (``retransmission``, ``port-reuse``, ...)."""
    origin_guessed: bool
    """No SYN seen: the client is a guess."""
    ts: float
    """Capture time, seconds since the epoch."""
    src: str
    sport: int
    dst: str
    dport: int
    tcp_flags: str
    """TCP flags as letters (``S``, ``SA``, ``FA``, ``R`` ...)."""
    seq: int
    """Relative sequence number."""
    ack: int
    """Relative acknowledgment number."""
    len: int
    """Payload length."""


class Malformed(TypedDict):
    """A frame that does not parse (phase ``other``, step ``malformed``)."""

    frame: int
    ts: float
    phase: str
    step: str
    error: str
    """What is wrong and where: ``frame 7: ...``."""


class Summary(TypedDict):
    """One connection: how it opened, how it ended, in tcpphase's, Zeek's and Wireshark's terms."""

    conn: int
    stream: int
    client: str
    """``addr:port`` (``[addr]:port`` for IPv6)."""
    server: str
    origin_guessed: bool
    handshake: str
    """``complete``, ``refused``, ``unreachable``, ``aborted``, ``no-answer``, ``not-seen``."""
    rtt_syn_synack: Optional[float]
    rtt_synack_ack: Optional[float]
    close: str
    """``fin-3``, ``fin-4``, ``simultaneous``, ``reset``, ``half-open``, ``open``."""
    active_closer: str
    """``client``, ``server`` or empty."""
    client_state: str
    server_state: str
    conn_state: str
    """Zeek's ``conn_state`` (S0, SF, REJ, RSTO, ...)."""
    history: str
    """Zeek's ``history`` letters."""
    completeness: int
    """Wireshark's ``tcp.completeness`` bit mask."""
    client_packets: int
    server_packets: int
    client_bytes: int
    server_bytes: int
    first_ts: float
    last_ts: float


class Endpoint(TypedDict):
    """One endpoint's state at a moment, as netstat / ss would show it."""

    conn: int
    stream: int
    side: str
    """``client`` or ``server``."""
    local: str
    peer: str
    state: str
    frame: Optional[int]
    """The frame that moved it there (``None``: its TIME-WAIT ran out)."""
    ts: float
    """When it moved there, seconds since the epoch."""
