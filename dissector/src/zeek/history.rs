//! Zeek's connection history (`Connection::CheckHistory`, `AddHistory`,
//! `ScaledHistoryEntry` in Zeek's `src/Conn.cc`; the letters are documented
//! in `scripts/base/protocols/conn/main.zeek`).
//!
//! Upper case is the originator, lower case the responder. Most letters are
//! written once per side (`CheckHistory` keeps a bit per kind and side);
//! S, H, F and R once more each time their sequence number differs from the
//! last one of that kind; g, t and w (gaps, retransmissions, zero windows)
//! on the 1st, 10th, 100th ... event (`ScaledHistoryEntry`); `^` on a flip.

/// Which kind of packet a letter records, a bit in Zeek's `hist_seen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum HistoryKind {
    /// S / H: a SYN, or SYN-ACK.
    Syn = 0x1,
    /// F: a FIN.
    Fin = 0x2,
    /// R: a RST.
    Rst = 0x4,
    /// I: FIN and RST together.
    FinRst = 0x8,
    /// D: a packet with payload.
    Data = 0x10,
    /// A: a pure ACK.
    Ack = 0x20,
    /// Q: several of SYN, FIN, RST together (not FIN+RST alone).
    MultiFlag = 0x40,
}

/// The history string and the kinds seen, per side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    letters: String,
    seen: u32,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        History {
            letters: String::with_capacity(16),
            seen: 0,
        }
    }

    /// The letters so far.
    pub fn as_str(&self) -> &str {
        &self.letters
    }

    /// Appends `code` (already in the side's case).
    pub fn add(&mut self, code: char) {
        self.letters.push(code);
    }

    /// After a flip that found the roles wrong from the start: the letters
    /// so far change side (case), `^` leads, and the kinds seen change side.
    pub fn restate_flipped(&mut self) {
        let swapped: String = self
            .letters
            .chars()
            .filter(|&c| c != '^')
            .map(|c| {
                if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        self.letters.clear();
        self.letters.push('^');
        self.letters.push_str(&swapped);
        self.seen = self.seen.rotate_left(16);
    }

    /// Zeek's `CheckHistory`: the first time `kind` is seen from this side
    /// its letter is written and false returned; after that, true.
    pub fn check(&mut self, kind: HistoryKind, is_orig: bool, code: char) -> bool {
        let mask = if is_orig {
            kind as u32
        } else {
            (kind as u32) << 16
        };
        if self.seen & mask == 0 {
            self.seen |= mask;
            self.add(cased(code, is_orig));
            false
        } else {
            true
        }
    }
}

/// `code` in the case of its side: upper for the originator.
pub fn cased(code: char, is_orig: bool) -> char {
    if is_orig {
        code.to_ascii_uppercase()
    } else {
        code.to_ascii_lowercase()
    }
}

/// A logarithmic counter (Zeek's `ScaledHistoryEntry` with base 10): its
/// letter is written on the 1st, 10th, 100th ... event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaledCounter {
    count: u32,
    threshold: u32,
}

impl Default for ScaledCounter {
    fn default() -> Self {
        ScaledCounter {
            count: 0,
            threshold: 1,
        }
    }
}

impl ScaledCounter {
    /// Counts one event; true when its letter is due.
    pub fn hit(&mut self) -> bool {
        self.count = self.count.wrapping_add(1);
        if self.count != self.threshold {
            return false;
        }
        match self.threshold.checked_mul(10) {
            Some(next) => self.threshold = next,
            None => self.count = 0,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_counter_fires_at_powers_of_ten() {
        let mut c = ScaledCounter::default();
        let fired: Vec<u32> = (1..=1000).filter(|_| c.hit()).collect();
        assert_eq!(fired.len(), 4);
    }

    #[test]
    fn check_writes_each_kind_once_per_side() {
        let mut h = History::new();
        assert!(!h.check(HistoryKind::Data, true, 'D'));
        assert!(h.check(HistoryKind::Data, true, 'D'));
        assert!(!h.check(HistoryKind::Data, false, 'D'));
        assert_eq!(h.as_str(), "Dd");
    }
}
