//! Which Wireshark's rule numbers streams: a user matches the Wireshark
//! they have, the tests the tshark they run.

/// When a pure SYN on a known 4-tuple opens a new stream (`tcp.stream`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StreamRule {
    /// Wireshark 4.0 to 4.2: when its sequence number differs from that
    /// side's base sequence number.
    Wireshark40,
    /// Wireshark 4.4 and later: also whenever the stream has seen a RST or
    /// a FIN, whatever its sequence number (a stack retrying `connect()`
    /// with the same one after a RST gets a new stream).
    #[default]
    Wireshark44,
}

impl StreamRule {
    /// Every rule.
    pub const ALL: [StreamRule; 2] = [StreamRule::Wireshark40, StreamRule::Wireshark44];

    /// `4.0` or `4.4`, as the command line spells it.
    pub const fn name(self) -> &'static str {
        match self {
            StreamRule::Wireshark40 => "4.0",
            StreamRule::Wireshark44 => "4.4",
        }
    }

    /// The rule named `name` (`4.0` or `4.4`).
    ///
    /// ```
    /// use tcpphase::track::StreamRule;
    /// assert_eq!(StreamRule::from_name("4.0"), Some(StreamRule::Wireshark40));
    /// assert_eq!(StreamRule::default().name(), "4.4");
    /// assert_eq!(StreamRule::from_name("3.6"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<StreamRule> {
        StreamRule::ALL.into_iter().find(|r| r.name() == name)
    }
}
