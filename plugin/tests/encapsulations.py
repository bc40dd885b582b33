#!/usr/bin/env python3
"""Writes one TCP conversation (handshake, data both ways, a FIN close, then
a second connection refused by RST) as pcap files on the link types and
inside the tunnels the Rust wire layer does not read but Wireshark does:
radiotap 802.11, Cisco HDLC, NFLOG, GRE, ERSPAN, VXLAN, Geneve, IP-in-IP,
PPPoE, and IPv4 fragments; plus plain Ethernet, the reference.

usage: encapsulations.py DIR   (writes DIR/<name>.pcap, prints the names)
"""
import os
import struct
import sys

CLIENT, SERVER = bytes([10, 1, 0, 1]), bytes([10, 1, 0, 2])
OUTER_A, OUTER_B = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(src, dst, proto, payload, ident=1, frag=0):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0, src, dst)
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:] + payload


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", options=b""):
    offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, 64240, 0, 0) + options
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, len(header) + len(payload))
    total = checksum(pseudo + header + payload)
    return header[:16] + struct.pack("!H", total) + header[18:] + payload


def conversation():
    """(ip packet, ident) of two connections: a whole one, then a refused one."""
    c, s = 1000, 5000
    mss_ws = bytes([2, 4, 0x05, 0xB4, 1, 3, 3, 7])
    segs = [
        (True, c, 0, SYN, b"", mss_ws), (False, s, c + 1, SYN | ACK, b"", mss_ws),
        (True, c + 1, s + 1, ACK, b"", b""),
        (True, c + 1, s + 1, PSH | ACK, b"G" * 1200, b""),
        (False, s + 1, c + 1201, ACK, b"", b""),
        (False, s + 1, c + 1201, PSH | ACK, b"H" * 300, b""),
        (True, c + 1201, s + 301, ACK, b"", b""),
        (True, c + 1201, s + 301, FIN | ACK, b"", b""),
        (False, s + 301, c + 1202, FIN | ACK, b"", b""),
        (True, c + 1202, s + 302, ACK, b"", b""),
    ]
    out = []
    for i, (c2s, seq, ack, flags, payload, options) in enumerate(segs):
        src, dst = (CLIENT, SERVER) if c2s else (SERVER, CLIENT)
        sport, dport = (40000, 80) if c2s else (80, 40000)
        out.append(ipv4(src, dst, 6, tcp(src, dst, sport, dport, seq, ack, flags, payload, options), ident=i + 1))
    out.append(ipv4(CLIENT, SERVER, 6, tcp(CLIENT, SERVER, 40001, 81, 7000, 0, SYN), ident=50))
    out.append(ipv4(SERVER, CLIENT, 6, tcp(SERVER, CLIENT, 81, 40001, 0, 7001, RST | ACK), ident=51))
    return out


def fragments(packet):
    """An IPv4 packet with more than 600 bytes of payload cut in two fragments."""
    header, payload = packet[:20], packet[20:]
    if len(payload) <= 600:
        return [packet]
    ident = struct.unpack("!H", header[4:6])[0]
    src, dst = header[12:16], header[16:20]
    return [ipv4(src, dst, 6, payload[:600], ident, 0x2000), ipv4(src, dst, 6, payload[600:], ident, 600 // 8)]


def eth(payload, ethertype=0x0800):
    return bytes.fromhex("020000000002020000000001") + struct.pack("!H", ethertype) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def write(path, linktype, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, i * 1000, len(frame), len(frame)) + frame)


def nflog(ip):
    tlv = struct.pack("<HH", 4 + len(ip), 9) + ip
    tlv += b"\0" * (-len(tlv) % 4)
    return struct.pack("!BBH", 2, 0, 0) + tlv


def radiotap(ip):
    header = struct.pack("<BBHI", 0, 0, 8, 0)
    dot11 = bytes([0x08, 0x02, 0, 0]) + bytes.fromhex("020000000002" "020000000003" "020000000001") + b"\0\0"
    return header + dot11 + bytes.fromhex("aaaa03000000") + struct.pack("!H", 0x0800) + ip


ENCAPSULATIONS = {
    "ethernet": (1, lambda ip: [eth(ip)]),
    "radiotap": (127, lambda ip: [radiotap(ip)]),
    "cisco-hdlc": (104, lambda ip: [bytes([0x0F, 0]) + struct.pack("!H", 0x0800) + ip]),
    "nflog": (239, lambda ip: [nflog(ip)]),
    "gre": (1, lambda ip: [eth(ipv4(OUTER_A, OUTER_B, 47, struct.pack("!HH", 0, 0x0800) + ip))]),
    "erspan": (1, lambda ip: [eth(ipv4(OUTER_A, OUTER_B, 47, struct.pack("!HHI", 0x1000, 0x88BE, 1)
                                      + struct.pack("!HHI", 0x1001, 0x0001, 0) + eth(ip)))]),
    "vxlan": (1, lambda ip: [eth(ipv4(OUTER_A, OUTER_B, 17, udp(50000, 4789, struct.pack("!II", 0x08000000, 42 << 8) + eth(ip))))]),
    "geneve": (1, lambda ip: [eth(ipv4(OUTER_A, OUTER_B, 17, udp(50000, 6081, struct.pack("!HHI", 0, 0x6558, 42 << 8) + eth(ip))))]),
    "ip-in-ip": (1, lambda ip: [eth(ipv4(OUTER_A, OUTER_B, 4, ip))]),
    "pppoe": (1, lambda ip: [eth(struct.pack("!BBHH", 0x11, 0, 0x1234, len(ip) + 2) + struct.pack("!H", 0x0021) + ip, 0x8864)]),
    "fragments": (1, lambda ip: [eth(f) for f in fragments(ip)]),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    packets = conversation()
    for name, (linktype, wrap) in ENCAPSULATIONS.items():
        frames = [frame for ip in packets for frame in wrap(ip)]
        write(os.path.join(out, f"{name}.pcap"), linktype, frames)
        print(name)


main()
