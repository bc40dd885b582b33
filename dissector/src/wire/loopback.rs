//! BSD loopback headers: a 4-byte address family (DLT_NULL, DLT_LOOP).

use super::error::{take_fixed, HeaderResult};

/// The network protocol a loopback address family names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopbackFamily {
    /// AF_INET.
    Ipv4,
    /// AF_INET6 (10 on Linux, 24 / 28 / 30 on the BSDs and macOS).
    Ipv6,
    /// Any other family value.
    Other(u32),
}

fn family_of(value: u32) -> LoopbackFamily {
    match value {
        2 => LoopbackFamily::Ipv4,
        10 | 24 | 28 | 30 => LoopbackFamily::Ipv6,
        other => LoopbackFamily::Other(other),
    }
}

/// Parses a DLT_NULL header. Its family word is in the byte order of the
/// host that captured, which the file does not say, so both are tried.
pub fn parse_null(input: &[u8]) -> HeaderResult<'_, LoopbackFamily> {
    let (rest, word) = take_fixed(input, 4, 0)?;
    let bytes = [word[0], word[1], word[2], word[3]];
    let little = family_of(u32::from_le_bytes(bytes));
    let family = match little {
        LoopbackFamily::Other(_) => family_of(u32::from_be_bytes(bytes)),
        known => known,
    };
    Ok((rest, family))
}

/// Parses a DLT_LOOP header: the family word in network byte order.
pub fn parse_loop(input: &[u8]) -> HeaderResult<'_, LoopbackFamily> {
    let (rest, word) = take_fixed(input, 4, 0)?;
    Ok((
        rest,
        family_of(u32::from_be_bytes([word[0], word[1], word[2], word[3]])),
    ))
}
