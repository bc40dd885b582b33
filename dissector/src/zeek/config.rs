//! Zeek's TCP timers and options, with the defaults of Zeek's
//! `scripts/base/init-bare.zeek`.

/// One second in nanoseconds.
const SEC: u64 = 1_000_000_000;

/// The settings of Zeek's TCP connection bounding, all in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZeekConfig {
    /// `tcp_attempt_delay` (5 s): an originator's SYN that nothing answered
    /// by then ends the attempt (`AttemptTimer`).
    pub tcp_attempt_delay: u64,
    /// `tcp_close_delay` (5 s): after both sides closed (or a RST), the
    /// connection leaves the table this long after its last packet.
    pub tcp_close_delay: u64,
    /// `tcp_reset_delay` (5 s): after a RST that follows a FIN, the
    /// connection leaves the table this long after the RST (`ResetTimer`).
    pub tcp_reset_delay: u64,
    /// `tcp_inactivity_timeout` (5 min): an established connection idle
    /// this long leaves the table.
    pub tcp_inactivity_timeout: u64,
    /// `udp_inactivity_timeout` (1 min): what Zeek's TCP analyzer sets
    /// as the inactivity timeout until the handshake is done.
    pub udp_inactivity_timeout: u64,
    /// `tcp_SYN_timeout` (5 s): when the first expire check runs.
    pub tcp_syn_timeout: u64,
    /// `tcp_session_timer` (6 s): how often the expire check runs again
    /// (0: it does not run again).
    pub tcp_session_timer: u64,
    /// `tcp_connection_linger` (5 s): how long a closed or half-closed
    /// connection stays idle before the expire check removes it.
    pub tcp_connection_linger: u64,
    /// `tcp_max_above_hole_without_any_acks` (16384): bytes buffered above
    /// a hole, nothing acked, before Zeek stops tracking content.
    pub tcp_max_above_hole_without_any_acks: u64,
    /// `report_gaps_for_partial` (F): content gaps reported outside the
    /// established (or cleanly closing) states too.
    pub report_gaps_for_partial: bool,
    /// `ignore_checksums` (F; `zeek -C` sets it): when false a segment
    /// with a wrong TCP checksum only writes `C` / `c` in the history.
    pub ignore_checksums: bool,
    /// `Site::private_address_space_is_local` (T): private addresses count
    /// as local for `local_orig` / `local_resp`; when false both are unset.
    pub private_address_space_is_local: bool,
}

impl Default for ZeekConfig {
    fn default() -> Self {
        ZeekConfig {
            tcp_attempt_delay: 5 * SEC,
            tcp_close_delay: 5 * SEC,
            tcp_reset_delay: 5 * SEC,
            tcp_inactivity_timeout: 300 * SEC,
            udp_inactivity_timeout: 60 * SEC,
            tcp_syn_timeout: 5 * SEC,
            tcp_session_timer: 6 * SEC,
            tcp_connection_linger: 5 * SEC,
            tcp_max_above_hole_without_any_acks: 16384,
            report_gaps_for_partial: false,
            ignore_checksums: false,
            private_address_space_is_local: true,
        }
    }
}

impl ZeekConfig {
    /// The names `--zeek-opt NAME=SECONDS` accepts, as Zeek spells them.
    pub const TIMER_NAMES: [&'static str; 8] = [
        "tcp_attempt_delay",
        "tcp_close_delay",
        "tcp_reset_delay",
        "tcp_inactivity_timeout",
        "udp_inactivity_timeout",
        "tcp_SYN_timeout",
        "tcp_session_timer",
        "tcp_connection_linger",
    ];

    /// Sets the timer Zeek calls `name` to `ns`; false for an unknown name.
    pub fn set_timer(&mut self, name: &str, ns: u64) -> bool {
        let slot = match name {
            "tcp_attempt_delay" => &mut self.tcp_attempt_delay,
            "tcp_close_delay" => &mut self.tcp_close_delay,
            "tcp_reset_delay" => &mut self.tcp_reset_delay,
            "tcp_inactivity_timeout" => &mut self.tcp_inactivity_timeout,
            "udp_inactivity_timeout" => &mut self.udp_inactivity_timeout,
            "tcp_SYN_timeout" => &mut self.tcp_syn_timeout,
            "tcp_session_timer" => &mut self.tcp_session_timer,
            "tcp_connection_linger" => &mut self.tcp_connection_linger,
            _ => return false,
        };
        *slot = ns;
        true
    }
}
