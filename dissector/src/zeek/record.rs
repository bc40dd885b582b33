//! One conn.log row: what Zeek's `set_conn` fills in when a connection
//! leaves the table (`scripts/base/protocols/conn/main.zeek`).

use super::config::ZeekConfig;
use super::conn_state::ConnState;
use super::connection::Connection;
use super::endpoint_state::EndpointState;
use super::local_nets::is_private;
use core::net::IpAddr;

/// A conn.log row, Zeek's field for field (`None` is Zeek's unset `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZeekConnRecord {
    /// `ts`: the first packet's time, ns since the epoch.
    pub ts: u64,
    /// `uid`.
    pub uid: String,
    /// `id.orig_h`, `id.orig_p`.
    pub orig: (IpAddr, u16),
    /// `id.resp_h`, `id.resp_p`.
    pub resp: (IpAddr, u16),
    /// `duration` in ns: set only when above 0, as Zeek does.
    pub duration: Option<u64>,
    /// `orig_bytes` (sequence space, set with `duration`).
    pub orig_bytes: Option<u64>,
    /// `resp_bytes`.
    pub resp_bytes: Option<u64>,
    /// `conn_state`.
    pub conn_state: ConnState,
    /// `local_orig`: unset when private space is not local.
    pub local_orig: Option<bool>,
    /// `local_resp`.
    pub local_resp: Option<bool>,
    /// `missed_bytes`.
    pub missed_bytes: u64,
    /// `history` (unset when empty).
    pub history: Option<String>,
    /// `orig_pkts`.
    pub orig_pkts: u64,
    /// `orig_ip_bytes`.
    pub orig_ip_bytes: u64,
    /// `resp_pkts`.
    pub resp_pkts: u64,
    /// `resp_ip_bytes`.
    pub resp_ip_bytes: u64,
    /// The originator's final Zeek state.
    pub orig_state: EndpointState,
    /// The responder's final Zeek state.
    pub resp_state: EndpointState,
}

impl ZeekConnRecord {
    /// The row of `conn` as it leaves the table.
    pub fn of(conn: &Connection, uid: String, config: &ZeekConfig) -> Self {
        let [o, r] = &conn.endpoints;
        let (orig_size, resp_size) = conn.sizes();
        let duration = conn.last_time.saturating_sub(conn.start_time);
        let has_duration = duration > 0;
        let history = conn.history.as_str();
        let local = |a: IpAddr| config.private_address_space_is_local.then(|| is_private(a));
        ZeekConnRecord {
            ts: conn.start_time,
            uid,
            orig: conn.orig,
            resp: conn.resp,
            duration: has_duration.then_some(duration),
            orig_bytes: has_duration.then_some(orig_size),
            resp_bytes: has_duration.then_some(resp_size),
            conn_state: ConnState::of(o.state, r.state, orig_size, resp_size, history),
            local_orig: local(conn.orig.0),
            local_resp: local(conn.resp.0),
            missed_bytes: conn.missed_bytes,
            history: (!history.is_empty()).then(|| history.to_string()),
            orig_pkts: o.pkts,
            orig_ip_bytes: o.ip_bytes,
            resp_pkts: r.pkts,
            resp_ip_bytes: r.ip_bytes,
            orig_state: o.state,
            resp_state: r.state,
        }
    }
}
