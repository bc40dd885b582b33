//! Each endpoint's state at one moment, as the tracker holds it: the one
//! source the `states` view formats (a netstat / ss style listing).

use crate::phase::TcpState;
use crate::summary::Role;
use core::net::SocketAddr;

/// One endpoint of a connection in the table, at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointSnapshot {
    /// Connection number.
    pub conn: u64,
    /// Wireshark stream number.
    pub stream: u64,
    /// Client or server.
    pub role: Role,
    /// This endpoint's address.
    pub local: SocketAddr,
    /// The other endpoint's address.
    pub peer: SocketAddr,
    /// Its state at the moment: TIME-WAIT has become CLOSED once 2 x MSL
    /// of capture time passed since it last (re)started (a retransmitted
    /// FIN restarts it).
    pub state: TcpState,
    /// When its TIME-WAIT ran out, ns since the epoch, when it did by the
    /// moment (no frame moved it: its host's timer did).
    pub expired_at_ns: Option<u64>,
}
