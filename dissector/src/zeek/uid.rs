//! Connection uids: Zeek's shape (`C` and up to 17 base-62 digits of a 96-bit
//! number), but derived from the connection itself so that the same input
//! always gives the same uids (Zeek draws them at random unless seeded).

use core::net::IpAddr;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The uid of the `serial`-th connection of a capture, first seen at
/// `ts_ns` from `orig` to `resp`.
pub fn uid(serial: u64, ts_ns: u64, orig: (IpAddr, u16), resp: (IpAddr, u16)) -> String {
    let mut h = Mix(0x243f_6a88_85a3_08d3);
    h.feed(serial);
    h.feed(ts_ns);
    for (addr, port) in [orig, resp] {
        match addr {
            IpAddr::V4(a) => h.feed(u64::from(u32::from(a))),
            IpAddr::V6(a) => {
                let v = u128::from(a);
                h.feed(v as u64);
                h.feed((v >> 64) as u64);
            }
        }
        h.feed(u64::from(port));
    }
    let hi = h.next() & 0xffff_ffff;
    let lo = h.next();
    let mut n = (u128::from(hi) << 64) | u128::from(lo);
    let mut digits = [0u8; 17];
    let mut len = 0;
    while n > 0 && len < digits.len() {
        digits[len] = BASE62[(n % 62) as usize];
        n /= 62;
        len += 1;
    }
    let mut out = String::with_capacity(18);
    out.push('C');
    out.extend(digits[..len.max(1)].iter().map(|&d| d as char));
    out
}

/// splitmix64 steps over the fed words.
struct Mix(u64);

impl Mix {
    fn feed(&mut self, word: u64) {
        self.0 ^= word;
        self.next();
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_input_same_uid_and_zeek_shape() {
        let a = (IpAddr::from([10, 0, 0, 1]), 40000);
        let b = (IpAddr::from([10, 0, 0, 2]), 80);
        let u = uid(0, 1, a, b);
        assert_eq!(u, uid(0, 1, a, b));
        assert_ne!(u, uid(1, 1, a, b));
        assert!(u.starts_with('C') && u.len() <= 18 && u.len() > 10);
        assert!(u[1..].bytes().all(|c| c.is_ascii_alphanumeric()));
    }
}
