//! The TCP flag bits, AE (formerly NS) included.

use core::fmt;

/// The 9 TCP flag bits of a header, as one value.
///
/// ```
/// use tcpphase::wire::TcpFlags;
/// let syn_ack = TcpFlags::SYN | TcpFlags::ACK;
/// assert!(syn_ack.syn() && syn_ack.ack());
/// assert_eq!(syn_ack.to_string(), "SA");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TcpFlags(pub u16);

impl TcpFlags {
    /// No more data from sender.
    pub const FIN: TcpFlags = TcpFlags(0x001);
    /// Synchronize sequence numbers.
    pub const SYN: TcpFlags = TcpFlags(0x002);
    /// Reset the connection.
    pub const RST: TcpFlags = TcpFlags(0x004);
    /// Push.
    pub const PSH: TcpFlags = TcpFlags(0x008);
    /// Acknowledgment field is significant.
    pub const ACK: TcpFlags = TcpFlags(0x010);
    /// Urgent pointer field is significant.
    pub const URG: TcpFlags = TcpFlags(0x020);
    /// ECN-Echo.
    pub const ECE: TcpFlags = TcpFlags(0x040);
    /// Congestion Window Reduced.
    pub const CWR: TcpFlags = TcpFlags(0x080);
    /// Accurate ECN (RFC 9768; formerly the NS nonce-sum bit).
    pub const AE: TcpFlags = TcpFlags(0x100);

    /// Letters in the order [`fmt::Display`] prints them.
    const LETTERS: [(TcpFlags, char); 9] = [
        (TcpFlags::SYN, 'S'),
        (TcpFlags::FIN, 'F'),
        (TcpFlags::RST, 'R'),
        (TcpFlags::PSH, 'P'),
        (TcpFlags::ACK, 'A'),
        (TcpFlags::URG, 'U'),
        (TcpFlags::ECE, 'E'),
        (TcpFlags::CWR, 'C'),
        (TcpFlags::AE, 'N'),
    ];

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: TcpFlags) -> bool {
        self.0 & other.0 == other.0
    }
    /// FIN is set.
    pub const fn fin(self) -> bool {
        self.contains(TcpFlags::FIN)
    }
    /// SYN is set.
    pub const fn syn(self) -> bool {
        self.contains(TcpFlags::SYN)
    }
    /// RST is set.
    pub const fn rst(self) -> bool {
        self.contains(TcpFlags::RST)
    }
    /// PSH is set.
    pub const fn psh(self) -> bool {
        self.contains(TcpFlags::PSH)
    }
    /// ACK is set.
    pub const fn ack(self) -> bool {
        self.contains(TcpFlags::ACK)
    }
    /// URG is set.
    pub const fn urg(self) -> bool {
        self.contains(TcpFlags::URG)
    }
    /// ECE is set.
    pub const fn ece(self) -> bool {
        self.contains(TcpFlags::ECE)
    }
    /// CWR is set.
    pub const fn cwr(self) -> bool {
        self.contains(TcpFlags::CWR)
    }
    /// AE (NS) is set.
    pub const fn ae(self) -> bool {
        self.contains(TcpFlags::AE)
    }

    /// Writes the set flags as letters (`S F R P A U E C N`) into `buf` and
    /// returns them as a string; no allocation.
    pub fn letters(self, buf: &mut [u8; 9]) -> &str {
        let mut n = 0;
        for (flag, letter) in Self::LETTERS {
            if self.contains(flag) {
                buf[n] = letter as u8;
                n += 1;
            }
        }
        // Only ASCII letters were written.
        core::str::from_utf8(&buf[..n]).unwrap_or("")
    }
}

impl core::ops::BitOr for TcpFlags {
    type Output = TcpFlags;
    fn bitor(self, rhs: TcpFlags) -> TcpFlags {
        TcpFlags(self.0 | rhs.0)
    }
}

impl fmt::Display for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 9];
        f.write_str(self.letters(&mut buf))
    }
}

impl fmt::Debug for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TcpFlags({:#05x} {self})", self.0)
    }
}
