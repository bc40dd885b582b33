//! An address and port as C sees them, and their text as the CLI prints it.

use crate::boundary::{guard, write_text};
use crate::status::tcpphase_status;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use libc::c_char;

/// An IP address family, the `family` member of a [`tcpphase_endpoint`].
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_family {
    /// No address (the endpoint is unset).
    Unspecified = 0,
    /// IPv4: the address is in `addr[0..4]`, network byte order.
    Ipv4 = 4,
    /// IPv6: the address is `addr[0..16]`, network byte order.
    Ipv6 = 6,
}

/// Room for the longest endpoint text, `[ffff:...:ffff]:65535`, NUL included.
pub const TCPPHASE_ENDPOINT_TEXT_LEN: usize = 48;

/// One end of a segment or connection: address, family and port.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tcpphase_endpoint {
    /// The address in network byte order; IPv4 uses the first 4 bytes, the rest are 0.
    pub addr: [u8; 16],
    /// The port, in host byte order.
    pub port: u16,
    /// A `tcpphase_family` value: `TCPPHASE_FAMILY_IPV4` or `TCPPHASE_FAMILY_IPV6`
    /// (`TCPPHASE_FAMILY_UNSPECIFIED` when the endpoint is unset).
    pub family: u8,
}

impl tcpphase_endpoint {
    /// The unset endpoint.
    pub const UNSET: tcpphase_endpoint = tcpphase_endpoint {
        addr: [0; 16],
        port: 0,
        family: tcpphase_family::Unspecified as u8,
    };

    /// The endpoint of a socket address.
    pub fn of(addr: SocketAddr) -> Self {
        let mut out = tcpphase_endpoint {
            port: addr.port(),
            ..Self::UNSET
        };
        match addr.ip() {
            IpAddr::V4(v4) => {
                out.addr[..4].copy_from_slice(&v4.octets());
                out.family = tcpphase_family::Ipv4 as u8;
            }
            IpAddr::V6(v6) => {
                out.addr = v6.octets();
                out.family = tcpphase_family::Ipv6 as u8;
            }
        }
        out
    }

    /// The socket address, if the family is known.
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        let ip = match self.family {
            f if f == tcpphase_family::Ipv4 as u8 => {
                let [a, b, c, d, ..] = self.addr;
                IpAddr::V4(Ipv4Addr::new(a, b, c, d))
            }
            f if f == tcpphase_family::Ipv6 as u8 => IpAddr::V6(Ipv6Addr::from(self.addr)),
            _ => return None,
        };
        Some(SocketAddr::new(ip, self.port))
    }
}

/// Writes an endpoint's text into `buf` (`len` bytes, NUL-terminated), as
/// the CLI prints it: with `with_port`, `10.0.0.1:80` or `[2001:db8::1]:80`
/// (the form of summaries' `client` / `server`); without, the address alone,
/// `10.0.0.1` or `2001:db8::1` (the form of annotations' `src` / `dst`).
/// `TCPPHASE_ENDPOINT_TEXT_LEN` bytes always suffice.
///
/// Returns `OK`; `NONE` for the unset endpoint (family
/// `TCPPHASE_FAMILY_UNSPECIFIED`, as in a zeroed annotation), writing `""`
/// when `len` > 0; `BUFFER_TOO_SMALL` (what fits is written);
/// `NULL_ARGUMENT`; `INVALID_ARGUMENT` for an unknown family or a length
/// above `PTRDIFF_MAX`.
///
/// Ownership: reads `*endpoint` and writes `buf` during the call only; both
/// stay the caller's. Threads: any thread; no shared state.
///
/// # Safety
/// `endpoint` must be NULL or point to a `tcpphase_endpoint`; `buf` must be
/// NULL or valid for writes of `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_endpoint_format(
    endpoint: *const tcpphase_endpoint,
    with_port: bool,
    buf: *mut c_char,
    len: usize,
) -> tcpphase_status {
    guard(|| {
        // SAFETY: the caller vouches for `endpoint` being NULL or valid.
        let Some(endpoint) = (unsafe { endpoint.as_ref() }) else {
            return tcpphase_status::NullArgument;
        };
        if buf.is_null() {
            return tcpphase_status::NullArgument;
        }
        if endpoint.family == tcpphase_family::Unspecified as u8 {
            // SAFETY: the caller vouches for `len` writable bytes at `buf`.
            return match unsafe { write_text(buf, len, "") } {
                tcpphase_status::Ok => tcpphase_status::None,
                other => other,
            };
        }
        let Some(addr) = endpoint.socket_addr() else {
            return tcpphase_status::InvalidArgument;
        };
        // SAFETY: the caller vouches for `len` writable bytes at `buf`.
        unsafe {
            if with_port {
                write_text(buf, len, addr)
            } else {
                write_text(buf, len, addr.ip())
            }
        }
    })
}
