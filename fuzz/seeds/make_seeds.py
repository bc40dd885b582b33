#!/usr/bin/env python3
"""Builds the fuzz seed corpora from the repository's captures and the
shared corpus: whole files for capture_reader (plus pcapng copies made by
editcap), frames for frame (re-wrapped in every link type tcpphase reads),
frame sequences for tracker and c_abi, gzip, zstd and lz4 copies of the small
captures for decompress (zstd and lz4 when their tools are there). Usage: make_seeds.py OUT_DIR CAPTURE..."""
import gzip, hashlib, os, shutil, struct, subprocess, sys, tempfile

# Link selector bytes of the frame, tracker and c_abi targets per LINKTYPE:
# the index in tcpphase::wire::LinkType::ALL.
FRAME_SEL = {0: 0, 1: 1, 101: 2, 108: 3, 113: 4, 228: 5, 229: 6, 276: 7,
             9: 8, 50: 9, 51: 10, 104: 11, 105: 12, 127: 13, 239: 14}
# The tracker and c_abi targets use the same order.
TRACK_SEL = FRAME_SEL


def pcap_frames(data):
    """(linktype, ts_ns, bytes) of a pcap file; pcapng through its EPBs."""
    magic = data[:4]
    if magic == b"\x0a\x0d\x0d\x0a":
        yield from pcapng_frames(data)
        return
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
    at = 24
    while at + 16 <= len(data):
        sec, frac, cap, _ = struct.unpack(e + "IIII", data[at:at + 16])
        frame = data[at + 16:at + 16 + cap]
        if len(frame) < cap:
            return
        yield linktype, sec * 10**9 + frac * (1 if nano else 1000), frame
        at += 16 + cap


def pcapng_frames(data):
    at, e, links = 0, "<", []
    while at + 12 <= len(data):
        btype = struct.unpack(e + "I", data[at:at + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[at + 8:at + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(e + "I", data[at + 4:at + 8])[0]
        if blen < 12:
            return
        body = data[at + 8:at + blen - 4]
        if btype == 1:
            links.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            iface, hi, lo, cap = struct.unpack(e + "IIII", body[:16])
            if iface < len(links):
                yield links[iface], ((hi << 32) | lo) * 1000, body[20:20 + cap]
        at += blen


def rewrap(frame):
    """The IP packet of an Ethernet frame in every other link type."""
    if len(frame) < 15:
        return []
    ethertype = struct.unpack(">H", frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800:
        fam_bsd, proto = 2, 0x0800
    elif ethertype == 0x86DD:
        fam_bsd, proto = 30, 0x86DD
    else:
        return []
    sll = struct.pack(">HHH8sH", 0, 1, 6, frame[6:12] + b"\0\0", proto)
    sll2 = struct.pack(">HHIHBB8s", proto, 0, 2, 1, 0, 6, frame[6:12] + b"\0\0")
    out = [
        (0, struct.pack("<I", fam_bsd) + ip),
        (108, struct.pack(">I", fam_bsd) + ip),
        (101, ip),
        (228 if proto == 0x0800 else 229, ip),
        (113, sll + ip),
        (276, sll2 + ip),
        # An 802.1Q tag and QinQ in front of the same packet.
        (1, frame[:12] + b"\x81\x00\x00\x64" + frame[12:]),
        (1, frame[:12] + b"\x88\xa8\x00\x0a\x81\x00\x00\x64" + frame[12:]),
    ]
    return out


def put(directory, data):
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def records(frames, with_buf):
    out = bytearray()
    prev = None
    for i, (lt, ts, frame) in enumerate(frames):
        if lt not in TRACK_SEL:
            continue
        step = 0 if prev is None else min(max(ts - prev, 0) // 10_000_000, 0xEF)
        prev = ts
        out += bytes([TRACK_SEL[lt], step])
        if with_buf:
            out.append((i * 7) % 80)
        out += struct.pack(">H", len(frame)) + frame
    return bytes(out)


def main():
    out, files = sys.argv[1], sys.argv[2:]
    tmp = tempfile.mkdtemp()
    try:
        for path in files:
            data = open(path, "rb").read()
            if len(data) <= 1 << 20:
                put(f"{out}/capture_reader", data)
            # A pcapng copy of each small pcap (editcap writes SHB + IDB + EPBs).
            if data[:4] != b"\x0a\x0d\x0d\x0a" and len(data) <= 64 << 10:
                ng = os.path.join(tmp, "x.pcapng")
                if subprocess.run(["editcap", "-F", "pcapng", path, ng],
                                  capture_output=True).returncode == 0:
                    put(f"{out}/capture_reader", open(ng, "rb").read())
            if len(data) <= 64 << 10:
                # Selector 0: the compressed file as it is.
                put(f"{out}/decompress", b"\0" + gzip.compress(data))
                for tool in (["zstd", "-q", "-c"], ["lz4", "-q", "-c"]):
                    try:
                        packed = subprocess.run(tool + [path], capture_output=True,
                                                check=True).stdout
                        put(f"{out}/decompress", b"\0" + packed)
                    except (OSError, subprocess.CalledProcessError):
                        pass
            frames = list(pcap_frames(data))
            for lt, _, frame in frames[:60]:
                if lt in FRAME_SEL:
                    put(f"{out}/frame", bytes([FRAME_SEL[lt]]) + frame)
                if lt == 1:
                    for lt2, wrapped in rewrap(frame)[:8]:
                        put(f"{out}/frame", bytes([FRAME_SEL[lt2]]) + wrapped)
            head = frames[:300]
            put(f"{out}/tracker", bytes([63]) + records(head, False))
            put(f"{out}/c_abi", bytes([60, 30, 0]) + records(head[:120], True))
    finally:
        shutil.rmtree(tmp)


main()
