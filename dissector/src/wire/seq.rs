//! Sequence numbers with wrap-aware ordering (RFC 9293 section 3.4).

use core::cmp::Ordering;
use core::fmt;

/// A TCP sequence or acknowledgement number.
///
/// Ordering is modulo 2^32: `a < b` when `b` lies less than 2^31 ahead of
/// `a`, so numbers keep their order across the wrap from `u32::MAX` to 0.
/// It is a partial order: two numbers exactly 2^31 apart are unordered.
///
/// ```
/// use tcpphase::wire::SeqNumber;
/// let before_wrap = SeqNumber(u32::MAX - 10);
/// let after_wrap = before_wrap + 20;
/// assert_eq!(after_wrap, SeqNumber(9));
/// assert!(before_wrap < after_wrap);
/// assert_eq!(after_wrap - before_wrap, 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeqNumber(pub u32);

impl SeqNumber {
    /// The signed distance from `other` to `self` (positive when `self` is ahead).
    pub const fn distance_from(self, other: SeqNumber) -> i32 {
        self.0.wrapping_sub(other.0) as i32
    }
}

impl PartialOrd for SeqNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let d = self.distance_from(*other);
        if d == i32::MIN {
            None
        } else {
            Some(d.cmp(&0))
        }
    }
}

impl core::ops::Add<u32> for SeqNumber {
    type Output = SeqNumber;
    fn add(self, rhs: u32) -> SeqNumber {
        SeqNumber(self.0.wrapping_add(rhs))
    }
}

impl core::ops::Sub<SeqNumber> for SeqNumber {
    type Output = i32;
    fn sub(self, rhs: SeqNumber) -> i32 {
        self.distance_from(rhs)
    }
}

impl fmt::Display for SeqNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_across_the_wrap() {
        let a = SeqNumber(0xffff_fff0);
        let b = SeqNumber(0x10);
        assert!(a < b);
        assert!(b > a);
        assert_eq!(b - a, 0x20);
        assert_eq!(a - b, -0x20);
    }

    #[test]
    fn half_the_space_apart_is_unordered() {
        let a = SeqNumber(0);
        let b = SeqNumber(0x8000_0000);
        assert_eq!(a.partial_cmp(&b), None);
    }
}
