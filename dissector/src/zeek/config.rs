//! Zeek's TCP timers and options, with the defaults of Zeek's
//! `scripts/base/init-bare.zeek`.

use super::server_ports::ServerPorts;

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
    /// `tcp_partial_close_delay` (3 s): a side whose first packet closed
    /// (FIN) while its peer is open ends the connection this long after,
    /// unless both close first (`PartialCloseTimer`). Zeek sets this timer
    /// only when a script handles `connection_partial_close`; see
    /// [`ZeekConfig::connection_partial_close`].
    pub tcp_partial_close_delay: u64,
    /// Whether a loaded script handles `connection_partial_close` (F):
    /// Zeek's base scripts do not, so by default the partial-close timer
    /// is never set.
    pub connection_partial_close: bool,
    /// `tcp_max_initial_window` (16384 bytes; 0: off): once a side sent
    /// more than this and none of it was acked, Zeek keeps no delivered
    /// data of it waiting for an ack (it presumes the acks are not seen).
    pub tcp_max_initial_window: u64,
    /// `tcp_max_above_hole_without_any_acks` (16384 bytes; 0: off): bytes
    /// buffered above a hole, nothing acked, before Zeek stops tracking
    /// content.
    pub tcp_max_above_hole_without_any_acks: u64,
    /// `tcp_excessive_data_without_further_acks` (10 MiB; 0: off): bytes a
    /// side may have waiting for acks (delivered or above a hole) before
    /// Zeek stops tracking its content: no more gaps, no close held.
    pub tcp_excessive_data_without_further_acks: u64,
    /// `report_gaps_for_partial` (F): content gaps reported outside the
    /// established (or cleanly closing) states too.
    pub report_gaps_for_partial: bool,
    /// `ignore_checksums` (F; `zeek -C` sets it): when false a segment
    /// with a wrong TCP checksum only writes `C` / `c` in the history.
    pub ignore_checksums: bool,
    /// `likely_server_ports`: the ports Zeek takes for a server's when a
    /// connection begins without a SYN (those its base scripts' analyzers
    /// register).
    pub likely_server_ports: ServerPorts,
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
            tcp_partial_close_delay: 3 * SEC,
            connection_partial_close: false,
            tcp_max_initial_window: 16384,
            tcp_max_above_hole_without_any_acks: 16384,
            tcp_excessive_data_without_further_acks: 10 * 1024 * 1024,
            report_gaps_for_partial: false,
            ignore_checksums: false,
            private_address_space_is_local: true,
            likely_server_ports: ServerPorts::default(),
        }
    }
}

impl ZeekConfig {
    /// The names `--zeek-opt NAME=SECONDS` accepts, as Zeek spells them.
    pub const TIMER_NAMES: [&'static str; 9] = [
        "tcp_attempt_delay",
        "tcp_close_delay",
        "tcp_reset_delay",
        "tcp_inactivity_timeout",
        "udp_inactivity_timeout",
        "tcp_SYN_timeout",
        "tcp_session_timer",
        "tcp_connection_linger",
        "tcp_partial_close_delay",
    ];

    /// The names `--zeek-opt NAME=BYTES` accepts, as Zeek spells them.
    pub const COUNT_NAMES: [&'static str; 3] = [
        "tcp_max_initial_window",
        "tcp_max_above_hole_without_any_acks",
        "tcp_excessive_data_without_further_acks",
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
            "tcp_partial_close_delay" => &mut self.tcp_partial_close_delay,
            _ => return false,
        };
        *slot = ns;
        true
    }

    /// Sets the byte count Zeek calls `name` to `bytes`; false for an
    /// unknown name.
    pub fn set_count(&mut self, name: &str, bytes: u64) -> bool {
        let slot = match name {
            "tcp_max_initial_window" => &mut self.tcp_max_initial_window,
            "tcp_max_above_hole_without_any_acks" => &mut self.tcp_max_above_hole_without_any_acks,
            "tcp_excessive_data_without_further_acks" => {
                &mut self.tcp_excessive_data_without_further_acks
            }
            _ => return false,
        };
        *slot = bytes;
        true
    }
}
