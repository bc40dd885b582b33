#!/usr/bin/env python3
"""Record real Linux kernel TCP behaviour on loopback with tcpdump.

Each scenario drives ordinary sockets on 127.0.0.1 / ::1 while tcpdump
captures `tcp and port P` (P is a fixed, per-scenario port in 47000-47999)
and writes ../captures/<name>.pcap next to this directory.

Run as root (tcpdump needs CAP_NET_RAW); normally through record.sh:

    sudo snapshots/record/record.sh              # all scenarios
    sudo snapshots/record/record.sh refused ipv6 # a subset
    snapshots/record/record.sh --list            # names only (no root needed)

Python 3.8+ standard library only.  Pauses between steps (STEP) make each
application action its own segment; TCP_NODELAY is set on every connected
socket so that small writes are never held back by Nagle.

The kernel decides the exact segment pattern: what each scenario is meant to
show is in its docstring, and what this kernel actually produced (Linux
6.18 at the time of recording) is noted there as "Recorded:".
"""

import argparse
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "captures"))

LO4 = "127.0.0.1"
LO6 = "::1"
STEP = 0.1  # pause between application steps, seconds

REQUEST = (
    b"GET /index.html HTTP/1.1\r\n"
    b"Host: localhost\r\n"
    b"User-Agent: tcpphase-record\r\n"
    b"Accept: */*\r\n"
    b"\r\n"
)
BODY = b"<html><body>hello from tcpphase</body></html>\n"
RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/html\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n"
    b"\r\n" + BODY
)


class ScenarioRetry(Exception):
    """The kernel did not produce the wanted pattern this time; record again."""


# --------------------------------------------------------------------------
# tcpdump handling


def sll2_supported():
    try:
        out = subprocess.run(
            ["tcpdump", "-i", "any", "-L"],
            capture_output=True, text=True, timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "LINUX_SLL2" in out.stdout + out.stderr


class Capture:
    """tcpdump writing one pcap; a context manager that starts and stops it."""

    def __init__(self, path, port, iface="lo", linktype=None):
        self.path = path
        self.port = port
        self.iface = iface
        self.linktype = linktype
        self.proc = None
        self.summary = ""

    def __enter__(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        cmd = ["tcpdump", "-i", self.iface, "-n", "-U", "--immediate-mode",
               "-Z", "root", "-w", self.path]
        if self.linktype:
            cmd += ["-y", self.linktype]
        cmd.append("tcp and port %d" % self.port)
        # A shell that starts us in the background may have SIGINT ignored;
        # tcpdump must get the default disposition so SIGINT stops it cleanly.
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 10
        seen = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stderr], [], [], 0.5)
            if ready:
                line = self.proc.stderr.readline()
                if not line:
                    break
                seen += line
                if "listening on" in line:
                    time.sleep(0.3)  # let the packet socket settle
                    return self
        self.proc.kill()
        self.proc.wait()
        raise RuntimeError("tcpdump did not start: %s" % seen.strip())

    def __exit__(self, exc_type, exc, tb):
        time.sleep(0.3)  # let the last segments reach the capture
        self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        self.summary = " ".join(err.split())
        return False


# --------------------------------------------------------------------------
# socket helpers


def pause(factor=1.0):
    time.sleep(STEP * factor)


def nodelay(s):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def listener(port, host=LO4, rcvbuf=None):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf is not None:
        # Set on the listener so accepted sockets inherit it before the
        # handshake (it decides the advertised window and window scale).
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((host, port))
    s.listen(8)
    return s


def client(port, host=LO4, bind_port=None, opts=()):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    for level, name, value in opts:
        s.setsockopt(level, name, value)
    if bind_port is not None:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, bind_port))
    nodelay(s)
    s.connect((host, port))
    return s


def recv_until(s, marker):
    buf = b""
    while marker not in buf:
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("EOF before %r" % marker)
        buf += chunk
    return buf


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise RuntimeError("EOF after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def recv_eof(s):
    buf = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            return buf
        buf += chunk


def abort(s):
    """close() with SO_LINGER {on, 0}: the kernel sends RST instead of FIN."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


class Server(threading.Thread):
    """Accepts `count` connections on `lsock` and runs handler(conn) on each."""

    def __init__(self, lsock, handler, count=1):
        super().__init__(daemon=True)
        self.lsock = lsock
        self.handler = handler
        self.count = count
        self.error = None

    def run(self):
        try:
            for _ in range(self.count):
                conn, _ = self.lsock.accept()
                nodelay(conn)
                self.handler(conn)
        except BaseException as e:  # reported by finish()
            self.error = e
        finally:
            self.lsock.close()

    def finish(self, timeout=10):
        self.join(timeout)
        if self.is_alive():
            raise RuntimeError("server thread did not finish")
        if self.error is not None:
            raise self.error


def serve(port, handler, host=LO4, count=1, rcvbuf=None):
    srv = Server(listener(port, host, rcvbuf), handler, count)
    srv.start()
    return srv


def http_exchange(c):
    """Client side of one request/response, response read by Content-Length."""
    pause()
    c.sendall(REQUEST)
    head = recv_until(c, b"\r\n\r\n")
    _, rest = head.split(b"\r\n\r\n", 1)
    recv_exact(c, len(BODY) - len(rest))


# --------------------------------------------------------------------------
# scenarios.  Each takes its port; returns nothing, raises ScenarioRetry to
# have the whole capture redone.


def http_server_closes(port):
    """Request/response; the server closes first (active close), the client
    closes after reading EOF (passive close).

    Recorded: S, S., ., P., ., P., ., F., ., F., .
    """
    def handler(conn):
        recv_until(conn, b"\r\n\r\n")
        pause()
        conn.sendall(RESPONSE)
        pause()
        conn.close()

    srv = serve(port, handler)
    c = client(port)
    pause()
    c.sendall(REQUEST)
    recv_eof(c)
    pause()
    c.close()
    srv.finish()


def http_client_closes(port):
    """Request/response; the client closes first, the server closes ~100 ms
    after reading EOF.

    Recorded: S, S., ., P., ., P., ., F., ., F., .
    """
    def handler(conn):
        recv_until(conn, b"\r\n\r\n")
        pause()
        conn.sendall(RESPONSE)
        recv_eof(conn)
        pause()
        conn.close()

    srv = serve(port, handler)
    c = client(port)
    http_exchange(c)
    pause()
    c.close()
    srv.finish()


def close_three_segment(port):
    """Client closes first; the server closes as soon as it reads EOF.

    Linux delays the ACK of a FIN received in ESTABLISHED (it enters
    delayed-ACK "pingpong" mode), so the server's FIN carries that ACK and
    the teardown is three segments: F., F., .

    Recorded: S, S., ., P., ., P., ., F., F., .
    """
    def handler(conn):
        recv_until(conn, b"\r\n\r\n")
        pause()
        conn.sendall(RESPONSE)
        recv_eof(conn)
        conn.close()  # immediately

    srv = serve(port, handler)
    c = client(port)
    http_exchange(c)
    pause()
    c.close()
    srv.finish()


def close_four_segment(port):
    """Client closes first; the server waits 200 ms after EOF before closing,
    so the delayed ACK of the client's FIN goes out on its own and the
    teardown is four segments: F., ., F., .

    Recorded: S, S., ., P., ., P., ., F., ., F., .
    """
    def handler(conn):
        recv_until(conn, b"\r\n\r\n")
        pause()
        conn.sendall(RESPONSE)
        recv_eof(conn)
        pause(2)
        conn.close()

    srv = serve(port, handler)
    c = client(port)
    http_exchange(c)
    pause()
    c.close()
    srv.finish()


def half_close(port):
    """Client sends its request then shutdown(SHUT_WR) (FIN); the server
    reads EOF and keeps sending: three data segments 100 ms apart, then
    closes.  The client reads to EOF and closes.

    Recorded: S, S., ., P., ., F., ., P., ., P., ., P., ., F., .
    """
    def handler(conn):
        recv_eof(conn)
        for i in range(3):
            pause()
            conn.sendall(b"chunk %d of the reply after the client's FIN\n" % i)
        pause()
        conn.close()

    srv = serve(port, handler)
    c = client(port)
    pause()
    c.sendall(REQUEST)
    pause()
    c.shutdown(socket.SHUT_WR)
    recv_eof(c)
    c.close()
    srv.finish()


def refused(port):
    """connect() to a port with no listener: the SYN is answered by RST/ACK.

    Recorded: S, R.
    """
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.connect((LO4, port))
    except ConnectionRefusedError:
        pass
    else:
        raise RuntimeError("port %d unexpectedly accepted a connection" % port)
    finally:
        s.close()


def rst_abort_client(port):
    """Established, one exchange each way, then the client closes with
    SO_LINGER {1, 0}: the kernel sends RST instead of FIN.

    Recorded: S, S., ., P., ., P., ., R.
    """
    def handler(conn):
        recv_exact(conn, 6)
        pause()
        conn.sendall(b"world\n")
        try:
            recv_eof(conn)
        except ConnectionResetError:
            pass
        conn.close()

    srv = serve(port, handler)
    c = client(port)
    pause()
    c.sendall(b"hello\n")
    recv_exact(c, 6)
    pause()
    abort(c)
    srv.finish()


def rst_abort_server(port):
    """Established, one exchange each way, then the server closes with
    SO_LINGER {1, 0}: RST from the server.

    Recorded: S, S., ., P., ., P., ., R.
    """
    def handler(conn):
        recv_exact(conn, 6)
        pause()
        conn.sendall(b"world\n")
        pause()
        abort(conn)

    srv = serve(port, handler)
    c = client(port)
    pause()
    c.sendall(b"hello\n")
    recv_exact(c, 6)
    try:
        recv_eof(c)
    except ConnectionResetError:
        pass
    c.close()
    srv.finish()


def rst_unread_data(port):
    """The client sends data the server never reads; the server close()s with
    it still in the receive buffer, so the kernel sends RST, not FIN
    (RFC 1122 4.2.2.13).

    Recorded: S, S., ., P., ., R.
    """
    def handler(conn):
        pause(2)  # the data arrives but is never read
        conn.close()

    srv = serve(port, handler)
    c = client(port)
    pause()
    c.sendall(b"data the server will never read\n")
    try:
        recv_eof(c)
    except ConnectionResetError:
        pass
    c.close()
    srv.finish()


PORT_REUSE_CLIENT = 47510


def port_reuse(port):
    """Two connections on the same 4-tuple: the client binds source port
    47510 (SO_REUSEADDR) both times.  The server closes first each time, so
    TIME-WAIT sits on the server side; the second SYN (new ISN, newer
    timestamp) reuses that TIME-WAIT 4-tuple.

    Recorded: S, S., ., P., ., P., ., F., ., F., . twice over.
    """
    def handler(conn):
        recv_until(conn, b"\r\n\r\n")
        pause()
        conn.sendall(RESPONSE)
        pause()
        conn.close()

    srv = serve(port, handler, count=2)
    for _ in range(2):
        c = client(port, bind_port=PORT_REUSE_CLIENT)
        pause()
        c.sendall(REQUEST)
        recv_eof(c)
        pause()
        c.close()
        pause(2)
    srv.finish()


def ipv6(port):
    """A small request/response over ::1, client closes first, normal FINs.

    Recorded: S, S., ., P., ., P., ., F., ., F., .
    """
    def handler(conn):
        recv_until(conn, b"\r\n\r\n")
        pause()
        conn.sendall(RESPONSE)
        recv_eof(conn)
        pause()
        conn.close()

    srv = serve(port, handler, host=LO6)
    c = client(port, host=LO6)
    http_exchange(c)
    pause()
    c.close()
    srv.finish()


def cooked_any(port):
    """The same small exchange captured on `-i any` (Linux cooked v2,
    LINKTYPE_LINUX_SLL2 = 276), client closes first.

    Recorded: S, S., ., P., ., P., ., F., ., F., .
    """
    http_client_closes(port)


def keepalive(port):
    """Client enables SO_KEEPALIVE, TCP_KEEPIDLE=1, TCP_KEEPINTVL=1 and stays
    idle ~2.5 s after a tiny exchange: keep-alive probes (zero-length,
    seq = snd_una - 1) each answered by a bare ACK; then a normal close.

    Recorded: S, S., ., P., ., ., . (probe + ACK), ., . (probe + ACK),
    F., ., F., .
    """
    opts = [
        (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
        (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1),
        (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1),
    ]

    def handler(conn):
        recv_exact(conn, 3)
        recv_eof(conn)
        pause()
        conn.close()

    srv = serve(port, handler)
    c = client(port, opts=opts)
    pause()
    c.sendall(b"hi\n")
    time.sleep(2.5)
    c.close()
    srv.finish()


SIMOPEN_PEER = 47514


def simultaneous_open(port):
    """Two sockets bound to 127.0.0.1:47014 and :47514 connect() to each
    other at the same instant (non-blocking, separate processes spinning to
    a shared deadline), neither listening.  The SYNs cross, each side
    answers with SYN/ACK repeating its own ISN, both ACK; then the 47514
    side sends a line, the 47014 side answers, 47514 closes first.

    Recorded: S, S, S., S., ., . (the final ACKs carry a D-SACK of the
    duplicate SYN sequence number), P., ., P., ., F., ., F., .
    If one SYN arrives before the peer has connected, it is answered by
    RST and the capture is redone (ScenarioRetry).
    """
    start = time.time() + 0.2
    pids = []
    status_r, status_w = os.pipe()
    for me, peer, role in ((port, SIMOPEN_PEER, "b"), (SIMOPEN_PEER, port, "a")):
        pid = os.fork()
        if pid != 0:
            pids.append(pid)
            continue
        # child
        code = 1
        try:
            os.close(status_r)
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            nodelay(s)
            s.bind((LO4, me))
            s.setblocking(False)
            while time.time() < start:
                pass  # spin: both connect() calls within microseconds
            s.connect_ex((LO4, peer))
            select.select([], [s], [], 2.0)
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            os.write(status_w, b"1" if err == 0 else b"0")
            if err != 0:
                s.close()
                os._exit(0)
            s.setblocking(True)
            time.sleep(STEP * 2)
            if role == "a":
                s.sendall(b"hello from 47514\n")
                recv_exact(s, 17)
                pause()
                s.close()
            else:
                recv_exact(s, 17)
                pause()
                s.sendall(b"hello from 47014\n")
                recv_eof(s)
                pause()
                s.close()
            code = 0
        except BaseException as e:
            sys.stderr.write("simultaneous-open child: %r\n" % (e,))
        finally:
            os._exit(code)
    os.close(status_w)
    statuses = b""
    exit_codes = [os.waitpid(pid, 0)[1] for pid in pids]
    while True:
        chunk = os.read(status_r, 16)
        if not chunk:
            break
        statuses += chunk
    os.close(status_r)
    if statuses != b"11":
        raise ScenarioRetry("SYNs did not cross (status %r)" % statuses)
    if any(exit_codes):
        raise RuntimeError("simultaneous-open child failed")


def data_bulk(port):
    """The client sends 64 KiB (SO_SNDBUF 8 KiB, MSS 1448) to a server with a
    4 KiB SO_RCVBUF that starts reading only after 150 ms and then reads
    2 KiB every 10 ms; the server sends no data, the client closes first.

    Recorded (80 frames, identical over repeated runs): handshake; three
    1436-byte segments fill the window and the third is sent again ~6 ms
    later (tail-loss probe while the receiver holds its ACK); zero
    window (win 0) then a window update (win 1436) once the server reads;
    then ~33 data segments of 1436 or 2872 bytes (loopback GSO: one frame
    may hold two MSS), each answered by an ACK with a changing window;
    F., ., F., .  Most data segments carry only ACK, not PSH.
    """
    total = 64 * 1024

    def handler(conn):
        got = 0
        time.sleep(0.15)
        while True:
            chunk = conn.recv(2048)
            if not chunk:
                break
            got += len(chunk)
            time.sleep(0.01)
        if got != total:
            raise RuntimeError("data-bulk: got %d of %d bytes" % (got, total))
        pause()
        conn.close()

    srv = serve(port, handler, rcvbuf=4096)
    opts = [
        (socket.SOL_SOCKET, socket.SO_SNDBUF, 8192),
        (socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1448),
    ]
    c = client(port, opts=opts)
    pause()
    payload = bytes((i * 7 + 13) & 0xFF for i in range(total))
    c.sendall(payload)
    pause()
    c.close()
    srv.finish()


# name -> (port, function, iface, linktype)
SCENARIOS = {
    "http-server-closes": (47001, http_server_closes, "lo", None),
    "http-client-closes": (47002, http_client_closes, "lo", None),
    "close-three-segment": (47003, close_three_segment, "lo", None),
    "close-four-segment": (47004, close_four_segment, "lo", None),
    "half-close": (47005, half_close, "lo", None),
    "refused": (47006, refused, "lo", None),
    "rst-abort-client": (47007, rst_abort_client, "lo", None),
    "rst-abort-server": (47008, rst_abort_server, "lo", None),
    "rst-unread-data": (47009, rst_unread_data, "lo", None),
    "port-reuse": (47010, port_reuse, "lo", None),
    "ipv6": (47011, ipv6, "lo", None),
    "cooked-any": (47012, cooked_any, "any", "LINUX_SLL2"),
    "keepalive": (47013, keepalive, "lo", None),
    "simultaneous-open": (47014, simultaneous_open, "lo", None),
    "data-bulk": (47015, data_bulk, "lo", None),
}


# --------------------------------------------------------------------------


FLAGS_RE = re.compile(r"Flags \[([^\]]*)\]")


def flag_summary(path):
    """Comma-separated tcpdump flag strings of every segment in the pcap."""
    out = subprocess.run(["tcpdump", "-nn", "-r", path],
                         capture_output=True, text=True)
    flags = [m.group(1) for m in FLAGS_RE.finditer(out.stdout)]
    return len(out.stdout.splitlines()), ", ".join(flags)


def record(name, retries=5):
    port, fn, iface, linktype = SCENARIOS[name]
    if linktype == "LINUX_SLL2" and not sll2_supported():
        print("warning: tcpdump cannot write LINUX_SLL2; using the default "
              "link type of -i any", file=sys.stderr)
        linktype = None
    path = os.path.join(OUT_DIR, name + ".pcap")
    for attempt in range(1, retries + 1):
        cap = Capture(path, port, iface, linktype)
        t0 = time.monotonic()
        try:
            with cap:
                fn(port)
        except ScenarioRetry as e:
            print("%s: attempt %d: %s; recording again" % (name, attempt, e),
                  file=sys.stderr)
            time.sleep(1.1)  # let TIME-WAIT reuse (timestamps) accept us
            continue
        frames, flags = flag_summary(path)
        print("%-20s port %d  %5.2fs  %3d frames  %s" % (
            name, port, time.monotonic() - t0, frames, cap.summary))
        print("    %s" % flags)
        return True
    print("%s: giving up after %d attempts" % (name, retries), file=sys.stderr)
    if os.path.exists(path):
        os.unlink(path)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="scenarios to record (default: all)")
    ap.add_argument("--list", action="store_true", help="list scenarios and exit")
    args = ap.parse_args()
    if args.list:
        for name, (port, fn, iface, _) in SCENARIOS.items():
            doc = (fn.__doc__ or "").strip().split("\n")[0]
            print("%-20s %d %-3s  %s" % (name, port, iface, doc))
        return 0
    unknown = [n for n in args.names if n not in SCENARIOS]
    if unknown:
        ap.error("unknown scenario(s): %s" % ", ".join(unknown))
    if os.geteuid() != 0:
        print("record.py: must run as root (tcpdump)", file=sys.stderr)
        return 1
    os.makedirs(OUT_DIR, exist_ok=True)
    ok = True
    for name in args.names or list(SCENARIOS):
        ok = record(name) and ok
        time.sleep(0.2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
