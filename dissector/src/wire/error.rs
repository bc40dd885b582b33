//! Typed errors of the wire layer: what went wrong, in which layer, and where.

use core::fmt;

/// The protocol layer a wire error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Ethernet II header.
    Ethernet,
    /// An 802.1Q / 802.1ad VLAN tag.
    Vlan,
    /// An MPLS label stack entry.
    Mpls,
    /// Linux cooked capture v1 header.
    LinuxSll,
    /// Linux cooked capture v2 header.
    LinuxSll2,
    /// BSD loopback (DLT_NULL / DLT_LOOP) family word.
    Loopback,
    /// IPv4 header.
    Ipv4,
    /// IPv6 fixed header.
    Ipv6,
    /// An IPv6 extension header.
    Ipv6Extension,
    /// TCP header.
    Tcp,
    /// A TCP option.
    TcpOption,
    /// PPP header (address, control, protocol).
    Ppp,
    /// PPPoE session header.
    Pppoe,
    /// Cisco HDLC header.
    CiscoHdlc,
    /// NFLOG header and its TLVs.
    Nflog,
    /// Radiotap header.
    Radiotap,
    /// IEEE 802.11 MAC header.
    Ieee80211,
    /// 802.2 LLC / SNAP header.
    LlcSnap,
    /// GRE header.
    Gre,
    /// ERSPAN header.
    Erspan,
    /// UDP header (of a UDP tunnel).
    Udp,
    /// VXLAN header.
    Vxlan,
    /// Geneve header.
    Geneve,
}

impl Layer {
    /// The layer's name as error messages print it.
    pub const fn name(self) -> &'static str {
        match self {
            Layer::Ethernet => "Ethernet",
            Layer::Vlan => "VLAN tag",
            Layer::Mpls => "MPLS label",
            Layer::LinuxSll => "Linux cooked header",
            Layer::LinuxSll2 => "Linux cooked v2 header",
            Layer::Loopback => "loopback header",
            Layer::Ipv4 => "IPv4 header",
            Layer::Ipv6 => "IPv6 header",
            Layer::Ipv6Extension => "IPv6 extension header",
            Layer::Tcp => "TCP header",
            Layer::TcpOption => "TCP option",
            Layer::Ppp => "PPP header",
            Layer::Pppoe => "PPPoE header",
            Layer::CiscoHdlc => "Cisco HDLC header",
            Layer::Nflog => "NFLOG header",
            Layer::Radiotap => "radiotap header",
            Layer::Ieee80211 => "802.11 header",
            Layer::LlcSnap => "LLC/SNAP header",
            Layer::Gre => "GRE header",
            Layer::Erspan => "ERSPAN header",
            Layer::Udp => "UDP header",
            Layer::Vxlan => "VXLAN header",
            Layer::Geneve => "Geneve header",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a frame could not be read as a TCP segment.
///
/// Every variant names the layer and the byte offset of that layer (or of
/// the bad field) within the frame, so a message can point at the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireError {
    /// The frame ends before the layer does.
    Truncated {
        /// The layer that is cut short.
        layer: Layer,
        /// Offset of the layer's first byte in the frame.
        offset: usize,
        /// Bytes the layer needs from its start.
        needed: usize,
        /// Bytes the frame has from the layer's start.
        got: usize,
    },
    /// The pcap link type is not one tcpphase reads.
    UnsupportedLinkType {
        /// The LINKTYPE number of the capture or interface.
        linktype: u32,
    },
    /// The IP version nibble does not match the layer that was expected.
    BadIpVersion {
        /// The IP layer that was expected ([`Layer::Ipv4`] or [`Layer::Ipv6`]).
        layer: Layer,
        /// Offset of the IP header in the frame.
        offset: usize,
        /// The version nibble found.
        version: u8,
    },
    /// IPv4 IHL below 5 (20 bytes).
    Ipv4HeaderLenTooSmall {
        /// Offset of the IPv4 header in the frame.
        offset: usize,
        /// The IHL field, in 32-bit words.
        ihl: u8,
    },
    /// IPv4 total length smaller than the IPv4 header.
    Ipv4TotalLenTooSmall {
        /// Offset of the IPv4 header in the frame.
        offset: usize,
        /// The total length field.
        total_len: u16,
        /// The header length from IHL, in bytes.
        header_len: usize,
    },
    /// The IP payload length leaves no room for the TCP header it carries.
    IpPayloadTooShortForTcp {
        /// Offset of the TCP header in the frame.
        offset: usize,
        /// The TCP payload room the IP length gives, in bytes.
        ip_payload_len: usize,
        /// The TCP header length from its data offset.
        tcp_header_len: usize,
    },
    /// TCP data offset below 5 (20 bytes).
    TcpDataOffsetTooSmall {
        /// Offset of the TCP header in the frame.
        offset: usize,
        /// The data offset field, in 32-bit words.
        data_offset: u8,
    },
    /// A TCP option whose length byte is impossible for its kind.
    TcpOptionBadLength {
        /// Offset of the option's kind byte in the TCP header.
        offset: usize,
        /// The option kind.
        kind: u8,
        /// The length byte found.
        len: u8,
    },
    /// An IPv6 extension header chain longer than tcpphase follows.
    Ipv6ExtensionChainTooLong {
        /// Offset of the header where tcpphase stopped.
        offset: usize,
    },
    /// A header field says the layer is longer than its own minimum allows
    /// or shorter than it can be (a length field, TLV or version that
    /// cannot be).
    BadHeaderField {
        /// The layer holding the field.
        layer: Layer,
        /// Offset of the layer in the frame.
        offset: usize,
        /// Which field, as the protocol's specification names it.
        field: &'static str,
        /// The value found.
        value: u32,
    },
    /// Tunnels nested deeper than tcpphase follows.
    TunnelTooDeep {
        /// Offset of the tunnel header where tcpphase stopped.
        offset: usize,
    },
    /// A nom combinator failed in a way the header parser did not foresee.
    Unparsed {
        /// The layer being parsed.
        layer: Layer,
        /// Offset of the layer in the frame.
        offset: usize,
        /// What nom reported.
        kind: nom::error::ErrorKind,
    },
}

impl WireError {
    /// The layer the error is in (`None` for an unsupported link type).
    pub const fn layer(&self) -> Option<Layer> {
        match self {
            WireError::Truncated { layer, .. } => Some(*layer),
            WireError::UnsupportedLinkType { .. } => None,
            WireError::BadIpVersion { layer, .. } => Some(*layer),
            WireError::Ipv4HeaderLenTooSmall { .. } | WireError::Ipv4TotalLenTooSmall { .. } => {
                Some(Layer::Ipv4)
            }
            WireError::IpPayloadTooShortForTcp { .. } | WireError::TcpDataOffsetTooSmall { .. } => {
                Some(Layer::Tcp)
            }
            WireError::TcpOptionBadLength { .. } => Some(Layer::TcpOption),
            WireError::Ipv6ExtensionChainTooLong { .. } => Some(Layer::Ipv6Extension),
            WireError::BadHeaderField { layer, .. } | WireError::Unparsed { layer, .. } => {
                Some(*layer)
            }
            WireError::TunnelTooDeep { .. } => None,
        }
    }

    /// Byte offset in the frame the error points at (0 for a link type).
    /// For [`WireError::TcpOptionBadLength`] the offset counts from the TCP
    /// header's first byte: options are parsed lazily, apart from the frame.
    pub const fn offset(&self) -> usize {
        match self {
            WireError::Truncated { offset, .. }
            | WireError::BadIpVersion { offset, .. }
            | WireError::Ipv4HeaderLenTooSmall { offset, .. }
            | WireError::Ipv4TotalLenTooSmall { offset, .. }
            | WireError::IpPayloadTooShortForTcp { offset, .. }
            | WireError::TcpDataOffsetTooSmall { offset, .. }
            | WireError::TcpOptionBadLength { offset, .. }
            | WireError::Ipv6ExtensionChainTooLong { offset }
            | WireError::BadHeaderField { offset, .. }
            | WireError::TunnelTooDeep { offset }
            | WireError::Unparsed { offset, .. } => *offset,
            WireError::UnsupportedLinkType { .. } => 0,
        }
    }

    /// The frame offset field of the error, when it has one that counts
    /// from the start of the frame (not a link type, not an option offset
    /// that counts from the TCP header).
    fn frame_offset_mut(&mut self) -> Option<&mut usize> {
        match self {
            WireError::Truncated { offset, .. }
            | WireError::BadIpVersion { offset, .. }
            | WireError::Ipv4HeaderLenTooSmall { offset, .. }
            | WireError::Ipv4TotalLenTooSmall { offset, .. }
            | WireError::IpPayloadTooShortForTcp { offset, .. }
            | WireError::TcpDataOffsetTooSmall { offset, .. }
            | WireError::Ipv6ExtensionChainTooLong { offset }
            | WireError::BadHeaderField { offset, .. }
            | WireError::TunnelTooDeep { offset }
            | WireError::Unparsed { offset, .. } => Some(offset),
            WireError::UnsupportedLinkType { .. } | WireError::TcpOptionBadLength { .. } => None,
        }
    }

    /// The same error with `by` added to its frame offset: a header parser
    /// builds errors relative to its layer, the frame decoder places them.
    /// Errors without a frame offset are returned unchanged.
    ///
    /// ```
    /// use tcpphase::wire::{Layer, WireError};
    /// let e = WireError::TunnelTooDeep { offset: 4 };
    /// assert_eq!(e.offset_by(30).offset(), 34);
    /// ```
    #[must_use]
    pub fn offset_by(mut self, by: usize) -> Self {
        if let Some(offset) = self.frame_offset_mut() {
            *offset += by;
        }
        self
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WireError::Truncated {
                layer,
                offset,
                needed,
                got,
            } => write!(
                f,
                "{layer} at byte {offset} truncated: needs {needed} bytes, frame has {got}"
            ),
            WireError::UnsupportedLinkType { linktype } => {
                write!(f, "unsupported link type {linktype}")
            }
            WireError::BadIpVersion {
                layer,
                offset,
                version,
            } => write!(f, "{layer} at byte {offset} has version {version}"),
            WireError::Ipv4HeaderLenTooSmall { offset, ihl } => write!(
                f,
                "IPv4 header at byte {offset} has IHL {ihl} ({} bytes), below the minimum of 20",
                usize::from(ihl) * 4
            ),
            WireError::Ipv4TotalLenTooSmall {
                offset,
                total_len,
                header_len,
            } => write!(
                f,
                "IPv4 header at byte {offset} has total length {total_len}, below its header length {header_len}"
            ),
            WireError::IpPayloadTooShortForTcp {
                offset,
                ip_payload_len,
                tcp_header_len,
            } => write!(
                f,
                "TCP header at byte {offset} is {tcp_header_len} bytes but the IP length leaves {ip_payload_len}"
            ),
            WireError::TcpDataOffsetTooSmall {
                offset,
                data_offset,
            } => write!(
                f,
                "TCP header at byte {offset} has data offset {data_offset} ({} bytes), below the minimum of 20",
                usize::from(data_offset) * 4
            ),
            WireError::TcpOptionBadLength { offset, kind, len } => write!(
                f,
                "TCP option kind {kind} at header byte {offset} has impossible length {len}"
            ),
            WireError::Ipv6ExtensionChainTooLong { offset } => write!(
                f,
                "IPv6 extension header chain too long at byte {offset}"
            ),
            WireError::BadHeaderField {
                layer,
                offset,
                field,
                value,
            } => write!(f, "{layer} at byte {offset} has impossible {field} {value}"),
            WireError::TunnelTooDeep { offset } => write!(
                f,
                "tunnels nested too deep at byte {offset} (tcpphase follows {})",
                super::frame::MAX_TUNNEL_DEPTH
            ),
            WireError::Unparsed {
                layer,
                offset,
                kind,
            } => write!(
                f,
                "{layer} at byte {offset} does not parse ({})",
                kind.description()
            ),
        }
    }
}

impl std::error::Error for WireError {}

/// A header parser's error before the frame decoder knows the layer's
/// absolute offset: lengths and positions are relative to the layer start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderError {
    /// The layer needs `needed` bytes and has `got`.
    Truncated {
        /// Bytes needed from the layer start.
        needed: usize,
        /// Bytes available from the layer start.
        got: usize,
    },
    /// A field holds a value that cannot be (already placed in a [`WireError`]
    /// whose offset is relative to the layer start).
    Invalid(WireError),
    /// nom reported an error the header parser did not foresee.
    Nom(nom::error::ErrorKind),
}

impl<'a> nom::error::ParseError<&'a [u8]> for HeaderError {
    fn from_error_kind(_input: &'a [u8], kind: nom::error::ErrorKind) -> Self {
        HeaderError::Nom(kind)
    }
    fn append(_input: &'a [u8], _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

/// What nom parsers of this layer return.
pub type HeaderResult<'a, T> = nom::IResult<&'a [u8], T, HeaderError>;

/// Takes the first `n` bytes of `input` or fails with [`HeaderError::Truncated`]
/// counting from `layer_len_before` bytes already consumed in this layer.
#[inline]
pub(crate) fn take_fixed(
    input: &[u8],
    n: usize,
    layer_len_before: usize,
) -> HeaderResult<'_, &[u8]> {
    if input.len() < n {
        Err(nom::Err::Error(HeaderError::Truncated {
            needed: layer_len_before + n,
            got: layer_len_before + input.len(),
        }))
    } else {
        Ok((&input[n..], &input[..n]))
    }
}

/// Turns a header parser's relative error into a frame-level [`WireError`].
pub(crate) fn locate(err: nom::Err<HeaderError>, layer: Layer, offset: usize) -> WireError {
    match err {
        nom::Err::Error(e) | nom::Err::Failure(e) => match e {
            HeaderError::Truncated { needed, got } => WireError::Truncated {
                layer,
                offset,
                needed,
                got,
            },
            HeaderError::Invalid(inner) => inner.offset_by(offset),
            HeaderError::Nom(kind) => WireError::Unparsed {
                layer,
                offset,
                kind,
            },
        },
        // The parsers are `complete` ones: nom never asks for more input.
        nom::Err::Incomplete(_) => WireError::Unparsed {
            layer,
            offset,
            kind: nom::error::ErrorKind::Complete,
        },
    }
}
