//! A connection summary's record (`conns --json`, `--csv`).

use super::value::seconds;
use super::{Fields, Record, Value};
use tcpphase::summary::ConnSummary;

impl Record for ConnSummary {
    // Inlined into the record writer, so that each value is spelled
    // straight from the record, the line's cursor in registers.
    #[inline(always)]
    fn layout<F: Fields<Self>>(f: &mut F) -> Result<(), F::Error> {
        f.field("conn", |s| Value::U64(s.conn))?;
        f.field("stream", |s| Value::U64(s.stream))?;
        f.field("client", |s| Value::Addr(s.client))?;
        f.field("server", |s| Value::Addr(s.server))?;
        f.field("origin_guessed", |s| Value::Bool(s.origin_guessed))?;
        f.field("handshake", |s| Value::Str(s.handshake.name()))?;
        f.field("rtt_syn_synack", |s| {
            Value::OptSeconds(s.syn_to_syn_ack_ns.map(seconds))
        })?;
        f.field("rtt_synack_ack", |s| {
            Value::OptSeconds(s.syn_ack_to_ack_ns.map(seconds))
        })?;
        f.field("close", |s| Value::Str(s.close.name()))?;
        f.field("active_closer", |s| {
            Value::Str(s.active_closer.map_or("", |r| r.name()))
        })?;
        f.field("client_state", |s| Value::Str(s.client_state.name()))?;
        f.field("server_state", |s| Value::Str(s.server_state.name()))?;
        f.field("conn_state", |s| Value::Str(s.conn_state))?;
        f.field("history", |s| Value::Str(s.history.as_str()))?;
        f.field("completeness", |s| Value::U64(s.completeness.into()))?;
        f.field("client_packets", |s| Value::U64(s.client_packets))?;
        f.field("server_packets", |s| Value::U64(s.server_packets))?;
        f.field("client_bytes", |s| Value::U64(s.client_bytes))?;
        f.field("server_bytes", |s| Value::U64(s.server_bytes))?;
        f.field("first_ts", |s| Value::Seconds(seconds(s.first_ts_ns)))?;
        f.field("last_ts", |s| Value::Seconds(seconds(s.last_ts_ns)))
    }
}
