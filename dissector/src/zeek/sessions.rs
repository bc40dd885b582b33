//! Zeek's connection table for TCP: lookup by 4-tuple, a new connection
//! when none is there or a SYN reuses the 4-tuple (`IsReuse`), the roles
//! guessed for a connection that begins without a SYN (`WantConnection`
//! in Zeek's `src/packet_analysis/protocol/tcp/TCP.cc`, with
//! `likely_server_ports`), and the timers, which fire before any packet
//! later than them is processed (Zeek advances its timers to each
//! packet's time first).

use super::checksum::checksum_ok;
use super::config::ZeekConfig;
use super::connection::{Connection, Removal, ZeekPacket};
use super::record::ZeekConnRecord;
use super::server_ports::ServerPorts;
use super::uid::uid;
use crate::wire::{IpHeader, TcpSegment};
use core::cmp::Reverse;
use core::net::IpAddr;
use std::collections::{BinaryHeap, HashMap, VecDeque};

/// The 4-tuple, sides in a fixed order.
type Key = ((IpAddr, u16), (IpAddr, u16));

fn key(a: (IpAddr, u16), b: (IpAddr, u16)) -> Key {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Zeek's `WantConnection` for a first packet: whether the new
/// connection's roles flip (a first packet without SYN, or a SYN-ACK,
/// from a likely server port).
fn flips(p: &ZeekPacket, ports: &ServerPorts) -> bool {
    let f = p.flags;
    if f.syn() && !f.ack() {
        return false;
    }
    let (src, dst) = (p.src.1, p.dst.1);
    if !ports.contains(src) {
        return false;
    }
    if ports.contains(dst) {
        !f.syn() && src < dst
    } else {
        true
    }
}

/// The connections of a capture, bounded as Zeek bounds them.
///
/// ```
/// use tcpphase::wire::{decode_frame, Decoded, LinkType};
/// use tcpphase::zeek::{ConnState, ZeekConfig, ZeekSessions};
/// // A SYN from 10.0.0.1:40000 to 10.0.0.2:80 (raw IPv4), never answered.
/// let syn = [
///     0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
///     0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
/// ];
/// let Ok(Decoded::Tcp(segment)) = decode_frame(LinkType::Raw, &syn) else { panic!() };
/// let config = ZeekConfig { ignore_checksums: true, ..ZeekConfig::default() };
/// let mut sessions = ZeekSessions::new(config);
/// sessions.feed_segment(1_700_000_000_000_000_000, &segment);
/// sessions.finish();
/// let row = sessions.next_record().unwrap();
/// assert_eq!((row.conn_state, row.history.as_deref()), (ConnState::S0, Some("S")));
/// ```
#[derive(Debug)]
pub struct ZeekSessions {
    config: ZeekConfig,
    table: HashMap<Key, Connection>,
    by_serial: HashMap<u64, Key>,
    timers: BinaryHeap<Reverse<(u64, u64)>>,
    done: VecDeque<ZeekConnRecord>,
    next_serial: u64,
}

impl ZeekSessions {
    /// An empty table with these timers.
    pub fn new(config: ZeekConfig) -> Self {
        ZeekSessions {
            config,
            table: HashMap::new(),
            by_serial: HashMap::new(),
            timers: BinaryHeap::new(),
            done: VecDeque::new(),
            next_serial: 0,
        }
    }

    /// The settings in use.
    pub fn config(&self) -> &ZeekConfig {
        &self.config
    }

    /// Connections still in the table.
    pub fn live(&self) -> usize {
        self.table.len()
    }

    /// One decoded segment captured at `ts` (ns since the epoch).
    pub fn feed_segment(&mut self, ts: u64, segment: &TcpSegment<'_>) {
        let ip_len = match segment.ip {
            IpHeader::V4(h) => u32::from(h.total_len),
            IpHeader::V6(h) => u32::from(h.payload_len) + 40,
        };
        let packet = ZeekPacket {
            ts,
            src: (segment.ip.src(), segment.tcp.src_port),
            dst: (segment.ip.dst(), segment.tcp.dst_port),
            flags: segment.tcp.flags,
            seq: segment.tcp.seq.0,
            ack: segment.tcp.ack.0,
            window: segment.tcp.window,
            len: segment.payload_len,
            caplen: segment.payload.len() as u32,
            ip_len,
            checksum_ok: self.config.ignore_checksums || checksum_ok(segment) != Some(false),
        };
        self.feed(&packet);
    }

    /// One packet.
    pub fn feed(&mut self, p: &ZeekPacket) {
        self.advance(p.ts);
        let k = key(p.src, p.dst);
        let reused = self.table.get(&k).is_some_and(|c| c.is_reuse(p));
        if reused {
            self.remove(&k);
        }
        if !self.table.contains_key(&k) {
            let serial = self.next_serial;
            self.next_serial += 1;
            let flip = flips(p, &self.config.likely_server_ports);
            let conn = Connection::new(serial, p, flip, &self.config);
            self.by_serial.insert(serial, k);
            self.table.insert(k, conn);
        }
        if let Some(conn) = self.table.get_mut(&k) {
            conn.deliver(p, &self.config);
            schedule(&mut self.timers, conn);
        }
    }

    /// Fires the timers due at or before `now`.
    pub fn advance(&mut self, now: u64) {
        while let Some(&Reverse((at, serial))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            let Some(k) = self.by_serial.get(&serial).copied() else {
                continue;
            };
            let Some(conn) = self.table.get_mut(&k) else {
                continue;
            };
            if conn.queued != Some(at) {
                continue;
            }
            conn.queued = None;
            match conn.fire_due(at, &self.config) {
                Removal::Timer => self.remove(&k),
                Removal::Stays => schedule(&mut self.timers, conn),
            }
        }
    }

    fn remove(&mut self, k: &Key) {
        if let Some(conn) = self.table.remove(k) {
            self.by_serial.remove(&conn.serial);
            self.done.push_back(self.record(&conn));
        }
    }

    fn record(&self, conn: &Connection) -> ZeekConnRecord {
        let id = uid(conn.serial, conn.start_time, conn.orig, conn.resp);
        ZeekConnRecord::of(conn, id, &self.config)
    }

    /// The end of the capture: every connection left is written, in the
    /// order they began (Zeek writes them at shutdown).
    pub fn finish(&mut self) {
        let mut left: Vec<Connection> = self.table.drain().map(|(_, c)| c).collect();
        self.by_serial.clear();
        self.timers.clear();
        left.sort_by_key(|c| (c.start_time, c.serial));
        for conn in &left {
            let r = self.record(conn);
            self.done.push_back(r);
        }
    }

    /// The next row ready to be written, in the order connections left.
    pub fn next_record(&mut self) -> Option<ZeekConnRecord> {
        self.done.pop_front()
    }
}

/// Queues `conn`'s next deadline when it is earlier than the one queued.
fn schedule(timers: &mut BinaryHeap<Reverse<(u64, u64)>>, conn: &mut Connection) {
    if let Some(next) = conn.next_deadline() {
        if conn.queued.is_none_or(|q| next < q) {
            conn.queued = Some(next);
            timers.push(Reverse((next, conn.serial)));
        }
    }
}
