//! Link types by their pcap LINKTYPE numbers, and what a link header leads to.

/// A link-layer header type tcpphase reads, named as pcap's LINKTYPE_* list
/// names it (<https://www.tcpdump.org/linktypes.html>).
///
/// ```
/// use tcpphase::wire::LinkType;
/// assert_eq!(LinkType::from_number(1), Some(LinkType::Ethernet));
/// assert_eq!(LinkType::LinuxSll2.number(), 276);
/// assert_eq!(LinkType::from_number(147), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// LINKTYPE_NULL (0): BSD loopback, address family in host byte order.
    Null,
    /// LINKTYPE_ETHERNET (1): Ethernet II, with 802.1Q / 802.1ad tags and MPLS.
    Ethernet,
    /// LINKTYPE_RAW (101): a raw IPv4 or IPv6 packet.
    Raw,
    /// LINKTYPE_LOOP (108): OpenBSD loopback, address family in network byte order.
    Loop,
    /// LINKTYPE_LINUX_SLL (113): Linux cooked capture v1 (`tcpdump -i any`).
    LinuxSll,
    /// LINKTYPE_IPV4 (228): a raw IPv4 packet.
    Ipv4,
    /// LINKTYPE_IPV6 (229): a raw IPv6 packet.
    Ipv6,
    /// LINKTYPE_LINUX_SLL2 (276): Linux cooked capture v2.
    LinuxSll2,
    /// LINKTYPE_PPP (9): PPP, with or without HDLC-like framing.
    Ppp,
    /// LINKTYPE_PPP_HDLC (50): PPP in HDLC-like framing.
    PppHdlc,
    /// LINKTYPE_PPP_ETHER (51): a PPPoE session header, then PPP.
    PppEther,
    /// LINKTYPE_C_HDLC (104): Cisco HDLC.
    CiscoHdlc,
    /// LINKTYPE_IEEE802_11 (105): 802.11 frames.
    Ieee80211,
    /// LINKTYPE_IEEE802_11_RADIOTAP (127): radiotap, then 802.11.
    Radiotap,
    /// LINKTYPE_NFLOG (239): Linux netfilter log records.
    Nflog,
}

impl LinkType {
    /// The link type of a pcap LINKTYPE number, if tcpphase reads it.
    pub const fn from_number(linktype: u32) -> Option<LinkType> {
        Some(match linktype {
            0 => LinkType::Null,
            1 => LinkType::Ethernet,
            // 12 and 14 are DLT_RAW on some BSDs; files should say 101, some say these.
            101 | 12 | 14 => LinkType::Raw,
            108 => LinkType::Loop,
            113 => LinkType::LinuxSll,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            276 => LinkType::LinuxSll2,
            9 => LinkType::Ppp,
            50 => LinkType::PppHdlc,
            51 => LinkType::PppEther,
            104 => LinkType::CiscoHdlc,
            105 => LinkType::Ieee80211,
            127 => LinkType::Radiotap,
            239 => LinkType::Nflog,
            _ => return None,
        })
    }

    /// The pcap LINKTYPE number.
    pub const fn number(self) -> u32 {
        match self {
            LinkType::Null => 0,
            LinkType::Ethernet => 1,
            LinkType::Raw => 101,
            LinkType::Loop => 108,
            LinkType::LinuxSll => 113,
            LinkType::Ipv4 => 228,
            LinkType::Ipv6 => 229,
            LinkType::LinuxSll2 => 276,
            LinkType::Ppp => 9,
            LinkType::PppHdlc => 50,
            LinkType::PppEther => 51,
            LinkType::CiscoHdlc => 104,
            LinkType::Ieee80211 => 105,
            LinkType::Radiotap => 127,
            LinkType::Nflog => 239,
        }
    }

    /// The LINKTYPE name without its prefix, as pcap spells it.
    pub const fn name(self) -> &'static str {
        match self {
            LinkType::Null => "NULL",
            LinkType::Ethernet => "ETHERNET",
            LinkType::Raw => "RAW",
            LinkType::Loop => "LOOP",
            LinkType::LinuxSll => "LINUX_SLL",
            LinkType::Ipv4 => "IPV4",
            LinkType::Ipv6 => "IPV6",
            LinkType::LinuxSll2 => "LINUX_SLL2",
            LinkType::Ppp => "PPP",
            LinkType::PppHdlc => "PPP_HDLC",
            LinkType::PppEther => "PPP_ETHER",
            LinkType::CiscoHdlc => "C_HDLC",
            LinkType::Ieee80211 => "IEEE802_11",
            LinkType::Radiotap => "IEEE802_11_RADIOTAP",
            LinkType::Nflog => "NFLOG",
        }
    }

    /// What the link type is, in words, for messages to users.
    pub const fn description(self) -> &'static str {
        match self {
            LinkType::Null => "BSD loopback",
            LinkType::Ethernet => "Ethernet",
            LinkType::Raw => "raw IP",
            LinkType::Loop => "OpenBSD loopback",
            LinkType::LinuxSll => "Linux cooked capture v1",
            LinkType::Ipv4 => "raw IPv4",
            LinkType::Ipv6 => "raw IPv6",
            LinkType::LinuxSll2 => "Linux cooked capture v2",
            LinkType::Ppp => "PPP",
            LinkType::PppHdlc => "PPP in HDLC framing",
            LinkType::PppEther => "PPPoE",
            LinkType::CiscoHdlc => "Cisco HDLC",
            LinkType::Ieee80211 => "802.11",
            LinkType::Radiotap => "802.11 with radiotap",
            LinkType::Nflog => "Linux NFLOG",
        }
    }

    /// Every link type tcpphase reads: the one list the faces use (for
    /// their messages, the fuzz target, tests).
    pub const ALL: [LinkType; 15] = [
        LinkType::Null,
        LinkType::Ethernet,
        LinkType::Raw,
        LinkType::Loop,
        LinkType::LinuxSll,
        LinkType::Ipv4,
        LinkType::Ipv6,
        LinkType::LinuxSll2,
        LinkType::Ppp,
        LinkType::PppHdlc,
        LinkType::PppEther,
        LinkType::CiscoHdlc,
        LinkType::Ieee80211,
        LinkType::Radiotap,
        LinkType::Nflog,
    ];

    /// LINKTYPE numbers some files use for a link type in [`LinkType::ALL`]
    /// under another number (12 and 14 are DLT_RAW on some BSDs).
    pub const ALIASES: [(u32, LinkType); 2] = [(12, LinkType::Raw), (14, LinkType::Raw)];

    /// The link types tcpphase reads, in words, comma-separated:
    /// what a message about an unsupported link type lists.
    ///
    /// ```
    /// use tcpphase::wire::LinkType;
    /// assert!(LinkType::supported_list().starts_with("BSD loopback, Ethernet, raw IP"));
    /// ```
    pub fn supported_list() -> String {
        let mut out = String::new();
        for (i, link) in LinkType::ALL.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(link.description());
        }
        out
    }
}

/// EtherType of IPv4.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// EtherType of IPv6.
pub const ETHERTYPE_IPV6: u16 = 0x86dd;
/// EtherType of an 802.1Q customer VLAN tag.
pub const ETHERTYPE_VLAN: u16 = 0x8100;
/// EtherType of an 802.1ad service VLAN tag (QinQ).
pub const ETHERTYPE_QINQ: u16 = 0x88a8;
/// EtherType some switches use for QinQ before 802.1ad.
pub const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
/// EtherType of MPLS unicast.
pub const ETHERTYPE_MPLS: u16 = 0x8847;
/// EtherType of a PPPoE session.
pub const ETHERTYPE_PPPOE_SESSION: u16 = 0x8864;
/// EtherType of MPLS multicast.
pub const ETHERTYPE_MPLS_MULTICAST: u16 = 0x8848;

/// What the link layer of a frame said, for display and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkSummary {
    /// VLAN IDs of the tags, outermost first (at most the first two are kept).
    pub vlan_ids: [u16; 2],
    /// How many VLAN tags the frame had.
    pub vlan_depth: u8,
    /// How many MPLS labels the frame had.
    pub mpls_depth: u8,
    /// How many tunnels (IP in IP, GRE, VXLAN, Geneve) the segment was
    /// found inside.
    pub tunnels: u8,
}
