//! `--host`'s values: an address, or a CIDR prefix (`10.0.0.0/8`,
//! `2001:db8::/32`) that matches every address it covers.

use core::fmt;
use core::net::IpAddr;
use core::str::FromStr;

/// An address prefix: the first `len` bits of `addr`. A bare address is
/// the prefix of all its bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    addr: IpAddr,
    len: u8,
}

/// Why a `--host` value is not an address or a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefixError {
    /// The part before `/` is not an IPv4 or IPv6 address.
    Address(String),
    /// The part after `/` is not a number of bits the address has.
    Length {
        /// The text after `/`.
        text: String,
        /// The address's bits: 32 or 128.
        max: u8,
    },
}

impl fmt::Display for PrefixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrefixError::Address(text) => write!(
                f,
                "'{text}' is not an IPv4 or IPv6 address (examples: 10.0.0.7, 10.0.0.0/8, 2001:db8::/32)"
            ),
            PrefixError::Length { text, max } => write!(
                f,
                "'/{text}' is not a prefix length: from 0 to {max} for this address"
            ),
        }
    }
}

impl std::error::Error for PrefixError {}

impl Prefix {
    /// The bits of `addr` as one number, and how many there are.
    fn bits(addr: IpAddr) -> (u128, u8) {
        match addr {
            IpAddr::V4(a) => (u32::from(a).into(), 32),
            IpAddr::V6(a) => (u128::from(a), 128),
        }
    }

    /// Whether `ip` is covered (an IPv4 address never matches an IPv6
    /// prefix, nor the reverse).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (want, width) = Prefix::bits(self.addr);
        let (have, have_width) = Prefix::bits(ip);
        if width != have_width {
            return false;
        }
        let host_bits = u32::from(width - self.len);
        let mask = u128::MAX.checked_shl(host_bits).unwrap_or(0);
        (want ^ have) & mask == 0
    }
}

impl FromStr for Prefix {
    type Err = PrefixError;

    fn from_str(text: &str) -> Result<Prefix, PrefixError> {
        let (addr_text, len_text) = match text.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (text, None),
        };
        let addr: IpAddr = addr_text
            .parse()
            .map_err(|_| PrefixError::Address(addr_text.to_string()))?;
        let max = Prefix::bits(addr).1;
        let len =
            match len_text {
                None => max,
                Some(l) => l.parse::<u8>().ok().filter(|n| *n <= max).ok_or_else(|| {
                    PrefixError::Length {
                        text: l.to_string(),
                        max,
                    }
                })?,
            };
        Ok(Prefix { addr, len })
    }
}

impl From<IpAddr> for Prefix {
    fn from(addr: IpAddr) -> Prefix {
        Prefix {
            addr,
            len: Prefix::bits(addr).1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn prefixes_cover_their_addresses_v4_and_v6() {
        let net: Prefix = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.255.1.2")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(!net.contains(ip("::ffff:10.0.0.1")));
        let one: Prefix = "10.0.0.7".parse().unwrap();
        assert!(one.contains(ip("10.0.0.7")) && !one.contains(ip("10.0.0.8")));
        let v6: Prefix = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        let all: Prefix = "::/0".parse().unwrap();
        assert!(all.contains(ip("::1")) && !all.contains(ip("127.0.0.1")));
        let odd: Prefix = "192.168.4.0/22".parse().unwrap();
        assert!(odd.contains(ip("192.168.7.255")) && !odd.contains(ip("192.168.8.0")));
    }

    #[test]
    fn bad_prefixes_say_what_is_wrong() {
        let e = "10.0.0.0/33".parse::<Prefix>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "'/33' is not a prefix length: from 0 to 32 for this address"
        );
        let e = "host.example/8".parse::<Prefix>().unwrap_err();
        assert!(e
            .to_string()
            .starts_with("'host.example' is not an IPv4 or IPv6 address"));
        assert!("::1/129".parse::<Prefix>().is_err());
        assert!("::1/x".parse::<Prefix>().is_err());
    }
}
